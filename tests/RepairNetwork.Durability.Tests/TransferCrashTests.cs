using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

public sealed class TransferCrashTests
{
    private const int Received = 10;
    private const int Moved = 4;

    private static readonly Dictionary<string, string> FastFailureDetection = new()
    {
        ["Orleans:Membership:ProbeTimeout"] = "00:00:02",
        ["Orleans:Membership:NumMissedProbesLimit"] = "2",
        ["Orleans:Membership:NumVotesForDeathDeclaration"] = "1",
        ["Orleans:Messaging:ResponseTimeout"] = "00:00:10",
        ["OutletIndex:PollInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task A_transfer_whose_server_is_killed_after_each_step_moves_stock_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Each run is a fresh cluster id on the same database (grain state is keyed by the service id):
        // a lone silo joining its own cluster would first wait for its killed predecessor to be voted dead.
        string Cluster() => "transfer-" + Guid.NewGuid().ToString("N")[..8];
        var request = new Api.RequestTransferRequest
        {
            TransferId = "XF-CRASH-1",
            FromOutletId = "NB-0001",
            ToOutletId = "NB-0002",
            Lines = { new Api.TransferLine { Sku = "SCR-1", Quantity = Moved } },
            Reason = "screen for a waiting repair",
        };
        var ship = new Api.ShipTransferRequest { TransferId = request.TransferId };
        var receive = new Api.ReceiveTransferRequest { TransferId = request.TransferId };

        await using (var first = await ServerProcess.StartAsync("first", database.ConnectionString, Cluster(), FastFailureDetection))
        {
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("NB-0001", 29.87, 121.55, alwaysOpen: true) });
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("NB-0002", 29.90, 121.60, alwaysOpen: true) });
            await new Api.PartsCatalogService.PartsCatalogServiceClient(first.Channel).CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part("SCR-1") });
            await first.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = "NB-0001", Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = Received, Reason = "delivery", IdempotencyKey = "d-1" });

            await new Api.TransferService.TransferServiceClient(first.Channel).RequestTransferAsync(request);

            // Killed right after the request: no graceful shutdown of any kind.
            first.Kill();
        }

        await using (var second = await ServerProcess.StartAsync("second", database.ConnectionString, Cluster(), FastFailureDetection))
        {
            var transfers = new Api.TransferService.TransferServiceClient(second.Channel);

            // The client never trusted its acknowledgement and retries the request, then ships.
            Assert.Equal(Api.TransferStatus.Requested, (await transfers.RequestTransferAsync(request)).Transfer.Status);
            Assert.Equal((Received, 0), await Stock(second));
            await transfers.ShipTransferAsync(ship);
            second.Kill();
        }

        await using (var third = await ServerProcess.StartAsync("third", database.ConnectionString, Cluster(), FastFailureDetection))
        {
            var transfers = new Api.TransferService.TransferServiceClient(third.Channel);

            var shipped = (await transfers.ShipTransferAsync(ship)).Transfer;
            Assert.Equal(Api.TransferStatus.Shipped, shipped.Status);
            Assert.Equal((Received - Moved, 0), await Stock(third));

            await transfers.ReceiveTransferAsync(receive);
            third.Kill();
        }

        await using var fourth = await ServerProcess.StartAsync("fourth", database.ConnectionString, Cluster(), FastFailureDetection);
        var retried = new Api.TransferService.TransferServiceClient(fourth.Channel);
        await retried.RequestTransferAsync(request);
        await retried.ShipTransferAsync(ship);
        var received = (await retried.ReceiveTransferAsync(receive)).Transfer;

        Assert.Equal(Api.TransferStatus.Received, received.Status);
        Assert.Equal(3, received.Steps.Count);
        Assert.Equal((Received - Moved, Moved), await Stock(fourth));
        var ledger = (await fourth.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = "NB-0001", Sku = "SCR-1" })).Movements;
        Assert.Equal([Api.StockMovementKind.TransferOut, Api.StockMovementKind.Receive], ledger.Select(m => m.Kind));
    }

    private static async Task<(int Source, int Destination)> Stock(ServerProcess server)
    {
        async Task<int> OnHand(string outletId) =>
            (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { "SCR-1" } })).Items.Single().OnHand;
        return (await OnHand("NB-0001"), await OnHand("NB-0002"));
    }
}
