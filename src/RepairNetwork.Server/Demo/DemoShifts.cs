using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Server.Demo;

/// <summary>
/// Weekly shift patterns for the demo technicians, chosen by a stable hash of the id so every load
/// gives the same answer: 4 in 10 work Mon-Fri 10:00-19:00, 2 in 10 Wed-Sun 13:00-22:00 (the evening
/// and weekend cover), the rest have no pattern and work whenever their outlet is open.
/// </summary>
public static class DemoShifts
{
    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
    private static readonly DayOfWeek[] LateWeek = [DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static TechnicianProfile Give(TechnicianProfile profile)
    {
        if (profile.Schedule.HasPattern)
        {
            return profile;
        }

        var shifts = (StableHash(profile.TechnicianId) % 10) switch
        {
            < 4 => Weekdays.Select(d => ShiftPeriod.Of(d, 10, 19)),
            < 6 => LateWeek.Select(d => ShiftPeriod.Of(d, 13, 22)),
            _ => [],
        };
        return profile with { Schedule = TechnicianSchedule.Create(shifts, profile.Schedule.Leave, "technician") };
    }

    /// <summary>FNV-1a: string.GetHashCode differs between processes.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
