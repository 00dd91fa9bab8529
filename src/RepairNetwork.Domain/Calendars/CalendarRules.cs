using System.Collections.Immutable;

namespace RepairNetwork.Domain.Calendars;

/// <summary>Validation shared by holiday calendars, outlet closures and technician schedules.</summary>
internal static class CalendarRules
{
    /// <summary>A date range may span at most a year (366 days, so a leap year fits).</summary>
    public const int MaxRangeDays = 366;

    public const int MaxPeriodsPerDay = 4;

    public static DateRange RequireRange(DateRange range, string field)
    {
        if (range.Last < range.First)
        {
            throw DomainException.Invalid(field, $"is reversed: it ends {range.Last:yyyy-MM-dd} before it starts {range.First:yyyy-MM-dd}");
        }

        if (range.Days > MaxRangeDays)
        {
            throw DomainException.Invalid(field, $"must span at most a year ({MaxRangeDays} days); {range} spans {range.Days} days");
        }

        return range;
    }

    public static void RequireCount(int count, int max, string field, string what)
    {
        if (count > max)
        {
            throw DomainException.Invalid(field, $"must list at most {max} {what} (got {count})");
        }
    }

    /// <summary>Sorted by first date; throws when two ranges share a day, naming both.</summary>
    public static ImmutableArray<T> SortedWithoutOverlap<T>(IEnumerable<T> items, Func<T, DateRange> range, Func<T, string> name, string field)
    {
        var sorted = items.OrderBy(i => range(i).First).ToImmutableArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (range(sorted[i - 1]).Overlaps(range(sorted[i])))
            {
                throw DomainException.Invalid(field, $"must not overlap: '{name(sorted[i - 1])}' ({range(sorted[i - 1])}) and '{name(sorted[i])}' ({range(sorted[i])})");
            }
        }

        return sorted;
    }

    public static DayOfWeek RequireDay(DayOfWeek day, string field)
    {
        if (!Enum.IsDefined(day))
        {
            throw DomainException.Invalid(field, $"{(int)day} is not a day of the week: use Sunday (0) to Saturday (6)");
        }

        return day;
    }

    /// <summary>Periods of one day, sorted; each must close after it opens on the same day and none may overlap.</summary>
    public static ImmutableArray<TimePeriod> RequireDayPeriods(IEnumerable<TimePeriod> periods, string field, string label)
    {
        var list = periods.OrderBy(p => p.Opens).ToImmutableArray();
        RequireCount(list.Length, MaxPeriodsPerDay, field, "periods a day");
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Closes <= list[i].Opens)
            {
                throw DomainException.Invalid(field, $"{label} {list[i]}: must end later than it starts on the same day (a period cannot run past midnight)");
            }

            if (i > 0 && list[i - 1].Closes > list[i].Opens)
            {
                throw DomainException.Invalid(field, $"{label}: periods {list[i - 1]} and {list[i]} overlap");
            }
        }

        return list;
    }

    /// <summary>The item whose range covers a date, in items sorted by date with disjoint ranges (binary search).</summary>
    public static T? Find<T>(ImmutableArray<T> sorted, DateOnly date, Func<T, DateRange> range)
        where T : class
    {
        int lo = 0, hi = sorted.IsDefault ? -1 : sorted.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var r = range(sorted[mid]);
            if (date < r.First)
            {
                hi = mid - 1;
            }
            else if (date > r.Last)
            {
                lo = mid + 1;
            }
            else
            {
                return sorted[mid];
            }
        }

        return null;
    }

    public static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;
}
