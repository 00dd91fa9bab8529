using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Outlets;

/// <summary>One opening period on one weekday, in the outlet's local time.</summary>
[GenerateSerializer, Alias("rn.OpeningPeriod"), Immutable]
public sealed record OpeningPeriod
{
    [Id(0)] public required DayOfWeek Day { get; init; }

    [Id(1)] public required TimeOnly Opens { get; init; }

    [Id(2)] public required TimeOnly Closes { get; init; }
}

/// <summary>Weekly opening hours in an IANA time zone; the zone also defines the outlet's "today".</summary>
[GenerateSerializer, Alias("rn.OpeningHours"), Immutable]
public sealed record OpeningHours
{
    [Id(0)] public required string TimeZoneId { get; init; }

    [Id(1)] public required ImmutableArray<OpeningPeriod> Periods { get; init; }

    [NonSerialized]
    private TimeZoneInfo? _zone;

    /// <summary>Resolved once per instance: dispatch and lookups ask for it on every call.</summary>
    public TimeZoneInfo TimeZone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    public static OpeningHours Create(string? timeZoneId, IEnumerable<OpeningPeriod> periods, string field)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            throw DomainException.Invalid($"{field}.time_zone", "is required, e.g. \"Asia/Shanghai\"");
        }

        if (timeZoneId.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out var zone) || !zone.HasIanaId)
        {
            throw DomainException.Invalid($"{field}.time_zone", $"'{Identifiers.Truncate(timeZoneId)}' is not an IANA time zone id, e.g. \"Asia/Shanghai\"");
        }

        var list = periods.OrderBy(p => DayIndex(p.Day)).ThenBy(p => p.Opens).ToImmutableArray();
        if (list.Length > 7 * 4)
        {
            throw DomainException.Invalid($"{field}.periods", "must have at most 28 periods (4 a day)");
        }

        for (var i = 0; i < list.Length; i++)
        {
            if (list[i].Closes <= list[i].Opens)
            {
                throw DomainException.Invalid($"{field}.periods", $"{list[i].Day} {list[i].Opens:HH\\:mm}-{list[i].Closes:HH\\:mm}: closes must be later than opens on the same day");
            }

            if (i > 0 && list[i - 1].Day == list[i].Day && list[i - 1].Closes > list[i].Opens)
            {
                throw DomainException.Invalid($"{field}.periods", $"{list[i].Day}: periods overlap");
            }
        }

        return new OpeningHours { TimeZoneId = timeZoneId, Periods = list };
    }

    /// <summary>The outlet's local calendar date at an instant: capacity and certifications are judged on it.</summary>
    public DateOnly LocalDate(DateTimeOffset now) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZone).DateTime);

    /// <summary>Whether an instant falls within a published opening period.</summary>
    public bool IsOpenAt(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        return Periods.Any(p => p.Day == local.DayOfWeek && p.Opens <= time && time < p.Closes);
    }

    public bool SameAs(OpeningHours other) => TimeZoneId == other.TimeZoneId && Periods.SequenceEqual(other.Periods);

    // Monday first, as opening hours are usually written.
    private static int DayIndex(DayOfWeek day) => ((int)day + 6) % 7;
}
