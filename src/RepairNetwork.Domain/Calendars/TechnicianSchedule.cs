using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Calendars;

/// <summary>One shift on one weekday, in the outlet's local time, from <see cref="Starts"/> up to but not including <see cref="Ends"/>.</summary>
[GenerateSerializer, Alias("rn.ShiftPeriod"), Immutable]
public sealed record ShiftPeriod
{
    [Id(0)] public required DayOfWeek Day { get; init; }

    [Id(1)] public required TimeOnly Starts { get; init; }

    [Id(2)] public required TimeOnly Ends { get; init; }

    public static ShiftPeriod Of(DayOfWeek day, int startsHour, int endsHour) =>
        new() { Day = day, Starts = new TimeOnly(startsHour, 0), Ends = new TimeOnly(endsHour, 0) };
}

/// <summary>Local dates a technician does not work, with the reason (annual leave, training).</summary>
[GenerateSerializer, Alias("rn.LeavePeriod"), Immutable]
public sealed record LeavePeriod
{
    [Id(0)] public required DateRange Dates { get; init; }

    [Id(1)] public required string Reason { get; init; }

    public static LeavePeriod Of(string reason, DateOnly first, DateOnly last) => new() { Reason = reason, Dates = DateRange.Of(first, last) };
}

/// <summary>
/// When a technician works: a weekly shift pattern (periods per weekday, the rules of opening periods)
/// and leave. Without a pattern the technician works whenever the outlet is open, so technicians stored
/// before shifts existed keep working. A technician only works while the outlet is open: shifts are cut
/// to the outlet's hours of the day, and none are worked on a day it is closed. On a make-up workday the
/// shifts of the weekday it works as apply. Leave always applies.
/// </summary>
[GenerateSerializer, Alias("rn.TechnicianSchedule"), Immutable]
public sealed record TechnicianSchedule
{
    public const int MaxShifts = 7 * CalendarRules.MaxPeriodsPerDay;
    public const int MaxLeave = 100;
    public const int MaxReasonLength = 200;

    /// <summary>No pattern and no leave: works whenever the outlet is open.</summary>
    public static readonly TechnicianSchedule WhenOutletOpen = new() { Shifts = [], Leave = [] };

    /// <summary>Monday first, then by start; empty = works whenever the outlet is open.</summary>
    [Id(0)] public required ImmutableArray<ShiftPeriod> Shifts { get; init; }

    /// <summary>Sorted by date; no two share a day.</summary>
    [Id(1)] public required ImmutableArray<LeavePeriod> Leave { get; init; }

    public bool HasPattern => !Shifts.IsDefaultOrEmpty;

    /// <summary>
    /// Validates and normalizes. Fields: <c>{field}.shifts[i].day</c> (not a day of the week),
    /// <c>{field}.shifts</c> (ends at or before it starts, overlap, count), <c>{field}.leave[i].dates|reason</c>,
    /// <c>{field}.leave</c> (overlap, count).
    /// </summary>
    public static TechnicianSchedule Create(IEnumerable<ShiftPeriod> shifts, IEnumerable<LeavePeriod> leave, string field)
    {
        var shiftList = shifts.ToList();
        CalendarRules.RequireCount(shiftList.Count, MaxShifts, $"{field}.shifts", $"shift periods ({CalendarRules.MaxPeriodsPerDay} a day)");
        for (var i = 0; i < shiftList.Count; i++)
        {
            CalendarRules.RequireDay(shiftList[i].Day, $"{field}.shifts[{i}].day");
        }

        var sortedShifts = ImmutableArray.CreateBuilder<ShiftPeriod>(shiftList.Count);
        foreach (var day in shiftList.GroupBy(s => s.Day).OrderBy(g => CalendarRules.DayIndex(g.Key)))
        {
            var periods = CalendarRules.RequireDayPeriods(day.Select(s => new TimePeriod { Opens = s.Starts, Closes = s.Ends }), $"{field}.shifts", day.Key.ToString());
            sortedShifts.AddRange(periods.Select(p => new ShiftPeriod { Day = day.Key, Starts = p.Opens, Ends = p.Closes }));
        }

        var leaveList = leave.ToList();
        CalendarRules.RequireCount(leaveList.Count, MaxLeave, $"{field}.leave", "leave periods");
        var checkedLeave = leaveList.Select((l, i) => new LeavePeriod
        {
            Reason = Identifiers.RequireText(l.Reason, $"{field}.leave[{i}].reason", MaxReasonLength),
            Dates = CalendarRules.RequireRange(l.Dates, $"{field}.leave[{i}].dates"),
        });

        return new TechnicianSchedule
        {
            Shifts = sortedShifts.ToImmutable(),
            Leave = CalendarRules.SortedWithoutOverlap(checkedLeave, l => l.Dates, l => l.Reason, $"{field}.leave"),
        };
    }

    public bool SameAs(TechnicianSchedule other) =>
        Shifts.AsSpan().SequenceEqual(other.Shifts.AsSpan()) && Leave.AsSpan().SequenceEqual(other.Leave.AsSpan());

    public LeavePeriod? LeaveOn(DateOnly date) => CalendarRules.Find(Leave, date, l => l.Dates);

    /// <summary>Whether the technician is working at an instant: on shift (or no pattern), not on leave, and the outlet open.</summary>
    public bool IsWorkingAt(BusinessCalendar calendar, DateTimeOffset at)
    {
        // Only the instant's own local day can hold it (see LocalTimes).
        return WorkingIntervalsOn(calendar, calendar.LocalDate(at)).Any(i => i.Contains(at));
    }

    /// <summary>Whether the technician works at all on a local date within the outlet's open hours.</summary>
    public bool IsWorkingOn(BusinessCalendar calendar, DateOnly date) => !WorkingIntervalsOn(calendar, date).IsEmpty;

    /// <summary>The technician's working time on a local date (within the outlet's open hours) as UTC instants, sorted.</summary>
    public ImmutableArray<OpenInterval> WorkingIntervalsOn(BusinessCalendar calendar, DateOnly date)
    {
        var day = calendar.DayOn(date);
        return [.. WorkingIntervals(calendar, day, LocalTimes.Union(calendar.Intervals(day)))];
    }

    internal IReadOnlyList<OpenInterval> WorkingIntervals(BusinessCalendar calendar, DaySchedule day, IReadOnlyList<OpenInterval> open)
    {
        if (open.Count == 0 || LeaveOn(day.Date) is not null)
        {
            return [];
        }

        if (!HasPattern)
        {
            return open;
        }

        var shifts = calendar.Intervals(day.Date, Shifts.Where(s => s.Day == day.WorksAs).Select(s => new TimePeriod { Opens = s.Starts, Closes = s.Ends }));
        return LocalTimes.Intersect(open, LocalTimes.Union(shifts));
    }
}
