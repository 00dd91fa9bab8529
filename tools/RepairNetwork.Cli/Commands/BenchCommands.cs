using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn bench lookups</c>: closed-loop load on FindNearestOutlets. Each worker sends one lookup at a
/// time over the process's single channel; a 2 s warm-up is run first and not counted.
/// </summary>
internal static class BenchCommands
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    // Mainland China's bounding box (it includes some sea and neighbouring land; the locator does not care).
    private const double MinLatitude = 22;
    private const double MaxLatitude = 41;
    private const double MinLongitude = 100;
    private const double MaxLongitude = 122;

    public static Command Create(CliApp app) => new("bench", "Load tests")
    {
        Lookups(app),
    };

    private static Command Lookups(CliApp app)
    {
        var duration = new Option<int>("--duration") { Description = "Measured seconds (after a 2 s warm-up)", DefaultValueFactory = _ => 10 };
        duration.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                r.AddError("--duration must be between 1 and 3600 seconds");
            }
        });
        var concurrency = new Option<int>("--concurrency") { Description = "Lookups in flight at once", DefaultValueFactory = _ => 8 };
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1024)
            {
                r.AddError("--concurrency must be between 1 and 1024");
            }
        });
        var capability = new Option<string>("--capability") { Description = "Capability to look up", DefaultValueFactory = _ => "phone.screen" };
        var mode = Names.Choice("--mode", "Service mode to look up", Names.ServiceModes, defaultValue: "carry-in");

        var command = new Command("lookups", "Fire FindNearestOutlets at random points in mainland China and report throughput and latency")
        {
            duration, concurrency, capability, mode,
        };
        command.SetAction(CliApp.Guard((r, ct) => Run(
            new LocatorService.LocatorServiceClient(app.Channel(r)),
            r.GetValue(app.ServerOption) ?? CliApp.DefaultServer,
            TimeSpan.FromSeconds(r.GetValue(duration)),
            r.GetValue(concurrency),
            r.GetValue(capability) ?? "phone.screen",
            Names.Parse(Names.ServiceModes, r.GetValue(mode), ServiceMode.CarryIn),
            ct)));
        return command;
    }

    private sealed class Worker
    {
        public List<double> LatenciesMs { get; } = new(4096);

        public Dictionary<StatusCode, int> Errors { get; } = [];

        public string? FirstError { get; set; }
    }

    private static async Task<int> Run(
        LocatorService.LocatorServiceClient client,
        string server,
        TimeSpan duration,
        int concurrency,
        string capability,
        ServiceMode mode,
        CancellationToken ct)
    {
        // One request up front, so that a wrong address or capability fails with a plain error.
        await client.FindNearestOutletsAsync(RandomRequest(capability, mode), CliApp.Call(ct));

        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"FindNearestOutlets against {server}: capability {capability}, {Names.Of(mode)}, concurrency {concurrency}, warm-up {WarmUp.TotalSeconds:0} s, measured {duration.TotalSeconds:0} s"));

        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        var workers = Enumerable.Range(0, concurrency).Select(_ => new Worker()).ToArray();
        var all = Task.WhenAll(workers.Select(w => Task.Run(() => Loop(client, w, capability, mode, measureFrom, stopAt, ct), ct)));
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            await AnsiConsole.Status().StartAsync("warming up", async status =>
            {
                using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
                while (!all.IsCompleted)
                {
                    var now = Stopwatch.GetTimestamp();
                    status.Status(now < measureFrom
                        ? "warming up"
                        : string.Create(CultureInfo.InvariantCulture, $"measuring: {Stopwatch.GetElapsedTime(measureFrom, Math.Min(now, stopAt)).TotalSeconds:0} / {duration.TotalSeconds:0} s"));
                    await Task.WhenAny(all, ticker.WaitForNextTickAsync(ct).AsTask());
                }
            });
        }

        await all;

        // Lookups started inside the window may finish after it; the window is stretched to include them.
        var elapsed = Stopwatch.GetElapsedTime(measureFrom, Math.Max(Stopwatch.GetTimestamp(), stopAt));
        var latencies = workers.SelectMany(w => w.LatenciesMs).Order().ToArray();
        var errors = workers.SelectMany(w => w.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));
        var errorCount = errors.Values.Sum();

        var table = Tables.New("Metric", "Value").RightAlign(1);
        table.Row("lookups (ok)", Names.Number(latencies.Length));
        table.Row("errors", Names.Number(errorCount));
        table.Row("measured seconds", elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("throughput (lookups/s)", (latencies.Length / elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture));
        table.Row("latency p50 (ms)", Ms(Percentile(latencies, 0.50)));
        table.Row("latency p90 (ms)", Ms(Percentile(latencies, 0.90)));
        table.Row("latency p99 (ms)", Ms(Percentile(latencies, 0.99)));
        table.Row("latency max (ms)", Ms(latencies.Length == 0 ? double.NaN : latencies[^1]));
        AnsiConsole.Write(table);

        if (errorCount > 0)
        {
            Tables.Line("errors by status: " + string.Join(", ", errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}")));
            Tables.Line($"first error: {workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null)}");
            return 1;
        }

        return 0;
    }

    private static async Task Loop(LocatorService.LocatorServiceClient client, Worker worker, string capability, ServiceMode mode, long measureFrom, long stopAt, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var request = RandomRequest(capability, mode);
            var begin = Stopwatch.GetTimestamp();
            if (begin >= stopAt)
            {
                return;
            }

            var counted = begin >= measureFrom;
            try
            {
                await client.FindNearestOutletsAsync(request, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct));
                if (counted)
                {
                    worker.LatenciesMs.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                }
            }
            catch (RpcException ex) when (!ct.IsCancellationRequested)
            {
                if (counted)
                {
                    worker.Errors[ex.StatusCode] = worker.Errors.GetValueOrDefault(ex.StatusCode) + 1;
                    worker.FirstError ??= $"{ex.StatusCode}: {ex.Status.Detail}";
                }
            }
        }
    }

    private static FindNearestOutletsRequest RandomRequest(string capability, ServiceMode mode) => new()
    {
        Location = new LatLng
        {
#pragma warning disable CA5394 // Random is fine for picking load-test coordinates.
            Latitude = MinLatitude + (Random.Shared.NextDouble() * (MaxLatitude - MinLatitude)),
            Longitude = MinLongitude + (Random.Shared.NextDouble() * (MaxLongitude - MinLongitude)),
#pragma warning restore CA5394
        },
        Capability = capability,
        ServiceMode = mode,
    };

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);
}
