using System.Net;
using Google.Rpc;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// REST (JSON) as a shop system or the browser console uses it: the walkthrough's first steps with
/// curl-style requests, errors as google.rpc.Status JSON with field violations, and the same access
/// rules as gRPC (an outlet token is refused another outlet's data, over both, alike).
/// </summary>
public sealed class RestApiTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly string _a = Samples.UniqueId("A");
    private readonly string _b = Samples.UniqueId("B");
    private double _lat;
    private double _lon;

    public async ValueTask InitializeAsync()
    {
        (_lat, _lon) = TestArea.Next();
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(_a, _lat + 0.01, _lon) });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(_b, _lat + 0.5, _lon) });
        foreach (var outlet in new[] { _a, _b })
        {
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) });
        }

    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task An_order_created_with_post_reads_back_with_get()
    {
        using var http = Rest.ClientFor(server, Roles.CallCenter);
        var requestId = Guid.NewGuid().ToString();

        // Written as a client would, in the proto JSON names.
        using var created = await http.PostAsync("/v1/repairOrders", Rest.Json($$"""
            {
              "requestId": "{{requestId}}",
              "customer": { "name": "Zhang San", "phone": "+86 138 0000 0000" },
              "product": { "category": "phone", "model": "X200", "serialNumber": "SN0001", "purchaseDate": "2026-03-01" },
              "faultDescription": "Cracked screen",
              "customerLocation": { "latitude": {{_lat}}, "longitude": {{_lon}} },
              "serviceMode": "SERVICE_MODE_CARRY_IN",
              "requiredCapability": "phone.screen"
            }
            """));
        var order = (await Rest.Read<Api.CreateRepairOrderResponse>(created)).Order;
        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
        Assert.Equal(_a, order.Assignment.OutletId);

        using var read = await http.GetAsync($"/v1/repairOrders/{order.OrderId}");
        var readBack = (await Rest.Read<Api.GetRepairOrderResponse>(read)).Order;
        Assert.Equal(order.OrderId, readBack.OrderId);
        Assert.Equal(requestId, readBack.RequestId);
        Assert.Equal("Zhang San", readBack.Customer.Name);
        Assert.Equal(_a, readBack.Assignment.OutletId);

        // The same order over gRPC: one API, two encodings.
        var overGrpc = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.Equal(readBack, overGrpc);
    }

    [Fact]
    public async Task A_custom_verb_changes_the_order_and_list_filters_are_query_parameters()
    {
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(_lat, _lon))).Order;
        using var outletA = Rest.ClientFor(server, Roles.Outlet, _a);

        using var accepted = await outletA.PostAsync($"/v1/repairOrders/{order.OrderId}:accept", Rest.Json("{}"));
        Assert.Equal(Api.RepairOrderStatus.Accepted, (await Rest.Read<Api.AcceptRepairOrderResponse>(accepted)).Order.Status);

        using var listed = await outletA.GetAsync($"/v1/repairOrders?outletId={_a}&status=REPAIR_ORDER_STATUS_ACCEPTED&pageSize=5");
        var list = await Rest.Read<Api.ListRepairOrdersResponse>(listed);
        Assert.Contains(list.Orders, o => o.OrderId == order.OrderId);
        Assert.All(list.Orders, o => Assert.Equal(Api.RepairOrderStatus.Accepted, o.Status));
    }

    [Fact]
    public async Task Invalid_input_is_400_with_a_field_violation_naming_the_field_over_rest_and_grpc()
    {
        var request = Samples.Order(91, _lon);
        using var http = Rest.ClientFor(server, Roles.Hq);

        using var response = await http.PostAsync("/v1/repairOrders", Rest.Json(request));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await Rest.Error(response);
        Assert.Equal((int)Code.InvalidArgument, status.Code);
        Assert.StartsWith("customer_location.latitude: ", status.Message, StringComparison.Ordinal);
        var violation = Assert.Single(Assert.Single(status.Details, d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations);
        Assert.Equal("customer_location.latitude", violation.Field);
        var info = Assert.Single(status.Details, d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal(("INVALID_FIELD", "repairnetwork.v1", "customer_location.latitude"), (info.Reason, info.Domain, info.Metadata["field"]));
        Assert.Contains("[-90, 90]", violation.Description, StringComparison.Ordinal);

        // The same details over gRPC, in the grpc-status-details-bin trailer.
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Orders.CreateRepairOrderAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(status, error.GetRpcStatus());
    }

    [Fact]
    public async Task A_domain_rule_refusal_names_its_field_too()
    {
        // Outlet ids are checked in the domain (DomainException.Invalid), not in the mapping layer.
        using var http = Rest.ClientFor(server, Roles.Hq);
        var outlet = Samples.Outlet("bad id with spaces", _lat, _lon);
        using var response = await http.PostAsync("/v1/outlets", Rest.Json(new Api.CreateOutletRequest { Outlet = outlet }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await Rest.Error(response);
        var violation = Assert.Single(Assert.Single(status.Details, d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations);
        Assert.Equal("outlet.outlet_id", violation.Field);
        Assert.Equal($"outlet.outlet_id: {violation.Description}", status.Message);
    }

    [Fact]
    public async Task Malformed_json_is_400_not_an_internal_error()
    {
        using var http = Rest.ClientFor(server, Roles.Hq);
        using var response = await http.PostAsync("/v1/repairOrders", Rest.Json("{\"requestId\": "));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((int)Code.InvalidArgument, (await Rest.Error(response)).Code);
    }

    [Fact]
    public async Task An_unknown_order_is_404_with_the_grpc_status()
    {
        using var http = Rest.ClientFor(server, Roles.Hq);
        using var response = await http.GetAsync("/v1/repairOrders/RO-DOESNOTEXIST");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = await Rest.Error(response);
        Assert.Equal((int)Code.NotFound, status.Code);
        Assert.Equal("repair order 'RO-DOESNOTEXIST' does not exist", status.Message);
        var info = Assert.Single(status.Details).Unpack<ErrorInfo>();
        Assert.Equal(("REPAIR_ORDER_NOT_FOUND", "repairnetwork.v1"), (info.Reason, info.Domain));
    }

    [Fact]
    public async Task An_outlet_token_gets_403_on_another_outlets_resources_over_rest_exactly_as_over_grpc()
    {
        var orderOfB = (await server.Orders.CreateRepairOrderAsync(Samples.Order(_lat + 0.5, _lon))).Order;
        Assert.Equal(_b, orderOfB.Assignment.OutletId);
        using var outletA = Rest.ClientFor(server, Roles.Outlet, _a);
        using var grpcA = server.ChannelFor(Roles.Outlet, _a);

        using var order = await outletA.GetAsync($"/v1/repairOrders/{orderOfB.OrderId}");
        using var accept = await outletA.PostAsync($"/v1/repairOrders/{orderOfB.OrderId}:accept", Rest.Json("{}"));
        using var inventory = await outletA.GetAsync($"/v1/outlets/{_b}/inventory");
        foreach (var response in new[] { order, accept, inventory })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal((int)Code.PermissionDenied, (await Rest.Error(response)).Code);
        }

        var overGrpc = await Assert.ThrowsAsync<RpcException>(() => new Api.RepairOrderService.RepairOrderServiceClient(grpcA)
            .GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = orderOfB.OrderId }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, overGrpc.StatusCode);
        using var again = await outletA.GetAsync($"/v1/repairOrders/{orderOfB.OrderId}");
        Assert.Equal(overGrpc.Status.Detail, (await Rest.Error(again)).Message);

        // B's order is untouched, and A still reads its own outlet.
        Assert.Equal(Api.RepairOrderStatus.Offered, (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = orderOfB.OrderId })).Order.Status);
        using var own = await outletA.GetAsync($"/v1/outlets/{_a}/inventory");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_role_refused_an_rpc_over_grpc_is_refused_it_over_rest()
    {
        using var outletA = Rest.ClientFor(server, Roles.Outlet, _a);
        using var response = await outletA.PostAsync("/v1/outlets", Rest.Json(new Api.CreateOutletRequest { Outlet = Samples.Outlet(Samples.UniqueId("NEW"), _lat, _lon) }));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("OutletService/CreateOutlet", (await Rest.Error(response)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_or_a_forged_one_is_401()
    {
        using var anonymous = Rest.Client(server, token: null);
        using var none = await anonymous.GetAsync($"/v1/outlets/{_a}");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var missing = await Rest.Error(none);
        Assert.Equal((int)Code.Unauthenticated, missing.Code);
        Assert.Contains("bearer token is required", missing.Message, StringComparison.Ordinal);

        using var forger = Rest.Client(server, server.Mint("forger", Roles.Hq, null, TimeSpan.FromHours(1), keyBase64: AccessTokens.NewKey()));
        using var forged = await forger.GetAsync($"/v1/outlets/{_a}");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        var refused = await Rest.Error(forged);
        Assert.Equal((int)Code.Unauthenticated, refused.Code);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);

        // The CLI and gRPC clients read the reason from the header, which stays.
        Assert.NotEmpty(forged.Headers.WwwAuthenticate);
    }
}

/// <summary>The rate limits hold over REST: the same per-client buckets as gRPC.</summary>
public sealed class RestLimitsTests(StrictServerFixture server) : IClassFixture<StrictServerFixture>
{
    [Fact]
    public async Task A_client_over_its_rate_limit_gets_429_over_rest()
    {
        using var greedy = Rest.Client(server, server.Mint("greedy-rest-tool", Roles.Hq, null, TimeSpan.FromHours(1)));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await greedy.GetAsync("/v1/outlets?pageSize=1");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal((int)Code.ResourceExhausted, (await Rest.Error(response)).Code);
                return;
            }
        }

        Assert.Fail("never limited: " + string.Join(", ", statuses));
    }
}
