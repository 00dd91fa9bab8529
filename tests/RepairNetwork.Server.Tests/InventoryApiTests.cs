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
