using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Grains.Calendars;

/// <summary>A holiday calendar as headquarters stored it: the calendar, the regions it applies to, its version.</summary>
[GenerateSerializer, Alias("rn.RegisteredHolidayCalendar"), Immutable]
public sealed record RegisteredHolidayCalendar
{
    [Id(0)] public required HolidayCalendar Calendar { get; init; }

    /// <summary>Region patterns (<see cref="CalendarRegions"/>); sorted, distinct.</summary>
    [Id(1)] public required ImmutableArray<string> Regions { get; init; }

    [Id(2)] public required long Version { get; init; }

    public string CalendarId => Calendar.CalendarId;
}

/// <summary>
/// This silo's copy of every holiday calendar, so dispatch and lookups build an outlet's
/// <see cref="BusinessCalendar"/> without a grain call. Calendars are few and change rarely; the copy is
/// replaced whole when the network's calendar set changes.
/// </summary>
public interface IHolidayCalendarCache
{
    /// <summary>The version of the calendar set this copy holds; 0 before the first load.</summary>
    long Version { get; }

    IReadOnlyCollection<RegisteredHolidayCalendar> All { get; }

    /// <summary>Replaces the copy when <paramref name="version"/> is newer than the one held.</summary>
    void Apply(IEnumerable<RegisteredHolidayCalendar> calendars, long version);

    /// <summary>The calendars that apply to an outlet: those of its region, and those assigned to it, by id.</summary>
    ImmutableArray<HolidayCalendar> For(OutletProfile profile);

    /// <summary>The outlet's business time as of this copy; built once per profile and calendar-set version.</summary>
    BusinessCalendar CalendarOf(OutletListing listing);
}

public sealed class HolidayCalendarCache : IHolidayCalendarCache
{
    private sealed record Snapshot(long Version, ImmutableDictionary<string, RegisteredHolidayCalendar> ById, ImmutableArray<RegisteredHolidayCalendar> Ordered);

    private sealed record Built(long Version, BusinessCalendar Calendar);

    // Keyed by profile: listings are rebuilt often, but share the profile object until it changes.
    private readonly ConditionalWeakTable<OutletProfile, Built> _built = new();
    private Snapshot _current = new(0, ImmutableDictionary<string, RegisteredHolidayCalendar>.Empty, []);

    public long Version => Volatile.Read(ref _current).Version;

    public IReadOnlyCollection<RegisteredHolidayCalendar> All => Volatile.Read(ref _current).Ordered;

    public void Apply(IEnumerable<RegisteredHolidayCalendar> calendars, long version)
    {
        var list = calendars.OrderBy(c => c.CalendarId, StringComparer.Ordinal).ToImmutableArray();
        var next = new Snapshot(version, list.ToImmutableDictionary(c => c.CalendarId, StringComparer.Ordinal), list);
        while (true)
        {
            var seen = Volatile.Read(ref _current);
            if (seen.Version >= version || Interlocked.CompareExchange(ref _current, next, seen) == seen)
            {
                return;
            }
        }
    }

    public ImmutableArray<HolidayCalendar> For(OutletProfile profile) => For(profile, Volatile.Read(ref _current));

    public BusinessCalendar CalendarOf(OutletListing listing)
    {
        var snapshot = Volatile.Read(ref _current);
        if (_built.TryGetValue(listing.Profile, out var built) && built.Version == snapshot.Version)
        {
            return built.Calendar;
        }

        var calendar = new BusinessCalendar(listing.Profile.Hours, For(listing.Profile, snapshot), listing.Profile.Calendar);
        _built.AddOrUpdate(listing.Profile, new Built(snapshot.Version, calendar));
        return calendar;
    }

    private static ImmutableArray<HolidayCalendar> For(OutletProfile profile, Snapshot snapshot)
    {
        if (snapshot.Ordered.IsEmpty)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<HolidayCalendar>();
        foreach (var registered in snapshot.Ordered)
        {
            if (CalendarRegions.Applies(registered.Regions, profile.Region) || profile.HolidayCalendarIds.Contains(registered.CalendarId))
            {
                result.Add(registered.Calendar);
            }
        }

        return result.ToImmutable();
    }
}
