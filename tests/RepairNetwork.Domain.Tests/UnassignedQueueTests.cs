using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Tests;

public sealed class UnassignedQueueTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(10);

    [Fact]
    public void The_first_retries_of_a_surge_are_spread_over_the_period_plus_a_fifth_not_bunched()
    {
        var delays = Enumerable.Range(0, 1000).Select(i => UnassignedQueue.FirstRetryDelay($"RO-{i:x8}", Period)).ToList();

        Assert.All(delays, d => Assert.InRange(d, Period, Period * 1.2));
        Assert.True(delays.Distinct().Count() >= 990);
        // Every tenth of the jitter window gets some of them.
        var buckets = delays.GroupBy(d => (int)((d - Period) / (Period * 0.02))).Select(g => g.Key).ToHashSet();
        Assert.True(Enumerable.Range(0, 10).All(buckets.Contains));
    }

    [Fact]
    public void An_order_retries_on_the_same_schedule_on_every_silo_and_after_restarts()
    {
        Assert.Equal(UnassignedQueue.FirstRetryDelay("RO-abc", Period), UnassignedQueue.FirstRetryDelay("RO-abc", Period));
        Assert.Equal(UnassignedQueue.ShardOf("RO-abc"), UnassignedQueue.ShardOf("RO-abc"));
    }

    [Fact]
    public void Orders_spread_over_every_shard()
    {
        var counts = Enumerable.Range(0, 3200).GroupBy(i => UnassignedQueue.ShardOf($"RO-{i:x8}")).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(UnassignedQueue.Shards, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 50, 150));
    }

    [Fact]
    public void A_merged_page_never_lists_past_what_an_unfinished_shard_has_read()
    {
        static UnassignedQueueKey K(long t, string id) => new(t, id);
        var finished = new UnassignedQueueSlice([K(90, "a"), K(40, "b"), K(10, "c")], null);
        var unfinished = new UnassignedQueueSlice([K(80, "d"), K(50, "e")], K(50, "e"));

        var (page, next) = UnassignedQueue.Merge([finished, unfinished], take: 10);

        Assert.Equal(["a", "d", "e"], page.Select(k => k.OrderId));
        Assert.Equal(K(50, "e"), next);
    }

    [Fact]
    public void A_full_merged_page_continues_before_its_last_entry_and_the_end_has_no_next()
    {
        static UnassignedQueueKey K(long t, string id) => new(t, id);
        var slices = new[] { new UnassignedQueueSlice([K(30, "a"), K(10, "b")], null), new UnassignedQueueSlice([K(20, "c")], null) };

        var (first, next) = UnassignedQueue.Merge(slices, take: 2);
        var (whole, end) = UnassignedQueue.Merge(slices, take: 3);

        Assert.Equal(["a", "c"], first.Select(k => k.OrderId));
        Assert.Equal(K(20, "c"), next);
        Assert.Equal(["a", "c", "b"], whole.Select(k => k.OrderId));
        Assert.Null(end);
    }
}
