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
    public async Task A_transfer_interrupted_by_killing_the_server_between_ship_and_receive_moves_stock_exactly_once()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Each run is a fresh cluster id on the same database (grain state is keyed by the service id):
        // a lone silo joining its own cluster would first wait for its killed predecessor to be voted dead.
        string Cluster() => "transfer-" + Guid.NewGuid().ToString("N")[..8];
        var request = new Api.RequestTransferRequest
        {
            TransferId = "TR-CRASH-1",
            FromOutletId = "NB-0001",
            ToOutletId = "NB-0002",
            Lines = { new Api.TransferLine { Sku = "SCR-1", Quantity = Moved } },
            Reason = "screen for a waiting repair",
        };

        await using (var first = await ServerProcess.StartAsync("first", database.ConnectionString, Cluster(), FastFailureDetection))
        {
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("NB-0001", 29.87, 121.55) });
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("NB-0002", 29.90, 121.60) });
            await new Api.PartsCatalogService.PartsCatalogServiceClient(first.Channel).CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part("SCR-1") });
            await first.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = "NB-0001", Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = Received, Reason = "delivery", IdempotencyKey = "d-1" });

            var transfers = new Api.TransferService.TransferServiceClient(first.Channel);
            await transfers.RequestTransferAsync(request);
            await transfers.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId });

            // Crash between ship and receive: no graceful shutdown of any kind.
            first.Kill();
        }

        await using (var second = await ServerProcess.StartAsync("second", database.ConnectionString, Cluster(), FastFailureDetection))
        {
            var transfers = new Api.TransferService.TransferServiceClient(second.Channel);

            // The client never trusted its ship acknowledgement and retries it after the restart.
            var shipped = (await transfers.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId })).Transfer;
            Assert.Equal(Api.TransferStatus.Shipped, shipped.Status);
            Assert.Equal((Received - Moved, 0), await Stock(second));

            await transfers.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = request.TransferId });
            second.Kill();
        }

        await using var third = await ServerProcess.StartAsync("third", database.ConnectionString, Cluster(), FastFailureDetection);
        var retried = new Api.TransferService.TransferServiceClient(third.Channel);
        await retried.RequestTransferAsync(request);
        await retried.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId });
        var received = (await retried.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = request.TransferId })).Transfer;

        Assert.Equal(Api.TransferStatus.Received, received.Status);
        Assert.Equal(3, received.Steps.Count);
        Assert.Equal((Received - Moved, Moved), await Stock(third));
    }

    private static async Task<(int Source, int Destination)> Stock(ServerProcess server)
    {
        async Task<int> OnHand(string outletId) =>
            (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { "SCR-1" } })).Items.Single().OnHand;
        return (await OnHand("NB-0001"), await OnHand("NB-0002"));
    }
}
