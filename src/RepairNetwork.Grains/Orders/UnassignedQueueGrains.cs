using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Grains.Orders;

/// <summary>
/// One of the <see cref="UnassignedQueue.Shards"/> shards of headquarters' queue of orders no outlet
/// could take (key: the shard number). Append-only: entries are numbered 1, 2, 3… in the order the
/// shard took them; the newest (at most <see cref="UnassignedQueue.PageSize"/>) live in this grain's
/// state and full pages move out to write-once <see cref="IUnassignedQueuePageGrain"/>s, so each add
/// writes a bounded state however long the queue. An order that leaves the queue is marked removed
/// where its entry is (a bounded write too); readers still check the order's status.
/// </summary>
public interface IUnassignedQueueShardGrain : IGrainWithStringKey
{
    public static string Key(int shard) => shard.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IUnassignedQueueShardGrain For(IGrainFactory grains, string orderId) =>
        grains.GetGrain<IUnassignedQueueShardGrain>(Key(UnassignedQueue.ShardOf(orderId)));

    /// <summary>Adds the order; returns its position in the shard (the same one again for a retried add still in the tail).</summary>
    Task<long> Add(string orderId);

    /// <summary>Marks the order's entry removed; <paramref name="position"/> is what <see cref="Add"/> returned. Idempotent.</summary>
    Task Remove(string orderId, long position);

    /// <summary>
    /// Up to <paramref name="take"/> live entries older than <paramref name="before"/> (all when null),
    /// newest first, reading at most <paramref name="maxPages"/> stored pages that hold such entries.
    /// </summary>
    [ReadOnly]
    Task<UnassignedQueueSlice> Before(UnassignedQueueKey? before, int take, int maxPages);

    /// <summary>How many entries the shard has taken, and how many its own state holds now.</summary>
    [ReadOnly]
    Task<(long Appended, int InState)> Size();
}

[GenerateSerializer, Alias("rn.UnassignedQueueShardState")]
public sealed class UnassignedQueueShardState
{
    /// <summary>Entries ever added; the tail holds the last <c>Tail.Count</c> of them.</summary>
    [Id(0)] public long Appended { get; set; }

    /// <summary>Entries not yet moved to a page, oldest first; never more than a page.</summary>
    [Id(1)] public List<UnassignedQueueKey> Tail { get; set; } = [];

    /// <summary>Order ids in the tail that have left the queue.</summary>
    [Id(2)] public List<string> TailRemoved { get; set; } = [];

    /// <summary>The last stamp given, so stamps rise strictly even if the clock steps back.</summary>
    [Id(3)] public long LastTicks { get; set; }
}

/// <remarks>
/// Reentrant with group commit: adds that arrive while a write is in flight share the next write, so
/// a shard keeps up with any rate its database row can be written at all, not one add per write.
/// Every change is made within one turn; a failed write drops the activation, so nothing unwritten is
/// served, and the callers' calls fail (an order's dispatch then adds again when it is retried).
/// </remarks>
[Reentrant]
public sealed class UnassignedQueueShardGrain(
    [PersistentState("unassigned-queue-shard", StorageNames.Repair)] IPersistentState<UnassignedQueueShardState> state,
    TimeProvider clock) : Grain, IUnassignedQueueShardGrain
{
    /// <summary>The lowest key of each stored page, learned on reading it, so later reads skip pages wholly newer than a cursor.</summary>
    private readonly Dictionary<long, UnassignedQueueKey> _pageLowest = [];

    /// <summary>Changes made in memory; the group commit writes through the latest.</summary>
    private long _version;

    /// <summary>Pages moved out of the tail: stored before any state that no longer holds their entries.</summary>
    private Task _pageStores = Task.CompletedTask;

    private GroupCommit? _commit;

    /// <summary>
    /// The shard as this activation knows it. Kept apart from <c>state.State</c> because the grain is
    /// reentrant: the storage provider serializes what it is given while later adds run, so it is
    /// handed a copy taken in one turn, never the lists those adds change.
    /// </summary>
    private UnassignedQueueShardState _live = new();

    private string Shard => this.GetPrimaryKeyString();

    private long StoredPages => (_live.Appended - _live.Tail.Count) / UnassignedQueue.PageSize;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _live = Copy(state.State);
        _commit = new GroupCommit(
            async () =>
            {
                // Pages moved out of the tail are stored before a state that no longer holds their
                // entries, including pages moved out while an earlier one was being stored.
                for (var pending = _pageStores; ; pending = _pageStores)
                {
                    await pending;
                    if (pending == _pageStores)
                    {
                        break;
                    }
                }

                state.State = Copy(_live);
                await state.WriteStateAsync();
            },
            () => _version);
        return Task.CompletedTask;
    }

    public async Task<long> Add(string orderId)
    {
        var s = _live;
        var inTail = s.Tail.FindIndex(k => k.OrderId == orderId);
        if (inTail >= 0 && !s.TailRemoved.Contains(orderId))
        {
            // A retried add: its entry may still be on its way to storage.
            var existing = s.Appended - s.Tail.Count + inTail + 1;
            await Persist();
            return existing;
        }

        if (s.Tail.Count >= UnassignedQueue.PageSize)
        {
            _pageStores = StorePage(_pageStores, StoredPages, [.. s.Tail], [.. s.TailRemoved]);
            s.Tail = [];
            s.TailRemoved = [];
        }

        s.LastTicks = Math.Max(clock.GetUtcNow().UtcTicks, s.LastTicks + 1);
        s.Tail.Add(new UnassignedQueueKey(s.LastTicks, orderId));
        s.Appended++;
        _version++;
        var position = s.Appended;
        await Persist();
        return position;
    }

    public async Task Remove(string orderId, long position)
    {
        var s = _live;
        var firstInTail = s.Appended - s.Tail.Count + 1;
        if (position >= firstInTail && position <= s.Appended)
        {
            if (s.Tail[(int)(position - firstInTail)].OrderId == orderId && !s.TailRemoved.Contains(orderId))
            {
                s.TailRemoved.Add(orderId);
                _version++;
                await Persist();
            }
        }
        else if (position >= 1 && position < firstInTail)
        {
            await Page(SequencePages.PageOf(position, UnassignedQueue.PageSize)).Remove(orderId);
        }
    }

    private async Task Persist()
    {
        try
        {
            await _commit!.PersistThrough(_version);
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task StorePage(Task earlier, long number, ImmutableArray<UnassignedQueueKey> entries, ImmutableArray<string> removed)
    {
        await earlier;
        // Write-once: storing it again after a failed shard write changes nothing.
        await Page(number).Store(entries, removed);
    }

    public async Task<UnassignedQueueSlice> Before(UnassignedQueueKey? before, int take, int maxPages)
    {
        var s = _live;
        var found = new List<UnassignedQueueKey>();
        UnassignedQueueKey? low = null;
        for (var i = s.Tail.Count - 1; i >= 0 && found.Count < take; i--)
        {
            var key = s.Tail[i];
            if (before is { } b && key >= b)
            {
                continue;
            }

            low = key;
            if (!s.TailRemoved.Contains(key.OrderId))
            {
                found.Add(key);
            }
        }

        var page = StoredPages - 1;
        var pagesRead = 0;
        for (; page >= 0 && found.Count < take && pagesRead < maxPages; page--)
        {
            if (before is { } b && _pageLowest.TryGetValue(page, out var lowest) && lowest >= b)
            {
                continue;
            }

            var slice = await Page(page).Before(before, take - found.Count);
            if (slice.ExaminedDownTo is { } examined)
            {
                pagesRead++;
                low = examined;
            }

            found.AddRange(slice.Entries);
            if (slice.Lowest is { } first)
            {
                _pageLowest[page] = first;
            }
        }

        // Nothing older left once the last page was read through (or the tail, with no pages).
        var exhausted = page < 0 && found.Count < take;
        return new UnassignedQueueSlice([.. found], exhausted ? null : low);
    }

    public Task<(long Appended, int InState)> Size() => Task.FromResult((_live.Appended, _live.Tail.Count));

    private IUnassignedQueuePageGrain Page(long number) => GrainFactory.GetGrain<IUnassignedQueuePageGrain>(IUnassignedQueuePageGrain.Key(Shard, number));

    private static UnassignedQueueShardState Copy(UnassignedQueueShardState from) => new()
    {
        Appended = from.Appended,
        Tail = [.. from.Tail],
        TailRemoved = [.. from.TailRemoved],
        LastTicks = from.LastTicks,
    };
}

/// <summary>What a page answers: its live entries before the cursor, newest first, the lowest key it examined (null if none), and its lowest key.</summary>
[GenerateSerializer, Alias("rn.UnassignedQueuePageSlice"), Immutable]
public sealed record UnassignedQueuePageSlice(
    [property: Id(0)] ImmutableArray<UnassignedQueueKey> Entries,
    [property: Id(1)] UnassignedQueueKey? ExaminedDownTo,
    [property: Id(2)] UnassignedQueueKey? Lowest);

/// <summary>
/// One full page of a queue shard (key: <c>{shard}/{n}</c>, entries n × size + 1 to (n + 1) × size).
/// The entries are written once; only the removed marks change, so every write is bounded by a page.
/// </summary>
public interface IUnassignedQueuePageGrain : IGrainWithStringKey
{
    public static string Key(string shard, long page) => $"{shard}/{page}";

    /// <summary>Stores the page; storing it again (a retry after a failed shard write) changes nothing.</summary>
    Task Store(ImmutableArray<UnassignedQueueKey> entries, ImmutableArray<string> removed);

    Task Remove(string orderId);

    /// <summary>Up to <paramref name="take"/> live entries older than <paramref name="before"/>, newest first.</summary>
    [ReadOnly]
    Task<UnassignedQueuePageSlice> Before(UnassignedQueueKey? before, int take);
}

[GenerateSerializer, Alias("rn.UnassignedQueuePageState")]
public sealed class UnassignedQueuePageState
{
    /// <summary>Oldest first.</summary>
    [Id(0)] public ImmutableArray<UnassignedQueueKey> Entries { get; set; } = [];

    [Id(1)] public HashSet<string> Removed { get; set; } = [];
}

public sealed class UnassignedQueuePageGrain(
    [PersistentState("unassigned-queue-page", StorageNames.Repair)] IPersistentState<UnassignedQueuePageState> state) : Grain, IUnassignedQueuePageGrain
{
    public async Task Store(ImmutableArray<UnassignedQueueKey> entries, ImmutableArray<string> removed)
    {
        if (!state.State.Entries.IsDefaultOrEmpty)
        {
            return;
        }

        state.State.Entries = entries;
        state.State.Removed = [.. removed];
        await state.WriteOrRollbackAsync(this);
    }

    public async Task Remove(string orderId)
    {
        if (state.State.Entries.IsDefaultOrEmpty || state.State.Removed.Contains(orderId) || !state.State.Entries.Any(e => e.OrderId == orderId))
        {
            return;
        }

        state.State.Removed.Add(orderId);
        await state.WriteOrRollbackAsync(this);
    }

    public Task<UnassignedQueuePageSlice> Before(UnassignedQueueKey? before, int take)
    {
        var entries = state.State.Entries.IsDefault ? [] : state.State.Entries;
        var found = ImmutableArray.CreateBuilder<UnassignedQueueKey>();
        UnassignedQueueKey? low = null;
        for (var i = entries.Length - 1; i >= 0 && found.Count < take; i--)
        {
            if (before is { } b && entries[i] >= b)
            {
                continue;
            }

            low = entries[i];
            if (!state.State.Removed.Contains(entries[i].OrderId))
            {
                found.Add(entries[i]);
            }
        }

        return Task.FromResult(new UnassignedQueuePageSlice(found.ToImmutable(), low, entries.IsEmpty ? null : entries[0]));
    }
}
