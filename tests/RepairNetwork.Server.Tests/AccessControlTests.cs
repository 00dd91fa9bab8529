using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Two outlets, A and B, each with a technician, an assigned order and stock. Every RPC is aimed at
/// B's data and called with each role's token (the outlet token is A's): only the roles in the
/// README's matrix get through, everyone else gets PERMISSION_DENIED and B's data stays as it was.
/// The parts catalog belongs to no outlet: its RPCs aim at one catalog part, which A may read.
/// </summary>
public sealed class AccessControlTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const string Hq = Roles.Hq;
    private const string CallCenter = Roles.CallCenter;
    private const string Outlet = Roles.Outlet;

    private readonly string _a = Samples.UniqueId("A");
    private readonly string _b = Samples.UniqueId("B");
    private readonly string _part = Samples.UniqueId("PART");
    private string _orderOfB = string.Empty;

    /// <summary>Each RPC aimed at outlet B's data, and the roles the matrix lets through for B's data.</summary>
    private static readonly Dictionary<string, (string[] Roles, Func<AccessControlTests, GrpcChannel, Task> Call)> Rpcs = new()
    {
        ["CreateOutlet"] = ([Hq], (t, c) => new Api.OutletService.OutletServiceClient(c).CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(Samples.UniqueId("NEW"), 1, 1) }).ResponseAsync),
        ["GetOutlet"] = ([Hq, CallCenter], (t, c) => new Api.OutletService.OutletServiceClient(c).GetOutletAsync(new Api.GetOutletRequest { OutletId = t._b }).ResponseAsync),
        ["UpdateOutlet"] = ([Hq], (t, c) => new Api.OutletService.OutletServiceClient(c).UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = t._b, Phone = "+86 10 1234 5678" }, UpdateMask = new FieldMask { Paths = { "phone" } } }).ResponseAsync),
        ["ListOutlets"] = ([Hq, CallCenter], (t, c) => new Api.OutletService.OutletServiceClient(c).ListOutletsAsync(new Api.ListOutletsRequest()).ResponseAsync),
        ["SetOutletStatus"] = ([Hq], (t, c) => new Api.OutletService.OutletServiceClient(c).SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = t._b, Status = Api.OutletStatus.Open }).ResponseAsync),
        ["CreateTechnician"] = ([Hq], (t, c) => new Api.TechnicianService.TechnicianServiceClient(c).CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(Samples.UniqueId("T"), t._b) }).ResponseAsync),
        ["GetTechnician"] = ([Hq], (t, c) => new Api.TechnicianService.TechnicianServiceClient(c).GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = t._b + "-T1" }).ResponseAsync),
        ["ListTechnicians"] = ([Hq], (t, c) => new Api.TechnicianService.TechnicianServiceClient(c).ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = t._b }).ResponseAsync),
        ["UpdateTechnician"] = ([Hq], (t, c) => new Api.TechnicianService.TechnicianServiceClient(c).UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = new Api.Technician { TechnicianId = t._b + "-T1", DisplayName = "Renamed" }, UpdateMask = new FieldMask { Paths = { "display_name" } } }).ResponseAsync),
        ["FindNearestOutlets"] = ([Hq, CallCenter], (t, c) => new Api.LocatorService.LocatorServiceClient(c).FindNearestOutletsAsync(new Api.FindNearestOutletsRequest { Location = new Api.LatLng { Latitude = 50, Longitude = 50 }, Capability = "phone.screen", ServiceMode = Api.ServiceMode.CarryIn }).ResponseAsync),
        ["CreateRepairOrder"] = ([Hq, CallCenter], (t, c) => new Api.RepairOrderService.RepairOrderServiceClient(c).CreateRepairOrderAsync(Samples.Order(-60, 60)).ResponseAsync),
        ["GetRepairOrder"] = ([Hq, CallCenter], (t, c) => new Api.RepairOrderService.RepairOrderServiceClient(c).GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = t._orderOfB }).ResponseAsync),
        ["ListRepairOrders"] = ([Hq], (t, c) => new Api.RepairOrderService.RepairOrderServiceClient(c).ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = t._b }).ResponseAsync),
        ["ListUnassignedRepairOrders"] = ([Hq], (t, c) => new Api.RepairOrderService.RepairOrderServiceClient(c).ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { Status = Api.RepairOrderStatus.Unassigned }).ResponseAsync),
        ["GetOutletInventory"] = ([Hq], (t, c) => new Api.InventoryService.InventoryServiceClient(c).GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = t._b }).ResponseAsync),
        ["AdjustStock"] = ([Hq], (t, c) => new Api.InventoryService.InventoryServiceClient(c).AdjustStockAsync(new Api.AdjustStockRequest { OutletId = t._b, Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = 1, Reason = "x", IdempotencyKey = Guid.NewGuid().ToString() }).ResponseAsync),
        ["ListStockMovements"] = ([Hq], (t, c) => new Api.InventoryService.InventoryServiceClient(c).ListStockMovementsAsync(new Api.ListStockMovementsRequest { OutletId = t._b }).ResponseAsync),
        ["SetReorderPoint"] = ([Hq], (t, c) => new Api.InventoryService.InventoryServiceClient(c).SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = t._b, Sku = "SCR-1", ReorderPoint = 2, ReorderQuantity = 10 }).ResponseAsync),
        ["WatchStockAlerts"] = ([Hq], (t, c) => StreamOpens(new Api.InventoryService.InventoryServiceClient(c).WatchStockAlerts(new Api.WatchStockAlertsRequest { OutletId = t._b }))),
        ["SyncStockCount"] = ([Hq], (t, c) => new Api.InventoryService.InventoryServiceClient(c).SyncStockCountAsync(new Api.SyncStockCountRequest { OutletId = t._b, SyncId = Guid.NewGuid().ToString("N"), Counts = { new Api.StockCount { Sku = "SCR-1", OnHand = 5 } } }).ResponseAsync),
        ["CreatePart"] = ([Hq], (t, c) => new Api.PartsCatalogService.PartsCatalogServiceClient(c).CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(Samples.UniqueId("NEW")) }).ResponseAsync),
        ["GetPart"] = ([Hq, CallCenter, Outlet], (t, c) => new Api.PartsCatalogService.PartsCatalogServiceClient(c).GetPartAsync(new Api.GetPartRequest { Sku = t._part }).ResponseAsync),
        ["UpdatePart"] = ([Hq], (t, c) => new Api.PartsCatalogService.PartsCatalogServiceClient(c).UpdatePartAsync(new Api.UpdatePartRequest { Part = new Api.Part { Sku = t._part, Name = "Renamed" }, UpdateMask = new FieldMask { Paths = { "name" } } }).ResponseAsync),
        ["ListParts"] = ([Hq, CallCenter, Outlet], (t, c) => new Api.PartsCatalogService.PartsCatalogServiceClient(c).ListPartsAsync(new Api.ListPartsRequest()).ResponseAsync),
        ["RouteBatch"] = ([Hq], (t, c) => RouteOneJobNear(t._b, c)),
        ["GetNetworkStats"] = ([Hq], (t, c) => new Api.NetworkService.NetworkServiceClient(c).GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { PageSize = 1 }).ResponseAsync),
    };

    /// <summary>A dry-run batch of one job (books nothing, so an allowed call leaves B as it was too).</summary>
    private static async Task RouteOneJobNear(string outletId, GrpcChannel channel)
    {
        using var call = new Api.DispatchService.DispatchServiceClient(channel).RouteBatch();
        try
        {
            await call.RequestStream.WriteAsync(new Api.RouteBatchRequest { Start = new Api.RouteBatchStart { BatchId = "matrix", DryRun = true } });
            await call.RequestStream.WriteAsync(new Api.RouteBatchRequest { Jobs = new Api.RouteJobs { Jobs = { new Api.RouteJob { JobId = outletId, CustomerLocation = new Api.LatLng { Latitude = 50, Longitude = 50 }, RequiredCapability = "phone.screen", ServiceMode = Api.ServiceMode.CarryIn } } } });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server refused the call before reading: its status comes with the response stream.
        }

        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
        }
    }

    public static TheoryData<string, string> EveryRpcWithEveryRole()
    {
        var data = new TheoryData<string, string>();
        foreach (var rpc in Rpcs.Keys)
        {
            foreach (var role in Roles.All)
            {
                data.Add(rpc, role);
            }
        }

        return data;
    }

    public async ValueTask InitializeAsync()
    {
        var (lat, lon) = TestArea.Next();
        await Samples.ListInCatalog(server.Parts, "SCR-1");
        foreach (var (id, offset) in new[] { (_a, 0.01), (_b, 0.02) })
        {
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat + offset, lon, capacity: 1) });
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
            await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = id, Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Receive, Quantity = 5, Reason = "setup", IdempotencyKey = "setup-" + id });
        }

        await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(_part) });

        // A's only slot goes first, so the second order lands at B.
        await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon));
        _orderOfB = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order.OrderId;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [MemberData(nameof(EveryRpcWithEveryRole))]
    public async Task Only_the_roles_in_the_matrix_reach_another_outlets_data_and_refusals_change_nothing(string rpc, string role)
    {
        var (allowed, call) = Rpcs[rpc];
        using var channel = role == Outlet ? server.ChannelFor(Outlet, _a) : server.ChannelFor(role);
        var before = await SnapshotOfB();

        if (allowed.Contains(role))
        {
            await call(this, channel);
            return;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call(this, channel));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(before, await SnapshotOfB());
    }

    [Fact]
    public async Task A_refused_role_is_told_the_method_and_which_roles_may_call_it()
    {
        using var callCenter = server.ChannelFor(CallCenter);
        var error = await AssertDenied(() => new Api.OutletService.OutletServiceClient(callCenter)
            .SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = _b, Status = Api.OutletStatus.Open }).ResponseAsync);
        Assert.Equal(
            "role 'call_center' may not call repairnetwork.v1.OutletService/SetOutletStatus; it is open to hq or an outlet token for its own outlet",
            error.Status.Detail);

        using var outlet = server.ChannelFor(Outlet, _a);
        error = await AssertDenied(() => new Api.NetworkService.NetworkServiceClient(outlet)
            .GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { PageSize = 1 }).ResponseAsync);
        Assert.Equal("role 'outlet' may not call repairnetwork.v1.NetworkService/GetNetworkStats; it is open to hq", error.Status.Detail);

        Assert.Equal("hq, call_center or an outlet token (any outlet)", Security.AccessPolicy.Rules[Security.AccessPolicy.Method(Api.PartsCatalogService.Descriptor, "GetPart")].WhoMay);
        Assert.Equal("hq or call_center", Security.AccessPolicy.Rules[Security.AccessPolicy.Method(Api.OutletService.Descriptor, "ListOutlets")].WhoMay);
    }

    [Fact]
    public async Task An_outlet_manages_its_own_profile_staff_orders_and_stock()
    {
        using var channel = server.ChannelFor(Outlet, _a);
        var outlets = new Api.OutletService.OutletServiceClient(channel);
        var technicians = new Api.TechnicianService.TechnicianServiceClient(channel);
        var orders = new Api.RepairOrderService.RepairOrderServiceClient(channel);
        var inventory = new Api.InventoryService.InventoryServiceClient(channel);

        var own = (await outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = _a })).Outlet;
        var phone = (await outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = _a, Phone = "+86 21 9999 0000" }, UpdateMask = new FieldMask { Paths = { "phone" } } })).Outlet;
        var paused = (await outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = _a, Status = Api.OutletStatus.Paused, Reason = "staff training" })).Outlet;
        // An outlet registers a new hire; headquarters certifies them (ObjectOwnershipTests).
        var newHire = Samples.Technician(_a + "-T2", _a);
        newHire.Certifications.Clear();
        await technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = newHire });
        var staff = await technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = _a });
        var jobs = await orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = _a });
        var job = (await orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = jobs.Orders.Single().OrderId })).Order;
        var stock = await inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = _a, Sku = "SCR-1", Kind = Api.StockAdjustmentKind.Consume, Quantity = 1, Reason = "walk-in", IdempotencyKey = "own-1" });

        Assert.Equal(_a, own.OutletId);
        Assert.Equal("+86 21 9999 0000", phone.Phone);
        Assert.Equal(Api.OutletStatus.Paused, paused.Status);
        Assert.Equal([_a + "-T1", _a + "-T2"], staff.Technicians.Select(t => t.TechnicianId));
        Assert.Equal(_a, job.Assignment.OutletId);
        Assert.Equal("Zhang San", job.Customer.Name);
        Assert.Equal(4, stock.Level.OnHand);
    }

    [Fact]
    public async Task An_outlet_cannot_change_what_shapes_dispatch_close_itself_or_send_staff_elsewhere()
    {
        using var channel = server.ChannelFor(Outlet, _a);
        var outlets = new Api.OutletService.OutletServiceClient(channel);
        var technicians = new Api.TechnicianService.TechnicianServiceClient(channel);
        var before = await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = _a });

        await AssertDenied(() => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = _a, DailyCapacity = 500 }, UpdateMask = new FieldMask { Paths = { "daily_capacity" } } }).ResponseAsync);
        await AssertDenied(() => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = Samples.Outlet(_a, 0, 0) }).ResponseAsync);
        await AssertDenied(() => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = _a, Region = "elsewhere" }, UpdateMask = new FieldMask { Paths = { "region" } } }).ResponseAsync);
        await AssertDenied(() => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = _a, Phone = "+86 21 9999 0001", Region = "elsewhere" }, UpdateMask = new FieldMask { Paths = { "phone", "region" } } }).ResponseAsync);
        await AssertDenied(() => outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = _a, Status = Api.OutletStatus.Closed }).ResponseAsync);
        await AssertDenied(() => technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = new Api.Technician { TechnicianId = _a + "-T1", OutletId = _b }, UpdateMask = new FieldMask { Paths = { "outlet_id" } } }).ResponseAsync);

        Assert.Equal(before, await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = _a }));
        Assert.Equal(_a, (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = _a + "-T1" })).Technician.OutletId);
    }

    [Fact]
    public async Task A_refusal_does_not_reveal_whether_another_outlets_object_exists()
    {
        var orders = new Api.RepairOrderService.RepairOrderServiceClient(server.ChannelFor(Outlet, _a));
        var technicians = new Api.TechnicianService.TechnicianServiceClient(server.ChannelFor(Outlet, _a));

        var existing = await AssertDenied(() => orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = _orderOfB }).ResponseAsync);
        var missing = await AssertDenied(() => orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = "RO-0000000000000000" }).ResponseAsync);
        var existingTech = await AssertDenied(() => technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = _b + "-T1" }).ResponseAsync);
        var missingTech = await AssertDenied(() => technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = "NO-SUCH-TECH" }).ResponseAsync);

        Assert.Equal(existing.Status.Detail, missing.Status.Detail);
        Assert.Equal(existingTech.Status.Detail, missingTech.Status.Detail);
    }

    public static TheoryData<string> BadTokens => new() { "missing", "expired", "forged", "wrong audience", "garbage", "unknown role", "outlet without outlet_id" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Calls_without_a_valid_token_are_unauthenticated_and_bad_claims_are_denied(string defect)
    {
        var forgedKey = AccessTokens.NewKey();
        var token = defect switch
        {
            "missing" => null,
            "expired" => server.Mint("late", Hq, null, TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-2)),
            "forged" => server.Mint("mallory", Hq, null, TimeSpan.FromHours(1), keyBase64: forgedKey),
            "wrong audience" => server.Mint("elsewhere", Hq, null, TimeSpan.FromHours(1), audience: "another-api"),
            "garbage" => "not.a.jwt",
            "unknown role" => server.Mint("root", "admin", null, TimeSpan.FromHours(1)),
            _ => server.Mint("shop", Outlet, null, TimeSpan.FromHours(1)),
        };
        using var channel = server.ChannelWithToken(token);
        var expected = defect is "unknown role" or "outlet without outlet_id" ? StatusCode.PermissionDenied : StatusCode.Unauthenticated;

        foreach (var (name, (_, call)) in Rpcs)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => call(this, channel));
            Assert.True(expected == error.StatusCode, $"{name}: expected {expected}, got {error.StatusCode}");
        }
    }

    [Fact]
    public async Task Health_is_open_without_a_token()
    {
        using var channel = server.ChannelWithToken(null);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public void Every_rpc_of_every_service_has_an_access_rule()
    {
        var services = new[] { Api.OutletService.Descriptor, Api.TechnicianService.Descriptor, Api.LocatorService.Descriptor, Api.RepairOrderService.Descriptor, Api.InventoryService.Descriptor, Api.PartsCatalogService.Descriptor, Api.TransferService.Descriptor, Api.DispatchService.Descriptor, Api.NetworkService.Descriptor };
        var methods = services.SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}")).ToList();

        Assert.All(methods, m => Assert.True(Security.AccessPolicy.Rules.ContainsKey(m), $"{m} has no access rule"));
    }

    [Fact]
    public void An_outlet_role_is_admitted_only_with_a_scope()
    {
        Assert.Throws<ArgumentException>(() => Security.AccessRule.For(Hq, Outlet));
        Assert.Throws<InvalidOperationException>(() => Security.AccessRule.For(Hq).AndAnyOutlet().AndOwnOutlet<Api.GetOutletRequest>(r => r.OutletId));
        Assert.Throws<InvalidOperationException>(() => Security.AccessRule.For(Hq).AndOwnOutlet<Api.GetOutletRequest>(r => r.OutletId).AndAnyOutlet());
    }

    private static async Task<RpcException> AssertDenied<T>(Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        return error;
    }

    /// <summary>Everything of outlet B (and the catalog part) a refused call might have touched, read as headquarters.</summary>
    /// <summary>A stream that is refused fails at once; an admitted one stays open (or sends) for a second.</summary>
    private static async Task StreamOpens<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await call.ResponseStream.MoveNext(wait.Token);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && wait.IsCancellationRequested)
            {
            }
        }
    }

    private async Task<string> SnapshotOfB()
    {
        var outlet = await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = _b });
        var staff = await server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = _b });
        var orders = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = _b });
        var stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = _b });
        var part = await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = _part });
        return string.Join("\n", outlet, staff, orders, stock, part);
    }
}
