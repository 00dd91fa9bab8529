using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Tests;

public sealed class StockTransferTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
    private static readonly Actor Hq = new() { Role = ActorRole.Headquarters, Id = "alice" };
    private static readonly Actor Source = new() { Role = ActorRole.Outlet, Id = "A" };
    private static readonly Actor Destination = new() { Role = ActorRole.Outlet, Id = "B" };

    private static TransferRequest Request(params (string? Sku, int Quantity)[] lines) =>
        TransferRequest.Create("XF-1", "A", "B", lines.Length == 0 ? [("SCR-1", 2)] : lines, "RO-1", "screen for RO-1");

    private static StockTransfer Requested() => StockTransfer.Requested(Request(), Destination, T0);

    [Fact]
    public void A_request_keeps_its_lines_in_sku_order_and_starts_requested()
    {
        var transfer = StockTransfer.Requested(Request(("SCR-2", 1), ("BAT-1", 3)), Destination, T0);

        Assert.Equal(TransferStatus.Requested, transfer.Status);
        Assert.Equal(["BAT-1", "SCR-2"], transfer.Request.Lines.Select(l => l.Sku));
        Assert.Equal(T0, transfer.RequestedAt);
        Assert.Equal(TransferStatus.Requested, Assert.Single(transfer.Steps).Status);
        Assert.Equal(TransferPendingStep.None, transfer.Pending);
    }

    [Fact]
    public void Requested_then_shipped_then_received_stamps_each_step()
    {
        var shipped = Requested().BeginShipping().Ship(Source, T0.AddHours(1));
        var received = shipped.Receive(Destination, T0.AddHours(5));

        Assert.Equal(TransferStatus.Shipped, shipped.Status);
        Assert.Equal(TransferPendingStep.None, shipped.Pending);
        Assert.Equal(T0.AddHours(1), shipped.ShippedAt);
        Assert.Equal(TransferStatus.Received, received.Status);
        Assert.Equal(T0.AddHours(5), received.ReceivedAt);
        Assert.Equal([TransferStatus.Requested, TransferStatus.Shipped, TransferStatus.Received], received.Steps.Select(s => s.Status));
        Assert.Equal([Destination, Source, Destination], received.Steps.Select(s => s.By));
    }

    [Fact]
    public void A_requested_transfer_can_be_cancelled_with_its_reason()
    {
        var cancelled = Requested().Cancel(Hq, "found one locally", T0.AddMinutes(3));

        Assert.Equal(TransferStatus.Cancelled, cancelled.Status);
        Assert.Equal(T0.AddMinutes(3), cancelled.CancelledAt);
        Assert.Equal("found one locally", cancelled.Steps[^1].Note);
    }

    [Fact]
    public void A_begun_shipment_can_be_cancelled_and_then_cannot_ship()
    {
        var cancelling = Requested().BeginShipping().BeginCancelling();

        Assert.Equal(DomainErrorKind.FailedPrecondition, Assert.Throws<DomainException>(() => cancelling.BeginShipping()).Kind);
        Assert.Equal(DomainErrorKind.FailedPrecondition, Assert.Throws<DomainException>(() => cancelling.Ship(Source, T0)).Kind);
        Assert.Equal(TransferStatus.Cancelled, cancelling.Cancel(Hq, "no stock", T0).Status);
    }

    public static TheoryData<string> IllegalSteps => new()
    {
        "receive a requested transfer",
        "cancel a shipped transfer",
        "ship a shipped transfer",
        "cancel a received transfer",
        "ship a received transfer",
        "receive a received transfer",
        "ship a cancelled transfer",
        "receive a cancelled transfer",
        "cancel a cancelled transfer",
    };

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public void Illegal_steps_are_refused(string step)
    {
        var shipped = Requested().BeginShipping().Ship(Source, T0);
        var received = shipped.Receive(Destination, T0);
        var cancelled = Requested().Cancel(Hq, "no", T0);
        Func<StockTransfer> attempt = step switch
        {
            "receive a requested transfer" => () => Requested().Receive(Destination, T0),
            "cancel a shipped transfer" => () => shipped.Cancel(Hq, "too late", T0),
            "ship a shipped transfer" => () => shipped.BeginShipping(),
            "cancel a received transfer" => () => received.BeginCancelling(),
            "ship a received transfer" => () => received.Ship(Source, T0),
            "receive a received transfer" => () => received.Receive(Destination, T0),
            "ship a cancelled transfer" => () => cancelled.BeginShipping(),
            "receive a cancelled transfer" => () => cancelled.Receive(Destination, T0),
            _ => () => cancelled.Cancel(Hq, "again", T0),
        };

        Assert.Equal(DomainErrorKind.FailedPrecondition, Assert.Throws<DomainException>(attempt).Kind);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "same outlet", "to_outlet_id" },
        { "no lines", "lines" },
        { "negative quantity", "lines[0].quantity" },
        { "zero quantity", "lines[0].quantity" },
        { "too many units", "lines[0].quantity" },
        { "sku twice", "lines[1].sku" },
        { "malformed sku", "lines[0].sku" },
        { "no reason", "reason" },
        { "1 MB reason", "reason" },
        { "malformed id", "transfer_id" },
        { "malformed order id", "order_id" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_requests_name_the_field(string defect, string field)
    {
        var lines = new List<(string?, int)> { ("SCR-1", 1) };
        string? id = "XF-1", to = "B", order = "", reason = "need it";
        switch (defect)
        {
            case "same outlet": to = "A"; break;
            case "no lines": lines.Clear(); break;
            case "negative quantity": lines[0] = ("SCR-1", -3); break;
            case "zero quantity": lines[0] = ("SCR-1", 0); break;
            case "too many units": lines[0] = ("SCR-1", StockLevel.MaxQuantity + 1); break;
            case "sku twice": lines.Add(("SCR-1", 2)); break;
            case "malformed sku": lines[0] = ("SCR 1/..", 1); break;
            case "no reason": reason = "   "; break;
            case "1 MB reason": reason = new string('x', 1024 * 1024); break;
            case "malformed id": id = "TR 1!"; break;
            default: order = "RO/1"; break;
        }

        var error = Assert.Throws<DomainException>(() => TransferRequest.Create(id, "A", to, lines, order, reason));
        Assert.Equal(DomainErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Same_content_is_recognised_whatever_the_line_order()
    {
        var a = TransferRequest.Create("XF-1", "A", "B", [("X", 1), ("Y", 2)], "", "r");
        var b = TransferRequest.Create("XF-1", "A", "B", [("Y", 2), ("X", 1)], "", "r");
        var c = TransferRequest.Create("XF-1", "A", "B", [("Y", 3), ("X", 1)], "", "r");

        Assert.True(a.SameAs(b));
        Assert.False(a.SameAs(c));
    }

    [Fact]
    public void A_clients_transfer_id_may_not_begin_with_the_dispatch_prefix_which_dispatch_still_uses()
    {
        var error = Assert.Throws<DomainException>(() => TransferRequest.Create(TransferRequest.DispatchTransferId("RO-1", 1), "A", "B", [("SCR-1", 1)], "", "r"));
        Assert.Equal((DomainErrorKind.InvalidArgument, "transfer_id"), (error.Kind, error.Field));

        var dispatched = TransferRequest.ForDispatch("TR-RO-1-1", "A", "B", [("SCR-1", 1)], "RO-1", "r");
        Assert.True(dispatched.ByDispatch);
        Assert.False(TransferRequest.Create("XF-1", "A", "B", [("SCR-1", 1)], "RO-1", "r").ByDispatch);
    }

    [Fact]
    public void A_transfer_names_only_an_order_assigned_to_its_destination()
    {
        var request = TransferRequest.Create("XF-1", "A", "B", [("SCR-1", 1)], "RO-1", "r");

        request.RequireOrderAtDestination(Destination, orderExists: true, assignedOutletId: "B");
        request.RequireOrderAtDestination(Hq, orderExists: true, assignedOutletId: "B");
        request.RequireOrderAtDestination(Actor.Platform, orderExists: false, assignedOutletId: null);
        var elsewhere = Assert.Throws<DomainException>(() => request.RequireOrderAtDestination(Destination, orderExists: true, assignedOutletId: "C"));
        var missing = Assert.Throws<DomainException>(() => request.RequireOrderAtDestination(Destination, orderExists: false, assignedOutletId: null));
        Assert.Equal((DomainErrorKind.PermissionDenied, "order_id"), (elsewhere.Kind, elsewhere.Field));
        Assert.Equal(elsewhere.Message, missing.Message);
        Assert.DoesNotContain("'C'", elsewhere.Message, StringComparison.Ordinal);
        Assert.Equal(DomainErrorKind.FailedPrecondition, Assert.Throws<DomainException>(() => request.RequireOrderAtDestination(Hq, orderExists: true, assignedOutletId: "C")).Kind);
        Assert.Equal(DomainErrorKind.NotFound, Assert.Throws<DomainException>(() => request.RequireOrderAtDestination(Hq, orderExists: false, assignedOutletId: null)).Kind);
    }

    [Fact]
    public void Transfer_kinds_move_on_hand_and_never_below_reserved()
    {
        var level = StockLevel.Empty("SCR-1", T0) with { OnHand = 5, Reserved = 3 };
        StockAdjustment Move(StockAdjustmentKind kind, int quantity) => StockAdjustment.Create("SCR-1", kind, quantity, "t", "k");

        Assert.Equal(3, level.Apply(Move(StockAdjustmentKind.TransferOut, 2), T0).OnHand);
        Assert.Equal(9, level.Apply(Move(StockAdjustmentKind.TransferIn, 4), T0).OnHand);
        Assert.Equal(DomainErrorKind.FailedPrecondition, Assert.Throws<DomainException>(() => level.Apply(Move(StockAdjustmentKind.TransferOut, 3), T0)).Kind);
        Assert.Equal(DomainErrorKind.InvalidArgument, Assert.Throws<DomainException>(() => Move(StockAdjustmentKind.TransferOut, 0)).Kind);
    }
}
