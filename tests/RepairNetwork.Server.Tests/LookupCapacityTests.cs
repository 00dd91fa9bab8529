using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Lookups answer capacity from the capacity hints outlets publish after each booking and release:
/// the answers must follow bookings, cancellations and the outlet's local day at once.
/// Own fixture: one test moves the clock to the next day.
/// </summary>
public sealed class LookupCapacityTests(LookupCapacityTests.Fixture server) : IClassFixture<LookupCapacityTests.Fixture>
{
    public sealed class Fixture : ServerFixture;

    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Capacity_left_and_can_take_job_follow_every_booking_and_cancellation()
    {
        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("CAP2");
        await CreateOutletWithTechnician(outlet, lat + (1 / KmPerDegreeLat), lon, capacity: 2);

        var fresh = await Nearest(lat, lon);
        Assert.True(fresh.CanTakeJob);
        Assert.Equal(2, fresh.CapacityLeftToday);

        var first = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outlet, first.Assignment.OutletId);
        var afterOne = await Nearest(lat, lon);
        Assert.True(afterOne.CanTakeJob);
        Assert.Equal(1, afterOne.CapacityLeftToday);

        var second = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outlet, second.Assignment.OutletId);
        var full = await Nearest(lat, lon);
        Assert.False(full.CanTakeJob);
        Assert.Equal(0, full.CapacityLeftToday);
        Assert.Contains(full.Reasons, r => r.Code == Api.UnavailabilityCode.CapacityFullToday);
        Assert.DoesNotContain(await AvailableOnly(lat, lon), c => c.OutletId == outlet);

        await server.Orders.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = second.OrderId, Reason = "customer cancelled" });
        var released = await Nearest(lat, lon);
        Assert.True(released.CanTakeJob);
        Assert.Equal(1, released.CapacityLeftToday);
        Assert.Contains(await AvailableOnly(lat, lon), c => c.OutletId == outlet && c.CapacityLeftToday == 1);
    }

    [Fact]
    public async Task A_full_outlet_has_its_whole_capacity_again_on_its_next_open_day()
    {
        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("CAP1");
        await CreateOutletWithTechnician(outlet, lat + (1 / KmPerDegreeLat), lon, capacity: 1);
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outlet, order.Assignment.OutletId);
        Assert.False((await Nearest(lat, lon)).CanTakeJob);

        // Sample outlets open on Wednesdays only: its next open day is a week later.
        server.Clock.Advance(TimeSpan.FromDays(7));

        var nextDay = await Nearest(lat, lon);
        Assert.True(nextDay.CanTakeJob);
        Assert.Equal(1, nextDay.CapacityLeftToday);
    }

    private async Task<Api.OutletCandidate> Nearest(double lat, double lon) =>
        (await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            Limit = 1,
        })).Candidates.Single();

    private async Task<IReadOnlyList<Api.OutletCandidate>> AvailableOnly(double lat, double lon) =>
        (await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            MaxDistanceKm = 20,
            AvailableOnly = true,
        })).Candidates;

    private async Task CreateOutletWithTechnician(string id, double lat, double lon, int capacity)
    {
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat, lon, capacity: capacity) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
    }
}
