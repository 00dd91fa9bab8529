using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Domain.Warranty;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Grains.Technicians;

namespace RepairNetwork.Grains.Tests;

/// <summary>The lifecycle as the grains drive it: cascades, timers (on the fake clock), stock effects, job feeds.</summary>
public sealed class OrderLifecycleTests(LifecycleClusterFixture fixture) : IClassFixture<LifecycleClusterFixture>
{
    private static readonly Actor Agent = new() { Role = ActorRole.CallCenter, Id = "agent-1" };
    private static readonly TimeSpan AcceptanceWindow = CategoryPolicy.Default("phone").AcceptanceWindow;

    private IGrainFactory Grains => fixture.Grains;

    private static Actor OutletActor(string id) => new() { Role = ActorRole.Outlet, Id = id };

    [Fact]
    public async Task A_declined_job_goes_at_once_to_the_next_capable_outlet_and_the_decliner_gets_its_capacity_back()
    {
        var (near, next) = (await Outlet("DEC-A", -40.0, 10), await Outlet("DEC-B", -39.97, 10));
        var order = await Create("decline-cascade", -39.999);
        Assert.Equal(near, order.Assignment?.OutletId);
        Assert.Equal(RepairOrderStatus.Offered, order.Status);

        var moved = await Order(order).DeclineOffer(OutletActor(near), "no technician free today");

        Assert.Equal(RepairOrderStatus.Offered, moved.Status);
        Assert.Equal(next, moved.Assignment?.OutletId);
        Assert.Equal([near], moved.ExcludedOutlets);
        Assert.Contains(moved.PassedOver, p => p.OutletId == near && p.Reasons.Any(r => r.Code == UnavailabilityCode.TurnedDownThisJob));
        Assert.Equal(10, (await Grains.GetGrain<IOutletGrain>(near).CheckAvailability(Job(-39.999))).CapacityLeftToday);
        Assert.Equal([JobEventKind.Offered, JobEventKind.Declined], await EventKinds(near, order.OrderId));
        Assert.Equal([JobEventKind.Offered], await EventKinds(next, order.OrderId));
        Assert.Equal(
            [OrderAction.Created, OrderAction.Offered, OrderAction.OfferDeclined, OrderAction.Offered],
            moved.Audit.Select(a => a.Action));
    }

    [Fact]
    public async Task An_offer_left_unanswered_past_the_acceptance_window_moves_to_the_next_outlet()
    {
        var (near, next) = (await Outlet("TMO-A", -35.0, 10, region: "CN-TMO"), await Outlet("TMO-B", -34.97, 10, region: "CN-TMO"));
        var order = await Create("timeout-cascade", -34.999);

        LifecycleClusterFixture.Clock.Advance(AcceptanceWindow - TimeSpan.FromMinutes(1));
        var stillOffered = await Order(order).CheckTimers();
        Assert.Equal(near, stillOffered.Assignment?.OutletId);

        LifecycleClusterFixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var moved = await Order(order).CheckTimers();

        Assert.Equal(next, moved.Assignment?.OutletId);
        Assert.Contains(moved.Audit, a => a.Action == OrderAction.OfferTimedOut && a.OutletId == near);
        Assert.Equal([JobEventKind.Offered, JobEventKind.OfferWithdrawn], await EventKinds(near, order.OrderId));
        var logged = await ServiceEventsAt("CN-TMO", moved.Audit.Single(a => a.Action == OrderAction.OfferTimedOut).At);
        Assert.Contains(logged, e => e.OrderId == order.OrderId && e.Action == OrderAction.OfferTimedOut && e.OutletId == near);
    }

    [Fact]
    public async Task The_sla_reminder_moves_a_lapsed_offer_without_anyone_calling()
    {
        var (near, next) = (await Outlet("REM-A", -30.0, 10), await Outlet("REM-B", -29.97, 10));
        var order = await Create("reminder-cascade", -29.999);

        var current = order;
        for (var attempt = 0; attempt < 100 && current.Assignment?.OutletId != next; attempt++)
        {
            // Reminders run on the silo's TimeProvider: once the window has passed, the next tick acts.
            LifecycleClusterFixture.Clock.Advance(attempt == 0 ? AcceptanceWindow : TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            current = await Order(order).Get();
        }

        Assert.Equal(next, current.Assignment?.OutletId);
        Assert.Equal(near, current.ExcludedOutlets.Single());
    }

    [Fact]
    public async Task A_booking_whose_order_was_never_stored_is_given_back_once_its_answer_was_due()
    {
        // What a create that failed between booking the outlet and storing the offer leaves behind.
        var outlet = await Outlet("ORPHAN-A", -27.0, 10);
        var grain = Grains.GetGrain<IOutletGrain>(outlet);
        var now = LifecycleClusterFixture.Clock.GetUtcNow();
        var offered = new JobEvent { OrderId = "orphan-order", Kind = JobEventKind.Offered, At = now, Detail = "offered", OrderRevision = 2 };
        Assert.True((await grain.TryBook("orphan-order", Job(-26.999), now + AcceptanceWindow, offered)).Booked);
        Assert.Equal(9, (await grain.CheckAvailability(Job(-26.999))).CapacityLeftToday);

        var left = 9;
        for (var attempt = 0; attempt < 100 && left != 10; attempt++)
        {
            // The outlet's answers-due reminder runs on the silo's fake clock.
            LifecycleClusterFixture.Clock.Advance(attempt == 0 ? AcceptanceWindow : TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            left = (await grain.CheckAvailability(Job(-26.999))).CapacityLeftToday;
        }

        Assert.Equal(10, left);
        Assert.Equal([JobEventKind.Offered, JobEventKind.OfferWithdrawn], await EventKinds(outlet, "orphan-order"));
        Assert.Equal(0, (await grain.GetLoad()).OpenOrders);
    }

    [Fact]
    public async Task A_busy_outlets_job_feed_and_event_feed_read_whole_after_older_entries_move_to_pages()
    {
        var outlet = await Outlet("PAGED-A", -23.0, 5_000);
        var grain = Grains.GetGrain<IOutletGrain>(outlet);
        var now = LifecycleClusterFixture.Clock.GetUtcNow();
        const int Jobs = 1_337; // several pages out of the outlet's state, and a part page left in it
        for (var i = 0; i < Jobs; i++)
        {
            var offered = new JobEvent { OrderId = $"paged-{i}", Kind = JobEventKind.Offered, At = now, Detail = "offered", OrderRevision = 2 };
            Assert.True((await grain.TryBook($"paged-{i}", Job(-22.999), null, offered)).Booked);
        }

        var all = await grain.ListJobs(0, Jobs + 10);
        Assert.Equal(Jobs, all.Total);
        Assert.Equal(Enumerable.Range(0, Jobs).Reverse().Select(i => $"paged-{i}"), all.OrderIds);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"paged-{Jobs - 1 - 900 - i}"), (await grain.ListJobs(900, 40)).OrderIds);

        // A reader starting from the beginning gets every event once, in sequence order.
        var read = new List<JobEvent>();
        for (var after = 0L; read.Count < Jobs;)
        {
            var page = await grain.WaitForJobEvents(after, 100, TimeSpan.Zero);
            Assert.NotEmpty(page.Events);
            Assert.Equal(1, page.FirstRetained);
            read.AddRange(page.Events);
            after = page.Events[^1].Sequence;
        }

        Assert.Equal(Enumerable.Range(1, Jobs).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, Jobs).Select(i => $"paged-{i}"), read.Select(e => e.OrderId));
        Assert.Equal(Jobs, (await grain.GetLoad()).OpenOrders);
    }

    [Fact]
    public async Task When_every_outlet_has_declined_the_order_escalates_to_headquarters()
    {
        var only = await Outlet("ESC-A", -25.0, 10);
        var order = await Create("escalation", -24.999);

        var escalated = await Order(order).DeclineOffer(OutletActor(only), "closing for refit");

        Assert.Equal(RepairOrderStatus.Unassigned, escalated.Status);
        Assert.True(escalated.Escalated);
        var at = escalated.Audit.Single(a => a.Action == OrderAction.Escalated).At;
        Assert.Contains(await ServiceEventsAt("", at), e => e.OrderId == order.OrderId && e.Action == OrderAction.Escalated);
    }

    [Fact]
    public async Task A_missed_response_deadline_is_recorded_and_escalated_by_the_timers()
    {
        await Outlet("LATE-A", -20.0, 10);
        await Outlet("LATE-B", -19.97, 10);
        var order = await Create("response-breach", -19.999);

        // Nobody answers: offers lapse one after the other until the 24 h response deadline passes.
        for (var hours = 0; hours < 25; hours++)
        {
            LifecycleClusterFixture.Clock.Advance(TimeSpan.FromHours(1));
            await Order(order).CheckTimers();
        }

        var breached = await Order(order).Get();
        Assert.True(breached.ResponseDeadlineMissed);
        Assert.True(breached.Escalated);
        Assert.Contains(breached.Audit, a => a.Action == OrderAction.ResponseDeadlineMissed);
        Assert.Equal(2, breached.ExcludedOutlets.Length);
    }

    [Fact]
    public async Task The_platform_puts_the_least_loaded_certified_technician_on_a_job_when_the_outlet_names_none()
    {
        var outlet = await Outlet("TECH-A", -15.0, 10, technicians: 2);
        var first = await Accepted("tech-1", -14.999, outlet);
        var second = await Accepted("tech-2", -14.999, outlet);

        var a = await Order(first).AssignTechnician(OutletActor(outlet), null);
        var b = await Order(second).AssignTechnician(OutletActor(outlet), null);

        Assert.NotEqual(a.TechnicianId, b.TechnicianId);
        Assert.All(new[] { a, b }, o => Assert.StartsWith(outlet, o.TechnicianId, StringComparison.Ordinal));
        var off = await Accepted("tech-3", -14.999, outlet);
        await Assert.ThrowsAsync<Domain.DomainException>(() => Order(off).AssignTechnician(OutletActor(outlet), "NO-SUCH-TECH"));
    }

    [Fact]
    public async Task Completing_consumes_the_replaced_parts_from_the_outlets_stock_exactly_once_even_when_retried()
    {
        var outlet = await Outlet("PARTS-A", -10.0, 10);
        await CatalogPart("PH-SCREEN", 45000);
        var stock = Grains.GetGrain<IOutletInventoryGrain>(outlet);
        await stock.Adjust(new StockAdjustment { Sku = "PH-SCREEN", Kind = StockAdjustmentKind.Receive, Quantity = 5, Reason = "delivery", IdempotencyKey = "rcv-1", KeyOrigin = KeyOrigin.Client });
        var order = await Accepted("parts-once", -9.999, outlet);
        await Order(order).Diagnose(OutletActor(outlet), new Diagnosis { Findings = new DiagnosisFindings { QualityFault = true, PartSkus = ["PH-SCREEN"] }, Notes = "cracked", ExpectedRepairTime = TimeSpan.FromHours(2) });
        await Order(order).StartRepair(OutletActor(outlet));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Order(order).Complete(OutletActor(outlet), "replaced screen", [new ReplacedPart { Sku = "PH-SCREEN", Quantity = 2 }])));

        Assert.All(attempts, o => Assert.Equal(RepairOrderStatus.Completed, o.Status));
        Assert.Single((await Order(order).Get()).Audit, a => a.Action == OrderAction.Completed);
        var level = (await stock.Get(["PH-SCREEN"])).Levels.Single();
        Assert.Equal(3, level.OnHand);
        var again = await Order(order).Complete(OutletActor(outlet), "replaced screen", [new ReplacedPart { Sku = "PH-SCREEN", Quantity = 2 }]);
        Assert.Equal(3, (await stock.Get(["PH-SCREEN"])).Levels.Single().OnHand);
        Assert.NotNull(again.RepairRecord);
        Assert.StartsWith(outlet, again.RepairRecord!.TechnicianId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_loaner_is_lent_from_stock_for_a_long_repair_and_comes_back_on_collection()
    {
        await Grains.GetGrain<ICategoryPolicyGrain>("phone").Set(CategoryPolicy.Default("phone") with { LoanerSku = "LOANER-PH" }, 0);
        var outlet = await Outlet("LOAN-A", -5.0, 10);
        var stock = Grains.GetGrain<IOutletInventoryGrain>(outlet);
        await stock.Adjust(new StockAdjustment { Sku = "LOANER-PH", Kind = StockAdjustmentKind.Receive, Quantity = 1, Reason = "loaner pool", IdempotencyKey = "loaners", KeyOrigin = KeyOrigin.Client });
        var order = await Accepted("loaner", -4.999, outlet);

        var diagnosed = await Order(order).Diagnose(OutletActor(outlet), new Diagnosis { Findings = new DiagnosisFindings { QualityFault = true }, Notes = "board fault", ExpectedRepairTime = TimeSpan.FromDays(5) });

        Assert.Equal("LOANER-PH", diagnosed.Loaner?.Sku);
        Assert.Equal(0, (await stock.Get(["LOANER-PH"])).Levels.Single().OnHand);
        await Order(order).StartRepair(OutletActor(outlet));
        await Order(order).Complete(OutletActor(outlet), "board replaced under warranty", []);
        var collected = await Order(order).Collect(OutletActor(outlet));
        Assert.NotNull(collected.Loaner?.ReturnedAt);
        Assert.Equal(1, (await stock.Get(["LOANER-PH"])).Levels.Single().OnHand);
        await Grains.GetGrain<ICategoryPolicyGrain>("phone").Set(CategoryPolicy.Default("phone"), 0);
    }

    [Fact]
    public async Task A_reconnecting_outlet_resumes_its_job_feed_with_no_gap_and_no_duplicate()
    {
        var outlet = await Outlet("FEED-A", 0.000, 50);
        var feed = Grains.GetGrain<IOutletGrain>(outlet);
        for (var i = 0; i < 3; i++)
        {
            await Create($"feed-{i}", 0.001);
        }

        var firstRead = await feed.WaitForJobEvents(0, 2, TimeSpan.Zero);
        var lastHandled = firstRead.Events[^1].Sequence;
        for (var i = 3; i < 5; i++)
        {
            await Create($"feed-{i}", 0.001);
        }

        var resumed = await feed.WaitForJobEvents(lastHandled, 100, TimeSpan.Zero);
        var all = firstRead.Events.Concat(resumed.Events).ToList();

        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(5, all.Select(e => e.OrderId).Distinct().Count());
        var waiting = feed.WaitForJobEvents(5, 10, TimeSpan.FromSeconds(10));
        await Create("feed-late", 0.001);
        var woken = await waiting;
        Assert.Equal(6, Assert.Single(woken.Events).Sequence);
    }

    [Fact]
    public async Task A_rating_and_an_on_time_completion_lift_the_outlets_score_used_to_break_ties()
    {
        var outlet = await Outlet("SCORE-A", 5.000, 10);
        var order = await Accepted("score", 5.001, outlet);
        await Order(order).Diagnose(OutletActor(outlet), new Diagnosis { Findings = new DiagnosisFindings { QualityFault = true }, Notes = "ok", ExpectedRepairTime = TimeSpan.FromHours(1) });
        await Order(order).StartRepair(OutletActor(outlet));
        await Order(order).Complete(OutletActor(outlet), "fixed", []);
        await Order(order).Collect(OutletActor(outlet));
        await Order(order).Rate(Agent, 5, "fast");
        await Order(order).Rate(Agent, 5, "fast");

        var score = (await Grains.GetGrain<IOutletGrain>(outlet).Get()).Score;
        Assert.Equal(1, score.Ratings);
        Assert.Equal(5.0, score.AverageRating);
        Assert.Equal(1.0, score.OnTimeRate);
    }

    [Fact]
    public async Task Only_genuine_catalog_parts_can_be_quoted_or_fitted_and_quotes_use_the_catalog_price()
    {
        var outlet = await Outlet("GENUINE-A", 10.0, 10);
        await CatalogPart("PH-BACK", 12000);
        var order = await Accepted("genuine", 10.001, outlet);
        await Order(order).Diagnose(OutletActor(outlet), new Diagnosis { Findings = new DiagnosisFindings { QualityFault = false, Exclusions = [WarrantyExclusion.UserDamage] }, Notes = "dropped", ExpectedRepairTime = TimeSpan.FromHours(1) });

        var fake = await Assert.ThrowsAsync<Domain.DomainException>(() => Order(order).SubmitQuote(OutletActor(outlet), [PartLine("KNOCKOFF-1")], ""));
        Assert.Equal("lines[0].sku", fake.Field);

        var quoted = await Order(order).SubmitQuote(OutletActor(outlet), [new QuoteLine { Kind = QuoteLineKind.Labour, Description = "fit back", Quantity = 1, UnitPriceMinor = 3000, CoveredByWarranty = true }, PartLine("PH-BACK")], "");
        Assert.Equal(12000, quoted.Quote!.Lines[1].UnitPriceMinor);
        Assert.Equal(15000, quoted.Quote.CustomerPaysMinor); // excluded (user damage): nothing is covered
        await Order(order).ApproveQuote(Agent, 1, "customer agreed by phone");
        await Order(order).StartRepair(OutletActor(outlet));
        var notInCatalog = await Assert.ThrowsAsync<Domain.DomainException>(() => Order(order).Complete(OutletActor(outlet), "fitted", [new ReplacedPart { Sku = "KNOCKOFF-1", Quantity = 1 }]));
        Assert.Equal("parts_replaced[0].sku", notInCatalog.Field);
    }

    // ---- helpers ----

    private static QuoteLine PartLine(string sku) => new() { Kind = QuoteLineKind.Part, Description = "", Sku = sku, Quantity = 1, UnitPriceMinor = 0, CoveredByWarranty = false };

    private async Task CatalogPart(string sku, long price) =>
        await Grains.GetGrain<Parts.IPartGrain>(sku).Create(Domain.Parts.CatalogParts.Create(sku, $"Part {sku}", "phone", [], false, price, "CNY", false));

    private IRepairOrderGrain Order(RepairOrder order) => Grains.GetGrain<IRepairOrderGrain>(order.OrderId);

    private async Task<RepairOrder> Create(string requestId, double latitude)
    {
        var request = RepairRequests.Create(
            requestId,
            RepairRequests.CreateCustomer("Zhang San", "+86 138 0000 0000", "8 Customer Lane", addressRequired: false),
            // Bought a month ago: in warranty, so work needs no quote.
            RepairRequests.CreateProduct("phone", "X200", "SN-1", DateOnly.FromDateTime(LifecycleClusterFixture.Clock.GetUtcNow().UtcDateTime.AddMonths(-1))),
            "Cracked screen",
            Job(latitude));
        return await Grains.GetGrain<IRepairOrderGrain>(RepairRequests.OrderIdFor(requestId)).Create(request, Agent);
    }

    private async Task<RepairOrder> Accepted(string requestId, double latitude, string outlet)
    {
        var order = await Create(requestId, latitude);
        Assert.Equal(outlet, order.Assignment?.OutletId);
        return await Order(order).Accept(OutletActor(outlet));
    }

    private static JobRequirement Job(double latitude) =>
        new() { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = new GeoPoint(latitude, 100) };

    private async Task<List<JobEventKind>> EventKinds(string outlet, string orderId) =>
        [.. (await Grains.GetGrain<IOutletGrain>(outlet).WaitForJobEvents(0, 1000, TimeSpan.Zero)).Events.Where(e => e.OrderId == orderId).Select(e => e.Kind)];

    /// <summary>The region's service events at exactly <paramref name="at"/>, read from the silo's store.</summary>
    private async Task<IReadOnlyList<ServiceEvent>> ServiceEventsAt(string region, DateTimeOffset at) =>
        (await fixture.ServiceEvents.Read(new ServiceEventQuery(region, at, at.AddTicks(1), 1000), TestContext.Current.CancellationToken)).Events;

    private async Task<string> Outlet(string id, double latitude, int capacity, int technicians = 1, string? region = null)
    {
        var profile = OutletProfile.Create(
            id, $"Outlet {id}", "1 Test Road", "+86 21 5555 0000", new GeoPoint(latitude, 100),
            OpeningHours.Create("Asia/Shanghai", [], "opening_hours"),
            ServiceModes.Create(carryIn: true, mailIn: false, onSite: false, 0, hasServiceArea: false, "service_modes"),
            ["phone.screen"], capacity, null, "outlet", region);
        await Grains.GetGrain<IOutletGrain>(id).Create(profile);
        for (var i = 1; i <= technicians; i++)
        {
            var technician = TechnicianProfile.Create($"{id}-T{i}", id, $"Technician {i}",
                [new Certification { Capability = "phone.screen", ExpiresOn = new DateOnly(2030, 6, 30) }], onShift: true, "technician");
            await Grains.GetGrain<ITechnicianGrain>(technician.TechnicianId).Create(technician, RepairNetwork.Domain.Orders.Actor.Platform);
        }

        return id;
    }
}
