using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Headquarters' category policies as the promises orders are created with, and the service-level
/// event record (offers, declines, escalations) read back by outlet, region and period.
/// </summary>
public sealed class ServiceLevelApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_category_without_a_policy_reads_as_the_brands_default_terms_at_version_0()
    {
        var policy = (await server.ServiceLevels.GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = Samples.UniqueCategory() })).Policy;

        Assert.Equal(0, policy.Version);
        Assert.Equal((12, 36, 7, 15, "CNY"), (policy.WholeUnitMonths, policy.MainPartMonths, policy.ReturnDays, policy.ExchangeDays, policy.CurrencyCode));
        Assert.Equal(TimeSpan.FromHours(24), policy.ResponseWithin.ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(48), policy.CompletionWithin.ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(2), policy.AcceptanceWindow.ToTimeSpan());
        Assert.Equal(TimeSpan.FromHours(72), policy.ComplaintResponseWithin.ToTimeSpan());
    }

    [Fact]
    public async Task A_policy_reads_back_as_set_and_every_change_needs_the_current_version()
    {
        var category = Samples.UniqueCategory();
        var sent = Samples.Policy(category);

        var stored = (await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = sent })).Policy;

        var expected = sent.Clone();
        expected.Version = 1;
        expected.ServiceClock = Api.ServiceClock.Calendar; // unspecified reads back as what it means
        Assert.Equal(expected, stored);
        Assert.Equal(stored, await Get(category));

        var change = stored.Clone();
        change.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(6));
        change.ServiceClock = Api.ServiceClock.BusinessHours;
        change.ModeOverrides.Add(new Api.ServiceLevelOverride { ServiceMode = Api.ServiceMode.MailIn, CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromDays(5)) });
        var update = new Api.SetCategoryPolicyRequest { Policy = change, ExpectedVersion = stored.Version };
        var updated = (await server.ServiceLevels.SetCategoryPolicyAsync(update)).Policy;

        expected = change.Clone();
        expected.Version = 2;
        Assert.Equal(expected, updated);
        Assert.Equal(updated, await Get(category));

        // The same update retried after a lost reply finds nothing to change: the same answer, not a conflict.
        Assert.Equal(updated, (await server.ServiceLevels.SetCategoryPolicyAsync(update)).Policy);

        // Someone who read version 1 cannot overwrite version 2 unknowingly.
        var stale = change.Clone();
        stale.WholeUnitMonths = 3;
        var conflict = await Assert.ThrowsAsync<RpcException>(() => server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = stale, ExpectedVersion = 1 }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, conflict.StatusCode);
        Assert.Contains("version 2", conflict.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(updated, await Get(category));

        // Without an expected version the change simply applies.
        var forced = (await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = stale })).Policy;
        Assert.Equal((3, 3L), (forced.WholeUnitMonths, forced.Version));

        var listed = new List<Api.CategoryPolicy>();
        var request = new Api.ListCategoryPoliciesRequest { PageSize = 2 };
        do
        {
            var page = await server.ServiceLevels.ListCategoryPoliciesAsync(request);
            Assert.True(page.Policies.Count <= 2);
            listed.AddRange(page.Policies);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(forced, listed.Single(p => p.Category == category));
        Assert.Equal(listed.Select(p => p.Category).Order(StringComparer.Ordinal), listed.Select(p => p.Category));
    }

    [Fact]
    public async Task A_new_order_takes_its_deadlines_from_its_categorys_policy_and_keeps_them_when_the_policy_changes()
    {
        var category = Samples.UniqueCategory();
        var policy = (await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = Samples.Policy(category) })).Policy;
        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("SLA");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, lat + 0.01, lon, onSiteRadiusKm: 10) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) });

        Api.CreateRepairOrderRequest Order(Api.ServiceMode mode)
        {
            var request = Samples.Order(lat, lon);
            request.Product.Category = category;
            request.ServiceMode = mode;
            return request;
        }

        var carryIn = (await server.Orders.CreateRepairOrderAsync(Order(Api.ServiceMode.CarryIn))).Order;
        var onSite = (await server.Orders.CreateRepairOrderAsync(Order(Api.ServiceMode.OnSite))).Order;

        Assert.Equal((Api.RepairOrderStatus.Offered, outlet), (carryIn.Status, carryIn.Assignment.OutletId));
        Assert.Equal((Api.RepairOrderStatus.Offered, outlet), (onSite.Status, onSite.Assignment.OutletId));
        AssertDeadlines(carryIn, response: TimeSpan.FromHours(4), completion: TimeSpan.FromHours(36));
        AssertDeadlines(onSite, response: TimeSpan.FromHours(2), completion: TimeSpan.FromHours(24));
        Assert.Equal(TimeSpan.FromMinutes(30), carryIn.OfferExpireTime.ToDateTimeOffset() - carryIn.Assignment.AssignTime.ToDateTimeOffset());

        // The policy's warranty terms too: bought 2026-01-15, six months of whole-unit cover ended 2026-07-14.
        Assert.Equal(("2026-07-14", "2028-01-14"), (carryIn.Warranty.WholeUnitUntil, carryIn.Warranty.MainPartUntil));
        Assert.Equal(Api.WarrantyRule.MainPartWarranty, carryIn.Warranty.Rule);

        // A later policy change applies to new orders only: the promise made to a customer stands.
        var slower = policy.Clone();
        slower.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(8));
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = slower, ExpectedVersion = policy.Version });
        var later = (await server.Orders.CreateRepairOrderAsync(Order(Api.ServiceMode.CarryIn))).Order;

        AssertDeadlines(later, response: TimeSpan.FromHours(8), completion: TimeSpan.FromHours(36));
        Assert.Equal(carryIn, (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = carryIn.OrderId })).Order);
        Assert.Equal(onSite, (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = onSite.OrderId })).Order);
    }

    [Fact]
    public async Task Offers_and_declines_are_listed_by_outlet_within_the_period_asked_and_nothing_outside_it()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var (first, next) = (journey.OutletIds[0], journey.OutletIds[1]);
        var offeredAt = server.Clock.GetUtcNow();
        var order = await journey.OrderAt(Stage.Offered);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var declinedAt = server.Clock.GetUtcNow();
        var declined = (await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = order.OrderId, Reason = "no technician free" })).Order;

        var expectedAtFirst = EventsOf(declined, first);
        Assert.Equal([(Api.OrderAction.Offered, offeredAt), (Api.OrderAction.OfferDeclined, declinedAt)], expectedAtFirst.Select(e => (e.Action, e.Time.ToDateTimeOffset())));
        Assert.Equal("no technician free", expectedAtFirst[1].Detail);

        Assert.Equal(expectedAtFirst, await ListAll(first, offeredAt, declinedAt.AddHours(1)));
        Assert.Equal(expectedAtFirst.Take(1), await ListAll(first, offeredAt, declinedAt));
        Assert.Equal(expectedAtFirst.Skip(1), await ListAll(first, offeredAt.AddTicks(10), declinedAt.AddHours(1)));
        Assert.Empty(await ListAll(first, offeredAt.AddHours(-1), offeredAt));
        Assert.Empty(await ListAll(first, declinedAt.AddTicks(10), declinedAt.AddHours(1)));
        Assert.Equal(expectedAtFirst.Skip(1), await ListAll(first, offeredAt, declinedAt.AddHours(1), Api.OrderAction.OfferDeclined));

        var expectedAtNext = EventsOf(declined, next);
        Assert.Equal([(Api.OrderAction.Offered, declinedAt)], expectedAtNext.Select(e => (e.Action, e.Time.ToDateTimeOffset())));
        Assert.Equal(expectedAtNext, await ListAll(next, offeredAt.AddHours(-1), declinedAt.AddHours(1)));

        // One event per page: the token carries the listing on without repeating or skipping.
        var firstPage = await server.ServiceLevels.ListServiceEventsAsync(Listing(first, offeredAt, declinedAt.AddHours(1), pageSize: 1));
        var secondPage = await server.ServiceLevels.ListServiceEventsAsync(Listing(first, offeredAt, declinedAt.AddHours(1), pageSize: 1, token: firstPage.NextPageToken));
        Assert.Equal(expectedAtFirst, firstPage.Events.Concat(secondPage.Events));
        Assert.NotEmpty(firstPage.NextPageToken);
        Assert.Empty(secondPage.NextPageToken);
    }

    [Fact]
    public async Task An_order_no_outlet_can_take_is_listed_as_escalated_under_the_unassigned_region()
    {
        var (lat, lon) = TestArea.Next();
        var at = server.Clock.GetUtcNow();
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(Api.RepairOrderStatus.Unassigned, order.Status);
        Assert.True(order.Escalated);

        var listed = new List<Api.ServiceEvent>();
        var request = new Api.ListServiceEventsRequest
        {
            Region = "_",
            StartTime = Timestamp.FromDateTimeOffset(at),
            EndTime = Timestamp.FromDateTimeOffset(at.AddHours(1)),
            PageSize = 500,
        };
        do
        {
            var page = await server.ServiceLevels.ListServiceEventsAsync(request);
            listed.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        var escalation = order.AuditTrail.Single(e => e.Action == Api.OrderAction.Escalated);
        Assert.Equal(
            [new Api.ServiceEvent { OrderId = order.OrderId, Action = Api.OrderAction.Escalated, Time = escalation.Time, OutletId = string.Empty, Region = string.Empty, Detail = escalation.Detail, OrderRevision = escalation.Sequence }],
            listed.Where(e => e.OrderId == order.OrderId));
        Assert.Contains("no outlet", escalation.Detail, StringComparison.Ordinal);
    }

    private static void AssertDeadlines(Api.RepairOrder order, TimeSpan response, TimeSpan completion)
    {
        var created = order.CreateTime.ToDateTimeOffset();
        Assert.Equal(created + response, order.ResponseDueTime.ToDateTimeOffset());
        Assert.Equal(created + completion, order.CompletionDueTime.ToDateTimeOffset());
    }

    /// <summary>The service-level events an outlet should see for an order, built from its audit trail.</summary>
    private static List<Api.ServiceEvent> EventsOf(Api.RepairOrder order, string outletId) =>
        [.. order.AuditTrail
            .Where(e => e.OutletId == outletId && e.Action is Api.OrderAction.Offered or Api.OrderAction.OfferDeclined or Api.OrderAction.OfferTimedOut or Api.OrderAction.Escalated)
            .Select(e => new Api.ServiceEvent { OrderId = order.OrderId, Action = e.Action, Time = e.Time, OutletId = outletId, Region = string.Empty, Detail = e.Detail, OrderRevision = e.Sequence })];

    private static Api.ListServiceEventsRequest Listing(string outletId, DateTimeOffset start, DateTimeOffset end, int pageSize = 0, string token = "", params Api.OrderAction[] actions) => new()
    {
        OutletId = outletId,
        StartTime = Timestamp.FromDateTimeOffset(start),
        EndTime = Timestamp.FromDateTimeOffset(end),
        PageSize = pageSize,
        PageToken = token,
        Actions = { actions },
    };

    private async Task<List<Api.ServiceEvent>> ListAll(string outletId, DateTimeOffset start, DateTimeOffset end, params Api.OrderAction[] actions)
    {
        var events = new List<Api.ServiceEvent>();
        var request = Listing(outletId, start, end, actions: actions);
        do
        {
            var page = await server.ServiceLevels.ListServiceEventsAsync(request);
            events.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return events;
    }

    private async Task<Api.CategoryPolicy> Get(string category) =>
        (await server.ServiceLevels.GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = category })).Policy;
}
