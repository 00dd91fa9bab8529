using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Transfers end to end: each step moves stock exactly once however it is retried (also concurrently),
/// cancel only before shipping, hostile input, who may do what; and FindPart picking the nearest
/// outlet that has the part.
/// </summary>
public sealed class TransferAndFindPartTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string Huge = new('x', 1_000_000);

    private sealed record Setup(string A, string B, string C, string Sku, string Sku2, double Lat, double Lon);

    /// <summary>Outlets A, B, C near each other; A holds 5 of Sku and 1 of Sku2; both SKUs are in the catalog.</summary>
    private async Task<Setup> Arrange()
    {
        var (lat, lon) = TestArea.Next();
        var setup = new Setup(Samples.UniqueId("A"), Samples.UniqueId("B"), Samples.UniqueId("C"), Samples.UniqueId("SCR"), Samples.UniqueId("BAT"), lat, lon);
        var offset = 0.01;
        foreach (var id in new[] { setup.A, setup.B, setup.C })
        {
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat + offset, lon) });
            offset += 0.01;
        }

        await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(setup.Sku) });
        await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(setup.Sku2) });
        await Receive(setup.A, setup.Sku, 5);
        await Receive(setup.A, setup.Sku2, 1);
        return setup;
    }

    private Task Receive(string outletId, string sku, int quantity) =>
        server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = outletId, Sku = sku, Kind = Api.StockAdjustmentKind.Receive, Quantity = quantity, Reason = "delivery", IdempotencyKey = Guid.NewGuid().ToString() }).ResponseAsync;

    private async Task<int> OnHand(string outletId, string sku) =>
        (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { sku } })).Items.Single().OnHand;

    private static Api.RequestTransferRequest Request(Setup s, int quantity = 2, string? id = null) => new()
    {
        TransferId = id ?? Samples.UniqueId("XF"),
        FromOutletId = s.A,
        ToOutletId = s.B,
        Lines = { new Api.TransferLine { Sku = s.Sku, Quantity = quantity } },
        Reason = "screen for a walk-in repair",
    };

    private Api.TransferService.TransferServiceClient Transfers(string role, string? outletId = null) => new(server.ChannelFor(role, outletId));

    [Fact]
    public async Task An_outlet_requests_from_a_sibling_which_ships_and_it_receives_moving_stock_once()
    {
        var s = await Arrange();
        var b = Transfers(Roles.Outlet, s.B);
        var a = Transfers(Roles.Outlet, s.A);

        var requested = (await b.RequestTransferAsync(Request(s))).Transfer;
        Assert.Equal(Api.TransferStatus.Requested, requested.Status);
        Assert.Equal((5, 0), (await OnHand(s.A, s.Sku), await OnHand(s.B, s.Sku)));

        var shipped = (await a.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = requested.TransferId })).Transfer;
        Assert.Equal(Api.TransferStatus.Shipped, shipped.Status);
        Assert.NotNull(shipped.ShipTime);
        Assert.Equal((3, 0), (await OnHand(s.A, s.Sku), await OnHand(s.B, s.Sku)));

        var received = (await b.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = requested.TransferId })).Transfer;
        Assert.Equal(Api.TransferStatus.Received, received.Status);
        Assert.Equal((3, 2), (await OnHand(s.A, s.Sku), await OnHand(s.B, s.Sku)));
        Assert.Equal([$"outlet:{s.B}", $"outlet:{s.A}", $"outlet:{s.B}"], received.Steps.Select(x => x.Actor));

        Assert.Equal(received, (await a.GetTransferAsync(new Api.GetTransferRequest { TransferId = requested.TransferId })).Transfer);
        Assert.Equal(received, (await a.ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.A })).Transfers.Single());
        Assert.Equal(received, (await b.ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.B })).Transfers.Single());
        Assert.Empty((await server.Channel.Transfers().ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.C })).Transfers);
    }

    [Fact]
    public async Task Every_step_retried_also_concurrently_moves_stock_exactly_once()
    {
        var s = await Arrange();
        var hq = Transfers(Roles.Hq);
        var request = Request(s, quantity: 3);

        var requests = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => hq.RequestTransferAsync(request).ResponseAsync));
        Assert.Single(requests.Select(r => r.Transfer).Distinct());
        var changed = request.Clone();
        changed.Lines[0].Quantity = 4;
        Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<RpcException>(() => hq.RequestTransferAsync(changed).ResponseAsync)).StatusCode);

        var ships = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId }).ResponseAsync));
        Assert.All(ships, r => Assert.Equal(Api.TransferStatus.Shipped, r.Transfer.Status));
        Assert.Equal(2, await OnHand(s.A, s.Sku));

        var receives = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => hq.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = request.TransferId }).ResponseAsync));
        Assert.All(receives, r => Assert.Equal(Api.TransferStatus.Received, r.Transfer.Status));
        await hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId });
        await hq.RequestTransferAsync(request);

        Assert.Equal((2, 3), (await OnHand(s.A, s.Sku), await OnHand(s.B, s.Sku)));
        Assert.Equal(3, (await hq.GetTransferAsync(new Api.GetTransferRequest { TransferId = request.TransferId })).Transfer.Steps.Count);
    }

    [Fact]
    public async Task Cancel_is_refused_after_shipping_and_a_cancelled_transfer_never_ships()
    {
        var s = await Arrange();
        var hq = Transfers(Roles.Hq);

        var shipped = Request(s);
        await hq.RequestTransferAsync(shipped);
        await hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = shipped.TransferId });
        var late = await Assert.ThrowsAsync<RpcException>(() => hq.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = shipped.TransferId, Reason = "changed my mind" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);

        var cancelled = Request(s);
        await hq.RequestTransferAsync(cancelled);
        var done = (await hq.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = cancelled.TransferId, Reason = "found one" })).Transfer;
        Assert.Equal(Api.TransferStatus.Cancelled, done.Status);
        Assert.Equal(done, (await hq.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = cancelled.TransferId, Reason = "found one" })).Transfer);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = cancelled.TransferId }).ResponseAsync)).StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, (await Assert.ThrowsAsync<RpcException>(() => hq.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = cancelled.TransferId }).ResponseAsync)).StatusCode);

        Assert.Equal((3, 0), (await OnHand(s.A, s.Sku), await OnHand(s.B, s.Sku)));
    }

    [Fact]
    public async Task Shipping_more_than_is_available_is_refused_and_cancelling_returns_what_a_partial_shipment_took()
    {
        var s = await Arrange();
        var hq = Transfers(Roles.Hq);

        // Sku: 5 available, 4 wanted; Sku2: 1 available, 2 wanted.
        var request = Request(s, quantity: 4);
        request.Lines.Add(new Api.TransferLine { Sku = s.Sku2, Quantity = 2 });
        await hq.RequestTransferAsync(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = request.TransferId }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var stuck = (await hq.GetTransferAsync(new Api.GetTransferRequest { TransferId = request.TransferId })).Transfer;
        Assert.Equal(Api.TransferStatus.Requested, stuck.Status);
        Assert.True(stuck.ShippingInProgress);
        var stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = s.A });
        Assert.All(stock.Items, i => Assert.True(i.Available >= 0));

        await hq.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = request.TransferId, Reason = "not enough batteries" });
        await hq.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = request.TransferId, Reason = "not enough batteries" });

        Assert.Equal((5, 1), (await OnHand(s.A, s.Sku), await OnHand(s.A, s.Sku2)));
    }

    public static TheoryData<string, StatusCode, string> HostileRequests => new()
    {
        { "negative quantity", StatusCode.InvalidArgument, "lines[0].quantity" },
        { "same from and to", StatusCode.InvalidArgument, "to_outlet_id" },
        { "unknown sku", StatusCode.InvalidArgument, "lines[0].sku" },
        { "1 MB reason", StatusCode.InvalidArgument, "reason" },
        { "no lines", StatusCode.InvalidArgument, "lines" },
        { "malformed transfer id", StatusCode.InvalidArgument, "transfer_id" },
        { "unknown source outlet", StatusCode.NotFound, "from_outlet_id" },
    };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task Hostile_requests_are_refused_naming_the_field_and_record_nothing(string defect, StatusCode code, string field)
    {
        var s = await Arrange();
        var hq = Transfers(Roles.Hq);
        var request = Request(s);
        switch (defect)
        {
            case "negative quantity": request.Lines[0].Quantity = -5; break;
            case "same from and to": request.ToOutletId = s.A; break;
            case "unknown sku": request.Lines[0].Sku = "NO-SUCH-PART"; break;
            case "1 MB reason": request.Reason = Huge; break;
            case "no lines": request.Lines.Clear(); break;
            case "malformed transfer id": request.TransferId = "TR 1/../2"; break;
            default: request.FromOutletId = "NO-SUCH-OUTLET"; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => hq.RequestTransferAsync(request).ResponseAsync);
        Assert.Equal(code, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await hq.ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.B })).Transfers);
        Assert.Equal(5, await OnHand(s.A, s.Sku));
    }

    [Fact]
    public async Task Outlets_act_only_on_their_own_side_of_a_transfer_and_the_call_center_not_at_all()
    {
        var s = await Arrange();
        var a = Transfers(Roles.Outlet, s.A);
        var b = Transfers(Roles.Outlet, s.B);
        var c = Transfers(Roles.Outlet, s.C);
        var callCenter = Transfers(Roles.CallCenter);
        var request = Request(s);

        await AssertDenied(() => c.RequestTransferAsync(request).ResponseAsync);            // into someone else
        await AssertDenied(() => a.RequestTransferAsync(request).ResponseAsync);            // out of itself
        await AssertDenied(() => callCenter.RequestTransferAsync(request).ResponseAsync);
        await b.RequestTransferAsync(request);

        var id = request.TransferId;
        await AssertDenied(() => b.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = id }).ResponseAsync);
        await AssertDenied(() => c.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = id }).ResponseAsync);
        await AssertDenied(() => c.GetTransferAsync(new Api.GetTransferRequest { TransferId = id }).ResponseAsync);
        await AssertDenied(() => c.CancelTransferAsync(new Api.CancelTransferRequest { TransferId = id, Reason = "mine now" }).ResponseAsync);
        await AssertDenied(() => c.ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.A }).ResponseAsync);
        await AssertDenied(() => callCenter.GetTransferAsync(new Api.GetTransferRequest { TransferId = id }).ResponseAsync);
        await AssertDenied(() => callCenter.ListTransfersAsync(new Api.ListTransfersRequest { OutletId = s.A }).ResponseAsync);
        Assert.Equal(5, await OnHand(s.A, s.Sku));

        await a.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = id });
        await AssertDenied(() => a.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = id }).ResponseAsync);
        await AssertDenied(() => c.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = id }).ResponseAsync);
        Assert.Equal(0, await OnHand(s.B, s.Sku));
        await b.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = id });

        // A refusal does not reveal whether a transfer exists.
        var existing = await AssertDenied(() => c.GetTransferAsync(new Api.GetTransferRequest { TransferId = id }).ResponseAsync);
        var missing = await AssertDenied(() => c.GetTransferAsync(new Api.GetTransferRequest { TransferId = "TR-NOPE" }).ResponseAsync);
        Assert.Equal(existing.Status.Detail, missing.Status.Detail);
    }

    [Fact]
    public async Task FindPart_picks_the_nearest_outlet_with_the_part_available_and_skips_a_nearer_one_without()
    {
        var s = await Arrange();

        // A, the nearest, sends all 5 of its Sku to C, the farthest; B never had any.
        var hq = Transfers(Roles.Hq);
        var move = Request(s, quantity: 5);
        move.ToOutletId = s.C;
        await hq.RequestTransferAsync(move);
        await hq.ShipTransferAsync(new Api.ShipTransferRequest { TransferId = move.TransferId });
        await hq.ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = move.TransferId });
        Assert.Equal(0, await OnHand(s.A, s.Sku));

        foreach (var channel in new[] { server.ChannelFor(Roles.Hq), server.ChannelFor(Roles.CallCenter), server.ChannelFor(Roles.Outlet, s.B) })
        {
            var found = await new Api.LocatorService.LocatorServiceClient(channel).FindPartAsync(new Api.FindPartRequest
            {
                Location = new Api.LatLng { Latitude = s.Lat, Longitude = s.Lon },
                Sku = s.Sku,
                Limit = 2,
                MaxDistanceKm = 100,
            });

            var only = Assert.Single(found.Outlets);
            Assert.Equal(s.C, only.OutletId);
            Assert.Equal(5, only.Available);
            Assert.InRange(only.DistanceKm, 3, 4);
            Assert.Equal(3, found.OutletsExamined);
            Assert.False(found.SearchBounded);
        }

        var nearest = await server.Locator.FindPartAsync(new Api.FindPartRequest { Location = new Api.LatLng { Latitude = s.Lat, Longitude = s.Lon }, Sku = s.Sku2, Limit = 1, MaxDistanceKm = 100 });
        Assert.Equal(s.A, Assert.Single(nearest.Outlets).OutletId);

        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.Locator.FindPartAsync(new Api.FindPartRequest { Location = new Api.LatLng { Latitude = s.Lat, Longitude = s.Lon }, Sku = "NO-SUCH-PART" }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        var badLimit = await Assert.ThrowsAsync<RpcException>(() => server.Locator.FindPartAsync(new Api.FindPartRequest { Location = new Api.LatLng { Latitude = s.Lat, Longitude = s.Lon }, Sku = s.Sku, Limit = -1 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, badLimit.StatusCode);
    }

    private static async Task<RpcException> AssertDenied<T>(Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        return error;
    }
}

internal static class TransferChannelExtensions
{
    public static Api.TransferService.TransferServiceClient Transfers(this GrpcChannel channel) => new(channel);
}
