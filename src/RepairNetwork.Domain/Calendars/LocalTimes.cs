namespace RepairNetwork.Domain.Calendars;

/// <summary>An open (or working) stretch of time, from <see cref="Start"/> up to but not including <see cref="End"/>, as UTC instants.</summary>
public readonly record struct OpenInterval(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Duration => End - Start;

    public bool Contains(DateTimeOffset at) => Start <= at && at < End;
}

/// <summary>
/// Local wall-clock time to instants, one rule for every calendar:
/// <list type="bullet">
/// <item>a local time in a spring-forward gap (e.g. 02:30 on 2027-03-28 in Europe/Berlin) does not exist and
/// maps to the instant the gap ends (03:00 CEST): a period opening in the gap opens when the clocks have
/// jumped, a period closing in it closes then; a period wholly inside the gap is empty;</item>
/// <item>a local time in a fall-back overlap (e.g. 02:30 on 2027-10-31 in Europe/Berlin happens twice) maps to
/// its first occurrence (02:30 CEST), for openings and closings alike.</item>
/// </list>
/// The mapping never goes backwards, so days and periods that touch on the wall clock touch as instants
/// too: no instant belongs to two local days and an around-the-clock day has no hole.
/// </summary>
public static class LocalTimes
{
    /// <summary>The instant (offset zero) of a wall-clock time on a local date; <paramref name="sinceMidnight"/> may be 24 h (the next midnight).</summary>
    public static DateTimeOffset ToInstant(TimeZoneInfo zone, DateOnly date, TimeSpan sinceMidnight)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified) + sinceMidnight;
        if (zone.IsInvalidTime(local))
        {
            return GapEnd(zone, local);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return Utc(local - offset);
    }

    /// <summary>The outlet's local date and time at an instant.</summary>
    public static DateTime ToLocal(TimeZoneInfo zone, DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).DateTime;

    public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset at) => DateOnly.FromDateTime(ToLocal(zone, at));

    /// <summary>The first instant whose wall clock reads <paramref name="local"/> or later: the end of the gap.</summary>
    private static DateTimeOffset GapEnd(TimeZoneInfo zone, DateTime local)
    {
        // Offsets a day either side are before and after the transition (zones change at most once a day).
        var before = zone.GetUtcOffset(local.AddDays(-1));
        var after = zone.GetUtcOffset(local.AddDays(1));
        if (after <= before)
        {
            return Utc(local - before);
        }

        // The transition lies in (local - after, local - before]; find the first instant whose wall clock has passed local.
        var lo = (local - after).Ticks;
        var hi = (local - before).Ticks;
        while (hi - lo > 1)
        {
            var mid = lo + ((hi - lo) / 2);
            var utc = new DateTime(mid, DateTimeKind.Utc);
            if (utc + zone.GetUtcOffset(utc) >= local)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return Utc(new DateTime(hi, DateTimeKind.Unspecified));
    }

    private static DateTimeOffset Utc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), TimeSpan.Zero);

    /// <summary>Intervals covered by both sorted, disjoint lists.</summary>
    internal static List<OpenInterval> Intersect(IReadOnlyList<OpenInterval> a, IReadOnlyList<OpenInterval> b)
    {
        var result = new List<OpenInterval>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = a[i].Start > b[j].Start ? a[i].Start : b[j].Start;
            var end = a[i].End < b[j].End ? a[i].End : b[j].End;
            if (start < end)
            {
                result.Add(new OpenInterval(start, end));
            }

            if (a[i].End < b[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    /// <summary>Sorted, merged union (touching intervals join).</summary>
    internal static List<OpenInterval> Union(IEnumerable<OpenInterval> intervals)
    {
        var result = new List<OpenInterval>();
        foreach (var iv in intervals.OrderBy(x => x.Start))
        {
            if (result.Count > 0 && iv.Start <= result[^1].End)
            {
                if (iv.End > result[^1].End)
                {
                    result[^1] = result[^1] with { End = iv.End };
                }
            }
            else
            {
                result.Add(iv);
            }
        }

        return result;
    }
}
