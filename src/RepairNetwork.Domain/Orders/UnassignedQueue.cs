using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Orders;

/// <summary>
/// Where an order waits in headquarters' unassigned queue: the time its shard took it (ticks, made
/// unique within the shard) and the order id. Newest first means descending by (ticks, id), a total
/// order across shards, so a position works as a page token that new arrivals do not shift.
/// </summary>
[GenerateSerializer, Alias("rn.UnassignedQueueKey"), Immutable]
public readonly record struct UnassignedQueueKey(
    [property: Id(0)] long Ticks,
    [property: Id(1)] string OrderId) : IComparable<UnassignedQueueKey>
{
    public int CompareTo(UnassignedQueueKey other)
    {
        var byTime = Ticks.CompareTo(other.Ticks);
        return byTime != 0 ? byTime : string.CompareOrdinal(OrderId, other.OrderId);
    }

    public static bool operator <(UnassignedQueueKey a, UnassignedQueueKey b) => a.CompareTo(b) < 0;

    public static bool operator >(UnassignedQueueKey a, UnassignedQueueKey b) => a.CompareTo(b) > 0;

    public static bool operator <=(UnassignedQueueKey a, UnassignedQueueKey b) => a.CompareTo(b) <= 0;

    public static bool operator >=(UnassignedQueueKey a, UnassignedQueueKey b) => a.CompareTo(b) >= 0;
}

/// <summary>
/// What one shard of the queue answers for "the newest entries before a key": its live entries,
/// newest first, and how far down it looked. <see cref="ExaminedDownTo"/> is null when the shard has
/// nothing older left; otherwise the shard may hold live entries below it that it did not read yet.
/// </summary>
[GenerateSerializer, Alias("rn.UnassignedQueueSlice"), Immutable]
public sealed record UnassignedQueueSlice(
    [property: Id(0)] ImmutableArray<UnassignedQueueKey> Entries,
    [property: Id(1)] UnassignedQueueKey? ExaminedDownTo);

/// <summary>
/// The rules of headquarters' queue of orders no outlet could take (issue 14): it is split into a
/// fixed number of shards so no single grain sees every unassigned order, and each shard keeps a
/// bounded tail, moving full pages out to write-once storage, so adding costs the same however long
/// the queue is. Unassigned orders retry on a spread-out schedule so a surge does not retry at once.
/// </summary>
public static class UnassignedQueue
{
    /// <summary>
    /// Fixed forever: order ids hash into it, so changing it would strand stored entries. More than
    /// silos × cores, so the shards spread over a cluster.
    /// </summary>
    public const int Shards = 32;

    /// <summary>Entries per write-once page; a shard's live state never holds more than this many.</summary>
    public const int PageSize = 100;

    /// <summary>The first retry comes up to this share of the period late, chosen per order.</summary>
    public const double RetryJitter = 0.2;

    /// <summary>The order's shard. A stable hash (string.GetHashCode differs per process).</summary>
    public static int ShardOf(string orderId) => (int)(Fnv1a(orderId, 2166136261u) % Shards);

    /// <summary>
    /// When an order left unassigned is first dispatched again: the period plus a jitter of up to
    /// <see cref="RetryJitter"/> of it, derived from the order id so it is the same on every silo and
    /// restart, and different across the orders of a surge, which then retry spread out, not together.
    /// </summary>
    public static TimeSpan FirstRetryDelay(string orderId, TimeSpan period)
    {
        var fraction = Fnv1a(orderId, 0x9E3779B9u) / (double)uint.MaxValue;
        return period + TimeSpan.FromTicks((long)(period.Ticks * RetryJitter * fraction));
    }

    /// <summary>
    /// Merges the shards' answers into one page, newest first. An entry is safe to list only above
    /// every unfinished shard's <see cref="UnassignedQueueSlice.ExaminedDownTo"/>: below it that shard
    /// may hold entries it has not read. Returns the page and the key to continue before, or null at
    /// the end of the queue.
    /// </summary>
    public static (ImmutableArray<UnassignedQueueKey> Page, UnassignedQueueKey? Next) Merge(IReadOnlyCollection<UnassignedQueueSlice> slices, int take)
    {
        UnassignedQueueKey? bound = null;
        foreach (var slice in slices)
        {
            if (slice.ExaminedDownTo is { } low && (bound is null || low > bound.Value))
            {
                bound = low;
            }
        }

        var merged = slices.SelectMany(s => s.Entries)
            .Where(e => bound is null || e >= bound.Value)
            .OrderDescending()
            .ToList();
        if (merged.Count > take)
        {
            return ([.. merged.Take(take)], merged[take - 1]);
        }

        return ([.. merged], bound);
    }

    private static uint Fnv1a(string text, uint seed)
    {
        var hash = seed;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
