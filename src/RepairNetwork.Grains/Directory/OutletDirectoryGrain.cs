using System.Collections.Immutable;
using System.Text;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Directory;

/// <summary>
/// One shard of the durable outlet directory. Silos copy it into their in-memory index and poll it
/// for changes; lookups never call it. Sharded so no single grain carries every outlet.
/// </summary>
public interface IOutletDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records an outlet's latest listing; returns once it is durable.</summary>
    Task Publish(OutletListing listing);

    /// <summary>
    /// Records an outlet's latest capacity hint; one-way, so a booking never waits for it. Hints are
    /// kept in memory and saved every <see cref="OutletDirectoryGrain.HintsSavedEvery"/>, so a
    /// restarted cluster answers lookups without waking every outlet; a hint newer than the last save
    /// is corrected when its outlet next books or activates (it re-announces).
    /// </summary>
    [OneWay]
    Task PublishHint(CapacityHint hint);

    /// <summary>
    /// Listings changed after <paramref name="version"/> and capacity hints changed after
    /// <paramref name="hintVersion"/> of the given epoch; everything when the epoch differs (the shard
    /// was reactivated: its version counters may have restarted).
    /// </summary>
    [ReadOnly]
    Task<DirectoryChanges> ChangesSince(Guid epoch, long version, long hintVersion);
}

[GenerateSerializer, Alias("rn.DirectoryChanges"), Immutable]
public sealed record DirectoryChanges
{
    [Id(0)] public required Guid Epoch { get; init; }

    [Id(1)] public required long Version { get; init; }

    [Id(2)] public required ImmutableArray<OutletListing> Listings { get; init; }

    [Id(3)] public long HintVersion { get; init; }

    [Id(4)] public ImmutableArray<CapacityHint> Hints { get; init; } = [];
}

[GenerateSerializer, Alias("rn.DirectoryEntry"), Immutable]
public sealed record DirectoryEntry
{
    [Id(0)] public required OutletListing Listing { get; init; }

    /// <summary>Shard version at which this entry last changed.</summary>
    [Id(1)] public required long ChangedAt { get; init; }
}

/// <summary>The capacity hints a shard last saved: outlet id → hint.</summary>
[GenerateSerializer, Alias("rn.OutletDirectoryHintsState")]
public sealed class OutletDirectoryHintsState
{
    [Id(0)] public Dictionary<string, CapacityHint> Hints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Immutable, so a write in flight never sees a later change half-applied.</summary>
[GenerateSerializer, Alias("rn.OutletDirectoryState"), Immutable]
public sealed record OutletDirectoryState
{
    [Id(0)] public long Version { get; init; }

    [Id(1)] public ImmutableDictionary<string, DirectoryEntry> Entries { get; init; } = ImmutableDictionary<string, DirectoryEntry>.Empty;
}

public static class OutletDirectoryShards
{
    public const int Count = 64;

    /// <summary>Stable across processes and versions (FNV-1a), unlike string.GetHashCode.</summary>
    public static int ShardOf(string outletId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(outletId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Count);
    }
}

[Reentrant]
public sealed class OutletDirectoryGrain(
    [PersistentState("outlet-directory", StorageNames.Repair)] IPersistentState<OutletDirectoryState> state,
    [PersistentState("outlet-directory-hints", StorageNames.Repair)] IPersistentState<OutletDirectoryHintsState> savedHints,
    IStorageAvailability storage)
    : Grain, IOutletDirectoryGrain
{
    /// <summary>
    /// How often changed hints are saved: hints change with every booking, so they are saved in one
    /// small write per shard at most this often rather than with each booking or in the listings' state.
    /// </summary>
    public static readonly TimeSpan HintsSavedEvery = TimeSpan.FromSeconds(10);

    private readonly Guid _epoch = Guid.NewGuid();
    private readonly GroupCommit _commit = new(() => state.WriteStateAsync(), () => state.State.Version);
    private readonly Dictionary<string, (CapacityHint Hint, long ChangedAt)> _hints = new(StringComparer.Ordinal);
    private long _hintVersion;
    private long _savedHintVersion;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit.Persisted(state.State.Version);
        foreach (var hint in savedHints.State.Hints.Values)
        {
            _hints[hint.OutletId] = (hint, ++_hintVersion);
        }

        _savedHintVersion = _hintVersion;
        this.RegisterGrainTimer(SaveHints, HintsSavedEvery, HintsSavedEvery);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Saves changed hints when the shard is put away while the silo runs on. Not on shutdown: the
    /// silo's storage may already be going, and waiting on it holds up the stop; the last tick's save
    /// stands then, and an outlet whose later hint is lost re-announces it when it next books or activates.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        reason.ReasonCode == DeactivationReasonCode.ShuttingDown ? Task.CompletedTask : SaveHints();

    /// <summary>Saves the hints if any changed since the last save; a failed save is retried on the next tick.</summary>
    private async Task SaveHints()
    {
        var version = _hintVersion;
        if (version == _savedHintVersion || storage.IsKnownDown)
        {
            return; // nothing new, or the database is known to be away: the next tick tries again
        }

        savedHints.State = new OutletDirectoryHintsState { Hints = _hints.ToDictionary(h => h.Key, h => h.Value.Hint, StringComparer.Ordinal) };
        try
        {
            await savedHints.WriteStateAsync();
            _savedHintVersion = Math.Max(_savedHintVersion, version);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept in memory; the next tick tries again, with the stored version re-read in case
            // another activation of this shard wrote in between.
            try
            {
                await savedHints.ReadStateAsync();
            }
            catch (Exception readFailure) when (readFailure is not OperationCanceledException)
            {
                // The database is away; the next tick re-reads.
            }
        }
    }

    public async Task Publish(OutletListing listing)
    {
        var current = state.State;
        if (!current.Entries.TryGetValue(listing.OutletId, out var existing) || existing.Listing.Version < listing.Version)
        {
            var version = current.Version + 1;
            state.State = current with
            {
                Version = version,
                Entries = current.Entries.SetItem(listing.OutletId, new DirectoryEntry { Listing = listing, ChangedAt = version }),
            };
        }

        await PersistThrough(state.State.Version);
    }

    public Task PublishHint(CapacityHint hint)
    {
        if (!_hints.TryGetValue(hint.OutletId, out var existing) || existing.Hint.Revision < hint.Revision)
        {
            _hints[hint.OutletId] = (hint, ++_hintVersion);
        }

        return Task.CompletedTask;
    }

    public Task<DirectoryChanges> ChangesSince(Guid epoch, long version, long hintVersion)
    {
        var current = state.State;
        var sameEpoch = epoch == _epoch;
        var since = sameEpoch ? version : -1;
        var hintsSince = sameEpoch ? hintVersion : -1;
        var listings = since >= current.Version
            ? []
            : current.Entries.Values.Where(e => e.ChangedAt > since).Select(e => e.Listing).ToImmutableArray();
        var hints = hintsSince >= _hintVersion
            ? []
            : _hints.Values.Where(h => h.ChangedAt > hintsSince).Select(h => h.Hint).ToImmutableArray();
        return Task.FromResult(new DirectoryChanges { Epoch = _epoch, Version = current.Version, Listings = listings, HintVersion = _hintVersion, Hints = hints });
    }

    private Task PersistThrough(long version) => _commit.PersistThrough(version);
}
