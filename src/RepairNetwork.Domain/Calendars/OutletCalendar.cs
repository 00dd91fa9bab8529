using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Calendars;

/// <summary>The outlet is closed all day on these local dates (stocktake, renovation); at most a year.</summary>
[GenerateSerializer, Alias("rn.OutletClosure"), Immutable]
public sealed record OutletClosure
{
    [Id(0)] public required DateRange Dates { get; init; }

    [Id(1)] public required string Reason { get; init; }

    public static OutletClosure Of(string reason, DateOnly first, DateOnly last) => new() { Reason = reason, Dates = DateRange.Of(first, last) };
}

/// <summary>Hours for one local date that replace the weekly hours that day; no periods = closed that day.</summary>
[GenerateSerializer, Alias("rn.SpecialHours"), Immutable]
public sealed record SpecialHours
{
    [Id(0)] public required DateOnly Date { get; init; }

    [Id(1)] public required ImmutableArray<TimePeriod> Periods { get; init; }

    [Id(2)] public required string Reason { get; init; }

    public bool IsClosed => Periods.IsDefaultOrEmpty;

    public static SpecialHours Of(DateOnly date, string reason, params TimePeriod[] periods) =>
        new() { Date = date, Reason = reason, Periods = [.. periods] };
}

/// <summary>An outlet's own closures and special hours, kept by the outlet next to its weekly hours.</summary>
[GenerateSerializer, Alias("rn.OutletCalendar"), Immutable]
public sealed record OutletCalendar
{
    public const int MaxClosures = 100;
    public const int MaxSpecialHours = 366;
    public const int MaxReasonLength = 200;

    public static readonly OutletCalendar Empty = new() { Closures = [], SpecialHours = [] };

    /// <summary>Sorted by date; no two share a day.</summary>
    [Id(0)] public required ImmutableArray<OutletClosure> Closures { get; init; }

    /// <summary>Sorted by date; one per date.</summary>
    [Id(1)] public required ImmutableArray<SpecialHours> SpecialHours { get; init; }

    /// <summary>
    /// Validates and normalizes. Fields: <c>{field}.closures[i].dates|reason</c>, <c>{field}.closures</c>
    /// (overlap, count), <c>{field}.special_hours[i].periods|reason</c>, <c>{field}.special_hours</c> (duplicate date, count).
    /// A special-hours date inside a closure is allowed: the closure wins.
    /// </summary>
    public static OutletCalendar Create(IEnumerable<OutletClosure> closures, IEnumerable<SpecialHours> specialHours, string field)
    {
        var closureList = closures.ToList();
        CalendarRules.RequireCount(closureList.Count, MaxClosures, $"{field}.closures", "closures");
        var checkedClosures = closureList.Select((c, i) => new OutletClosure
        {
            Reason = Identifiers.RequireText(c.Reason, $"{field}.closures[{i}].reason", MaxReasonLength),
            Dates = CalendarRules.RequireRange(c.Dates, $"{field}.closures[{i}].dates"),
        });
        var sortedClosures = CalendarRules.SortedWithoutOverlap(checkedClosures, c => c.Dates, c => c.Reason, $"{field}.closures");

        var specialList = specialHours.ToList();
        CalendarRules.RequireCount(specialList.Count, MaxSpecialHours, $"{field}.special_hours", "dates with special hours");
        var checkedSpecial = specialList.Select((s, i) => new SpecialHours
        {
            Date = s.Date,
            Reason = Identifiers.RequireText(s.Reason, $"{field}.special_hours[{i}].reason", MaxReasonLength),
            Periods = CalendarRules.RequireDayPeriods(s.Periods.IsDefault ? [] : s.Periods, $"{field}.special_hours[{i}].periods", $"{s.Date:yyyy-MM-dd}"),
        }).OrderBy(s => s.Date).ToImmutableArray();
        for (var i = 1; i < checkedSpecial.Length; i++)
        {
            if (checkedSpecial[i - 1].Date == checkedSpecial[i].Date)
            {
                throw DomainException.Invalid($"{field}.special_hours", $"lists {checkedSpecial[i].Date:yyyy-MM-dd} more than once");
            }
        }

        return new OutletCalendar { Closures = sortedClosures, SpecialHours = checkedSpecial };
    }

    public OutletClosure? ClosureOn(DateOnly date) => CalendarRules.Find(Closures, date, c => c.Dates);

    public SpecialHours? SpecialHoursOn(DateOnly date) => CalendarRules.Find(SpecialHours, date, s => DateRange.Day(s.Date));

    public bool SameAs(OutletCalendar other) =>
        Closures.SequenceEqual(other.Closures)
        && SpecialHours.Length == other.SpecialHours.Length
        && SpecialHours.Zip(other.SpecialHours).All(p => p.First.Date == p.Second.Date && p.First.Reason == p.Second.Reason && p.First.Periods.SequenceEqual(p.Second.Periods));
}
