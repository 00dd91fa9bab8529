using Google.Protobuf.WellKnownTypes;
using Grpc.Health.V1;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

public sealed class ApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Health_service_reports_serving_once_the_outlet_index_is_loaded()
    {
        var health = new Health.HealthClient(server.Channel);
        HealthCheckResponse.Types.ServingStatus status = default;
        for (var attempt = 0; attempt < 50 && status != HealthCheckResponse.Types.ServingStatus.Serving; attempt++)
        {
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
    }

    [Fact]
    public async Task Outlets_are_listed_in_id_order_across_pages_and_filtered_by_status_and_capability()
    {
        var prefix = Samples.UniqueId("LIST");
        for (var i = 0; i < 5; i++)
        {
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet($"{prefix}-{i}", 10, 10 + i, capability: i % 2 == 0 ? "tv.panel" : "phone.screen") });
        }

        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = $"{prefix}-4", Status = Api.OutletStatus.Closed });

        var ids = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 2, PageToken = token, Capability = "tv.panel", Status = Api.OutletStatus.Open });
            ids.AddRange(page.Outlets.Select(o => o.OutletId).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal([$"{prefix}-0", $"{prefix}-2"], ids);
    }

    [Fact]
    public async Task Update_changes_only_the_masked_fields_and_bumps_the_version()
    {
        var id = Samples.UniqueId("EDIT");
        var created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, 31.2, 121.4) })).Outlet;
        var change = new Api.Outlet { OutletId = id, Name = "Xujiahui Service Center", DailyCapacity = 999 };

        var updated = (await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = change, UpdateMask = new FieldMask { Paths = { "name" } } })).Outlet;

        Assert.Equal("Xujiahui Service Center", updated.Name);
        Assert.Equal(created.DailyCapacity, updated.DailyCapacity);
        Assert.Equal(created.Version + 1, updated.Version);
        Assert.Equal(updated, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = id })).Outlet);
    }

    [Fact]
    public async Task Region_is_stored_read_updated_by_mask_and_filters_the_list()
    {
        var prefix = Samples.UniqueId("REGION");
        var east = Samples.UniqueId("east");
        var north = Samples.UniqueId("north");
        var a = Samples.Outlet($"{prefix}-a", 31.2, 121.4);
        a.Region = east;
        var b = Samples.Outlet($"{prefix}-b", 31.3, 121.5);
        b.Region = east;
        var c = Samples.Outlet($"{prefix}-c", 39.9, 116.4);

        var created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = a })).Outlet;
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = b });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = c });
        var read = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = a.OutletId })).Outlet;
        var moved = (await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest
        {
            Outlet = new Api.Outlet { OutletId = b.OutletId, Region = north, Name = "not in the mask" },
            UpdateMask = new FieldMask { Paths = { "region" } },
        })).Outlet;
        var assigned = (await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest
        {
            Outlet = new Api.Outlet { OutletId = c.OutletId, Region = north },
            UpdateMask = new FieldMask { Paths = { "region" } },
        })).Outlet;
        var inEast = await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Region = east });
        var inNorth = await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Region = north, PageSize = 1 });
        var inNorthNext = await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Region = north, PageSize = 1, PageToken = inNorth.NextPageToken });
        var wrongCase = await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Region = east.ToUpperInvariant() });

        Assert.Equal(east, created.Region);
        Assert.Equal(east, read.Region);
        Assert.Equal(north, moved.Region);
        Assert.Equal(b.Name, moved.Name);
        Assert.Equal(north, assigned.Region);
        Assert.Equal([a.OutletId], inEast.Outlets.Select(o => o.OutletId));
        Assert.Equal([b.OutletId, c.OutletId], inNorth.Outlets.Concat(inNorthNext.Outlets).Select(o => o.OutletId));
        Assert.Empty(inNorthNext.NextPageToken);
        Assert.Empty(wrongCase.Outlets);
    }

    [Fact]
    public async Task Technicians_are_listed_per_outlet_and_moving_one_updates_both_rosters()
    {
        var a = Samples.UniqueId("A");
        var b = Samples.UniqueId("B");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(a, 31.2, 121.4) });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(b, 31.3, 121.5) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(a + "-T1", a) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(a + "-T2", a) });

        var moved = (await server.Technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest
        {
            Technician = new Api.Technician { TechnicianId = a + "-T2", OutletId = b },
            UpdateMask = new FieldMask { Paths = { "outlet_id" } },
        })).Technician;

        Assert.Equal(b, moved.OutletId);
        Assert.Single(moved.Certifications);
        var rosterA = await server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = a });
        var rosterB = await server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = b });
        Assert.Equal([a + "-T1"], rosterA.Technicians.Select(t => t.TechnicianId));
        Assert.Equal([a + "-T2"], rosterB.Technicians.Select(t => t.TechnicianId));
    }

    [Fact]
    public async Task Stock_adjustment_retried_with_the_same_key_applies_once()
    {
        var outlet = Samples.UniqueId("INV");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, 31.2, 121.4) });
        await Samples.ListInCatalog(server.Parts, "BAT-X200");
        var receive = new Api.AdjustStockRequest { OutletId = outlet, Sku = "BAT-X200", Kind = Api.StockAdjustmentKind.Receive, Quantity = 10, Reason = "delivery 4711", IdempotencyKey = "delivery-4711" };

        var first = await server.Inventory.AdjustStockAsync(receive);
        var retried = await server.Inventory.AdjustStockAsync(receive);
        var consumed = await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = outlet, Sku = "BAT-X200", Kind = Api.StockAdjustmentKind.Consume, Quantity = 4, Reason = "walk-in repair", IdempotencyKey = "use-1" });
        var counted = await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = outlet, Sku = "BAT-X200", Kind = Api.StockAdjustmentKind.CountCorrection, Quantity = 5, Reason = "monthly count", IdempotencyKey = "count-1" });

        Assert.False(first.Replayed);
        Assert.True(retried.Replayed);
        Assert.Equal(10, retried.Level.OnHand);
        Assert.Equal(6, consumed.Level.OnHand);
        Assert.Equal(5, counted.Level.Available);
        var stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet });
        Assert.Equal(5, stock.Items.Single(i => i.Sku == "BAT-X200").OnHand);
        Assert.Equal(3, stock.Version);

        var reused = receive.Clone();
        reused.Quantity = 11;
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Inventory.AdjustStockAsync(reused).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.AlreadyExists, error.StatusCode);
    }
}
