using System.Net;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Health.V1;
using RepairNetwork.Grains.Telemetry;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A server whose warm-up is held back (Warmup:StartDelay), so a test sees it before it is warm.</summary>
public sealed class SlowWarmupFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Warmup:StartDelay"] = "00:00:08",
        ["Logging:LogLevel:RepairNetwork.Server.Lifecycle"] = "Information",
    };

    protected override bool WaitUntilReady => false;
}

public sealed class WarmupTests(SlowWarmupFixture server) : IClassFixture<SlowWarmupFixture>
{
    [Fact]
    public async Task Readiness_is_not_serving_until_warm_up_has_run_even_with_the_index_loaded()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.ManagementAddress) };
        var health = new Health.HealthClient(server.Channel);

        // The index loads within a poll; warm-up is still held back: not ready, and saying why.
        string body = "";
        for (var i = 0; i < 50 && !body.Contains("\"outlet-index\":{\"status\":\"Healthy\"", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            var early = await http.GetAsync("/healthz/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            body = await early.Content.ReadAsStringAsync();
        }

        Assert.Contains("\"outlet-index\":{\"status\":\"Healthy\"", body, StringComparison.Ordinal);
        Assert.Contains("\"warm-up\":{\"status\":\"Unhealthy\",\"description\":\"warming up\"}", body, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains("Warm-up finished", StringComparison.Ordinal));

        // Then warm-up runs, logs what it did, and the server reports SERVING on both.
        var status = HealthCheckResponse.Types.ServingStatus.NotServing;
        for (var i = 0; i < 300 && status != HealthCheckResponse.Types.ServingStatus.Serving; i++)
        {
            await Task.Delay(100);
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/ready")).StatusCode);
        Assert.Contains(server.Logs.Lines, line => line.Contains("Warm-up finished", StringComparison.Ordinal) && line.Contains("reporting SERVING", StringComparison.Ordinal));
    }
}

/// <summary>
/// A server whose network has outlets when warm-up runs (they are created while Warmup:StartDelay holds it
/// back), so warm-up books orders in its private copy of the server.
/// </summary>
public sealed class BookingRehearsalFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Warmup:StartDelay"] = "00:00:05",
        ["Warmup:BookingRehearsals"] = "60",
        ["Warmup:LookupRehearsals"] = "60",
        ["Warmup:BookingRehearsalOutlets"] = "8",
        ["Warmup:RehearsalRounds"] = "2",
        ["Logging:LogLevel:RepairNetwork"] = "Information",
    };

    protected override bool WaitUntilReady => false;
}

/// <summary>
/// Alone: every in-process server's exporter reads all meters named "RepairNetwork" in the process, so
/// orders other tests create at the same time would show in this server's count.
/// </summary>
[CollectionDefinition(nameof(BookingRehearsalTests), DisableParallelization = true)]
public sealed class BookingRehearsalCollection;

[Collection(nameof(BookingRehearsalTests))]
public sealed class BookingRehearsalTests(BookingRehearsalFixture server) : IClassFixture<BookingRehearsalFixture>
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Bookings_rehearsed_before_serving_leave_no_order_booking_order_log_line_or_count_in_the_server()
    {
        // Three outlets a few km apart, in place before warm-up runs; always open, because the private copy
        // books on the machine's clock, not on this server's fake one.
        var (lat, lon) = TestArea.Next();
        var outlets = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = Samples.UniqueId("REH");
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, lat + ((2 + (3 * i)) / KmPerDegreeLat), lon, alwaysOpen: true) });
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
            outlets.Add(id);
        }

        var health = new Health.HealthClient(server.Channel);
        var status = HealthCheckResponse.Types.ServingStatus.NotServing;
        for (var i = 0; i < 600 && status != HealthCheckResponse.Types.ServingStatus.Serving; i++)
        {
            await Task.Delay(100);
            status = (await health.CheckAsync(new HealthCheckRequest())).Status;
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
        var finished = Assert.Single(server.Logs.Lines, line => line.Contains("Warm-up finished", StringComparison.Ordinal));
        var booked = int.Parse(Regex.Match(finished, @"(\d+) bookings rehearsed").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(booked > 0, finished);

        // Nothing of the rehearsal is in this server: no order at any outlet, no order line, no count.
        foreach (var outlet in outlets)
        {
            Assert.Empty((await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = outlet, PageSize = 10 })).Orders);
        }

        // The only order lines are of the fixture's own reminder-service order (ServerFixture), counted as such.
        var orderLines = server.Logs.Lines.Where(line => line.Contains("RepairNetwork.Orders", StringComparison.Ordinal)).ToList();
        Assert.All(orderLines, line => Assert.Contains("RO-WARMUP", line, StringComparison.Ordinal));
        var fixtureOrders = orderLines.Count(line => line.Contains(" created", StringComparison.Ordinal));
        var before = await Metrics();
        Assert.Equal(fixtureOrders, OrdersCreated(before));
        Assert.DoesNotContain("rehearsal", before, StringComparison.OrdinalIgnoreCase);

        // And the copy is gone: none of its (renamed) instruments is alive in the process.
        var alive = new List<string>();
        using (var listener = new MeterListener { InstrumentPublished = (instrument, _) => alive.Add(instrument.Meter.Name) })
        {
            listener.Start();
        }

        Assert.Contains(RepairNetworkMetrics.MeterName, alive);
        Assert.DoesNotContain(alive, name => name.StartsWith(Lifecycle.BookingRehearsal.NamePrefix, StringComparison.Ordinal));

        // The outlets' capacity is all there: a real order goes to the nearest, and is the only one counted.
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outlets[0], order.Assignment.OutletId);
        var counted = 0.0;
        for (var i = 0; i < 50 && counted < fixtureOrders + 1; i++)
        {
            // The exporter may answer a scrape from its short cache: ask again until the order shows.
            await Task.Delay(100);
            counted = OrdersCreated(await Metrics());
        }

        Assert.Equal(fixtureOrders + 1, counted);
        Assert.Single(server.Logs.Lines, line => line.Contains("RepairNetwork.Orders", StringComparison.Ordinal) && line.Contains(order.OrderId, StringComparison.Ordinal) && line.Contains(" created", StringComparison.Ordinal));
    }

    private async Task<string> Metrics()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.ManagementAddress) };
        return await http.GetStringAsync("/metrics");
    }

    /// <summary>The sum of repairnetwork_orders_created_total over its labels; 0 when it has none yet.</summary>
    private static double OrdersCreated(string metrics) => metrics.Split('\n')
        .Where(line => line.StartsWith("repairnetwork_orders_created_total", StringComparison.Ordinal))
        .Sum(line => double.Parse((line.Contains('}') ? line[(line.IndexOf('}') + 1)..] : line[line.IndexOf(' ')..]).Trim().Split(' ')[0], CultureInfo.InvariantCulture));
}
