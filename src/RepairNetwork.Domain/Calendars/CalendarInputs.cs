using System.Collections.Immutable;

namespace RepairNetwork.Domain.Calendars;

/// <summary>
/// Entry points for input that arrives as separate first and last days (the API's first_day/last_day):
/// the same range rule as every calendar uses, with the error naming the last day the caller sent.
/// </summary>
public static class DateRanges
{
    /// <summary>A valid range (not reversed, at most a year); errors name <paramref name="lastDayField"/>.</summary>
    public static DateRange Create(DateOnly first, DateOnly last, string lastDayField) =>
        CalendarRules.RequireRange(DateRange.Of(first, last), lastDayField);
}

/// <summary>Holiday calendars headquarters assigns to one outlet by id (on top of those of its region).</summary>
public static class AssignedHolidayCalendars
{
    public const int MaxAssigned = 20;

    /// <summary>Valid ids, sorted and distinct; fields are named <c>{field}[i]</c>. Whether each calendar exists is the caller's lookup.</summary>
    public static ImmutableArray<string> Create(IEnumerable<string> calendarIds, string field)
    {
        var list = calendarIds.ToList();
        CalendarRules.RequireCount(list.Count, MaxAssigned, field, "holiday calendars");
        for (var i = 0; i < list.Count; i++)
        {
            Identifiers.RequireId(list[i], $"{field}[{i}]");
        }

        return [.. list.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
