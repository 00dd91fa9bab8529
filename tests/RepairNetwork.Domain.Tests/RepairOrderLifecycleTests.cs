using System.Collections.Immutable;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Warranty;
using static RepairNetwork.Domain.Tests.TestData;
using Status = RepairNetwork.Domain.Orders.RepairOrderStatus;

namespace RepairNetwork.Domain.Tests;

public sealed class RepairOrderLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly Actor Outlet1 = new() { Role = ActorRole.Outlet, Id = "sh-001" };
    private static readonly Actor Outlet2 = new() { Role = ActorRole.Outlet, Id = "sh-002" };
    private static readonly Actor Agent = new() { Role = ActorRole.CallCenter, Id = "agent-7" };
    private static readonly CategoryPolicy Policy = CategoryPolicy.Default("phone") with { MainPartSkus = ["PH-BOARD"], LoanerSku = "LOANER-PHONE" };
    private static readonly ImmutableArray<QuoteLine> PaidLines =
    [
        new() { Kind = QuoteLineKind.Labour, Description = "screen replacement", Quantity = 1, UnitPriceMinor = 8000, CoveredByWarranty = false },
        new() { Kind = QuoteLineKind.Part, Description = "screen", Sku = "PH-SCREEN", Quantity = 1, UnitPriceMinor = 45000, CoveredByWarranty = false },
    ];

    private static RepairRequest Request(DateOnly purchase) => RepairRequests.Create(
        "req-1",
        RepairRequests.CreateCustomer("Li Wei", "13800138000", "88 Century Avenue", addressRequired: true),
        RepairRequests.CreateProduct("phone", "X1", "SN-0001", purchase),
        "Screen cracked",
        new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = Shanghai });

    private static Assignment At(string outletId) => new() { OutletId = outletId, OutletName = outletId, DistanceKm = 2, BookedForDate = new DateOnly(2025, 6, 10), AssignedAt = Now };

    private static Quote QuoteOf(ImmutableArray<QuoteLine> lines) => new() { Version = 0, Lines = lines, Currency = "CNY", QuotedAt = Now };

    private static Diagnosis Diagnosis(bool qualityFault = false, params WarrantyExclusion[] exclusions) => new()
    {
        Findings = new DiagnosisFindings { QualityFault = qualityFault, Exclusions = [.. exclusions], PartSkus = ["PH-SCREEN"] },
        Notes = "cracked glass",
        ExpectedRepairTime = TimeSpan.FromHours(4),
    };

    private static WarrantyDecision Decide(RepairOrder order, Diagnosis d) =>
        WarrantyRules.AtDiagnosis(order.EffectivePolicy, order.Request.Product.PurchaseDate, DateOnly.FromDateTime(Now.UtcDateTime), d.Findings);

    private static RepairOrder New(DateOnly? purchase = null) =>
        RepairOrder.Receive("RO-1", Request(purchase ?? new DateOnly(2025, 3, 1)), Policy, Agent, Now);

    private static RepairOrder Diagnosed(RepairOrder accepted, Diagnosis? d = null)
    {
        d ??= Diagnosis();
        return accepted.Diagnose(Outlet1, d, Decide(accepted, d), Now);
    }

    /// <summary>An order in the given status, reached by the ordinary path (in warranty, so no quote is forced).</summary>
    private static RepairOrder Reach(Status status)
    {
        var created = New();
        var offered = created.Offer(At("sh-001"), [], Now);
        var accepted = offered.Accept(Outlet1, Now).AssignTechnician(Outlet1, "tech-1", Now);
        var diagnosed = Diagnosed(accepted);
        var quoted = diagnosed.SubmitQuote(Outlet1, QuoteOf(PaidLines), Now);
        var approved = quoted.ApproveQuote(Agent, 1, "by phone", Now);
        var repairing = approved.StartRepair(Outlet1, Now);
        var completed = repairing.Complete(Outlet1, new RepairRecord { WorkDone = "new screen", TechnicianId = "tech-1", PartsReplaced = [new() { Sku = "PH-SCREEN", Quantity = 1 }], CompletedAt = Now }, Now);
        var collected = completed.Collect(Outlet1, Now);
        return status switch
        {
            Status.Created => created,
            Status.Offered => offered,
            Status.Unassigned => created.MarkUnassigned("none near", [], Now),
            Status.Accepted => accepted,
            Status.Diagnosed => diagnosed,
            Status.Quoted => quoted,
            Status.Approved => approved,
            Status.Declined => quoted.DeclineQuote(Agent, 1, "too dear", Now),
            Status.Repairing => repairing,
            Status.Completed => completed,
            Status.Collected => collected,
            Status.Closed => collected.Close(Agent, Now),
            Status.Cancelled => accepted.Cancel(Agent, "customer changed mind", Now),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
    }

    /// <summary>Every step, the statuses it is legal in, and where it lands.</summary>
    private static readonly Dictionary<string, (Func<RepairOrder, RepairOrder> Step, Status[] LegalIn, Status To)> Steps = new()
    {
        ["accept"] = (o => o.Accept(Outlet1, Now), [Status.Offered], Status.Accepted),
        ["decline offer"] = (o => o.DeclineOffer(Outlet1, "no technician free", Now), [Status.Offered], Status.Created),
        ["diagnose"] = (o => Diagnosed(o), [Status.Accepted], Status.Diagnosed),
        ["quote"] = (o => o.SubmitQuote(Outlet1, QuoteOf(PaidLines.Add(PaidLines[0] with { Description = "extra" })), Now), [Status.Diagnosed, Status.Approved, Status.Repairing], Status.Quoted),
        ["approve quote"] = (o => o.ApproveQuote(Agent, o.Quote?.Version ?? 1, "ok", Now), [Status.Quoted], Status.Approved),
        ["decline quote"] = (o => o.DeclineQuote(Agent, o.Quote?.Version ?? 1, "no", Now), [Status.Quoted], Status.Declined),
        ["start repair"] = (o => o.StartRepair(Outlet1, Now), [Status.Diagnosed, Status.Approved], Status.Repairing),
        ["complete"] = (o => o.Complete(Outlet1, new RepairRecord { WorkDone = "other work", TechnicianId = "tech-1", PartsReplaced = [], CompletedAt = Now }, Now), [Status.Repairing], Status.Completed),
        ["collect"] = (o => o.Collect(Outlet1, Now), [Status.Completed, Status.Declined], Status.Collected),
        ["close"] = (o => o.Close(Agent, Now), [Status.Collected], Status.Closed),
        ["cancel"] = (o => o.Cancel(Agent, "changed mind", Now), [Status.Created, Status.Offered, Status.Unassigned, Status.Accepted, Status.Diagnosed, Status.Quoted, Status.Approved], Status.Cancelled),
    };

    public static TheoryData<string, Status> EveryStepInEveryStatus()
    {
        var data = new TheoryData<string, Status>();
        foreach (var step in Steps.Keys)
        {
            foreach (var status in Enum.GetValues<Status>())
            {
                data.Add(step, status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryStepInEveryStatus))]
    public void Each_step_is_legal_only_in_its_statuses_and_an_illegal_one_names_the_current_state(string stepName, Status status)
    {
        var (step, legalIn, to) = Steps[stepName];
        var order = Reach(status);
        Assert.Equal(status, order.Status);

        if (legalIn.Contains(status))
        {
            var after = step(order);
            Assert.Equal(to, after.Status);
            Assert.Equal(order.Revision + 1, after.Revision);
            Assert.Equal(status, after.Audit[^1].From);
            Assert.Equal(to, after.Audit[^1].To);
        }
        else
        {
            try
            {
                var after = step(order);
                // Not an error only when it is the retry of a step the order already took: then nothing changes.
                Assert.Equal(order.Revision, after.Revision);
                Assert.Equal(order, after);
            }
            catch (DomainException ex)
            {
                Assert.Equal(DomainErrorKind.FailedPrecondition, ex.Kind);
                Assert.Contains($"it is {status}", ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("decline offer")]
    [InlineData("diagnose")]
    [InlineData("quote")]
    [InlineData("approve quote")]
    [InlineData("decline quote")]
    [InlineData("start repair")]
    [InlineData("complete")]
    [InlineData("collect")]
    [InlineData("close")]
    [InlineData("cancel")]
    public void A_step_retried_after_it_took_effect_changes_nothing(string stepName)
    {
        var (step, legalIn, _) = Steps[stepName];
        var once = step(Reach(legalIn[0]));

        var twice = step(once);

        Assert.Equal(once.Revision, twice.Revision);
        Assert.Same(once, twice);
    }

    [Fact]
    public void Every_step_is_recorded_with_who_when_what_and_why()
    {
        var order = Reach(Status.Offered).DeclineOffer(Outlet1, "no technician free", Now.AddMinutes(5));

        var entry = order.Audit[^1];
        Assert.Equal(OrderAction.OfferDeclined, entry.Action);
        Assert.Equal(Outlet1, entry.By);
        Assert.Equal(Now.AddMinutes(5), entry.At);
        Assert.Equal("no technician free", entry.Detail);
        Assert.Equal("sh-001", entry.OutletId);
        Assert.Equal([OrderAction.Created, OrderAction.Offered, OrderAction.OfferDeclined], order.Audit.Select(a => a.Action));
        Assert.Equal([1, 2, 3], order.Audit.Select(a => a.Sequence));
    }

    [Fact]
    public void A_declined_offer_frees_the_order_for_the_next_outlet_and_excludes_the_one_that_declined()
    {
        var declined = Reach(Status.Offered).DeclineOffer(Outlet1, "busy", Now);

        Assert.Equal(Status.Created, declined.Status);
        Assert.Null(declined.Assignment);
        Assert.Equal(["sh-001"], declined.ExcludedOutlets);
        Assert.Equal(Status.Offered, declined.Offer(At("sh-002"), [], Now).Status);
    }

    [Fact]
    public void A_headquarters_decline_naming_the_outlet_is_not_repeated_on_the_next_outlet_when_retried()
    {
        var hq = new Actor { Role = ActorRole.Headquarters, Id = "hq-ops" };
        var movedOn = Reach(Status.Offered).DeclineOffer(hq, "outlet flooded", Now, "sh-001").Offer(At("sh-002"), [], Now);

        var retried = movedOn.DeclineOffer(hq, "outlet flooded", Now, "sh-001");

        Assert.Same(movedOn, retried);
        Assert.Equal("sh-002", retried.Assignment?.OutletId);
        AssertPrecondition(() => movedOn.DeclineOffer(hq, "wrong outlet", Now, "sh-009"));
    }

    [Fact]
    public void Only_the_outlet_holding_the_offer_may_accept_or_decline_it()
    {
        var offered = Reach(Status.Offered);

        AssertPrecondition(() => offered.Accept(Outlet2, Now));
        AssertPrecondition(() => offered.DeclineOffer(Outlet2, "not mine", Now));
        Assert.Equal(Status.Accepted, offered.Accept(new Actor { Role = ActorRole.Headquarters, Id = "hq-ops" }, Now).Status);
    }

    [Fact]
    public void An_offer_lapses_only_once_the_acceptance_window_has_passed()
    {
        var offered = Reach(Status.Offered);
        var window = Policy.AcceptanceWindow;

        Assert.Same(offered, offered.ExpireOffer(Now + window - TimeSpan.FromSeconds(1)));
        var lapsed = offered.ExpireOffer(Now + window);

        Assert.Equal(Status.Created, lapsed.Status);
        Assert.Equal(OrderAction.OfferTimedOut, lapsed.Audit[^1].Action);
        Assert.Equal(["sh-001"], lapsed.ExcludedOutlets);
        Assert.Equal(Now + window, offered.OfferExpiresAt);
    }

    [Fact]
    public void With_no_outlet_left_after_declines_the_order_escalates_to_headquarters()
    {
        var declined = Reach(Status.Offered).DeclineOffer(Outlet1, "busy", Now);

        var unassigned = declined.MarkUnassigned("no other outlet", [], Now);

        Assert.Equal(Status.Unassigned, unassigned.Status);
        Assert.True(unassigned.Escalated);
        Assert.Equal(OrderAction.Escalated, unassigned.Audit[^1].Action);
        Assert.Contains("1 declined", unassigned.Audit[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Paid_work_cannot_start_until_the_customer_approves_a_quote()
    {
        // Bought 2024-05-01: past the 12-month whole-unit warranty on 2025-06-10.
        var accepted = New(new DateOnly(2024, 5, 1)).Offer(At("sh-001"), [], Now).Accept(Outlet1, Now).AssignTechnician(Outlet1, "tech-1", Now);
        var diagnosed = Diagnosed(accepted);
        Assert.True(diagnosed.Warranty!.NeedsQuote);

        var ex = AssertPrecondition(() => diagnosed.StartRepair(Outlet1, Now));
        Assert.Contains("quote", ex.Message, StringComparison.Ordinal);

        var quoted = diagnosed.SubmitQuote(Outlet1, QuoteOf(PaidLines), Now);
        AssertPrecondition(() => quoted.StartRepair(Outlet1, Now));
        Assert.Equal(Status.Repairing, quoted.ApproveQuote(Agent, 1, "by phone", Now).StartRepair(Outlet1, Now).Status);
    }

    [Fact]
    public void Free_warranty_work_starts_straight_after_diagnosis()
    {
        var diagnosed = Reach(Status.Diagnosed);
        Assert.False(diagnosed.Warranty!.NeedsQuote);

        Assert.Equal(Status.Repairing, diagnosed.StartRepair(Outlet1, Now).Status);
    }

    [Fact]
    public void A_change_of_cost_during_the_repair_stops_work_until_the_customer_approves_the_new_quote()
    {
        var repairing = Reach(Status.Repairing);

        var requoted = repairing.SubmitQuote(Outlet1, QuoteOf(PaidLines.Add(PaidLines[1] with { Sku = "PH-BATTERY", UnitPriceMinor = 12000 })) with { Reason = "battery swollen" }, Now);

        Assert.Equal(Status.Quoted, requoted.Status);
        Assert.Equal(2, requoted.Quote!.Version);
        AssertPrecondition(() => requoted.Complete(Outlet1, new RepairRecord { WorkDone = "x", TechnicianId = "tech-1", PartsReplaced = [], CompletedAt = Now }, Now));
        AssertPrecondition(() => requoted.ApproveQuote(Agent, 1, "stale", Now));
        Assert.Equal(Status.Repairing, requoted.ApproveQuote(Agent, 2, "ok", Now).StartRepair(Outlet1, Now).Status);
    }

    [Fact]
    public void Completing_with_a_paid_part_the_customer_did_not_approve_is_refused()
    {
        var accepted = New(new DateOnly(2020, 1, 1)).Offer(At("sh-001"), [], Now).Accept(Outlet1, Now).AssignTechnician(Outlet1, "tech-1", Now);
        var repairing = Diagnosed(accepted).SubmitQuote(Outlet1, QuoteOf(PaidLines), Now).ApproveQuote(Agent, 1, "ok", Now).StartRepair(Outlet1, Now);

        var ex = AssertPrecondition(() => repairing.Complete(Outlet1, new RepairRecord { WorkDone = "x", TechnicianId = "tech-1", PartsReplaced = [new() { Sku = "PH-SCREEN", Quantity = 2 }], CompletedAt = Now }, Now));

        Assert.Contains("PH-SCREEN", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Status.Completed, repairing.Complete(Outlet1, new RepairRecord { WorkDone = "x", TechnicianId = "tech-1", PartsReplaced = [new() { Sku = "PH-SCREEN", Quantity = 1 }], CompletedAt = Now }, Now).Status);
    }

    [Fact]
    public void A_declined_quote_ends_in_collection_without_repair()
    {
        var collected = Reach(Status.Declined).Collect(Outlet1, Now);

        Assert.Equal(Status.Collected, collected.Status);
        Assert.Null(collected.RepairRecord);
        Assert.Contains("unrepaired", collected.Audit[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repair_needs_a_technician_before_it_starts()
    {
        var diagnosed = Diagnosed(Reach(Status.Offered).Accept(Outlet1, Now));

        var ex = AssertPrecondition(() => diagnosed.StartRepair(Outlet1, Now));
        Assert.Contains("technician", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rating_is_given_once_after_collection_and_a_different_second_rating_is_refused()
    {
        AssertPrecondition(() => Reach(Status.Completed).Rate(Agent, 5, "great", Now));
        var rated = Reach(Status.Collected).Rate(Agent, 4, "quick", Now);

        Assert.Equal(4, rated.Feedback!.Rating);
        Assert.Same(rated, rated.Rate(Agent, 4, "quick", Now));
        Assert.Equal(DomainErrorKind.AlreadyExists, Assert.Throws<DomainException>(() => rated.Rate(Agent, 1, "changed my mind", Now)).Kind);
        AssertInvalid("rating", () => Reach(Status.Collected).Rate(Agent, 6, "", Now));
    }

    [Fact]
    public void A_complaint_has_its_own_deadline_and_blocks_closing_until_resolved()
    {
        var complained = Reach(Status.Collected).FileComplaint(Agent, "c-1", "scratched case", Now);
        var complaint = Assert.Single(complained.Complaints);
        Assert.Equal(Now + Policy.ComplaintResponseWithin, complaint.RespondBy);

        AssertPrecondition(() => complained.Close(Agent, Now));
        var resolved = complained.ResolveComplaint(Outlet1, "c-1", "case replaced free", Now.AddHours(1));

        Assert.False(resolved.Complaints[0].IsOpen);
        Assert.Equal(Status.Closed, resolved.Close(Agent, Now).Status);
    }

    [Fact]
    public void Deadlines_are_set_from_the_category_policy_and_its_service_mode_override()
    {
        var policy = Policy with { ModeOverrides = ImmutableDictionary<ServiceMode, ServiceLevelOverride>.Empty.Add(ServiceMode.CarryIn, new ServiceLevelOverride { CompletionWithin = TimeSpan.FromHours(72) }) };

        var order = RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 3, 1)), policy, Agent, Now);

        Assert.Equal(Now.AddHours(24), order.ResponseDueAt);
        Assert.Equal(Now.AddHours(72), order.CompletionDueAt);
    }

    [Fact]
    public void A_missed_response_deadline_is_recorded_once_and_escalated()
    {
        var offered = Reach(Status.Offered);

        Assert.Same(offered, offered.RecordMissedDeadlines(Now.AddHours(23)));
        var late = offered.RecordMissedDeadlines(Now.AddHours(24));

        Assert.True(late.ResponseDeadlineMissed);
        Assert.True(late.Escalated);
        Assert.Contains(late.Audit, a => a.Action == OrderAction.ResponseDeadlineMissed);
        Assert.Same(late, late.RecordMissedDeadlines(Now.AddHours(25)));
    }

    [Fact]
    public void A_missed_completion_deadline_is_recorded_while_work_is_open_but_not_after_completion()
    {
        var repairing = Reach(Status.Repairing);
        var completed = Reach(Status.Completed);

        Assert.True(repairing.RecordMissedDeadlines(Now.AddHours(48)).CompletionDeadlineMissed);
        Assert.Same(completed, completed.RecordMissedDeadlines(Now.AddHours(48)));
    }

    [Fact]
    public void The_next_deadline_is_the_earliest_pending_one()
    {
        Assert.Equal(Now + Policy.AcceptanceWindow, Reach(Status.Offered).NextDeadline);
        Assert.Equal(Now.AddHours(48), Reach(Status.Repairing).NextDeadline);
        Assert.Null(Reach(Status.Closed).NextDeadline);
    }

    [Fact]
    public void A_loaner_is_wanted_only_for_a_repair_expected_to_take_longer_than_the_threshold()
    {
        var accepted = Reach(Status.Accepted);
        var quick = Diagnosed(accepted);
        var slow = Diagnosed(accepted, Diagnosis() with { ExpectedRepairTime = Policy.LoanerThreshold + TimeSpan.FromHours(1) });

        Assert.False(quick.WantsLoaner);
        Assert.True(slow.WantsLoaner);
        var lent = slow.IssueLoaner(Outlet1, "LOANER-PHONE", Now);
        Assert.False(lent.WantsLoaner);
    }
}
