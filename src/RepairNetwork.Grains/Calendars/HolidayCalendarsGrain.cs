using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Calendars;

namespace RepairNetwork.Grains.Calendars;

/// <summary>The whole set of holiday calendars at one version of the set.</summary>
[GenerateSerializer, Alias("rn.HolidayCalendarSet"), Immutable]
public sealed record HolidayCalendarSet
{
    /// <summary>Increases with every change to any calendar; 0 before the first.</summary>
    [Id(0)] public required long Version { get; init; }

    /// <summary>Ordered by id.</summary>
    [Id(1)] public required ImmutableArray<RegisteredHolidayCalendar> Calendars { get; init; }
}

/// <summary>
/// Every holiday calendar of the network, in one grain (key <see cref="HolidayCalendarsGrain.Key"/>):
/// calendars are few, change rarely and every silo keeps a copy of all of them, so one small state
/// read whole is simpler than one grain per calendar plus a list.
/// </summary>
public interface IHolidayCalendarsGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates or replaces a calendar; <paramref name="expectedVersion"/> 0 skips the version check.
    /// Identical content is a no-op returning the stored calendar whatever the expected version, so a retry is harmless.
    /// </summary>
    Task<RegisteredHolidayCalendar> Put(HolidayCalendar calendar, ImmutableArray<string> regions, long expectedVersion);

    /// <summary>NOT_FOUND when no calendar has the id.</summary>
    [ReadOnly]
    Task<RegisteredHolidayCalendar> Get(string calendarId);

    [ReadOnly]
    Task<HolidayCalendarSet> List();

    /// <summary>The whole set when its version differs from <paramref name="version"/>; null when unchanged.</summary>
    [ReadOnly]
    Task<HolidayCalendarSet?> ChangesSince(long version);
}

[GenerateSerializer, Alias("rn.HolidayCalendarsState")]
public sealed class HolidayCalendarsState
{
    [Id(0)] public Dictionary<string, RegisteredHolidayCalendar> Calendars { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public long Version { get; set; }
}

public sealed class HolidayCalendarsGrain(
    [PersistentState("holiday-calendars", StorageNames.Repair)] IPersistentState<HolidayCalendarsState> state)
    : Grain, IHolidayCalendarsGrain
{
    public const string Key = "network";

    /// <summary>Every silo holds and scans them all when it builds an outlet's calendar: keep the set small.</summary>
    public const int MaxCalendars = 100;

    public async Task<RegisteredHolidayCalendar> Put(HolidayCalendar calendar, ImmutableArray<string> regions, long expectedVersion)
    {
        var current = state.State.Calendars.GetValueOrDefault(calendar.CalendarId);
        if (current is not null && current.Calendar.SameAs(calendar) && current.Regions.SequenceEqual(regions))
        {
            // Nothing to change, e.g. a retry after the reply was lost: the same answer whatever the expected version.
            return current;
        }

        var version = current?.Version ?? 0;
        if (expectedVersion != 0 && expectedVersion != version)
        {
            throw DomainException.Precondition($"holiday calendar '{calendar.CalendarId}' is at version {version}, not the expected {expectedVersion}; read it again and retry");
        }

        if (current is null && state.State.Calendars.Count >= MaxCalendars)
        {
            throw DomainException.Precondition($"the network already has the maximum of {MaxCalendars} holiday calendars; change an existing one instead");
        }

        var stored = new RegisteredHolidayCalendar { Calendar = calendar, Regions = regions, Version = version + 1 };
        state.State.Calendars[calendar.CalendarId] = stored;
        state.State.Version++;
        await state.WriteOrRollbackAsync(this);
        return stored;
    }

    public Task<RegisteredHolidayCalendar> Get(string calendarId) =>
        state.State.Calendars.TryGetValue(calendarId, out var found)
            ? Task.FromResult(found)
            : throw DomainException.NotFound("holiday calendar", calendarId);

    public Task<HolidayCalendarSet> List() => Task.FromResult(Snapshot());

    public Task<HolidayCalendarSet?> ChangesSince(long version) =>
        Task.FromResult(version == state.State.Version ? null : Snapshot());

    private HolidayCalendarSet Snapshot() => new()
    {
        Version = state.State.Version,
        Calendars = [.. state.State.Calendars.Values.OrderBy(c => c.CalendarId, StringComparer.Ordinal)],
    };
}

/// <summary>
/// Brings this silo's <see cref="IHolidayCalendarCache"/> up to the stored set: called by the outlet
/// index's background loop (so other silos see a change within a poll) and by the API right after a
/// put (so the silo that wrote sees it at once).
/// </summary>
public sealed class HolidayCalendarSync(IGrainFactory grains, IHolidayCalendarCache cache)
{
    /// <summary>Whether the copy changed.</summary>
    public async Task<bool> SyncOnce()
    {
        var changes = await grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key).ChangesSince(cache.Version);
        if (changes is null)
        {
            return false;
        }

        cache.Apply(changes.Calendars, changes.Version);
        return true;
    }
}
