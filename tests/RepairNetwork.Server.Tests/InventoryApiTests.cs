using System.Collections.Immutable;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Grains.Inventory;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Spare parts over gRPC: the ledger, reorder alerts and stock sync, with hostile input and the role matrix.</summary>
public sealed class InventoryApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_ledger_lists_adjustments_and_reservations_newest_first_and_sums_to_on_hand()
    {
        var (outlet, sku) = await StockedOutlet(10);
        var stock = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutletInventoryGrain>(outlet);
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Consume, 2, "walk-in");
        await stock.Reserve("RO-LEDGER-1", [PartQuantity.Of(sku, 3)]);
        await stock.Reserve("RO-LEDGER-2", [PartQuantity.Of(sku, 1)]);
        await stock.Release("RO-LEDGER-2");
        await stock.ConsumeReservation("RO-LEDGER-1", [PartQuantity.Of(sku, 2)]);
        await Adjust(outlet, sku, Api.StockAdjustmentKind.DamageWriteOff, 1, "dropped");

        var movements = new List<Api.StockMovement>();
        var token = string.Empty;
        do
        {
            var page = await server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, Sku = sku, PageSize = 3, PageToken = token });
            movements.AddRange(page.Movements);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        var level = (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet })).Items.Single();
        Assert.Equal((5, 0), (level.OnHand, level.Reserved));
        Assert.Equal(level.OnHand, movements.Sum(m => m.OnHandDelta));
        Assert.Equal(movements.Select(m => m.Sequence).OrderDescending(), movements.Select(m => m.Sequence));
        Assert.Equal(
            [
                Api.StockMovementKind.DamageWriteOff, Api.StockMovementKind.Release, Api.StockMovementKind.ConsumeReserved, Api.StockMovementKind.Release,
                Api.StockMovementKind.Reserve, Api.StockMovementKind.Reserve, Api.StockMovementKind.Consume, Api.StockMovementKind.Receive,
            ],
            movements.Select(m => m.Kind));
        var held = movements.Single(m => m is { Kind: Api.StockMovementKind.Reserve, OrderId: "RO-LEDGER-1" });
        Assert.Equal((3, 0, 8, 3, string.Empty), (held.Quantity, held.OnHandDelta, held.OnHandAfter, held.ReservedAfter, held.IdempotencyKey));
        var receive = movements[^1];
        Assert.Equal(("delivery", "receive-" + sku, string.Empty), (receive.Reason, receive.IdempotencyKey, receive.OrderId));
        Assert.NotNull(receive.CreateTime);
    }

    [Fact]
    public async Task Ledger_requests_with_bad_fields_are_rejected()
    {
        var (outlet, _) = await StockedOutlet(1);

        Assert.StartsWith("page_size:", (await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, PageSize = -1 }).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("page_size:", (await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, PageSize = 501 }).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("page_token:", (await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, PageToken = "garbage!" }).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("sku:", (await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, Sku = new string('x', 1_000_000) }).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
        Assert.StartsWith("outlet_id:", (await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest()).ResponseAsync)).Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.NotFound, () => server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = Samples.UniqueId("NOWHERE") }).ResponseAsync);
    }

    [Fact]
    public async Task An_outlet_reads_its_own_ledger_only()
    {
        var (own, _) = await StockedOutlet(1);
        var (other, _) = await StockedOutlet(1);
        using var channel = server.ChannelFor(Roles.Outlet, own);
        var inventory = new Api.InventoryService.InventoryServiceClient(channel);

        Assert.Single((await inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = own })).Movements);
        await AssertStatus(StatusCode.PermissionDenied, () => inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = other }).ResponseAsync);
    }

    [Fact]
    public async Task A_low_stock_alert_fires_once_per_crossing_and_clears_when_stock_recovers_and_the_stream_resumes()
    {
        var (outlet, sku) = await StockedOutlet(5);
        var stock = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutletInventoryGrain>(outlet);

        var set = await server.Inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = outlet, Sku = sku, ReorderPoint = 3, ReorderQuantity = 10 });
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Consume, 1, "walk-in");
        await stock.Reserve("RO-ALERT-1", [PartQuantity.Of(sku, 1)]);
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Consume, 1, "walk-in");
        await stock.Release("RO-ALERT-1");
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Receive, 5, "delivery");
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Consume, 6, "bulk");

        Assert.False(set.LowStock);
        Assert.Equal((10, 5), (set.ReorderQuantity, set.Level.Available));
        var all = await Alerts(server.Inventory, outlet, 0, 3);
        Assert.Equal([1L, 2L, 3L], all.Select(a => a.Sequence));
        Assert.Equal([Api.StockAlertKind.LowStock, Api.StockAlertKind.Recovered, Api.StockAlertKind.LowStock], all.Select(a => a.Kind));
        Assert.Equal((3, 4, 3, 10, sku, outlet), (all[0].Available, all[0].OnHand, all[0].ReorderPoint, all[0].ReorderQuantity, all[0].Sku, all[0].OutletId));
        Assert.Equal(8, all[1].Available);

        var resumed = await Alerts(server.Inventory, outlet, 2, 1);
        Assert.Equal(3, resumed.Single().Sequence);
        var again = await server.Inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = outlet, Sku = sku, ReorderPoint = 3, ReorderQuantity = 10 });
        Assert.True(again.LowStock);
        Assert.Equal(3, (await Alerts(server.Inventory, outlet, 0, 3)).Count);
    }

    [Fact]
    public async Task Setting_a_point_above_what_is_available_alerts_at_once_and_an_outlet_watches_its_own_alerts_only()
    {
        var (own, sku) = await StockedOutlet(2);
        var (other, _) = await StockedOutlet(2);
        using var channel = server.ChannelFor(Roles.Outlet, own);
        var inventory = new Api.InventoryService.InventoryServiceClient(channel);

        var set = await inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = own, Sku = sku, ReorderPoint = 2, ReorderQuantity = 4 });

        Assert.True(set.LowStock);
        Assert.Equal(Api.StockAlertKind.LowStock, (await Alerts(inventory, own, 0, 1)).Single().Kind);
        await AssertStatus(StatusCode.PermissionDenied, () => inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = other, Sku = sku, ReorderPoint = 2, ReorderQuantity = 4 }).ResponseAsync);
        var watch = await Assert.ThrowsAsync<RpcException>(() => Alerts(inventory, other, 0, 1));
        Assert.Equal(StatusCode.PermissionDenied, watch.StatusCode);
        using var callCenter = server.ChannelFor(Roles.CallCenter);
        await AssertStatus(StatusCode.PermissionDenied, () => new Api.InventoryService.InventoryServiceClient(callCenter).SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = own, Sku = sku, ReorderPoint = 2, ReorderQuantity = 4 }).ResponseAsync);
    }

    [Fact]
    public async Task Headquarters_watches_every_outlets_low_stock_alerts_in_one_network_stream_and_resumes_it()
    {
        var (first, sku1) = await StockedOutlet(5);
        var (second, sku2) = await StockedOutlet(5);
        await server.Inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = first, Sku = sku1, ReorderPoint = 2, ReorderQuantity = 10 });
        await server.Inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = second, Sku = sku2, ReorderPoint = 2, ReorderQuantity = 10 });

        await Adjust(first, sku1, Api.StockAdjustmentKind.Consume, 3, "walk-in");
        await Adjust(second, sku2, Api.StockAdjustmentKind.Consume, 4, "walk-in");
        await Adjust(first, sku1, Api.StockAdjustmentKind.Receive, 5, "delivery");

        // Other tests share the feed: only these two outlets' alerts are looked at.
        var ours = await NetworkAlerts(server.Inventory, 0, [first, second], 3);
        Assert.Equal(
            [(first, sku1, Api.StockAlertKind.LowStock), (second, sku2, Api.StockAlertKind.LowStock), (first, sku1, Api.StockAlertKind.Recovered)],
            ours.Select(a => (a.OutletId, a.Sku, a.Kind)));
        Assert.True(ours[0].Sequence < ours[1].Sequence && ours[1].Sequence < ours[2].Sequence);
        Assert.Equal((2, 2), (ours[0].Available, ours[0].OnHand));

        var resumed = await NetworkAlerts(server.Inventory, ours[0].Sequence, [first, second], 2);
        Assert.Equal([ours[1], ours[2]], resumed);

        using var outletChannel = server.ChannelFor(Roles.Outlet, first);
        var denied = await Assert.ThrowsAsync<RpcException>(() => NetworkAlerts(new Api.InventoryService.InventoryServiceClient(outletChannel), 0, [first], 1));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    public static TheoryData<string, string> BadReorderPoints => new()
    {
        { "negative reorder point", "reorder_point" },
        { "reorder point above the limit", "reorder_point" },
        { "zero reorder quantity", "reorder_quantity" },
        { "negative reorder quantity", "reorder_quantity" },
        { "missing sku", "sku" },
        { "1 MB sku", "sku" },
        { "sku not in the catalog", "sku" },
        { "missing outlet", "outlet_id" },
    };

    [Theory]
    [MemberData(nameof(BadReorderPoints))]
    public async Task A_bad_reorder_point_is_rejected_naming_the_field_and_sets_nothing(string defect, string field)
    {
        var (outlet, sku) = await StockedOutlet(1);
        var request = new Api.SetReorderPointRequest { OutletId = outlet, Sku = sku, ReorderPoint = 5, ReorderQuantity = 5 };
        switch (defect)
        {
            case "negative reorder point": request.ReorderPoint = -1; break;
            case "reorder point above the limit": request.ReorderPoint = 1_000_001; break;
            case "zero reorder quantity": request.ReorderQuantity = 0; break;
            case "negative reorder quantity": request.ReorderQuantity = -5; break;
            case "missing sku": request.Sku = string.Empty; break;
            case "1 MB sku": request.Sku = new string('S', 1_000_000); break;
            case "sku not in the catalog": request.Sku = Samples.UniqueId("FAKE"); break;
            case "missing outlet": request.OutletId = string.Empty; break;
        }

        var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.SetReorderPointAsync(request).ResponseAsync);

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        var stock = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutletInventoryGrain>(outlet);
        Assert.Empty((await stock.WaitForAlerts(0, 10, TimeSpan.Zero)).Alerts);
    }

    [Fact]
    public async Task Watching_alerts_with_bad_fields_is_rejected()
    {
        var malformed = await Assert.ThrowsAsync<RpcException>(() => Alerts(server.Inventory, "shop #1", 0, 1));
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.StartsWith("outlet_id:", malformed.Status.Detail, StringComparison.Ordinal);
        var (outlet, _) = await StockedOutlet(1);
        var negative = await Assert.ThrowsAsync<RpcException>(() => Alerts(server.Inventory, outlet, -1, 1));
        Assert.Equal(StatusCode.InvalidArgument, negative.StatusCode);
        Assert.StartsWith("after_sequence:", negative.Status.Detail, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Alerts(server.Inventory, Samples.UniqueId("NOWHERE"), 0, 1));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_stock_count_is_applied_once_per_sync_id_and_answers_with_the_differences()
    {
        var (outlet, screen) = await StockedOutlet(10);
        var battery = Samples.UniqueId("BAT");
        var camera = Samples.UniqueId("CAM");
        var unlisted = Samples.UniqueId("KEEP");
        await Samples.ListInCatalog(server.Parts, battery, camera, unlisted);
        await Adjust(outlet, battery, Api.StockAdjustmentKind.Receive, 4, "delivery");
        await Adjust(outlet, unlisted, Api.StockAdjustmentKind.Receive, 7, "delivery");
        var stock = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutletInventoryGrain>(outlet);
        await stock.Reserve("RO-SYNC-1", [PartQuantity.Of(screen, 2)]);
        var request = new Api.SyncStockCountRequest
        {
            OutletId = outlet,
            SyncId = "count-2026-11",
            Counts = { new Api.StockCount { Sku = screen, OnHand = 8 }, new Api.StockCount { Sku = battery, OnHand = 4 }, new Api.StockCount { Sku = camera, OnHand = 3 } },
        };

        var first = await server.Inventory.SyncStockCountAsync(request);
        var retried = await server.Inventory.SyncStockCountAsync(request);
        var changed = request.Clone();
        changed.Counts[1].OnHand = 5;
        await AssertStatus(StatusCode.AlreadyExists, () => server.Inventory.SyncStockCountAsync(changed).ResponseAsync);

        Assert.Equal(3, first.CountedSkus);
        Assert.False(first.Replayed);
        Assert.True(retried.Replayed);
        Assert.Equal(first.Differences, retried.Differences);
        var expected = new[] { (screen, 10, 8, -2), (camera, 0, 3, 3) }.OrderBy(d => d.Item1, StringComparer.Ordinal);
        Assert.Equal(expected, first.Differences.Select(d => (d.Sku, d.Expected, d.Counted, d.Delta)));
        var levels = (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet })).Items.ToDictionary(l => l.Sku);
        Assert.Equal((8, 2), (levels[screen].OnHand, levels[screen].Reserved));
        Assert.Equal(4, levels[battery].OnHand);
        Assert.Equal(3, levels[camera].OnHand);
        Assert.Equal(7, levels[unlisted].OnHand);
        var ledger = (await server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = outlet, PageSize = 500 })).Movements;
        Assert.Equal(2, ledger.Count(m => m.Kind == Api.StockMovementKind.CountCorrection));
        Assert.All(levels.Values, l => Assert.Equal(l.OnHand, ledger.Where(m => m.Sku == l.Sku).Sum(m => m.OnHandDelta)));
    }

    [Fact]
    public async Task A_count_below_what_is_reserved_is_refused_naming_the_sku_and_applies_nothing()
    {
        var (outlet, screen) = await StockedOutlet(5);
        var battery = Samples.UniqueId("BAT");
        await Samples.ListInCatalog(server.Parts, battery);
        var stock = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IOutletInventoryGrain>(outlet);
        await stock.Reserve("RO-SYNC-2", [PartQuantity.Of(screen, 3)]);
        var before = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet });

        var error = await AssertStatus(StatusCode.FailedPrecondition, () => server.Inventory.SyncStockCountAsync(new Api.SyncStockCountRequest
        {
            OutletId = outlet,
            SyncId = "short",
            Counts = { new Api.StockCount { Sku = battery, OnHand = 9 }, new Api.StockCount { Sku = screen, OnHand = 2 } },
        }).ResponseAsync);

        Assert.Contains(screen, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet }));
    }

    public static TheoryData<string, StatusCode, string> BadSyncs => new()
    {
        { "missing sync_id", StatusCode.InvalidArgument, "sync_id" },
        { "malformed sync_id", StatusCode.InvalidArgument, "sync_id" },
        { "1 MB sync_id", StatusCode.InvalidArgument, "sync_id" },
        { "no counts", StatusCode.InvalidArgument, "counts" },
        { "2001 counts", StatusCode.InvalidArgument, "counts" },
        { "negative on_hand", StatusCode.InvalidArgument, "counts[1].on_hand" },
        { "on_hand above the limit", StatusCode.InvalidArgument, "counts[1].on_hand" },
        { "malformed sku", StatusCode.InvalidArgument, "counts[1].sku" },
        { "sku counted twice", StatusCode.InvalidArgument, "counts[1].sku" },
        { "sku not in the catalog", StatusCode.InvalidArgument, "counts[1].sku" },
        { "missing outlet", StatusCode.InvalidArgument, "outlet_id" },
        { "unknown outlet", StatusCode.NotFound, "outlet" },
    };

    [Theory]
    [MemberData(nameof(BadSyncs))]
    public async Task A_bad_stock_count_is_rejected_and_changes_nothing(string defect, StatusCode status, string field)
    {
        var (outlet, sku) = await StockedOutlet(5);
        var request = new Api.SyncStockCountRequest { OutletId = outlet, SyncId = "sync-1", Counts = { new Api.StockCount { Sku = sku, OnHand = 1 }, new Api.StockCount { Sku = sku + "X", OnHand = 1 } } };
        await Samples.ListInCatalog(server.Parts, sku + "X");
        switch (defect)
        {
            case "missing sync_id": request.SyncId = string.Empty; break;
            case "malformed sync_id": request.SyncId = "count #1"; break;
            case "1 MB sync_id": request.SyncId = new string('s', 1_000_000); break;
            case "no counts": request.Counts.Clear(); break;
            case "2001 counts": request.Counts.AddRange(Enumerable.Range(0, 1999).Select(i => new Api.StockCount { Sku = $"{sku}-{i}", OnHand = 1 })); break;
            case "negative on_hand": request.Counts[1].OnHand = -1; break;
            case "on_hand above the limit": request.Counts[1].OnHand = 1_000_001; break;
            case "malformed sku": request.Counts[1].Sku = "bad sku"; break;
            case "sku counted twice": request.Counts[1].Sku = sku; break;
            case "sku not in the catalog": request.Counts[1].Sku = Samples.UniqueId("FAKE"); break;
            case "missing outlet": request.OutletId = string.Empty; break;
            case "unknown outlet": request.OutletId = Samples.UniqueId("NOWHERE"); break;
        }

        var error = await AssertStatus(status, () => server.Inventory.SyncStockCountAsync(request).ResponseAsync);

        if (status == StatusCode.InvalidArgument)
        {
            Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        }

        var after = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet });
        Assert.Equal((5, 1L), (after.Items.Single().OnHand, after.Version));
    }

    [Fact]
    public async Task An_outlet_syncs_its_own_stock_only()
    {
        var (own, sku) = await StockedOutlet(5);
        var (other, otherSku) = await StockedOutlet(5);
        using var channel = server.ChannelFor(Roles.Outlet, own);
        var inventory = new Api.InventoryService.InventoryServiceClient(channel);

        var synced = await inventory.SyncStockCountAsync(new Api.SyncStockCountRequest { OutletId = own, SyncId = "s1", Counts = { new Api.StockCount { Sku = sku, OnHand = 4 } } });
        await AssertStatus(StatusCode.PermissionDenied, () => inventory.SyncStockCountAsync(new Api.SyncStockCountRequest { OutletId = other, SyncId = "s1", Counts = { new Api.StockCount { Sku = otherSku, OnHand = 4 } } }).ResponseAsync);

        Assert.Equal(-1, synced.Differences.Single().Delta);
        Assert.Equal(5, (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = other })).Items.Single().OnHand);
    }

    /// <summary>Reads <paramref name="count"/> alerts from a fresh stream after <paramref name="after"/>.</summary>
    private static async Task<List<Api.StockAlert>> Alerts(Api.InventoryService.InventoryServiceClient client, string outlet, long after, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = client.WatchStockAlerts(new Api.WatchStockAlertsRequest { OutletId = outlet, AfterSequence = after }, cancellationToken: timeout.Token);
        var alerts = new List<Api.StockAlert>();
        while (alerts.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            alerts.Add(call.ResponseStream.Current.Alert);
        }

        return alerts;
    }

    /// <summary>Reads the network feed after <paramref name="after"/> until <paramref name="count"/> alerts of the given outlets came.</summary>
    private static async Task<List<Api.StockAlert>> NetworkAlerts(Api.InventoryService.InventoryServiceClient client, long after, string[] outlets, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = client.WatchStockAlerts(new Api.WatchStockAlertsRequest { AfterSequence = after }, cancellationToken: timeout.Token);
        var alerts = new List<Api.StockAlert>();
        while (alerts.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (outlets.Contains(call.ResponseStream.Current.Alert.OutletId))
            {
                alerts.Add(call.ResponseStream.Current.Alert);
            }
        }

        return alerts;
    }

    private async Task<(string Outlet, string Sku)> StockedOutlet(int onHand)
    {
        var outlet = Samples.UniqueId("INV");
        var sku = Samples.UniqueId("SKU");
        var (lat, lon) = TestArea.Next();
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, lat, lon) });
        await Samples.ListInCatalog(server.Parts, sku);
        await Adjust(outlet, sku, Api.StockAdjustmentKind.Receive, onHand, "delivery", "receive-" + sku);
        return (outlet, sku);
    }

    private async Task<Api.AdjustStockResponse> Adjust(string outlet, string sku, Api.StockAdjustmentKind kind, int quantity, string reason, string? key = null) =>
        await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = outlet, Sku = sku, Kind = kind, Quantity = quantity, Reason = reason, IdempotencyKey = key ?? Guid.NewGuid().ToString("N") });

    private static async Task<RpcException> AssertStatus<T>(StatusCode expected, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, error.StatusCode);
        return error;
    }
}
