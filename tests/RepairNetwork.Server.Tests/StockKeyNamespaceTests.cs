using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;
using static RepairNetwork.Server.Tests.Polling;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Idempotency keys a client sends and those the platform makes for its own stock movements live
/// apart: no key an outlet sends, whatever it reads, can block the platform's later effect. And a
/// full count of thousands of SKUs still comes out right.
/// </summary>
public sealed class StockKeyNamespaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Api.InventoryService.InventoryServiceClient Inventory(string outletId) => new(server.ChannelFor(Roles.Outlet, outletId));

    private Api.TransferService.TransferServiceClient Transfers(string outletId) => new(server.ChannelFor(Roles.Outlet, outletId));

    private static Api.AdjustStockRequest Receive(string outletId, string sku, int quantity, string key) => new()
    {
        OutletId = outletId, Sku = sku, Kind = Api.StockAdjustmentKind.Receive, Quantity = quantity, Reason = "delivery", IdempotencyKey = key,
    };

    private async Task<int> OnHand(string outletId, string sku) =>
        (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { sku } })).Items.Single().OnHand;

    [Fact]
    public async Task Client_keys_shaped_like_a_transfers_own_keys_never_block_that_transfer_and_still_replay()
    {
        var (lat, lon) = TestArea.Next();
        var (from, to, sku) = (Samples.UniqueId("SRC"), Samples.UniqueId("DST"), Samples.UniqueId("SCR"));
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(from, lat + 0.01, lon) });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(to, lat + 0.02, lon) });
        await Samples.ListInCatalog(server.Parts, sku);
        await Inventory(from).AdjustStockAsync(Receive(from, sku, 5, "delivery-1"));
        var transferId = Samples.UniqueId("XF");

        // Both outlets take the keys the transfer's movements will use, before it is even requested.
        var taken = Receive(to, sku, 1, $"transfer:{transferId}:in:{sku}");
        Assert.False((await Inventory(to).AdjustStockAsync(taken)).Replayed);
        await Inventory(from).AdjustStockAsync(Receive(from, sku, 1, $"transfer:{transferId}:out:{sku}"));

        await Transfers(to).RequestTransferAsync(new Api.RequestTransferRequest
        {
            TransferId = transferId, FromOutletId = from, ToOutletId = to, Lines = { new Api.TransferLine { Sku = sku, Quantity = 2 } }, Reason = "restock",
        });
        await Transfers(from).ShipTransferAsync(new Api.ShipTransferRequest { TransferId = transferId });
        var received = (await Transfers(to).ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = transferId })).Transfer;

        Assert.Equal(Api.TransferStatus.Received, received.Status);
        Assert.Equal((5 + 1 - 2, 1 + 2), (await OnHand(from, sku), await OnHand(to, sku)));

        // The client's retry replays once; its movement still carries the key it sent.
        var retried = await Inventory(to).AdjustStockAsync(taken);
        Assert.True(retried.Replayed);
        Assert.Equal(3, await OnHand(to, sku));
        var changed = taken.Clone();
        changed.Quantity = 2;
        Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<RpcException>(() => Inventory(to).AdjustStockAsync(changed).ResponseAsync)).StatusCode);
        var movements = (await Inventory(to).ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = to, Sku = sku })).Movements;
        Assert.Equal(
            [(Api.StockMovementKind.TransferIn, taken.IdempotencyKey), (Api.StockMovementKind.Receive, taken.IdempotencyKey)],
            movements.Select(m => (m.Kind, m.IdempotencyKey)));
    }

    [Fact]
    public async Task A_client_key_shaped_like_an_orders_loaner_return_never_stops_the_loaner_coming_back()
    {
        using var journey = await OrderJourney.Start(server);
        var loaner = Samples.UniqueId("LOANER");
        await Samples.ListInCatalog(server.Parts, loaner);
        var policy = Samples.Policy("phone");
        policy.LoanerSku = loaner;
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = policy });
        var outlet = Inventory(journey.OutletId);
        await outlet.AdjustStockAsync(Receive(journey.OutletId, loaner, 1, "loaner-pool"));

        var order = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order;
        var id = order.OrderId;
        Assert.Equal(journey.OutletId, order.Assignment.OutletId);

        // The outlet takes the key the loaner's return will use.
        var taken = Receive(journey.OutletId, loaner, 1, $"loaner-back:{id}");
        await outlet.AdjustStockAsync(taken);
        Assert.Equal(2, await OnHand(journey.OutletId, loaner));

        await journey.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = id });
        var diagnosis = journey.Diagnosis();
        diagnosis.ExpectedRepairHours = 5 * 24;
        await journey.Outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = diagnosis });
        Assert.Equal(1, await OnHand(journey.OutletId, loaner));
        await journey.Outlet.QuoteRepairOrderAsync(journey.Quote(id));
        await journey.CallCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1, Note = "by phone" });
        await journey.Outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id });
        await journey.Outlet.CompleteRepairOrderAsync(journey.Completion(id));
        await journey.Outlet.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = id });

        Assert.Equal(2, await Eventually(() => OnHand(journey.OutletId, loaner), n => n == 2));
        Assert.True((await outlet.AdjustStockAsync(taken)).Replayed);
        Assert.Equal(2, await OnHand(journey.OutletId, loaner));
    }

    [Fact]
    public async Task A_count_of_more_than_a_thousand_skus_sets_every_one_of_them()
    {
        var (lat, lon) = TestArea.Next();
        var outletId = Samples.UniqueId("COUNT");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon) });
        var prefix = Samples.UniqueId("BULK");
        var skus = Enumerable.Range(0, 1_200).Select(i => $"{prefix}-{i:0000}").ToList();
        await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (sku, cancellationToken) =>
            await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(sku) }, cancellationToken: cancellationToken));
        var request = new Api.SyncStockCountRequest { OutletId = outletId, SyncId = "full-count-1" };
        request.Counts.AddRange(skus.Select((sku, i) => new Api.StockCount { Sku = sku, OnHand = i % 7 }));

        var unlisted = request.Clone();
        unlisted.SyncId = "full-count-0";
        unlisted.Counts[1_100].Sku = Samples.UniqueId("NOT-LISTED");
        var refused = await Assert.ThrowsAsync<RpcException>(() => Inventory(outletId).SyncStockCountAsync(unlisted).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("counts[1100].sku:", refused.Status.Detail, StringComparison.Ordinal);

        var synced = await Inventory(outletId).SyncStockCountAsync(request);

        Assert.Equal(1_200, synced.CountedSkus);
        Assert.Equal(Enumerable.Range(0, skus.Count).Count(i => i % 7 != 0), synced.Differences.Count);
        var levels = new List<Api.StockLevel>();
        foreach (var chunk in skus.Chunk(600))
        {
            levels.AddRange((await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { chunk } })).Items);
        }

        Assert.Equal(skus.Select((sku, i) => (sku, i % 7)), levels.Select(l => (l.Sku, l.OnHand)));
    }
}
