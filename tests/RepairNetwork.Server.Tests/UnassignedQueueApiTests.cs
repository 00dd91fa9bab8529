using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Headquarters' unassigned queue as ListRepairOrders shows it (issue 14: a sharded queue, paged by position).</summary>
public sealed class UnassignedQueueApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Paging_the_unassigned_queue_newest_first_skips_nothing_and_repeats_nothing_while_new_orders_arrive()
    {
        var (lat, lon) = TestArea.Next();
        var before = await CreateUnassigned(lat, lon, 120);

        var listed = new List<string>();
        var arrivedMeanwhile = new List<string>();
        var token = string.Empty;
        for (var page = 0; page < 1000; page++)
        {
            var response = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest
            {
                Status = Api.RepairOrderStatus.Unassigned,
                PageSize = 25,
                PageToken = token,
            });
            Assert.All(response.Orders, o => Assert.Equal(Api.RepairOrderStatus.Unassigned, o.Status));
            listed.AddRange(response.Orders.Select(o => o.OrderId));
            token = response.NextPageToken;
            if (string.IsNullOrEmpty(token))
            {
                break;
            }

            // New arrivals go to the front of the queue: they must not shift the pages still to come.
            if (page < 4)
            {
                arrivedMeanwhile.AddRange(await CreateUnassigned(lat, lon, 5));
            }
        }

        Assert.Empty(token);
        Assert.Equal(listed.Count, listed.Distinct().Count());
        // Every order that was waiting when paging began is listed, newest first.
        var ours = listed.Where(before.Contains).ToList();
        Assert.Equal(Enumerable.Reverse(before), ours);
        Assert.DoesNotContain(listed, arrivedMeanwhile.Contains);
    }

    [Fact]
    public async Task An_order_that_leaves_the_unassigned_queue_is_no_longer_listed_there()
    {
        var (lat, lon) = TestArea.Next();
        var waiting = await CreateUnassigned(lat, lon, 3);

        await server.Orders.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = waiting[1], Reason = "customer went elsewhere" });

        var listed = await ListWholeQueue();
        Assert.Contains(waiting[0], listed);
        Assert.DoesNotContain(waiting[1], listed);
        Assert.Contains(waiting[2], listed);
    }

    private async Task<List<string>> ListWholeQueue()
    {
        var listed = new List<string>();
        var token = string.Empty;
        do
        {
            var response = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { Status = Api.RepairOrderStatus.Unassigned, PageSize = 500, PageToken = token });
            listed.AddRange(response.Orders.Select(o => o.OrderId));
            token = response.NextPageToken;
        }
        while (!string.IsNullOrEmpty(token));
        return listed;
    }

    /// <summary>Orders where no outlet is, oldest first; the clock moves a millisecond between them so "newest" is well defined.</summary>
    private async Task<List<string>> CreateUnassigned(double lat, double lon, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            server.Clock.Advance(TimeSpan.FromMilliseconds(1));
            var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
            Assert.Equal(Api.RepairOrderStatus.Unassigned, order.Status);
            ids.Add(order.OrderId);
        }

        return ids;
    }
}
