using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Bad input gets the documented status and a message naming the field; nothing is half-written.</summary>
public sealed class BadInputTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string, string> InvalidOutlets => new()
    {
        { "latitude 91", "outlet.location.latitude" },
        { "longitude -180.5", "outlet.location.longitude" },
        { "NaN latitude", "outlet.location.latitude" },
        { "infinite longitude", "outlet.location.longitude" },
        { "no location", "outlet.location" },
        { "no name", "outlet.name" },
        { "bad id", "outlet.outlet_id" },
        { "no time zone", "outlet.opening_hours.time_zone" },
        { "unknown time zone", "outlet.opening_hours.time_zone" },
        { "unspecified day", "outlet.opening_hours.periods[0].day" },
        { "unknown day number", "outlet.opening_hours.periods[0].day" },
        { "zero capacity", "outlet.daily_capacity" },
        { "no capabilities", "outlet.capabilities" },
        { "bad capability", "outlet.capabilities[0]" },
        { "malformed geojson", "outlet.service_area_geojson" },
        { "self-intersecting polygon", "outlet.service_area_geojson" },
        { "no service modes", "outlet.service_modes" },
        { "1 MB name", "outlet.name" },
        { "region with a space", "outlet.region" },
        { "65-character region", "outlet.region" },
    };

    [Theory]
    [MemberData(nameof(InvalidOutlets))]
    public async Task Invalid_outlet_is_rejected_naming_the_field_and_nothing_is_stored(string defect, string field)
    {
        var id = Samples.UniqueId("BAD");
        var outlet = Samples.Outlet(id, 31.2, 121.4);
        switch (defect)
        {
            case "latitude 91": outlet.Location.Latitude = 91; break;
            case "longitude -180.5": outlet.Location.Longitude = -180.5; break;
            case "NaN latitude": outlet.Location.Latitude = double.NaN; break;
            case "infinite longitude": outlet.Location.Longitude = double.PositiveInfinity; break;
            case "no location": outlet.Location = null; break;
            case "no name": outlet.Name = " "; break;
            case "bad id": outlet.OutletId = "no spaces allowed"; break;
            case "no time zone": outlet.OpeningHours.TimeZone = string.Empty; break;
            case "unknown time zone": outlet.OpeningHours.TimeZone = "Mars/Olympus_Mons"; break;
            case "unspecified day": outlet.OpeningHours.Periods[0].Day = Api.DayOfWeek.Unspecified; break;
            case "unknown day number": outlet.OpeningHours.Periods[0].Day = (Api.DayOfWeek)42; break;
            case "zero capacity": outlet.DailyCapacity = 0; break;
            case "no capabilities": outlet.Capabilities.Clear(); break;
            case "bad capability": outlet.Capabilities[0] = "Phone Screen!"; break;
            case "malformed geojson": outlet.ServiceAreaGeojson = "{\"type\": \"Polygon\", \"coordinates\": [[[121"; break;
            case "self-intersecting polygon": outlet.ServiceAreaGeojson = """{"type":"Polygon","coordinates":[[[121,31],[122,32],[122,31],[121,32],[121,31]]]}"""; break;
            case "no service modes": outlet.ServiceModes = null; break;
            case "1 MB name": outlet.Name = new string('x', 1_000_000); break;
            case "region with a space": outlet.Region = "CN 23"; break;
            case "65-character region": outlet.Region = new string('r', 65); break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        await AssertOutletDoesNotExist(id);
    }

    [Fact]
    public async Task Same_outlet_id_with_different_content_is_already_exists_and_the_original_is_kept()
    {
        var id = Samples.UniqueId("DUP");
        var original = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, 31.2, 121.4) })).Outlet;
        var retry = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, 31.2, 121.4) })).Outlet;

        var changed = Samples.Outlet(id, 31.2, 121.4);
        changed.Name = "Someone else's outlet";
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = changed }).ResponseAsync);

        Assert.Equal(original, retry);
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal(original, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = id })).Outlet);
    }

    [Fact]
    public async Task Unknown_ids_are_not_found()
    {
        var missing = Samples.UniqueId("MISSING");
        await AssertStatus(StatusCode.NotFound, () => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = missing }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = missing, Status = Api.OutletStatus.Paused }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = missing }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = missing }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = "RO-0000000000000000" }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = missing }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = missing }).ResponseAsync);
    }

    [Fact]
    public async Task Technician_for_an_unknown_outlet_is_not_found_and_not_stored()
    {
        var id = Samples.UniqueId("TECH");
        await AssertStatus(StatusCode.NotFound, () => server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id, Samples.UniqueId("NOWHERE")) }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = id }).ResponseAsync);
    }

    [Fact]
    public async Task Certification_date_must_be_iso_and_capabilities_unique()
    {
        var outlet = Samples.UniqueId("CERT");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, 31.2, 121.4) });

        var badDate = Samples.Technician(Samples.UniqueId("T"), outlet, expiresOn: "31/12/2027");
        var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = badDate }).ResponseAsync);
        Assert.StartsWith("technician.certifications[0].expires_on:", error.Status.Detail, StringComparison.Ordinal);

        var duplicate = Samples.Technician(Samples.UniqueId("T"), outlet);
        duplicate.Certifications.Add(new Api.Certification { Capability = "phone.screen", ExpiresOn = "2028-01-01" });
        await AssertStatus(StatusCode.InvalidArgument, () => server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = duplicate }).ResponseAsync);
    }

    [Fact]
    public async Task Locator_rejects_out_of_range_and_unspecified_input()
    {
        Api.FindNearestOutletsRequest Valid() => new()
        {
            Location = new Api.LatLng { Latitude = 31.2, Longitude = 121.4 },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
        };

        var cases = new (Action<Api.FindNearestOutletsRequest> Break, string Field)[]
        {
            (r => r.Location.Latitude = -90.01, "location.latitude"),
            (r => r.Location.Longitude = double.NaN, "location.longitude"),
            (r => r.Location = null, "location"),
            (r => r.Capability = string.Empty, "capability"),
            (r => r.ServiceMode = Api.ServiceMode.Unspecified, "service_mode"),
            (r => r.ServiceMode = (Api.ServiceMode)99, "service_mode"),
            (r => r.Limit = 51, "limit"),
            (r => r.Limit = -1, "limit"),
            (r => r.MaxDistanceKm = -5, "max_distance_km"),
        };

        foreach (var (breakIt, field) in cases)
        {
            var request = Valid();
            breakIt(request);
            var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Locator.FindNearestOutletsAsync(request).ResponseAsync);
            Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Repair_order_with_missing_or_malformed_fields_is_rejected_and_not_stored()
    {
        var cases = new (Action<Api.CreateRepairOrderRequest> Break, string Field)[]
        {
            (r => r.Customer = null, "customer"),
            (r => r.Customer.Phone = "call me", "customer.phone"),
            (r => r.Product.PurchaseDate = "2026-02-30", "product.purchase_date"),
            (r => r.Product.PurchaseDate = "2030-01-01", "product.purchase_date"),
            (r => r.Product.SerialNumber = string.Empty, "product.serial_number"),
            (r => r.FaultDescription = new string('a', 2001), "fault_description"),
            (r => r.CustomerLocation.Latitude = 200, "customer_location.latitude"),
            (r => r.RequiredCapability = "?", "required_capability"),
            (r => r.ServiceMode = Api.ServiceMode.Unspecified, "service_mode"),
            (r => { r.ServiceMode = Api.ServiceMode.OnSite; r.Customer.Address = string.Empty; }, "customer.address"),
            (r => r.RequestId = new string('k', 129), "request_id"),
        };

        foreach (var (breakIt, field) in cases)
        {
            var request = Samples.Order(31.2, 121.4);
            breakIt(request);
            var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Orders.CreateRepairOrderAsync(request).ResponseAsync);
            Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
            if (request.RequestId.Length <= 128)
            {
                // Nothing was stored under this idempotency key: a corrected request goes through.
                var fixedRequest = Samples.Order(31.2, 121.4, requestId: request.RequestId);
                Assert.NotEqual(Api.RepairOrderStatus.Unspecified, (await server.Orders.CreateRepairOrderAsync(fixedRequest)).Order.Status);
            }
        }
    }

    [Fact]
    public async Task Paging_limits_and_tokens_are_checked()
    {
        var tooBig = await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 501 }).ResponseAsync);
        Assert.StartsWith("page_size:", tooBig.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageToken = "not-a-token" }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Status = (Api.OutletStatus)7 }).ResponseAsync);
        var badRegion = await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { Region = "CN 23" }).ResponseAsync);
        Assert.StartsWith("region:", badRegion.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest()).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest()).ResponseAsync);
    }

    [Fact]
    public async Task Update_with_an_unknown_mask_path_or_stale_version_changes_nothing()
    {
        var id = Samples.UniqueId("UPD");
        var created = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, 31.2, 121.4) })).Outlet;
        var change = Samples.Outlet(id, 31.2, 121.4);
        change.Name = "Renamed";

        var badMask = await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = change, UpdateMask = new FieldMask { Paths = { "status" } } }).ResponseAsync);
        Assert.StartsWith("update_mask:", badMask.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.FailedPrecondition, () => server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = change, UpdateMask = new FieldMask { Paths = { "name" } }, ExpectedVersion = created.Version + 5 }).ResponseAsync);

        Assert.Equal(created, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = id })).Outlet);
    }

    [Fact]
    public async Task Stock_adjustments_are_checked_and_never_drive_stock_negative()
    {
        var outlet = Samples.UniqueId("STOCK");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, 31.2, 121.4) });
        await Samples.ListInCatalog(server.Parts, "SCR-X200");
        Api.AdjustStockRequest Adjust(Api.StockAdjustmentKind kind, int quantity) => new()
        {
            OutletId = outlet, Sku = "SCR-X200", Kind = kind, Quantity = quantity, Reason = "test", IdempotencyKey = Guid.NewGuid().ToString(),
        };

        await server.Inventory.AdjustStockAsync(Adjust(Api.StockAdjustmentKind.Receive, 3));
        var negative = await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.AdjustStockAsync(Adjust(Api.StockAdjustmentKind.Receive, -1)).ResponseAsync);
        Assert.StartsWith("quantity:", negative.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.FailedPrecondition, () => server.Inventory.AdjustStockAsync(Adjust(Api.StockAdjustmentKind.Consume, 4)).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.AdjustStockAsync(Adjust(Api.StockAdjustmentKind.Unspecified, 1)).ResponseAsync);
        var noKey = Adjust(Api.StockAdjustmentKind.Receive, 1);
        noKey.IdempotencyKey = string.Empty;
        await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.AdjustStockAsync(noKey).ResponseAsync);
        var unknownOutlet = Adjust(Api.StockAdjustmentKind.Receive, 1);
        unknownOutlet.OutletId = Samples.UniqueId("NOWHERE");
        await AssertStatus(StatusCode.NotFound, () => server.Inventory.AdjustStockAsync(unknownOutlet).ResponseAsync);
        var notGenuine = Adjust(Api.StockAdjustmentKind.Receive, 1);
        notGenuine.Sku = Samples.UniqueId("NOT-LISTED");
        var refused = await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.AdjustStockAsync(notGenuine).ResponseAsync);
        Assert.StartsWith("sku:", refused.Status.Detail, StringComparison.Ordinal);

        var stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet });
        Assert.Equal(3, stock.Items.Single().OnHand);
        Assert.Equal(1, stock.Version);
    }

    [Fact]
    public async Task Status_technician_and_inventory_requests_with_bad_fields_are_rejected_and_change_nothing()
    {
        var outlet = Samples.UniqueId("MISC");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, 31.2, 121.4) });
        var technician = (await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) })).Technician;
        var before = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outlet })).Outlet;

        var unspecified = await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outlet }).ResponseAsync);
        Assert.StartsWith("status:", unspecified.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outlet, Status = (Api.OutletStatus)42 }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outlet, Status = Api.OutletStatus.Paused, Reason = new string('r', 501) }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = new string('x', 1_000_000) }).ResponseAsync);

        var badDate = await AssertStatus(StatusCode.InvalidArgument, () => server.Technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest
        {
            Technician = new Api.Technician { TechnicianId = technician.TechnicianId, Certifications = { new Api.Certification { Capability = "phone.screen", ExpiresOn = "2027-13-01" } } },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "certifications" } },
        }).ResponseAsync);
        Assert.StartsWith("technician.certifications[0].expires_on:", badDate.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.NotFound, () => server.Technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest
        {
            Technician = new Api.Technician { TechnicianId = technician.TechnicianId, OutletId = Samples.UniqueId("NOWHERE") },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "outlet_id" } },
        }).ResponseAsync);

        var tooMany = new Api.GetOutletInventoryRequest { OutletId = outlet };
        tooMany.Skus.AddRange(Enumerable.Range(0, 1001).Select(i => $"SKU-{i}"));
        await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.GetOutletInventoryAsync(tooMany).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outlet, Skus = { "bad sku!" } }).ResponseAsync);

        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outlet })).Outlet);
        Assert.Equal(technician, (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = technician.TechnicianId })).Technician);
        Assert.Equal([technician.TechnicianId], (await server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = outlet })).Technicians.Select(t => t.TechnicianId));
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_refused_and_nothing_is_stored()
    {
        var id = Samples.UniqueId("HUGE");
        var outlet = Samples.Outlet(id, 31.2, 121.4);
        outlet.Address = new string('x', 3 * 1024 * 1024);

        await AssertStatus(StatusCode.ResourceExhausted, () => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet }).ResponseAsync);
        await AssertOutletDoesNotExist(id);
    }

    private async Task AssertOutletDoesNotExist(string id) =>
        await AssertStatus(StatusCode.NotFound, () => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = id }).ResponseAsync);

    private static async Task<RpcException> AssertStatus<T>(StatusCode expected, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == error.StatusCode, $"expected {expected}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }
}
