using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Orders;

namespace RepairNetwork.Grains.Tests;

/// <summary>The sharded unassigned queue under a surge (issue 14).</summary>
public sealed class UnassignedQueueTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Surge = 5000;

    [Fact]
    public async Task Adding_thousands_of_orders_keeps_each_shard_state_within_one_page_and_pages_them_newest_first_without_gaps()
    {
        var prefix = $"surge-{Guid.NewGuid():N}-";
        var ids = Enumerable.Range(0, Surge).Select(i => $"{prefix}{i}").ToList();
        var positions = new Dictionary<string, long>();
        foreach (var chunk in ids.Chunk(250))
        {
            var added = await Task.WhenAll(chunk.Select(id => IUnassignedQueueShardGrain.For(fixture.Grains, id).Add(id)));
            for (var i = 0; i < chunk.Length; i++)
            {
                positions[chunk[i]] = added[i];
            }
        }

        // What each add writes is the shard's own state: at most a page, however long the queue.
        var sizes = await Task.WhenAll(Enumerable.Range(0, UnassignedQueue.Shards)
            .Select(k => fixture.Grains.GetGrain<IUnassignedQueueShardGrain>(IUnassignedQueueShardGrain.Key(k)).Size()));
        Assert.All(sizes, s => Assert.InRange(s.InState, 0, UnassignedQueue.PageSize));
        Assert.True(sizes.Sum(s => s.Appended) >= Surge);
        Assert.Contains(sizes, s => s.Appended > UnassignedQueue.PageSize); // pages were really stored

        // Some leave the queue: from a stored page and from a shard's tail alike.
        var leaving = ids.Where((_, i) => i % 7 == 0).ToHashSet();
        await Task.WhenAll(leaving.Select(id => IUnassignedQueueShardGrain.For(fixture.Grains, id).Remove(id, positions[id])));

        var listed = await ListAll(take: 37);

        var ours = listed.Where(k => k.OrderId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(listed.OrderDescending(), listed);
        Assert.Equal(ids.Where(id => !leaving.Contains(id)).Order(StringComparer.Ordinal), ours.Select(k => k.OrderId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Adding_an_order_again_while_it_waits_in_the_tail_keeps_one_entry()
    {
        var id = $"twice-{Guid.NewGuid():N}";
        var shard = IUnassignedQueueShardGrain.For(fixture.Grains, id);

        var first = await shard.Add(id);
        var again = await shard.Add(id);

        Assert.Equal(first, again);
        Assert.Single(await ListAll(take: 500), k => k.OrderId == id);
    }

    /// <summary>Pages through every shard the way ListRepairOrders does.</summary>
    private async Task<List<UnassignedQueueKey>> ListAll(int take)
    {
        var shards = Enumerable.Range(0, UnassignedQueue.Shards)
            .Select(k => fixture.Grains.GetGrain<IUnassignedQueueShardGrain>(IUnassignedQueueShardGrain.Key(k)))
            .ToList();
        var listed = new List<UnassignedQueueKey>();
        UnassignedQueueKey? cursor = null;
        for (var round = 0; round < 10_000; round++)
        {
            var slices = await Task.WhenAll(shards.Select(s => s.Before(cursor, take, maxPages: 1)));
            var (page, next) = UnassignedQueue.Merge(slices, take);
            listed.AddRange(page);
            if (next is null)
            {
                return listed;
            }

            cursor = next;
        }

        throw new InvalidOperationException("the queue did not end");
    }
}
