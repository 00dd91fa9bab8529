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
