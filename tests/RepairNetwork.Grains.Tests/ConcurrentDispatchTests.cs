using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Technicians;

namespace RepairNetwork.Grains.Tests;

public sealed class ConcurrentDispatchTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly Actor Caller = new() { Role = ActorRole.CallCenter, Id = "test" };

    [Fact]
    public async Task Fifty_parallel_orders_book_exactly_the_capacity_and_overflow_to_the_next_nearest_or_stay_unassigned_with_a_reason()
    {
        var small = await CreateOutlet("SMALL-3", new GeoPoint(30.000, 120.000), capacity: 3);
        var next = await CreateOutlet("NEXT-20", new GeoPoint(30.050, 120.000), capacity: 20);

        var orders = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            fixture.Grains.GetGrain<IRepairOrderGrain>(RepairRequests.OrderIdFor($"parallel-{i}")).Create(Request($"parallel-{i}", new GeoPoint(29.999, 120.0)), Caller)));

        var bySmall = orders.Where(o => o.Assignment?.OutletId == small).ToList();
        var byNext = orders.Where(o => o.Assignment?.OutletId == next).ToList();
        var unassigned = orders.Where(o => o.Status == RepairOrderStatus.Unassigned).ToList();

        Assert.Equal(3, bySmall.Count);
        Assert.Equal(20, byNext.Count);
        Assert.Equal(27, unassigned.Count);
        Assert.All(byNext, o => Assert.Contains(o.PassedOver.Single(p => p.OutletId == small).Reasons, r => r.Code == UnavailabilityCode.CapacityFullToday));
        Assert.All(unassigned, o =>
        {
            Assert.Contains("can take the job now", o.UnassignedReason, StringComparison.Ordinal);
            Assert.Equal([small, next], o.PassedOver.Select(p => p.OutletId));
        });

        // The outlets' own books agree: nothing double-booked, nothing over capacity.
        var smallJobs = await fixture.Grains.GetGrain<IOutletGrain>(small).ListJobs(0, 100);
        var nextJobs = await fixture.Grains.GetGrain<IOutletGrain>(next).ListJobs(0, 100);
        Assert.Equal(bySmall.Select(o => o.OrderId).Order(), smallJobs.OrderIds.Order());
        Assert.Equal(byNext.Select(o => o.OrderId).Order(), nextJobs.OrderIds.Order());
        Assert.Empty(smallJobs.OrderIds.Intersect(nextJobs.OrderIds));
    }

    [Fact]
    public async Task A_create_whose_caller_has_given_up_stores_nothing_and_its_retry_books_once()
    {
        var outlet = await CreateOutlet("GAVE-UP-1", new GeoPoint(-12, 42), capacity: 1);
        var request = Request("gave-up-key", new GeoPoint(-12.01, 42));
        var grain = fixture.Grains.GetGrain<IRepairOrderGrain>(RepairRequests.OrderIdFor(request.RequestId));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => grain.Create(request, Caller, cancellationToken: new CancellationToken(canceled: true)));

        var missing = await Assert.ThrowsAsync<RepairNetwork.Domain.DomainException>(() => grain.Get());
        Assert.Equal(RepairNetwork.Domain.DomainErrorKind.NotFound, missing.Kind);
        Assert.Empty((await fixture.Grains.GetGrain<IOutletGrain>(outlet).ListJobs(0, 10)).OrderIds);

        var retried = await grain.Create(request, Caller, cancellationToken: CancellationToken.None);
        Assert.Equal(outlet, retried.Assignment?.OutletId);
        Assert.Single((await fixture.Grains.GetGrain<IOutletGrain>(outlet).ListJobs(0, 10)).OrderIds);
    }

    [Fact]
    public async Task A_retried_order_is_booked_once_even_when_retries_race()
    {
        var outlet = await CreateOutlet("RACE-2", new GeoPoint(-10, 40), capacity: 2);
        var request = Request("race-key", new GeoPoint(-10.01, 40));
        var grain = fixture.Grains.GetGrain<IRepairOrderGrain>(RepairRequests.OrderIdFor(request.RequestId));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => grain.Create(request, Caller)));

        Assert.All(attempts, o => Assert.Equal(outlet, o.Assignment?.OutletId));
        Assert.Single((await fixture.Grains.GetGrain<IOutletGrain>(outlet).ListJobs(0, 10)).OrderIds);
        var availability = await fixture.Grains.GetGrain<IOutletGrain>(outlet).CheckAvailability(request.Job);
        Assert.Equal(1, availability.CapacityLeftToday);
    }

    [Fact]
    public async Task An_unassigned_order_is_dispatched_again_by_its_reminder_once_an_outlet_can_take_it()
    {
        var request = Request("waits-for-an-outlet", new GeoPoint(-20, -60));
        var grain = fixture.Grains.GetGrain<IRepairOrderGrain>(RepairRequests.OrderIdFor(request.RequestId));
        var waiting = await grain.Create(request, Caller, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(RepairOrderStatus.Unassigned, waiting.Status);

        var outlet = await CreateOutlet("LATE-OPENER", new GeoPoint(-20.02, -60), capacity: 5);

        var order = waiting;
        // Reminders run on the silo's TimeProvider: moving the fake clock makes the retry due.
        for (var attempt = 0; attempt < 100 && order.Status != RepairOrderStatus.Offered; attempt++)
        {
            ClusterFixture.Clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            order = await grain.Get();
        }

        Assert.Equal(RepairOrderStatus.Offered, order.Status);
        Assert.Equal(outlet, order.Assignment?.OutletId);
        Assert.Equal([order.OrderId], (await fixture.Grains.GetGrain<IOutletGrain>(outlet).ListJobs(0, 10)).OrderIds);
        // The outlet system hears of the offer like any other.
        var feed = await fixture.Grains.GetGrain<IOutletGrain>(outlet).WaitForJobEvents(0, 10, TimeSpan.FromSeconds(5));
        Assert.Contains(feed.Events, e => e.OrderId == order.OrderId && e.Kind == JobEventKind.Offered);
    }

    [Fact]
    public async Task A_dispatch_resumed_after_a_crash_keeps_the_booking_an_outlet_already_holds_instead_of_booking_a_second_outlet()
    {
        var nearest = await CreateOutlet("RESUME-NEAR", new GeoPoint(-30, 20), capacity: 1);
        var farther = await CreateOutlet("RESUME-FAR", new GeoPoint(-30.05, 20), capacity: 5);
        var request = Request("resume-after-crash", new GeoPoint(-30.001, 20));
        var orderId = RepairRequests.OrderIdFor(request.RequestId);

        // The earlier attempt booked the nearest outlet (now full) and died before saving the order.
        Assert.True((await fixture.Grains.GetGrain<IOutletGrain>(nearest).TryBook(orderId, request.Job)).Booked);
        var dispatcher = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<Dispatcher>();

        var resumed = await dispatcher.Dispatch(orderId, request.Job, resuming: true);

        Assert.Equal(nearest, resumed.Assignment?.OutletId);
        Assert.Empty((await fixture.Grains.GetGrain<IOutletGrain>(farther).ListJobs(0, 10)).OrderIds);
    }

    private async Task<string> CreateOutlet(string id, GeoPoint location, int capacity)
    {
        var profile = OutletProfile.Create(
            id, $"Outlet {id}", "1 Test Road", "+86 21 5555 0000", location,
            OpeningHours.Create("Asia/Shanghai", [], "opening_hours"),
            ServiceModes.Create(carryIn: true, mailIn: false, onSite: false, 0, hasServiceArea: false, "service_modes"),
            ["phone.screen"], capacity, null, "outlet");
        await fixture.Grains.GetGrain<IOutletGrain>(id).Create(profile);
        var technician = TechnicianProfile.Create($"{id}-T1", id, "Wang Fang",
            [new Certification { Capability = "phone.screen", ExpiresOn = new DateOnly(2027, 6, 30) }], onShift: true, "technician");
        await fixture.Grains.GetGrain<ITechnicianGrain>(technician.TechnicianId).Create(technician, RepairNetwork.Domain.Orders.Actor.Platform);
        return id;
    }

    private static RepairRequest Request(string requestId, GeoPoint customer) => RepairRequests.Create(
        requestId,
        RepairRequests.CreateCustomer("Zhang San", "+86 138 0000 0000", "8 Customer Lane", addressRequired: false),
        RepairRequests.CreateProduct("phone", "X200", "SN-1", new DateOnly(2026, 1, 15)),
        "Cracked screen",
        new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = customer });
}
