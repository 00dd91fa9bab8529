using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

public sealed class RestartTests
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Everything_written_reads_back_unchanged_after_a_restart_and_capacity_used_today_still_counts()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var (lat, lon) = (31.2, 121.4);

        Api.Outlet small, large;
        Api.Technician technician;
        Api.RepairOrder first, unassigned;
        Api.GetOutletInventoryResponse stock;
        await using (var server = await ServerProcess.StartAsync("first-run", database.ConnectionString, cluster))
        {
            small = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SH-0001", lat + (1 / KmPerDegreeLat), lon, capacity: 2, alwaysOpen: true) })).Outlet;
            large = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SH-0002", lat + (5 / KmPerDegreeLat), lon, capacity: 50, alwaysOpen: true) })).Outlet;
            technician = (await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician("SH-0001-T1", "SH-0001", expiresOn: "2099-12-31") })).Technician;
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician("SH-0002-T1", "SH-0002", expiresOn: "2099-12-31") });
            first = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
            unassigned = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon, capability: "tv.panel"))).Order;
            await Samples.ListInCatalog(server.Parts, "SCR-1");
            await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = "SH-0001", Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = 7, Reason = "delivery", IdempotencyKey = "d-1" });
            stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = "SH-0001" });
            small = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "SH-0001" })).Outlet;
            large = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "SH-0002" })).Outlet;
            await server.StopAsync();
        }

        Assert.Equal("SH-0001", first.Assignment.OutletId);
        Assert.Equal(Api.RepairOrderStatus.Unassigned, unassigned.Status);

        await using var restarted = await ServerProcess.StartAsync("second-run", database.ConnectionString, cluster);

        Assert.Equal(small, (await restarted.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "SH-0001" })).Outlet);
        Assert.Equal(large, (await restarted.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = "SH-0002" })).Outlet);
        Assert.Equal(technician, (await restarted.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = "SH-0001-T1" })).Technician);
        Assert.Equal(first, (await restarted.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = first.OrderId })).Order);
        Assert.Equal(unassigned, (await restarted.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = unassigned.OrderId })).Order);
        Assert.Equal(stock, await restarted.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = "SH-0001" }));
        var listed = await restarted.Outlets.ListOutletsAsync(new Api.ListOutletsRequest());
        Assert.Equal(["SH-0001", "SH-0002"], listed.Outlets.Select(o => o.OutletId));

        // Service events written before the restart list from PostgreSQL at exactly their audit trail times.
        var period = (Start: Timestamp.FromDateTimeOffset(first.CreateTime.ToDateTimeOffset().AddHours(-1)), End: Timestamp.FromDateTimeOffset(first.CreateTime.ToDateTimeOffset().AddHours(1)));
        var atSmall = await restarted.ServiceLevels.ListServiceEventsAsync(new Api.ListServiceEventsRequest { OutletId = "SH-0001", StartTime = period.Start, EndTime = period.End });
        Assert.Equal(
            first.AuditTrail.Where(e => e.Action == Api.OrderAction.Offered).Select(e => (first.OrderId, e.Action, e.Time, e.Sequence)),
            atSmall.Events.Select(e => (e.OrderId, e.Action, e.Time, e.OrderRevision)));
        var escalation = unassigned.AuditTrail.Single(e => e.Action == Api.OrderAction.Escalated);
        var unplaced = await restarted.ServiceLevels.ListServiceEventsAsync(new Api.ListServiceEventsRequest { Region = "_", StartTime = period.Start, EndTime = period.End, Actions = { Api.OrderAction.Escalated } });
        Assert.Equal((unassigned.OrderId, escalation.Time, escalation.Sequence), unplaced.Events.Select(e => (e.OrderId, e.Time, e.OrderRevision)).Single());

        // SH-0001 (capacity 2) booked one job before the restart: one more fits, the next goes on.
        var second = (await restarted.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        var third = (await restarted.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal("SH-0001", second.Assignment.OutletId);
        Assert.Equal("SH-0002", third.Assignment.OutletId);
        Assert.Contains(third.PassedOver.Single().Reasons, r => r.Code == Api.UnavailabilityCode.CapacityFullToday);

        // A retried create after the restart is still recognised.
        var retried = (await restarted.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon, requestId: first.RequestId))).Order;
        Assert.Equal(first, retried);
    }

    [Fact]
    public async Task A_retry_reminder_registered_before_a_restart_still_fires_after_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "reminder-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string> { ["Dispatch:UnassignedRetryPeriod"] = "00:00:02" };
        var (lat, lon) = (23.1, 113.3);

        Api.RepairOrder waiting;
        await using (var server = await ServerProcess.StartAsync("before", database.ConnectionString, cluster, settings))
        {
            waiting = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
            await server.StopAsync();
        }

        Assert.Equal(Api.RepairOrderStatus.Unassigned, waiting.Status);
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM orleans_reminder") >= 1, "the retry reminder is stored");

        await using var restarted = await ServerProcess.StartAsync("after", database.ConnectionString, cluster, settings);
        await restarted.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("GZ-0001", lat + 0.01, lon, alwaysOpen: true) });
        await restarted.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician("GZ-0001-T1", "GZ-0001", expiresOn: "2099-12-31") });

        var order = waiting;
        for (var attempt = 0; attempt < 120 && order.Status != Api.RepairOrderStatus.Offered; attempt++)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            order = (await restarted.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = waiting.OrderId })).Order;
        }

        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
        Assert.Equal("GZ-0001", order.Assignment.OutletId);
    }

    [Fact]
    public async Task An_acceptance_window_running_when_the_server_stops_still_moves_the_job_on_after_a_restart()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "sla-" + Guid.NewGuid().ToString("N")[..8];
        var (lat, lon) = (30.6, 104.1);
        // A tick missed while the server was down comes back one period later: keep that short here.
        var settings = new Dictionary<string, string> { ["Dispatch:ServiceLevelCheckPeriod"] = "00:00:05" };

        Api.RepairOrder offered;
        await using (var server = await ServerProcess.StartAsync("before", database.ConnectionString, cluster, settings))
        {
            // The shortest window a policy allows, so the test waits about a minute, not two hours.
            await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest
            {
                Policy = new Api.CategoryPolicy
                {
                    Category = "phone", WholeUnitMonths = 12, MainPartMonths = 36, ReturnDays = 7, ExchangeDays = 15,
                    AcceptanceWindow = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(1)),
                },
            });
            foreach (var (id, offset) in new[] { ("CD-0001", 0.01), ("CD-0002", 0.03) })
            {
                await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat + offset, lon, alwaysOpen: true) });
                await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician($"{id}-T1", id, expiresOn: "2099-12-31") });
            }

            offered = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
            await server.StopAsync();
        }

        Assert.Equal(Api.RepairOrderStatus.Offered, offered.Status);
        Assert.Equal("CD-0001", offered.Assignment.OutletId);

        await using var restarted = await ServerProcess.StartAsync("after", database.ConnectionString, cluster, settings);
        var order = offered;
        for (var attempt = 0; attempt < 360 && order.Assignment?.OutletId != "CD-0002"; attempt++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            order = (await restarted.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = offered.OrderId })).Order;
        }

        Assert.True(order.Assignment?.OutletId == "CD-0002", $"not re-offered to CD-0002; server log tail: {restarted.OutputTail}");
        Assert.Equal(["CD-0001"], order.ExcludedOutletIds);
        Assert.Contains(order.AuditTrail, a => a.Action == Api.OrderAction.OfferTimedOut && a.OutletId == "CD-0001" && a.ActorRole == Api.ActorRole.Platform);
        Assert.True(order.AuditTrail.Single(a => a.Action == Api.OrderAction.OfferTimedOut).Time.ToDateTimeOffset() >= offered.OfferExpireTime.ToDateTimeOffset());
    }
}
