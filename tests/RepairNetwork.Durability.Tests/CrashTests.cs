using System.Collections.Concurrent;
using Grpc.Core;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

public sealed class CrashTests
{
    private const int Outlets = 4;
    private const int CapacityEach = 20;
    private const int Orders = 120;
    private const int StockReceived = 60;
    private const int Consumes = 40;

    private static readonly Dictionary<string, string> FastFailureDetection = new()
    {
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:NumMissedProbesLimit"] = "2",
        ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        ["Orleans:Messaging:ResponseTimeout"] = "00:00:10",
        ["OutletIndex:PollInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task A_silo_killed_mid_traffic_loses_no_acknowledged_order_books_nothing_twice_and_drives_no_stock_negative()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "crash-" + Guid.NewGuid().ToString("N")[..8];
        await using var survivor = await ServerProcess.StartAsync("A", database.ConnectionString, cluster, FastFailureDetection);
        await using var victim = await ServerProcess.StartAsync("B", database.ConnectionString, cluster, FastFailureDetection);
        var (lat, lon) = (30.25, 120.16);

        for (var i = 0; i < Outlets; i++)
        {
            var id = $"HZ-{i:D4}";
            await survivor.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat + (0.01 * (i + 1)), lon, capacity: CapacityEach, alwaysOpen: true) });
            await survivor.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id, expiresOn: "2099-12-31") });
        }

        await Samples.ListInCatalog(survivor.Parts, "BAT-1");
        await survivor.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = "HZ-0000", Sku = "BAT-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = StockReceived, Reason = "delivery", IdempotencyKey = "receive-1" });
        await WaitUntilIndexed(victim, lat, lon);

        var acknowledged = new ConcurrentDictionary<string, Api.RepairOrder>();
        var consumed = new ConcurrentDictionary<string, bool>();
        var killed = 0;
        var work = Enumerable.Range(0, Orders).Select(i => (Kind: "order", Index: i))
            .Concat(Enumerable.Range(0, Consumes).Select(i => (Kind: "consume", Index: i)))
            .OrderBy(w => w.Index)
            .ToList();

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, _) =>
        {
            // Alternate silos until the victim is gone; kill it once a third of the orders are in.
            if (item.Kind == "order" && item.Index == Orders / 3 && Interlocked.Exchange(ref killed, 1) == 0)
            {
                victim.Kill();
            }

            var first = item.Index % 2 == 0 ? survivor : victim;
            if (item.Kind == "order")
            {
                var request = Samples.Order(lat, lon, requestId: $"crash-order-{item.Index}");
                var order = await WithRetryOnSurvivor(first, survivor, server => server.Orders.CreateRepairOrderAsync(request).ResponseAsync);
                acknowledged[order.Order.OrderId] = order.Order;
            }
            else
            {
                var request = new Api.AdjustStockRequest { OutletId = "HZ-0000", Sku = "BAT-1", Kind = Api.StockAdjustmentKind.Consume, Quantity = 1, Reason = "walk-in", IdempotencyKey = $"consume-{item.Index}" };
                await WithRetryOnSurvivor(first, survivor, server => server.Inventory.AdjustStockAsync(request).ResponseAsync);
                consumed[request.IdempotencyKey] = true;
            }
        });

        Assert.True(victim.HasExited);
        Assert.True(_failedOver > 0, "calls sent to the killed silo were retried through the survivor");
        Assert.Equal(Orders, acknowledged.Count);

        // Every acknowledged order is served by the survivor exactly as acknowledged.
        foreach (var order in acknowledged.Values)
        {
            var stored = (await survivor.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
            Assert.Equal(order.Status, stored.Status);
            Assert.Equal(order.Assignment?.OutletId, stored.Assignment?.OutletId);
        }

        // No outlet over capacity, no order booked at two outlets, every assignment in its outlet's books.
        var booked = new Dictionary<string, string>();
        for (var i = 0; i < Outlets; i++)
        {
            var id = $"HZ-{i:D4}";
            var jobs = await survivor.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = id, PageSize = 500 });
            Assert.True(jobs.Orders.Count <= CapacityEach, $"{id} has {jobs.Orders.Count} jobs, capacity {CapacityEach}");
            foreach (var job in jobs.Orders)
            {
                Assert.True(booked.TryAdd(job.OrderId, id), $"{job.OrderId} is booked at {booked.GetValueOrDefault(job.OrderId)} and {id}");
            }
        }

        var assigned = acknowledged.Values.Where(o => o.Status == Api.RepairOrderStatus.Offered).ToList();
        Assert.Equal(Outlets * CapacityEach, assigned.Count);
        Assert.All(assigned, o => Assert.Equal(o.Assignment.OutletId, booked[o.OrderId]));
        Assert.Equal(Orders - (Outlets * CapacityEach), acknowledged.Values.Count(o => o.Status == Api.RepairOrderStatus.Unassigned));

        // Each consume applied exactly once, whichever silo it reached first.
        var stock = await survivor.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = "HZ-0000" });
        var level = stock.Items.Single(s => s.Sku == "BAT-1");
        Assert.Equal(Consumes, consumed.Count);
        Assert.Equal(StockReceived - Consumes, level.OnHand);
        Assert.True(level.Available >= 0);
    }

    /// <summary>
    /// Sends a call to <paramref name="first"/>; if that fails for any reason (the silo died, the call
    /// was cut off), retries through the survivor with the same idempotency key until it succeeds.
    /// </summary>
    private static int _failedOver;

    private static async Task<T> WithRetryOnSurvivor<T>(ServerProcess first, ServerProcess survivor, Func<ServerProcess, Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var target = first;
        while (true)
        {
            try
            {
                return await call(target);
            }
            catch (RpcException ex) when (DateTime.UtcNow < deadline && ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Unknown or StatusCode.Cancelled)
            {
                target = survivor;
                Interlocked.Increment(ref _failedOver);
                await Task.Delay(250);
            }
        }
    }

    private static async Task WaitUntilIndexed(ServerProcess server, double lat, double lon)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var found = await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
            {
                Location = new Api.LatLng { Latitude = lat, Longitude = lon },
                Capability = "phone.screen",
                ServiceMode = Api.ServiceMode.CarryIn,
                Limit = Outlets,
            });
            if (found.Candidates.Count == Outlets)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the second silo's outlet index never saw all outlets");
    }
}
