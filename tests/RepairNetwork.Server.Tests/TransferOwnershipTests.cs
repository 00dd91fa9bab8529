using Grpc.Core;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Domain.Orders;
using Api = RepairNetwork.Contracts.V1;
using static RepairNetwork.Server.Tests.Polling;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// A transfer an outlet asks for names only its own order, dispatch's transfer ids are dispatch's
/// alone, and no transfer a client asked for reaches the parts dispatch holds for an order.
/// </summary>
public sealed class TransferOwnershipTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// Two capable outlets without the part (nearest first) and a depot, which cannot take the job,
    /// with 2 on its shelf: an order needing one is offered to the nearest, its part held at the
    /// depot and brought by a transfer dispatch requests.
    /// </summary>
    private async Task<(OrderJourney Journey, string Depot)> Arrange()
    {
        var journey = await OrderJourney.Start(server, outlets: 2);
        foreach (var outletId in journey.OutletIds)
        {
            await SetOnHand(journey, outletId, 0);
        }

        var depot = Samples.UniqueId("DEPOT");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(depot, journey.Lat + 0.06, journey.Lon, capability: "laptop.board") });
        await SetOnHand(journey, depot, 2);
        return (journey, depot);
    }

    private Task SetOnHand(OrderJourney journey, string outletId, int count) =>
        server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest
        {
            OutletId = outletId, Sku = journey.PartSku, Kind = Api.StockAdjustmentKind.CountCorrection, Quantity = count, Reason = "count", IdempotencyKey = Guid.NewGuid().ToString(),
        }).ResponseAsync;

    private async Task<(int OnHand, int Reserved)> Stock(OrderJourney journey, string outletId)
    {
        var level = (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { journey.PartSku } })).Items.Single();
        return (level.OnHand, level.Reserved);
    }

    private static Api.CreateRepairOrderRequest NeedingPart(OrderJourney journey)
    {
        var request = journey.NewOrder();
        request.RequiredParts.Add(new Api.RequiredPart { Sku = journey.PartSku, Quantity = 1 });
        return request;
    }

    /// <summary>One unit of the journey's part from <paramref name="from"/> to <paramref name="to"/>: the same lines as dispatch's transfer.</summary>
    private static Api.RequestTransferRequest Request(OrderJourney journey, string from, string to, string orderId, string? transferId = null) => new()
    {
        TransferId = transferId ?? Samples.UniqueId("XF"),
        FromOutletId = from,
        ToOutletId = to,
        Lines = { new Api.TransferLine { Sku = journey.PartSku, Quantity = 1 } },
        OrderId = orderId,
        Reason = "part for a repair",
    };

    private Api.TransferService.TransferServiceClient Transfers(string outletId) => new(server.ChannelFor(Roles.Outlet, outletId));

    private async Task<Api.RepairOrder> OfferedWithPartComingFrom(OrderJourney journey, string depot, Api.CreateRepairOrderRequest? request = null)
    {
        var order = (await journey.CallCenter.CreateRepairOrderAsync(request ?? NeedingPart(journey))).Order;
        Assert.Equal((Api.RepairOrderStatus.Offered, journey.OutletIds[0]), (order.Status, order.Assignment.OutletId));
        Assert.Equal((Api.PartsSupplyMode.Transfer, depot), (order.Assignment.PartsSupply.Mode, order.Assignment.PartsSupply.HeldAtOutletId));
        return order;
    }

    [Fact]
    public async Task An_outlet_naming_another_outlets_order_on_a_transfer_is_denied_and_the_siblings_hold_stays()
    {
        var (journey, depot) = await Arrange();
        var order = await OfferedWithPartComingFrom(journey, depot);
        var intruder = journey.OutletIds[1];
        Assert.Equal((2, 1), await Stock(journey, depot));

        var named = await AssertStatus(StatusCode.PermissionDenied, () => Transfers(intruder).RequestTransferAsync(Request(journey, depot, intruder, order.OrderId)).ResponseAsync);
        var unknown = await AssertStatus(StatusCode.PermissionDenied, () => Transfers(intruder).RequestTransferAsync(Request(journey, depot, intruder, "RO-nobody-has-this")).ResponseAsync);

        // The refusal reads the same for an order held elsewhere as for none at all: it tells nothing about the order.
        Assert.Equal(unknown.Status.Detail.Replace("RO-nobody-has-this", order.OrderId, StringComparison.Ordinal), named.Status.Detail);
        Assert.DoesNotContain(journey.OutletIds[0], named.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((2, 1), await Stock(journey, depot));
        Assert.Empty((await Transfers(intruder).ListTransfersAsync(new Api.ListTransfersRequest { OutletId = intruder })).Transfers);
    }

    [Fact]
    public async Task An_outlet_may_name_its_own_order_but_its_transfer_never_releases_or_takes_the_parts_dispatch_holds()
    {
        var (journey, depot) = await Arrange();
        var order = await OfferedWithPartComingFrom(journey, depot);
        var own = journey.OutletIds[0];

        // Same lines, same depot, same order as dispatch's transfer: cancelling it leaves dispatch's hold alone.
        var cancelled = (await Transfers(own).RequestTransferAsync(Request(journey, depot, own, order.OrderId))).Transfer;
        Assert.Equal(order.OrderId, cancelled.OrderId);
        await Transfers(own).CancelTransferAsync(new Api.CancelTransferRequest { TransferId = cancelled.TransferId, Reason = "found one" });
        Assert.Equal((2, 1), await Stock(journey, depot));

        // Shipped, it takes the depot's other, available unit; the held one stays held.
        var extra = (await Transfers(own).RequestTransferAsync(Request(journey, depot, own, order.OrderId))).Transfer;
        await Transfers(depot).ShipTransferAsync(new Api.ShipTransferRequest { TransferId = extra.TransferId });
        Assert.Equal((1, 1), await Stock(journey, depot));
        await Transfers(own).ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = extra.TransferId });

        // Dispatch's own transfer still ships from its hold and arrives held for the order.
        var dispatched = order.Assignment.PartsSupply.TransferId;
        await Transfers(depot).ShipTransferAsync(new Api.ShipTransferRequest { TransferId = dispatched });
        Assert.Equal((0, 0), await Stock(journey, depot));
        await Transfers(own).ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = dispatched });
        Assert.Equal((2, 1), await Eventually(() => Stock(journey, own), s => s.Reserved == 1));
    }

    [Fact]
    public async Task The_transfer_ids_dispatch_will_use_are_refused_from_the_api_so_the_orders_dispatch_still_gets_its_parts()
    {
        var (journey, depot) = await Arrange();
        var request = NeedingPart(journey);
        var orderId = RepairRequests.OrderIdFor(request.RequestId);
        var nextDispatchId = $"TR-{orderId}-1";

        var squatted = await AssertStatus(StatusCode.InvalidArgument, () => Transfers(journey.OutletIds[0]).RequestTransferAsync(Request(journey, depot, journey.OutletIds[0], "", nextDispatchId)).ResponseAsync);
        Assert.StartsWith("transfer_id:", squatted.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("'TR-'", squatted.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Channel.Transfers().RequestTransferAsync(Request(journey, depot, journey.OutletIds[1], "", nextDispatchId)).ResponseAsync);

        var order = await OfferedWithPartComingFrom(journey, depot, request);
        Assert.Equal(nextDispatchId, order.Assignment.PartsSupply.TransferId);
        var transfer = (await server.Channel.Transfers().GetTransferAsync(new Api.GetTransferRequest { TransferId = nextDispatchId })).Transfer;
        Assert.Equal((depot, journey.OutletIds[0], orderId, Api.TransferStatus.Requested), (transfer.FromOutletId, transfer.ToOutletId, transfer.OrderId, transfer.Status));
        Assert.Equal((2, 1), await Stock(journey, depot));
    }

    [Fact]
    public async Task Headquarters_naming_an_order_its_destination_does_not_hold_is_failed_precondition()
    {
        var (journey, depot) = await Arrange();
        var order = await OfferedWithPartComingFrom(journey, depot);

        var elsewhere = await AssertStatus(StatusCode.FailedPrecondition, () => server.Channel.Transfers().RequestTransferAsync(Request(journey, depot, journey.OutletIds[1], order.OrderId)).ResponseAsync);
        Assert.StartsWith("order_id:", elsewhere.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.NotFound, () => server.Channel.Transfers().RequestTransferAsync(Request(journey, depot, journey.OutletIds[1], "RO-nobody-has-this")).ResponseAsync);

        var toHolder = (await server.Channel.Transfers().RequestTransferAsync(Request(journey, depot, journey.OutletIds[0], order.OrderId))).Transfer;
        Assert.Equal(order.OrderId, toHolder.OrderId);
    }

    private static async Task<RpcException> AssertStatus<T>(StatusCode expected, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(expected, error.StatusCode);
        return error;
    }
}
