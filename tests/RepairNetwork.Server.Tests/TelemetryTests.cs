using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Grains.Telemetry;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A server that logs each order's steps and exports traces (to a collector that is not there).</summary>
public sealed class TelemetryServerFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:RepairNetwork"] = "Information",
        // Nothing listens there: export fails quietly, but tracing (and grain call spans) is on.
        ["OpenTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:9",
    };
}

public sealed class TelemetryTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Domain_counters_move_when_orders_are_created_dispatched_or_left_unassigned()
    {
        var seen = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RepairNetworkMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen.AddOrUpdate(instrument.Name, value, (_, v) => v + value));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => seen.AddOrUpdate(instrument.Name, 1, (_, v) => v + 1));
        listener.Start();

        var (lat, lon) = TestArea.Next();
        var outlet = await CreateOutletWithTechnician(lat + (3 / KmPerDegreeLat), lon);
        var offered = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        var (farLat, farLon) = TestArea.Next();
        var unassigned = (await server.Orders.CreateRepairOrderAsync(Samples.Order(farLat, farLon, capability: "phone.nobody-" + Guid.NewGuid().ToString("N")[..6]))).Order;
        await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            Limit = 3,
        });

        Assert.Equal(outlet, offered.Assignment.OutletId);
        Assert.Equal(Api.RepairOrderStatus.Unassigned, unassigned.Status);
        Assert.True(seen.GetValueOrDefault("repairnetwork.orders.created") >= 2, Describe(seen));
        Assert.True(seen.GetValueOrDefault("repairnetwork.orders.dispatched") >= 1, Describe(seen));
        Assert.True(seen.GetValueOrDefault("repairnetwork.orders.unassigned") >= 1, Describe(seen));
        Assert.True(seen.GetValueOrDefault("repairnetwork.dispatch.duration") >= 2, Describe(seen));
        Assert.True(seen.GetValueOrDefault("repairnetwork.lookup.duration") >= 1, Describe(seen));
    }

    [Fact]
    public async Task Health_and_metrics_answer_over_http_1_1_on_the_management_endpoint_only()
    {
        // An order first, so the domain counters have something to show.
        var (lat, lon) = TestArea.Next();
        await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon));

        using var http = new HttpClient { BaseAddress = new Uri(server.ManagementAddress) };
        var live = await http.GetAsync("/healthz/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(new Version(1, 1), live.Version);

        var ready = await http.GetAsync("/healthz/ready");
        var readyBody = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\":\"Healthy\"", readyBody, StringComparison.Ordinal);
        Assert.Contains("outlet-index", readyBody, StringComparison.Ordinal);

        var metrics = await http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains("repairnetwork_orders_created_total", text, StringComparison.Ordinal);
        Assert.Contains("repairnetwork_dispatch_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("orleans_", text, StringComparison.Ordinal);

        // The gRPC endpoint (HTTP/2) does not serve them: they are for the operator's network.
        using var h2 = new HttpClient { BaseAddress = new Uri(server.Address), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal(HttpStatusCode.NotFound, (await h2.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h2.GetAsync("/healthz/ready")).StatusCode);
    }

    [Fact]
    public async Task Each_order_step_is_one_info_line_without_customer_data()
    {
        var (lat, lon) = TestArea.Next();
        var outlet = await CreateOutletWithTechnician(lat + (2 / KmPerDegreeLat), lon);
        var offered = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        var (farLat, farLon) = TestArea.Next();
        var unassigned = (await server.Orders.CreateRepairOrderAsync(Samples.Order(farLat, farLon, capability: "phone.nobody-" + Guid.NewGuid().ToString("N")[..6]))).Order;

        var lines = server.Logs.Lines.Where(l => l.Contains(offered.OrderId, StringComparison.Ordinal) || l.Contains(unassigned.OrderId, StringComparison.Ordinal)).ToList();
        Assert.Single(lines, l => l.StartsWith("Information RepairNetwork.Orders: Order " + offered.OrderId + " created", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith($"Information RepairNetwork.Orders: Order {offered.OrderId} dispatched to outlet {outlet}, 2.0 km, service day 2026-11-18", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("Information RepairNetwork.Orders: Order " + unassigned.OrderId + " created", StringComparison.Ordinal));
        Assert.Single(lines, l => l.StartsWith("Information RepairNetwork.Orders: Order " + unassigned.OrderId + " left unassigned: ", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            Assert.DoesNotContain("Zhang San", line, StringComparison.Ordinal);
            Assert.DoesNotContain("138 0000", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Customer Lane", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Cracked screen", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refused_token_is_a_warning_that_says_why_and_whose_without_the_token()
    {
        var subject = "forger-" + Guid.NewGuid().ToString("N")[..6];
        var forged = server.Mint(subject, Roles.Hq, null, TimeSpan.FromMinutes(5), keyBase64: AccessTokens.NewKey());
        using var channel = server.ChannelWithToken(forged);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Api.RepairOrderService.RepairOrderServiceClient(channel)
            .GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = "RO-NONE" }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);

        var line = Assert.Single(server.Logs.Lines, l => l.Contains("Refused token", StringComparison.Ordinal) && l.Contains(subject, StringComparison.Ordinal));
        Assert.StartsWith("Warning RepairNetwork.Security: Refused token on /", line, StringComparison.Ordinal);
        Assert.Contains("signature does not match", line, StringComparison.Ordinal);
        Assert.Contains("key id " + ServerFixture.SigningKeyId, line, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, line, StringComparison.Ordinal);
        Assert.DoesNotContain(forged.Split('.')[2], line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_without_a_token_is_a_warning()
    {
        using var channel = server.ChannelWithToken(null);
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Api.OutletService.OutletServiceClient(channel)
            .GetOutletAsync(new Api.GetOutletRequest { OutletId = "NO-TOKEN-" + Guid.NewGuid().ToString("N")[..6] }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains(server.Logs.Lines, l => l.StartsWith("Warning RepairNetwork.Security: Call to /repairnetwork.v1.OutletService/GetOutlet from ", StringComparison.Ordinal) && l.Contains("without a token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Grain_calls_join_the_trace_of_the_grpc_call_that_made_them()
    {
        var requests = new ConcurrentDictionary<ActivityTraceId, string>();
        var grainCalls = new ConcurrentBag<ActivityTraceId>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Microsoft.AspNetCore")
                {
                    requests[activity.TraceId] = activity.DisplayName;
                }
                else
                {
                    grainCalls.Add(activity.TraceId);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var (lat, lon) = TestArea.Next();
        await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon));

        // The server's request activity stops after the response is on its way: give it a moment.
        for (var i = 0; i < 50 && !grainCalls.Any(requests.ContainsKey); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains(grainCalls, trace => requests.ContainsKey(trace));
    }

    private static string Describe(IDictionary<string, long> seen) => string.Join(", ", seen.Select(kv => $"{kv.Key}={kv.Value}"));

    private async Task<string> CreateOutletWithTechnician(double lat, double lon)
    {
        var id = Samples.UniqueId("TEL");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat, lon) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
        return id;
    }
}
