using Microsoft.Extensions.DependencyInjection;
using RepairNetwork.Grains.Outlets;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// A lookup lists outlets in the order dispatch tries them and screens them as dispatch does, so the
/// outlet a call-center agent reads first among those that can take the job is where the job goes.
/// </summary>
public sealed class LookupRankingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Lookups_rank_exactly_as_dispatch_does_so_dispatch_picks_the_first_outlet_that_can_take_the_job()
    {
        var (lat, lon) = TestArea.Next();
        var paused = Samples.UniqueId("PAUSED");
        var poor = Samples.UniqueId("POOR");
        var good = Samples.UniqueId("GOOD");
        var far = Samples.UniqueId("FAR");
        await CreateOutletWithTechnician(paused, lat + (1 / KmPerDegreeLat), lon);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = paused, Status = Api.OutletStatus.Paused, Reason = "stocktake" });
        await CreateOutletWithTechnician(poor, lat + (3.0 / KmPerDegreeLat), lon);
        await CreateOutletWithTechnician(good, lat - (3.4 / KmPerDegreeLat), lon);
        await CreateOutletWithTechnician(far, lat + (8 / KmPerDegreeLat), lon);

        // Service records: the quality tie-break (1 km by default) lets the better outlet overtake
        // the worse one 0.4 km nearer.
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IOutletGrain>(poor).RecordServiceOutcome("ranking-test-poor", completedOnTime: false, rating: 1);
        await grains.GetGrain<IOutletGrain>(good).RecordServiceOutcome("ranking-test-good", completedOnTime: true, rating: 5);

        var lookup = await server.Locator.FindNearestOutletsAsync(Request(lat, lon, availableOnly: false));
        var availableOnly = await server.Locator.FindNearestOutletsAsync(Request(lat, lon, availableOnly: true));

        Assert.Equal([paused, good, poor, far], lookup.Candidates.Select(c => c.OutletId));
        Assert.Equal([good, poor, far], availableOnly.Candidates.Select(c => c.OutletId));
        var firstThatCan = lookup.Candidates.First(c => c.CanTakeJob);

        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;

        Assert.Equal(firstThatCan.OutletId, order.Assignment.OutletId);
        Assert.Equal(firstThatCan.DistanceKm, Math.Round(order.Assignment.DistanceKm, 3), 3);
        // Every outlet the lookup listed ahead of it is one dispatch passed over, in the same order.
        Assert.Equal(lookup.Candidates.TakeWhile(c => !c.CanTakeJob).Select(c => c.OutletId), order.PassedOver.Select(p => p.OutletId));
    }

    [Fact]
    public async Task Lookups_and_dispatch_report_every_rule_an_outlet_fails()
    {
        var (lat, lon) = TestArea.Next();
        var busy = Samples.UniqueId("BUSY");
        var capable = Samples.UniqueId("OK");
        await CreateOutletWithTechnician(busy, lat + (1 / KmPerDegreeLat), lon, capacity: 1);
        await CreateOutletWithTechnician(capable, lat + (4 / KmPerDegreeLat), lon);
        var first = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(busy, first.Assignment.OutletId);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = busy, Status = Api.OutletStatus.Paused, Reason = "stocktake" });

        var lookup = await server.Locator.FindNearestOutletsAsync(Request(lat, lon, availableOnly: false));
        var second = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;

        Api.UnavailabilityCode[] both = [Api.UnavailabilityCode.OutletPaused, Api.UnavailabilityCode.CapacityFullToday];
        Assert.Equal(busy, lookup.Candidates[0].OutletId);
        Assert.Equal(both, lookup.Candidates[0].Reasons.Select(r => r.Code));
        Assert.Equal(capable, second.Assignment.OutletId);
        Assert.Equal(both, Assert.Single(second.PassedOver).Reasons.Select(r => r.Code));
    }

    private static Api.FindNearestOutletsRequest Request(double lat, double lon, bool availableOnly) => new()
    {
        Location = new Api.LatLng { Latitude = lat, Longitude = lon },
        Capability = "phone.screen",
        ServiceMode = Api.ServiceMode.CarryIn,
        Limit = 4,
        MaxDistanceKm = 50,
        AvailableOnly = availableOnly,
    };

    private async Task CreateOutletWithTechnician(string id, double lat, double lon, int capacity = 10)
    {
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat, lon, capacity: capacity) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
    }
}
