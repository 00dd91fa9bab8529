using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Npgsql;
using RepairNetwork.Cli.Infrastructure;
using Spectre.Console;

namespace RepairNetwork.Cli.Bench;

/// <summary>Something that answers nearest-outlet lookups: the RepairNetwork server or the PostGIS baseline.</summary>
internal interface ILookupTarget
{
    /// <summary>Short name for tables and progress ("RepairNetwork", "PostGIS").</summary>
    string Name { get; }

    /// <summary>
    /// One closed-loop caller's lookup function. Called once per worker before the run starts, so a
    /// worker can take its own connection and prepare its statement up front.
    /// </summary>
    Task<ILookupWorker> CreateWorker(CancellationToken ct);
}

/// <summary>One worker's way to run a lookup; not shared between workers.</summary>
internal interface ILookupWorker : IAsyncDisposable
{
    /// <summary>Runs one lookup and returns how many outlets it found.</summary>
    Task<int> Lookup(LookupPoint point, CancellationToken ct);
}

/// <summary>The figures of one measured run.</summary>
internal sealed record LoadResult(
    string Name,
    int Concurrency,
    double Seconds,
    double[] SortedLatenciesMs,
    long OutletsReturned,
    IReadOnlyDictionary<string, int> ErrorsByKind,
    string? FirstError)
{
    public int Ok => SortedLatenciesMs.Length;

    public int Errors => ErrorsByKind.Values.Sum();

    public double Throughput => Seconds > 0 ? Ok / Seconds : 0;

    public double P(double p) => LoadRun.Percentile(SortedLatenciesMs, p);

    public double Max => SortedLatenciesMs.Length == 0 ? double.NaN : SortedLatenciesMs[^1];
}

/// <summary>
/// Closed-loop load: <c>concurrency</c> workers, each with one lookup in flight, walking one shared
/// point sequence. A 2 s warm-up runs first and is not counted; lookups that start inside the
/// measured window and end after it are counted and the window is stretched to include them.
/// </summary>
internal static class LoadRun
{
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>A lookup slower than this counts as an error (gRPC deadline, SQL command timeout).</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);

    private sealed class Worker(ILookupWorker lookups)
    {
        public ILookupWorker Lookups { get; } = lookups;

        public List<double> LatenciesMs { get; } = new(16_384);

        public long OutletsReturned { get; set; }

        public Dictionary<string, int> Errors { get; } = [];

        public string? FirstError { get; set; }
    }

    public static async Task<LoadResult> Run(ILookupTarget target, LookupPoints points, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var workers = new List<Worker>(concurrency);
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                workers.Add(new Worker(await target.CreateWorker(ct)));
            }

            long started = 0;
            var start = Stopwatch.GetTimestamp();
            var measureFrom = start + (long)(WarmUp.TotalSeconds * Stopwatch.Frequency);
            var stopAt = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var all = Task.WhenAll(workers.Select(w => Task.Run(() => Loop(w, points, measureFrom, stopAt, () => Interlocked.Increment(ref started), ct), ct)));

            string Progress()
            {
                var now = Stopwatch.GetTimestamp();
                if (now < measureFrom)
                {
                    return $"{target.Name}: warming up ({WarmUp.TotalSeconds:0} s, concurrency {concurrency})";
                }

                var seconds = Stopwatch.GetElapsedTime(measureFrom, Math.Min(now, stopAt)).TotalSeconds;
                var done = Interlocked.Read(ref started);
                return string.Create(
                    CultureInfo.InvariantCulture,
                    $"{target.Name}: measuring {seconds:0} / {duration.TotalSeconds:0} s, {Names.Number(done)} lookups, {(seconds > 0.5 ? done / seconds : 0):N0}/s");
            }

            if (AnsiConsole.Profile.Capabilities.Interactive)
            {
                await AnsiConsole.Status().StartAsync(Progress(), async status =>
                {
                    using var ticker = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
                    while (!all.IsCompleted)
                    {
                        status.Status(Progress());
                        await Task.WhenAny(all, ticker.WaitForNextTickAsync(ct).AsTask());
                    }
                });
            }
            else
            {
                // Piped output: a plain line when measuring starts and then every 5 s.
                Tables.Line(Progress());
                using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
                var lastReport = start;
                while (!all.IsCompleted)
                {
                    await Task.WhenAny(all, ticker.WaitForNextTickAsync(ct).AsTask());
                    var now = Stopwatch.GetTimestamp();
                    if (!all.IsCompleted && now >= measureFrom && (lastReport < measureFrom || Stopwatch.GetElapsedTime(lastReport, now) >= TimeSpan.FromSeconds(5)))
                    {
                        Tables.Line(Progress());
                        lastReport = now;
                    }
                }
            }

            await all;

            var seconds = Stopwatch.GetElapsedTime(measureFrom, Math.Max(Stopwatch.GetTimestamp(), stopAt)).TotalSeconds;
            return new LoadResult(
                target.Name,
                concurrency,
                seconds,
                [.. workers.SelectMany(w => w.LatenciesMs).Order()],
                workers.Sum(w => w.OutletsReturned),
                workers.SelectMany(w => w.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value)),
                workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.Lookups.DisposeAsync();
            }
        }
    }

    private static async Task Loop(Worker worker, LookupPoints points, long measureFrom, long stopAt, Action started, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var point = points.Next();
            var begin = Stopwatch.GetTimestamp();
            if (begin >= stopAt)
            {
                return;
            }

            var counted = begin >= measureFrom;
            if (counted)
            {
                started();
            }

            try
            {
                var found = await worker.Lookups.Lookup(point, ct);
                if (counted)
                {
                    worker.LatenciesMs.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
                    worker.OutletsReturned += found;
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is RpcException or NpgsqlException or TimeoutException or InvalidOperationException)
            {
                if (counted)
                {
                    var kind = Kind(ex);
                    worker.Errors[kind] = worker.Errors.GetValueOrDefault(kind) + 1;
                    worker.FirstError ??= $"{kind}: {ex.Message}";
                }
            }
        }
    }

    private static string Kind(Exception ex) => ex switch
    {
        RpcException rpc => rpc.StatusCode.ToString(),
        PostgresException pg => $"SQLSTATE {pg.SqlState}",
        NpgsqlException { InnerException: TimeoutException } => "timeout",
        _ => ex.GetType().Name,
    };

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string PerSecond(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>One run as the Metric/Value table <c>rn bench lookups</c> has always printed, plus its errors.</summary>
    public static void Print(LoadResult result)
    {
        var table = Tables.New("Metric", "Value").RightAlign(1);
        table.Row("lookups (ok)", Names.Number(result.Ok));
        table.Row("errors", Names.Number(result.Errors));
        table.Row("measured seconds", result.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("throughput (lookups/s)", result.Throughput.ToString("0.0", CultureInfo.InvariantCulture));
        table.Row("outlets per answer (mean)", result.Ok == 0 ? "-" : ((double)result.OutletsReturned / result.Ok).ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("latency p50 (ms)", Ms(result.P(0.50)));
        table.Row("latency p90 (ms)", Ms(result.P(0.90)));
        table.Row("latency p99 (ms)", Ms(result.P(0.99)));
        table.Row("latency max (ms)", Ms(result.Max));
        AnsiConsole.Write(table);
        PrintErrors(result);
    }

    public static void PrintErrors(LoadResult result)
    {
        if (result.Errors > 0)
        {
            Tables.Line($"{result.Name} errors by kind: " + string.Join(", ", result.ErrorsByKind.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}")));
            Tables.Line($"{result.Name} first error: {result.FirstError}");
        }
    }
}
