using Grpc.Core;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

public sealed class LocatorAndDispatchTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Nearest_outlets_are_ranked_by_distance_and_say_why_they_cannot_take_the_job()
    {
        var (lat, lon) = TestArea.Next();
        var near = Samples.UniqueId("NEAR");
        var middle = Samples.UniqueId("MID");
        var far = Samples.UniqueId("FAR");
        await CreateOutletWithTechnician(near, lat + (2 / KmPerDegreeLat), lon);
        await CreateOutletWithTechnician(middle, lat + (5 / KmPerDegreeLat), lon);
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(far, lat + (9 / KmPerDegreeLat), lon) });
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = near, Status = Api.OutletStatus.Paused, Reason = "stocktake" });

        var response = await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            Limit = 3,
        });

        Assert.Equal([near, middle, far], response.Candidates.Select(c => c.OutletId));
        Assert.Equal(2.0, response.Candidates[0].DistanceKm, 1);
        Assert.False(response.Candidates[0].CanTakeJob);
        Assert.Contains(response.Candidates[0].Reasons, r => r.Code == Api.UnavailabilityCode.OutletPaused);
        Assert.True(response.Candidates[1].CanTakeJob);
        Assert.Equal(10, response.Candidates[1].CapacityLeftToday);
        Assert.True(response.Candidates[1].OpenNow);
        Assert.Contains(response.Candidates[2].Reasons, r => r.Code == Api.UnavailabilityCode.NoCertifiedTechnicianOnShift);

        var availableOnly = await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            MaxDistanceKm = 50,
            AvailableOnly = true,
        });
        Assert.Equal([middle], availableOnly.Candidates.Select(c => c.OutletId));
    }

    [Fact]
    public async Task Order_goes_to_the_nearest_capable_outlet_and_explains_the_closer_ones_passed_over()
    {
        var (lat, lon) = TestArea.Next();
        var closed = Samples.UniqueId("CLOSED");
        var expired = Samples.UniqueId("EXPIRED");
        var capable = Samples.UniqueId("OK");
        await CreateOutletWithTechnician(closed, lat + (1 / KmPerDegreeLat), lon);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = closed, Status = Api.OutletStatus.Closed });
        // Certified until yesterday (the fixture's clock says 2026-11-18 in Shanghai).
        await CreateOutletWithTechnician(expired, lat + (2 / KmPerDegreeLat), lon, expiresOn: "2026-11-17");
        await CreateOutletWithTechnician(capable, lat + (4 / KmPerDegreeLat), lon, expiresOn: "2026-11-18");

        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;

        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
        Assert.Equal(capable, order.Assignment.OutletId);
        Assert.Equal(4.0, order.Assignment.DistanceKm, 1);
        Assert.Equal("2026-11-18", order.Assignment.BookedForDate);
        Assert.Equal([closed, expired], order.PassedOver.Select(p => p.OutletId));
        Assert.Contains(order.PassedOver[0].Reasons, r => r.Code == Api.UnavailabilityCode.OutletClosed);
        Assert.Contains(order.PassedOver[1].Reasons, r => r.Code == Api.UnavailabilityCode.NoCertifiedTechnicianOnShift);

        var read = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.Equal(order, read);
    }

    [Fact]
    public async Task Retried_create_returns_the_same_order_and_books_capacity_once()
    {
        var (lat, lon) = TestArea.Next();
        var first = Samples.UniqueId("CAP1");
        var second = Samples.UniqueId("NEXT");
        await CreateOutletWithTechnician(first, lat + (1 / KmPerDegreeLat), lon, capacity: 1);
        await CreateOutletWithTechnician(second, lat + (3 / KmPerDegreeLat), lon);

        var request = Samples.Order(lat, lon);
        var original = (await server.Orders.CreateRepairOrderAsync(request)).Order;
        var retried = (await server.Orders.CreateRepairOrderAsync(request)).Order;
        var another = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;

        Assert.Equal(original, retried);
        Assert.Equal(first, original.Assignment.OutletId);
        Assert.Equal(second, another.Assignment.OutletId);
        Assert.Contains(another.PassedOver.Single().Reasons, r => r.Code == Api.UnavailabilityCode.CapacityFullToday);

        var jobs = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = first });
        Assert.Equal([original.OrderId], jobs.Orders.Select(o => o.OrderId));

        var changed = request.Clone();
        changed.FaultDescription = "Battery drains";
        var conflict = await Assert.ThrowsAsync<RpcException>(() => server.Orders.CreateRepairOrderAsync(changed).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, conflict.StatusCode);
    }

    [Fact]
    public async Task Order_nobody_can_take_is_stored_unassigned_with_the_reason()
    {
        var (lat, lon) = TestArea.Next();
        var paused = Samples.UniqueId("PAUSED");
        await CreateOutletWithTechnician(paused, lat, lon + 0.01);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = paused, Status = Api.OutletStatus.Paused });

        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;

        Assert.Equal(Api.RepairOrderStatus.Unassigned, order.Status);
        Assert.Null(order.Assignment);
        Assert.Contains(paused, order.UnassignedReason, StringComparison.Ordinal);
        Assert.Equal(paused, order.PassedOver.Single().OutletId);

        var queue = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { Status = Api.RepairOrderStatus.Unassigned, PageSize = 500 });
        Assert.Contains(queue.Orders, o => o.OrderId == order.OrderId);
        var stored = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.Equal(Api.RepairOrderStatus.Unassigned, stored.Status);
    }

    [Fact]
    public async Task On_site_jobs_go_only_to_outlets_whose_radius_reaches_the_customer()
    {
        var (lat, lon) = TestArea.Next();
        var shortReach = Samples.UniqueId("SHORT");
        var longReach = Samples.UniqueId("LONG");
        await CreateOutletWithTechnician(shortReach, lat + (3 / KmPerDegreeLat), lon, onSiteRadiusKm: 2);
        await CreateOutletWithTechnician(longReach, lat + (6 / KmPerDegreeLat), lon, onSiteRadiusKm: 10);

        var request = Samples.Order(lat, lon);
        request.ServiceMode = Api.ServiceMode.OnSite;
        var order = (await server.Orders.CreateRepairOrderAsync(request)).Order;

        Assert.Equal(longReach, order.Assignment.OutletId);
        Assert.Contains(order.PassedOver.Single().Reasons, r => r.Code == Api.UnavailabilityCode.OutsideOnSiteArea);
    }

    [Fact]
    public async Task Orders_of_an_outlet_are_listed_newest_first_across_pages()
    {
        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("PAGED");
        await CreateOutletWithTechnician(outlet, lat, lon);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order.OrderId);
        }

        var listed = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = outlet, PageSize = 2, PageToken = token });
            Assert.True(page.Orders.Count <= 2);
            listed.AddRange(page.Orders.Select(o => o.OrderId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        created.Reverse();
        Assert.Equal(created, listed);
    }

    private async Task CreateOutletWithTechnician(string id, double lat, double lon, string expiresOn = "2027-12-31", int capacity = 10, double onSiteRadiusKm = 0)
    {
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat, lon, capacity: capacity, onSiteRadiusKm: onSiteRadiusKm) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id, expiresOn: expiresOn) });
    }
}
