using Orleans;
using Orleans.Runtime;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Directory;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Idle grains are collected (outlets after 5 minutes, technicians after 2) and activated again from
/// storage on the next call: with the default in-memory storage too, everything must come back as it was.
/// </summary>
public sealed class ReactivationTests(ReactivationTests.Fixture server) : IClassFixture<ReactivationTests.Fixture>
{
    public sealed class Fixture : ServerFixture;

    [Fact]
    public async Task Outlets_technicians_and_bookings_survive_their_grains_being_collected()
    {
        var (lat, lon) = TestArea.Next();
        var outletId = Samples.UniqueId("IDLE");
        var outlet = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon, capacity: 3) })).Outlet;
        var technician = (await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outletId + "-T1", outletId) })).Technician;
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outletId, order.Assignment.OutletId);

        await server.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var outletAgain = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet;
        Assert.Equal(outlet.Name, outletAgain.Name);
        Assert.Equal(outlet.OpeningHours, outletAgain.OpeningHours);
        var technicianAgain = (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = technician.TechnicianId })).Technician;
        Assert.Equal(technician, technicianAgain);
        Assert.Equal(order.OrderId, (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order.OrderId);
        var nearest = (await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            Limit = 1,
        })).Candidates.Single();
        Assert.Equal(2, nearest.CapacityLeftToday);
        var next = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outletId, next.Assignment.OutletId);
    }

    [Fact]
    public async Task A_directory_shard_collected_and_reactivated_still_knows_its_outlets_capacity_without_waking_them()
    {
        var (lat, lon) = TestArea.Next();
        var outletId = Samples.UniqueId("HINT");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon, capacity: 4) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outletId + "-T1", outletId) });
        Assert.Equal(outletId, (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order.Assignment.OutletId);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var shard = grains.GetGrain<IOutletDirectoryGrain>(OutletDirectoryShards.ShardOf(outletId));
        CapacityHint? before = null;
        for (var attempt = 0; attempt < 50 && before?.Booked != 1; attempt++)
        {
            // The hint reaches the shard one-way, just after the booking.
            before = (await shard.ChangesSince(Guid.Empty, -1, -1)).Hints.FirstOrDefault(h => h.OutletId == outletId);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(1, before?.Booked);

        // Every idle grain is put away, the shard and the outlet included; asking the shard again
        // activates it alone, and it must still know that the outlet has one job booked today.
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var after = (await shard.ChangesSince(Guid.Empty, -1, -1)).Hints.SingleOrDefault(h => h.OutletId == outletId);

        Assert.NotNull(after);
        Assert.Equal(1, after.Booked);
        Assert.Equal(before!.Revision, after.Revision);
    }
}
