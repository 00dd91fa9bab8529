using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>Which of an outlet's technicians works on an order.</summary>
public static class TechnicianChoice
{
    /// <summary>
    /// The technician named (who must be on shift and certified for the capability on the outlet's
    /// local <paramref name="day"/>, the day the work is booked for, and, given the outlet's
    /// <paramref name="calendar"/>, scheduled to work that day: not on leave, a shift while the outlet
    /// is open) or, when none is named, the qualifying technician with the fewest active orders, the id
    /// breaking ties so the choice is repeatable.
    /// </summary>
    /// <param name="activeOrdersOf">Technician id → active orders they work on.</param>
    public static string Choose(string outletId, IEnumerable<TechnicianProfile> roster, Func<string, int> activeOrdersOf, string? technicianId, string capability, DateOnly day, BusinessCalendar? calendar = null)
    {
        var technicians = roster as IReadOnlyCollection<TechnicianProfile> ?? [.. roster];
        // Only for the refusals: the message names the day in the outlet's zone when it is known.
        string When() => calendar is null ? $"{day:yyyy-MM-dd}" : calendar.Describe(day);
        bool Qualifies(TechnicianProfile t) => t.CanWorkOn(capability, day) && (calendar is null || t.Schedule.IsWorkingOn(calendar, day));
        if (!string.IsNullOrEmpty(technicianId))
        {
            var named = technicians.FirstOrDefault(t => t.TechnicianId == technicianId) ?? throw DomainException.NotFound("technician", technicianId);
            return Qualifies(named)
                ? technicianId
                : throw DomainException.Precondition($"technician '{technicianId}' is not scheduled with a valid certification for {capability} on {When()}");
        }

        return technicians
            .Where(Qualifies)
            .OrderBy(t => activeOrdersOf(t.TechnicianId))
            .ThenBy(t => t.TechnicianId, StringComparer.Ordinal)
            .Select(t => t.TechnicianId)
            .FirstOrDefault()
            ?? throw DomainException.Precondition($"no technician of outlet '{outletId}' is scheduled with a valid certification for {capability} on {When()}");
    }
}
