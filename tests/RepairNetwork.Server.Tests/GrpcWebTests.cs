using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Server streams from a browser: gRPC-Web over HTTP/1.1 (what grpc-web clients send), and the REST
/// path of the stream read as newline-free JSON objects, as a fetch reader sees them.
/// </summary>
public sealed class GrpcWebTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly string _a = Samples.UniqueId("A");
    private readonly string _b = Samples.UniqueId("B");
    private Api.RepairOrder _orderOfA = null!;

    public async ValueTask InitializeAsync()
    {
        var (lat, lon) = TestArea.Next();
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(_a, lat + 0.01, lon) });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(_b, lat + 0.5, lon) });
        foreach (var outlet in new[] { _a, _b })
        {
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) });
        }

        _orderOfA = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private GrpcChannel GrpcWebChannel(string role, string? outletId, GrpcWebMode mode) =>
        RepairNetworkChannel.Create(server.WebAddress, server.Mint($"web-{role}-{outletId}", role, outletId, TimeSpan.FromHours(1)), new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(mode, new HttpClientHandler()),
            HttpVersion = HttpVersion.Version11,
        });

    [Theory]
    [InlineData(GrpcWebMode.GrpcWeb)]
    [InlineData(GrpcWebMode.GrpcWebText)]
    public async Task An_order_stream_works_over_grpc_web_on_http_1_1(GrpcWebMode mode)
    {
        using var channel = GrpcWebChannel(Roles.Outlet, _a, mode);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = new Api.RepairOrderService.RepairOrderServiceClient(channel)
            .WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = _orderOfA.OrderId }, cancellationToken: deadline.Token);

        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal(_orderOfA.OrderId, call.ResponseStream.Current.Order.OrderId);

        // A change made elsewhere arrives on the open stream.
        await new Api.RepairOrderService.RepairOrderServiceClient(server.ChannelFor(Roles.Outlet, _a))
            .AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = _orderOfA.OrderId });
        while (await call.ResponseStream.MoveNext(deadline.Token))
        {
            if (call.ResponseStream.Current.Order.Status == Api.RepairOrderStatus.Accepted)
            {
                return;
            }
        }

        Assert.Fail("the stream ended before the accepted order arrived");
    }

    [Fact]
    public async Task A_unary_call_works_over_grpc_web_and_another_outlets_stream_is_refused_as_over_grpc()
    {
        using var channel = GrpcWebChannel(Roles.Outlet, _b, GrpcWebMode.GrpcWebText);
        var client = new Api.RepairOrderService.RepairOrderServiceClient(channel);

        var own = await new Api.OutletService.OutletServiceClient(GrpcWebChannel(Roles.Hq, null, GrpcWebMode.GrpcWeb))
            .GetOutletAsync(new Api.GetOutletRequest { OutletId = _b });
        Assert.Equal(_b, own.Outlet.OutletId);

        using var call = client.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = _orderOfA.OrderId });
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task An_order_stream_works_over_rest_on_http_1_1()
    {
        using var http = Rest.ClientFor(server, Roles.Outlet, _a);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await http.GetAsync($"/v1/repairOrders/{_orderOfA.OrderId}:watch", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);

        // The first message (the order's current state) arrives while the stream stays open.
        await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
        var buffer = new byte[64 * 1024];
        var read = 0;
        while (true)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), deadline.Token);
            Assert.True(n > 0, "the stream ended before its first message");
            read += n;
            var reader = new Utf8JsonReader(buffer.AsSpan(0, read), isFinalBlock: false, state: default);
            if (JsonDocument.TryParseValue(ref reader, out var first))
            {
                using (first)
                {
                    Assert.Equal(_orderOfA.OrderId, first.RootElement.GetProperty("order").GetProperty("orderId").GetString());
                }

                return;
            }
        }
    }
}
