using Grpc.Core;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The repair-order lifecycle over gRPC, each step by the role that does it: the call center opens
/// the order and records the customer's answers, the outlet does the work, the platform dispatches.
/// </summary>
public sealed class OrderLifecycleApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_out_of_warranty_repair_goes_from_offer_to_close_with_a_catalog_priced_quote_one_stock_movement_and_a_full_audit_trail()
    {
        using var journey = await OrderJourney.Start(server);
        var outlet = journey.Outlet;
        var callCenter = journey.CallCenter;

        var created = (await callCenter.CreateRepairOrderAsync(journey.NewOrder())).Order;
        var id = created.OrderId;
        Assert.Equal(Api.RepairOrderStatus.Offered, created.Status);
        Assert.Equal(journey.OutletId, created.Assignment.OutletId);
        Assert.Equal(Api.WarrantyRule.MainPartWarranty, created.Warranty.Rule);
        Assert.Equal(Api.CustomerCharge.NonMainParts, created.Warranty.CustomerPays);

        var accepted = await Retried(async () => (await outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = id })).Order);
        Assert.Equal(Api.RepairOrderStatus.Accepted, accepted.Status);
        Assert.NotNull(accepted.AcceptTime);
        Assert.Null(accepted.OfferExpireTime);

        var diagnosed = await Retried(async () => (await outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = journey.Diagnosis() })).Order);
        Assert.Equal(Api.RepairOrderStatus.Diagnosed, diagnosed.Status);
        Assert.Equal(
            new Api.WarrantyDecision
            {
                Coverage = Api.WarrantyCoverage.OutOfWarranty,
                Rule = Api.WarrantyRule.MainPartWarranty,
                CustomerPays = Api.CustomerCharge.Everything,
                Explanation = diagnosed.Warranty.Explanation,
                WholeUnitUntil = "2026-03-14",
                MainPartUntil = "2028-03-14",
                DecidedOn = "2026-11-18",
            },
            diagnosed.Warranty);
        Assert.Contains("no main part", diagnosed.Warranty.Explanation, StringComparison.Ordinal);
        Assert.Equal([journey.PartSku], diagnosed.Diagnosis.PartSkus);

        var quoted = await Retried(async () => (await outlet.QuoteRepairOrderAsync(journey.Quote(id))).Order);
        Assert.Equal(Api.RepairOrderStatus.Quoted, quoted.Status);
        var quote = quoted.Quote;
        Assert.Equal(1, quote.Version);
        Assert.Equal(Api.QuoteDecision.Pending, quote.Decision);
        Assert.Equal("CNY", quote.CurrencyCode);
        var partLine = quote.Lines.Single(l => l.Kind == Api.QuoteLineKind.Part);
        Assert.Equal(OrderJourney.PartPriceMinor, partLine.UnitPriceMinor);
        Assert.Equal("X200 charging port", partLine.Description);
        Assert.False(partLine.CoveredByWarranty);
        var expectedTotal = OrderJourney.LabourMinor + (OrderJourney.PartsQuoted * OrderJourney.PartPriceMinor);
        Assert.Equal(expectedTotal, quote.TotalMinor);
        Assert.Equal(expectedTotal, quote.CustomerPaysMinor);

        var early = await AssertStatus(StatusCode.FailedPrecondition, () => outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id }).ResponseAsync);
        Assert.Contains(nameof(Api.RepairOrderStatus.Quoted), early.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(quoted, await journey.Get(id));

        var approved = await Retried(async () => (await callCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1, Note = "by phone, call ref 123" })).Order);
        Assert.Equal(Api.RepairOrderStatus.Approved, approved.Status);
        Assert.Equal(Api.QuoteDecision.Approved, approved.Quote.Decision);
        Assert.Equal("by phone, call ref 123", approved.Quote.DecisionNote);

        var started = await Retried(async () => (await outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id })).Order);
        Assert.Equal(Api.RepairOrderStatus.Repairing, started.Status);
        Assert.Equal(journey.TechnicianId, started.TechnicianId);

        Assert.Equal(OrderJourney.StockReceived, await journey.OnHand(journey.OutletId));
        var completed = await Retried(async () => (await outlet.CompleteRepairOrderAsync(journey.Completion(id))).Order);
        Assert.Equal(Api.RepairOrderStatus.Completed, completed.Status);
        Assert.Equal(OrderJourney.StockReceived - OrderJourney.PartsQuoted, await journey.OnHand(journey.OutletId));

        var collected = await Retried(async () => (await outlet.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = id })).Order);
        Assert.Equal(Api.RepairOrderStatus.Collected, collected.Status);

        var rated = await Retried(async () => (await callCenter.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = id, Rating = 5, Comment = "Fast and friendly" })).Order);
        Assert.Equal(5, rated.Feedback.Rating);
        Assert.Equal("Fast and friendly", rated.Feedback.Comment);

        var closed = await Retried(async () => (await callCenter.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = id })).Order);
        Assert.Equal(Api.RepairOrderStatus.Closed, closed.Status);

        var read = (await callCenter.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = id })).Order;
        Assert.Equal(closed, read);
        Assert.Equal(OrderJourney.StockReceived - OrderJourney.PartsQuoted, await journey.OnHand(journey.OutletId));

        const Api.ActorRole Platform = Api.ActorRole.Platform, CallCenter = Api.ActorRole.CallCenter, Outlet = Api.ActorRole.Outlet;
        Assert.Equal(
            [
                (Api.OrderAction.Created, CallCenter), (Api.OrderAction.Offered, Platform), (Api.OrderAction.Accepted, Outlet),
                (Api.OrderAction.Diagnosed, Outlet), (Api.OrderAction.Quoted, Outlet), (Api.OrderAction.QuoteApproved, CallCenter),
                (Api.OrderAction.TechnicianAssigned, Outlet), (Api.OrderAction.RepairStarted, Outlet), (Api.OrderAction.Completed, Outlet),
                (Api.OrderAction.Collected, Outlet), (Api.OrderAction.Rated, CallCenter), (Api.OrderAction.Closed, CallCenter),
            ],
            read.AuditTrail.Select(e => (e.Action, e.ActorRole)));
        Assert.Equal(Enumerable.Range(1, read.AuditTrail.Count), read.AuditTrail.Select(e => e.Sequence));
        Assert.Equal(read.AuditTrail.Count, read.Revision);
        Assert.All(read.AuditTrail.Skip(1), (e, i) => Assert.Equal(read.AuditTrail[i].ToStatus, e.FromStatus));
        Assert.All(read.AuditTrail.Where(e => e.ActorRole == Outlet), e => Assert.Equal(journey.OutletId, e.ActorId));
        Assert.Equal(journey.TechnicianId, read.AuditTrail.Single(e => e.Action == Api.OrderAction.TechnicianAssigned).Detail);

        Assert.Equal(
            new Api.RepairRecord
            {
                WorkDone = journey.Completion(id).WorkDone,
                TechnicianId = journey.TechnicianId,
                PartsReplaced = { new Api.ReplacedPart { Sku = journey.PartSku, Quantity = OrderJourney.PartsQuoted } },
                CompleteTime = completed.RepairRecord.CompleteTime,
                OnTime = true,
            },
            read.RepairRecord);
        Assert.Equal(server.Clock.GetUtcNow(), read.RepairRecord.CompleteTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task An_outlet_that_declines_loses_the_order_at_once_to_the_next_outlet_and_can_no_longer_read_it()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var (first, next) = (journey.OutletIds[0], journey.OutletIds[1]);
        var order = await journey.OrderAt(Stage.Offered);

        var declined = (await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = order.OrderId, Reason = "technician on sick leave" })).Order;

        Assert.Equal(Api.RepairOrderStatus.Offered, declined.Status);
        Assert.Equal(next, declined.Assignment.OutletId);
        Assert.Equal([first], declined.ExcludedOutletIds);
        Assert.Contains(declined.PassedOver, p => p.OutletId == first && p.Reasons.Any(r => r.Code == Api.UnavailabilityCode.TurnedDownThisJob));
        Assert.Equal(
            [Api.OrderAction.Created, Api.OrderAction.Offered, Api.OrderAction.OfferDeclined, Api.OrderAction.Offered],
            declined.AuditTrail.Select(e => e.Action));
        var decline = declined.AuditTrail[2];
        Assert.Equal((Api.ActorRole.Outlet, first, first, "technician on sick leave"), (decline.ActorRole, decline.ActorId, decline.OutletId, decline.Detail));
        Assert.Equal(next, declined.AuditTrail[3].OutletId);
        Assert.Equal(declined, await journey.Get(order.OrderId));

        var denied = await AssertStatus(StatusCode.PermissionDenied, () => journey.Outlet.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId }).ResponseAsync);
        var unknown = await AssertStatus(StatusCode.PermissionDenied, () => journey.Outlet.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = "RO-0000000000000000" }).ResponseAsync);
        Assert.Equal(unknown.Status.Detail, denied.Status.Detail);

        // A retried decline from the outlet that gave the job away cannot touch the next outlet's offer.
        await AssertStatus(StatusCode.PermissionDenied, () => journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = order.OrderId, Reason = "technician on sick leave" }).ResponseAsync);
        await AssertStatus(StatusCode.PermissionDenied, () => journey.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = order.OrderId }).ResponseAsync);
        Assert.Equal(declined, await journey.Get(order.OrderId));

        var nextOutlet = journey.OutletClient(next);
        Assert.Equal(declined, (await nextOutlet.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order);
        var taken = (await nextOutlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.Equal(Api.RepairOrderStatus.Accepted, taken.Status);
        Assert.Equal(next, taken.Assignment.OutletId);
    }

    [Fact]
    public async Task A_declined_quote_sends_the_product_back_unrepaired_with_no_repair_record_and_no_parts_used()
    {
        using var journey = await OrderJourney.Start(server);
        var order = await journey.OrderAt(Stage.Quoted);
        var id = order.OrderId;

        var declined = await Retried(async () => (await journey.CallCenter.DeclineQuoteAsync(new Api.DeclineQuoteRequest { OrderId = id, QuoteVersion = 1, Note = "too expensive" })).Order);
        Assert.Equal(Api.RepairOrderStatus.Declined, declined.Status);
        Assert.Equal(Api.QuoteDecision.Declined, declined.Quote.Decision);
        Assert.Equal("too expensive", declined.Quote.DecisionNote);

        var start = await AssertStatus(StatusCode.FailedPrecondition, () => journey.Outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id }).ResponseAsync);
        Assert.Contains(nameof(Api.RepairOrderStatus.Declined), start.Status.Detail, StringComparison.Ordinal);
        var approve = await AssertStatus(StatusCode.FailedPrecondition, () => journey.CallCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1 }).ResponseAsync);
        Assert.Contains(nameof(Api.RepairOrderStatus.Declined), approve.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(declined, await journey.Get(id));

        var collected = await Retried(async () => (await journey.Outlet.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = id })).Order);
        var closed = (await journey.Outlet.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = id })).Order;

        Assert.Equal(Api.RepairOrderStatus.Collected, collected.Status);
        Assert.Null(collected.RepairRecord);
        Assert.Contains("unrepaired", collected.AuditTrail[^1].Detail, StringComparison.Ordinal);
        Assert.Equal(Api.RepairOrderStatus.Closed, closed.Status);
        Assert.Null(closed.RepairRecord);
        Assert.DoesNotContain(closed.AuditTrail, e => e.Action is Api.OrderAction.RepairStarted or Api.OrderAction.Completed);
        Assert.Equal(OrderJourney.StockReceived, await journey.OnHand(journey.OutletId));
    }

    public static TheoryData<string> IllegalSteps => new()
    {
        "diagnose an offered order",
        "start repairing an offered order",
        "quote an accepted order",
        "approve a quote of an accepted order",
        "complete an accepted order",
        "hand over an accepted order",
        "rate an accepted order",
        "close a repairing order",
        "cancel a repairing order",
        "start a paid repair before any quote",
        "approve a quote version that is not the current one",
    };

    [Theory]
    [MemberData(nameof(IllegalSteps))]
    public async Task A_step_the_order_is_not_ready_for_is_failed_precondition_naming_the_current_status_and_changes_nothing(string step)
    {
        using var journey = await OrderJourney.Start(server);
        var stage = step switch
        {
            _ when step.Contains("offered", StringComparison.Ordinal) => Stage.Offered,
            _ when step.Contains("accepted", StringComparison.Ordinal) => Stage.Accepted,
            _ when step.Contains("repairing", StringComparison.Ordinal) => Stage.Repairing,
            "start a paid repair before any quote" => Stage.Diagnosed,
            _ => Stage.Quoted,
        };
        var order = await journey.OrderAt(stage);
        var id = order.OrderId;
        var (outlet, callCenter) = (journey.Outlet, journey.CallCenter);

        Func<Task> call = step switch
        {
            "diagnose an offered order" => () => outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = journey.Diagnosis() }).ResponseAsync,
            "start repairing an offered order" => () => outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id }).ResponseAsync,
            "quote an accepted order" => () => outlet.QuoteRepairOrderAsync(journey.Quote(id)).ResponseAsync,
            "approve a quote of an accepted order" => () => callCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1 }).ResponseAsync,
            "complete an accepted order" => () => outlet.CompleteRepairOrderAsync(journey.Completion(id)).ResponseAsync,
            "hand over an accepted order" => () => outlet.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = id }).ResponseAsync,
            "rate an accepted order" => () => callCenter.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = id, Rating = 4 }).ResponseAsync,
            "close a repairing order" => () => callCenter.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = id }).ResponseAsync,
            "cancel a repairing order" => () => callCenter.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = id, Reason = "customer changed their mind" }).ResponseAsync,
            "start a paid repair before any quote" => () => outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id }).ResponseAsync,
            _ => () => callCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 2 }).ResponseAsync,
        };

        var error = await AssertStatus(StatusCode.FailedPrecondition, call);

        var expected = step switch
        {
            "start a paid repair before any quote" => "quote",
            "approve a quote version that is not the current one" => "v1",
            _ => order.Status.ToString(),
        };
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(id, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(order, await journey.Get(id));
    }

    [Fact]
    public async Task A_technician_assignment_refused_for_the_orders_state_leaves_the_technician_free_for_other_jobs()
    {
        using var journey = await OrderJourney.Start(server);
        var second = journey.OutletId + "-T2"; // sorts after the first, so the first wins a tie
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(second, journey.OutletId) });
        var offered = await journey.OrderAt(Stage.Offered);

        var refused = await AssertStatus(StatusCode.FailedPrecondition, () => journey.Outlet.AssignTechnicianAsync(new Api.AssignTechnicianRequest { OrderId = offered.OrderId, TechnicianId = journey.TechnicianId }).ResponseAsync);
        Assert.Contains(nameof(Api.RepairOrderStatus.Offered), refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(offered, await journey.Get(offered.OrderId));

        // Both technicians are free, so the platform picks the first for the next job it starts.
        var started = await journey.OrderAt(Stage.Repairing);
        Assert.Equal(journey.TechnicianId, started.TechnicianId);
    }

    [Fact]
    public async Task Fitting_more_parts_than_the_customer_approved_is_refused_and_takes_nothing_from_stock()
    {
        using var journey = await OrderJourney.Start(server);
        var order = await journey.OrderAt(Stage.Repairing);
        var moreThanApproved = journey.Completion(order.OrderId);
        moreThanApproved.PartsReplaced[0].Quantity = OrderJourney.PartsQuoted + 1;

        var error = await AssertStatus(StatusCode.FailedPrecondition, () => journey.Outlet.CompleteRepairOrderAsync(moreThanApproved).ResponseAsync);

        Assert.Contains(journey.PartSku, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("quote", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(order, await journey.Get(order.OrderId));
        Assert.Equal(OrderJourney.StockReceived, await journey.OnHand(journey.OutletId));
    }

    [Fact]
    public async Task Cancelling_before_the_repair_starts_ends_the_order_and_a_retry_returns_it_unchanged()
    {
        using var journey = await OrderJourney.Start(server);
        var order = await journey.OrderAt(Stage.Approved);

        var cancelled = await Retried(async () => (await journey.CallCenter.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = order.OrderId, Reason = "customer bought a new phone" })).Order);

        Assert.Equal(Api.RepairOrderStatus.Cancelled, cancelled.Status);
        Assert.Equal("customer bought a new phone", cancelled.CancelReason);
        Assert.Equal((Api.OrderAction.Cancelled, Api.ActorRole.CallCenter), (cancelled.AuditTrail[^1].Action, cancelled.AuditTrail[^1].ActorRole));
        var start = await AssertStatus(StatusCode.FailedPrecondition, () => journey.Outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = order.OrderId }).ResponseAsync);
        Assert.Contains(nameof(Api.RepairOrderStatus.Cancelled), start.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(cancelled, await journey.Get(order.OrderId));
    }

    [Fact]
    public async Task A_complaint_must_be_resolved_before_the_order_can_be_closed()
    {
        using var journey = await OrderJourney.Start(server);
        var order = await journey.OrderAt(Stage.Collected);
        var id = order.OrderId;

        var filed = await Retried(async () => (await journey.CallCenter.FileComplaintAsync(new Api.FileComplaintRequest { OrderId = id, ComplaintId = "C-7", Text = "Scratch on the back" })).Order);
        var complaint = filed.Complaints.Single();
        Assert.Equal(("C-7", "Scratch on the back"), (complaint.ComplaintId, complaint.Text));
        Assert.Equal(TimeSpan.FromHours(72), complaint.RespondBy.ToDateTimeOffset() - complaint.FileTime.ToDateTimeOffset());

        var close = await AssertStatus(StatusCode.FailedPrecondition, () => journey.CallCenter.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = id }).ResponseAsync);
        Assert.Contains("complaint", close.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(filed, await journey.Get(id));

        var resolved = await Retried(async () => (await journey.Outlet.ResolveComplaintAsync(new Api.ResolveComplaintRequest { OrderId = id, ComplaintId = "C-7", Resolution = "Back cover replaced free" })).Order);
        Assert.Equal("Back cover replaced free", resolved.Complaints.Single().Resolution);
        Assert.NotNull(resolved.Complaints.Single().ResolveTime);
        var closed = (await journey.Outlet.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = id })).Order;
        Assert.Equal(Api.RepairOrderStatus.Closed, closed.Status);
    }

    /// <summary>Sends a step twice, as a client does after a lost reply: the retry returns the same order and changes nothing.</summary>
    private static async Task<Api.RepairOrder> Retried(Func<Task<Api.RepairOrder>> step)
    {
        var first = await step();
        var again = await step();
        Assert.Equal(first, again);
        return first;
    }

    private static async Task<RpcException> AssertStatus(StatusCode expected, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == error.StatusCode, $"expected {expected}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }
}
