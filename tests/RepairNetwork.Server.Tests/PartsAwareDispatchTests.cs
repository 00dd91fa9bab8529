using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;
using static RepairNetwork.Server.Tests.Polling;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Orders that name their parts: the job goes where the parts are (or where a sibling can send them),
/// the parts are held for the order from dispatch on, follow it when it moves, go back when it is
/// cancelled or the repair declined, and are consumed once when the repair is completed.
/// </summary>
public sealed class PartsAwareDispatchTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// Capable outlets 1.1, 2.2 and 3.3 km from the customer (nearest first, stock as given), and a
    /// parts depot about 5 km north of the nearest: an outlet without the capability, so it never
    /// takes the job but can send parts.
    /// </summary>
    private async Task<(OrderJourney Journey, string Depot)> Arrange(int[] stock, int depotStock)
    {
        var journey = await OrderJourney.Start(server, outlets: stock.Length);
        for (var i = 0; i < stock.Length; i++)
        {
            await SetOnHand(journey, journey.OutletIds[i], stock[i]);
        }

        var depot = Samples.UniqueId("DEPOT");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(depot, journey.Lat + 0.06, journey.Lon, capability: "laptop.board") });
        await SetOnHand(journey, depot, depotStock);
        return (journey, depot);
    }

    private Task SetOnHand(OrderJourney journey, string outletId, int count) =>
        server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest
        {
            OutletId = outletId, Sku = journey.PartSku, Kind = Api.StockAdjustmentKind.CountCorrection, Quantity = count, Reason = "count", IdempotencyKey = Guid.NewGuid().ToString(),
        }).ResponseAsync;

    private async Task<Api.StockLevel> Stock(OrderJourney journey, string outletId) =>
        (await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { journey.PartSku } })).Items.Single();

    private static Api.CreateRepairOrderRequest NeedingParts(OrderJourney journey, int quantity = 1)
    {
        var request = journey.NewOrder();
        request.RequiredParts.Add(new Api.RequiredPart { Sku = journey.PartSku, Quantity = quantity });
        return request;
    }

    private Api.TransferService.TransferServiceClient Transfers(string outletId) => new(server.ChannelFor(Roles.Outlet, outletId));

    [Fact]
    public async Task A_job_goes_past_the_nearest_outlet_to_the_one_that_has_the_part_and_says_why()
    {
        var (journey, _) = await Arrange([0, 1, 1], depotStock: 0);

        var order = (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order;

        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
        Assert.Equal(journey.OutletIds[1], order.Assignment.OutletId);
        Assert.Equal(Api.PartsSupplyMode.ReservedInStock, order.Assignment.PartsSupply.Mode);
        Assert.Equal(journey.OutletIds[1], order.Assignment.PartsSupply.HeldAtOutletId);
        var passed = Assert.Single(order.PassedOver);
        Assert.Equal(journey.OutletIds[0], passed.OutletId);
        Assert.Equal(Api.UnavailabilityCode.PartsNotInStock, passed.Reasons.Single().Code);
        Assert.Equal(
            $"nearest outlet {journey.OutletIds[0]} at {passed.DistanceKm:0.0} km: no {journey.PartSku} in stock (needs 1); chose {journey.OutletIds[1]} at {order.Assignment.DistanceKm:0.0} km, parts reserved there",
            order.Assignment.Explanation);
        Assert.Equal([journey.PartSku], order.RequiredParts.Select(p => p.Sku));

        var held = await Stock(journey, journey.OutletIds[1]);
        Assert.Equal((1, 1, 0), (held.OnHand, held.Reserved, held.Available));
        Assert.Equal((1, 0), ((await Stock(journey, journey.OutletIds[2])).OnHand, (await Stock(journey, journey.OutletIds[2])).Reserved));
    }

    [Fact]
    public async Task A_job_without_parts_named_still_goes_to_the_nearest_outlet_and_holds_nothing()
    {
        var (journey, _) = await Arrange([0, 1], depotStock: 0);

        var order = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order;

        Assert.Equal(journey.OutletIds[0], order.Assignment.OutletId);
        Assert.Null(order.Assignment.PartsSupply);
        Assert.StartsWith($"chose the nearest capable outlet {journey.OutletIds[0]}", order.Assignment.Explanation);
        Assert.Equal(0, (await Stock(journey, journey.OutletIds[1])).Reserved);
    }

    [Fact]
    public async Task When_no_capable_outlet_has_the_part_the_nearest_gets_it_by_a_transfer_from_a_sibling_requested_in_the_dispatch()
    {
        var (journey, depot) = await Arrange([0, 0], depotStock: 2);

        var order = (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order;

        var nearest = journey.OutletIds[0];
        Assert.Equal(nearest, order.Assignment.OutletId);
        var supply = order.Assignment.PartsSupply;
        Assert.Equal((Api.PartsSupplyMode.Transfer, depot), (supply.Mode, supply.HeldAtOutletId));
        Assert.InRange(supply.TransferDistanceKm, 4.5, 6);
        Assert.Contains($"parts reserved at {depot}", order.Assignment.Explanation);
        Assert.Contains(supply.TransferId, order.Assignment.Explanation);

        // Held at the depot so nobody else takes it while it travels.
        var atDepot = await Stock(journey, depot);
        Assert.Equal((2, 1, 1), (atDepot.OnHand, atDepot.Reserved, atDepot.Available));
        var transfer = (await Transfers(nearest).GetTransferAsync(new Api.GetTransferRequest { TransferId = supply.TransferId })).Transfer;
        Assert.Equal((depot, nearest, order.OrderId, Api.TransferStatus.Requested), (transfer.FromOutletId, transfer.ToOutletId, transfer.OrderId, transfer.Status));
        Assert.Equal((journey.PartSku, 1), (transfer.Lines.Single().Sku, transfer.Lines.Single().Quantity));

        // Shipped from the hold: on hand and reserved fall together, the other unit stays available.
        await Transfers(depot).ShipTransferAsync(new Api.ShipTransferRequest { TransferId = supply.TransferId });
        atDepot = await Stock(journey, depot);
        Assert.Equal((1, 0, 1), (atDepot.OnHand, atDepot.Reserved, atDepot.Available));

        // On arrival the part is held for the order at its outlet.
        await Transfers(nearest).ReceiveTransferAsync(new Api.ReceiveTransferRequest { TransferId = supply.TransferId });
        var arrived = await Eventually(() => Stock(journey, nearest), s => s.Reserved == 1);
        Assert.Equal((1, 1, 0), (arrived.OnHand, arrived.Reserved, arrived.Available));
    }

    [Fact]
    public async Task With_no_part_in_reach_the_job_stays_unassigned_and_the_reason_names_the_part()
    {
        var (journey, _) = await Arrange([0, 0], depotStock: 0);

        var order = (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order;

        Assert.Equal(Api.RepairOrderStatus.Unassigned, order.Status);
        Assert.All(order.PassedOver, p => Assert.Equal(Api.UnavailabilityCode.PartsNotInStock, p.Reasons.Single().Code));
        Assert.Contains($"no {journey.PartSku} in stock (needs 1); no outlet within 50 km can send them", order.UnassignedReason);
    }

    [Fact]
    public async Task A_declined_job_takes_its_parts_hold_with_it_to_the_next_outlet()
    {
        var (journey, _) = await Arrange([1, 1], depotStock: 0);
        var order = (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order;
        Assert.Equal(journey.OutletIds[0], order.Assignment.OutletId);
        Assert.Equal(1, (await Stock(journey, journey.OutletIds[0])).Reserved);

        var moved = (await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = order.OrderId, Reason = "technician ill" })).Order;

        Assert.Equal(journey.OutletIds[1], moved.Assignment.OutletId);
        Assert.Equal(0, (await Stock(journey, journey.OutletIds[0])).Reserved);
        Assert.Equal(1, (await Stock(journey, journey.OutletIds[1])).Reserved);
    }

    [Fact]
    public async Task Cancelling_an_order_gives_back_its_parts_and_cancels_the_transfer_bringing_them()
    {
        var (journey, depot) = await Arrange([0], depotStock: 1);
        var order = (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order;
        var transferId = order.Assignment.PartsSupply.TransferId;
        Assert.Equal(1, (await Stock(journey, depot)).Reserved);

        await journey.CallCenter.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = order.OrderId, Reason = "customer fixed it" });

        var atDepot = await Stock(journey, depot);
        Assert.Equal((1, 0), (atDepot.OnHand, atDepot.Reserved));
        var transfer = (await server.Channel.Transfers().GetTransferAsync(new Api.GetTransferRequest { TransferId = transferId })).Transfer;
        Assert.Equal(Api.TransferStatus.Cancelled, transfer.Status);
    }

    [Fact]
    public async Task Completing_the_repair_fits_the_held_parts_once_and_gives_back_what_was_not_fitted()
    {
        var (journey, _) = await Arrange([5], depotStock: 0);
        var request = NeedingParts(journey, quantity: OrderJourney.PartsQuoted + 1);

        var completed = await journey.OrderAt(Stage.Completed, request);
        await journey.Outlet.CompleteRepairOrderAsync(journey.Completion(completed.OrderId));

        var stock = await Stock(journey, journey.OutletId);
        Assert.Equal((5 - OrderJourney.PartsQuoted, 0), (stock.OnHand, stock.Reserved));
        var ledger = (await server.Inventory.ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = journey.OutletId, Sku = journey.PartSku })).Movements;
        Assert.Equal(stock.OnHand, ledger.Sum(m => m.OnHandDelta));
        Assert.Equal(
            [Api.StockMovementKind.Release, Api.StockMovementKind.ConsumeReserved, Api.StockMovementKind.Reserve],
            ledger.TakeWhile(m => m.Kind != Api.StockMovementKind.CountCorrection).Select(m => m.Kind));
    }

    [Fact]
    public async Task A_declined_quote_gives_the_held_parts_back()
    {
        var (journey, _) = await Arrange([3], depotStock: 0);
        var quoted = await journey.OrderAt(Stage.Quoted, NeedingParts(journey, quantity: 2));
        Assert.Equal(2, (await Stock(journey, journey.OutletId)).Reserved);

        await journey.CallCenter.DeclineQuoteAsync(new Api.DeclineQuoteRequest { OrderId = quoted.OrderId, QuoteVersion = 1, Note = "too expensive" });

        Assert.Equal((3, 0), ((await Stock(journey, journey.OutletId)).OnHand, (await Stock(journey, journey.OutletId)).Reserved));
    }

    [Fact]
    public async Task Concurrent_orders_never_hold_more_parts_than_the_shelf_has()
    {
        var (journey, _) = await Arrange([3, 0], depotStock: 0);

        var orders = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            (await journey.CallCenter.CreateRepairOrderAsync(NeedingParts(journey))).Order));

        // 3 units: three orders hold one each (at the outlet, or sent on to the other by transfer); the rest wait.
        Assert.Equal(3, orders.Count(o => o.Status == Api.RepairOrderStatus.Offered));
        Assert.Equal(5, orders.Count(o => o.Status == Api.RepairOrderStatus.Unassigned));
        var shelf = await Stock(journey, journey.OutletIds[0]);
        Assert.Equal((3, 3, 0), (shelf.OnHand, shelf.Reserved, shelf.Available));
    }

    [Fact]
    public async Task A_retried_order_holds_its_parts_once()
    {
        var (journey, _) = await Arrange([4], depotStock: 0);
        var request = NeedingParts(journey, quantity: 2);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ => (await journey.CallCenter.CreateRepairOrderAsync(request)).Order));

        Assert.Single(attempts.Select(o => o.OrderId).Distinct());
        Assert.Equal(2, (await Stock(journey, journey.OutletId)).Reserved);
        var changed = request.Clone();
        changed.RequiredParts[0].Quantity = 3;
        Assert.Equal(StatusCode.AlreadyExists, (await Assert.ThrowsAsync<RpcException>(() => journey.CallCenter.CreateRepairOrderAsync(changed).ResponseAsync)).StatusCode);
    }

    public static TheoryData<string, string> BadParts => new()
    {
        { "unknown", "required_parts[0].sku" },
        { "zero", "required_parts[0].quantity" },
        { "empty", "required_parts[0].sku" },
        { "wrong-model", "required_parts[0].sku" },
        { "too-many", "required_parts" },
    };

    [Theory]
    [MemberData(nameof(BadParts))]
    public async Task Bad_required_parts_are_invalid_argument_naming_the_field_and_nothing_is_stored(string kind, string field)
    {
        var (journey, _) = await Arrange([5], depotStock: 0);
        var request = journey.NewOrder();
        var otherModel = Samples.UniqueId("LCD");
        await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(otherModel, "phone", "X999") });
        switch (kind)
        {
            case "unknown": request.RequiredParts.Add(new Api.RequiredPart { Sku = "NOT-IN-CATALOG", Quantity = 1 }); break;
            case "zero": request.RequiredParts.Add(new Api.RequiredPart { Sku = journey.PartSku, Quantity = 0 }); break;
            case "empty": request.RequiredParts.Add(new Api.RequiredPart { Sku = "", Quantity = 1 }); break;
            case "wrong-model": request.RequiredParts.Add(new Api.RequiredPart { Sku = otherModel, Quantity = 1 }); break;
            case "too-many": request.RequiredParts.AddRange(Enumerable.Range(0, 21).Select(_ => new Api.RequiredPart { Sku = journey.PartSku, Quantity = 1 })); break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => journey.CallCenter.CreateRepairOrderAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.Status.Detail);
        Assert.Equal(0, (await Stock(journey, journey.OutletId)).Reserved);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => journey.Hq.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = OrderIdOf(request) }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
    }

    private static string OrderIdOf(Api.CreateRepairOrderRequest request) => Domain.Orders.RepairRequests.OrderIdFor(request.RequestId);
}
