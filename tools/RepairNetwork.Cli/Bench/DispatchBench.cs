using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Bench;

/// <summary>The figures of one open-loop dispatch run.</summary>
internal sealed record DispatchResult(
    double TargetRate,
    double Seconds,
    long Scheduled,
    long NotSent,
    double[] SortedLatenciesMs,
    long Assigned,
    long Unassigned,
    IReadOnlyDictionary<string, int> ErrorsByKind,
    string? FirstError)
{
    public int Ok => SortedLatenciesMs.Length;

    public int Errors => ErrorsByKind.Values.Sum();

    public double Throughput => Seconds > 0 ? Ok / Seconds : 0;

    public double P(double p) => LoadRun.Percentile(SortedLatenciesMs, p);
}

/// <summary>
/// Open-loop load on <c>CreateRepairOrder</c>: orders are started on a fixed schedule of
/// <c>rate</c> per second whatever the server's latency (a closed loop would slow down with the
/// server and hide queueing). Each order's latency runs from the moment it was due, not from when it
/// was sent, so a client that falls behind its schedule shows up in the latency too. A warm-up at the
/// same rate runs first and is not counted; orders due in the measured window are counted even if
/// they finish after it.
/// </summary>
internal static class DispatchBench
{
    public static readonly TimeSpan OrderTimeout = TimeSpan.FromSeconds(10);

    private sealed class Counters
    {
        public long Completed;
        public long Assigned;
        public long Unassigned;
        public long NotSent;
        public long InFlight;

        public ConcurrentBag<double> LatenciesMs { get; } = [];

        public ConcurrentDictionary<string, int> Errors { get; } = new();

        public string? FirstError;

        // Progress of the current 5 s interval.
        public ConcurrentBag<double> IntervalMs { get; set; } = [];
    }

    public static async Task<DispatchResult> Run(
        CallInvoker invoker,
        LookupPoints points,
        string capability,
        ServiceMode mode,
        double rate,
        TimeSpan warmUp,
        TimeSpan duration,
        int maxInFlight,
        CancellationToken ct,
        int reportEverySeconds = 5)
    {
        var runId = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
        var client = new RepairOrderService.RepairOrderServiceClient(invoker);
        await WarmUpClient(invoker, client, points, capability, mode, ct);
        var counters = new Counters();
        var measured = new Counters();
        var pending = new ConcurrentDictionary<long, Task>();
        var start = Stopwatch.GetTimestamp();
        var ticksPerOrder = Stopwatch.Frequency / rate;
        var warmUpTicks = (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var totalOrders = (long)Math.Round(rate * (warmUp + duration).TotalSeconds);
        var warmUpOrders = (long)Math.Round(rate * warmUp.TotalSeconds);
        long next = 0;
        var lastReport = start;

        Tables.Line(string.Create(CultureInfo.InvariantCulture, $"warming up ({warmUp.TotalSeconds:0} s at {rate:N0} orders/s)"));
        while (next < totalOrders && !ct.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var due = Math.Min(totalOrders, (long)((now - start) / ticksPerOrder) + 1);
            for (; next < due; next++)
            {
                var index = next;
                var dueAt = start + (long)(index * ticksPerOrder);
                var target = index >= warmUpOrders ? measured : counters;
                if (Interlocked.Read(ref target.InFlight) + Interlocked.Read(ref counters.InFlight) >= maxInFlight)
                {
                    // The client's own bound: counted, never silently dropped.
                    Interlocked.Increment(ref target.NotSent);
                    continue;
                }

                var task = Send(client, points[index], capability, mode, $"bench-{runId}-{index}", dueAt, target, ct);
                if (!task.IsCompleted)
                {
                    pending[index] = task;
                    _ = task.ContinueWith(_ => pending.TryRemove(index, out Task? _), TaskScheduler.Default);
                }
            }

            if (now - lastReport >= reportEverySeconds * Stopwatch.Frequency && now - start > warmUpTicks)
            {
                Report(measured, Stopwatch.GetElapsedTime(start + warmUpTicks, now), rate, reportEverySeconds);
                lastReport = now;
            }
            else if (lastReport == start && now - start > warmUpTicks)
            {
                Tables.Line(string.Create(CultureInfo.InvariantCulture, $"measuring {duration.TotalSeconds:0} s at {rate:N0} orders/s"));
                lastReport = now;
            }

            await Task.Delay(1, ct);
        }

        await Task.WhenAll(pending.Values);

        // Until the last order finished: a server that falls behind does not get the drain time for free.
        var seconds = Math.Max(duration.TotalSeconds, Stopwatch.GetElapsedTime(start + warmUpTicks).TotalSeconds);
        return new DispatchResult(
            rate,
            seconds,
            totalOrders - warmUpOrders,
            measured.NotSent,
            [.. measured.LatenciesMs.Order()],
            measured.Assigned,
            measured.Unassigned,
            measured.Errors.ToDictionary(),
            measured.FirstError);
    }

    private static async Task Send(
        RepairOrderService.RepairOrderServiceClient client,
        LookupPoint point,
        string capability,
        ServiceMode mode,
        string requestId,
        long dueAt,
        Counters counters,
        CancellationToken ct)
    {
        Interlocked.Increment(ref counters.InFlight);
        try
        {
            await Task.Yield();
            var response = await client.CreateRepairOrderAsync(
                Order(point, capability, mode, requestId),
                new CallOptions(deadline: DateTime.UtcNow.Add(OrderTimeout), cancellationToken: ct));
            var ms = Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds;
            counters.LatenciesMs.Add(ms);
            counters.IntervalMs.Add(ms);
            Interlocked.Increment(ref response.Order.Status == RepairOrderStatus.Unassigned ? ref counters.Unassigned : ref counters.Assigned);
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            var kind = ex.StatusCode.ToString();
            counters.Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
            Interlocked.CompareExchange(ref counters.FirstError, $"{kind}: {ex.Status.Detail}", null);
        }
        finally
        {
            Interlocked.Increment(ref counters.Completed);
            Interlocked.Decrement(ref counters.InFlight);
        }
    }

    /// <summary>Health checks the client sends before its clock starts (see <see cref="WarmUpClient"/>).</summary>
    public const int ClientWarmUpCalls = 200;

    /// <summary>grpc.health.v1.Health/Check with the messages left as bytes: an empty request asks about the whole server.</summary>
    private static readonly Method<byte[], byte[]> HealthCheck = new(
        MethodType.Unary, "grpc.health.v1.Health", "Check", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    /// <summary>Create calls the client sends to a stand-in inside itself before its clock starts (see <see cref="WarmUpClient"/>).</summary>
    public const int ClientStubCalls = 2_000;

    /// <summary>
    /// Before the clock starts, the client warms itself, so that its own start-up (its connection, and
    /// the compiling of its call path, which on a shared machine takes CPU from the server) is not
    /// counted as the server's latency. Nothing of the server's order path runs: one CreateRepairOrder
    /// without a request id, which the server refuses (INVALID_ARGUMENT) before creating anything,
    /// opens the HTTP/2 connection; <see cref="ClientStubCalls"/> create calls go through the client's
    /// whole send path to a stand-in inside the client (<see cref="CannedResponses"/>), never to the
    /// server; and <see cref="ClientWarmUpCalls"/> gRPC health checks, which the server's health service
    /// answers, run the client's HTTP/2 path. Best effort: a failure here shows up in the run itself.
    /// </summary>
    private static async Task WarmUpClient(
        CallInvoker invoker, RepairOrderService.RepairOrderServiceClient client, LookupPoints points, string capability, ServiceMode mode, CancellationToken ct)
    {
        try
        {
            await client.CreateRepairOrderAsync(new CreateRepairOrderRequest(), new CallOptions(deadline: DateTime.UtcNow.Add(OrderTimeout), cancellationToken: ct));
        }
        catch (RpcException)
        {
            // Expected: INVALID_ARGUMENT, nothing created. Anything else (no token, server down) shows up in the run.
        }

        var canned = new CreateRepairOrderResponse { Order = new RepairOrder { OrderId = "RO-WARM-UP", Status = RepairOrderStatus.Offered } }.ToByteArray();
        var discarded = new Counters();
        using (var stub = GrpcChannel.ForAddress("http://client-warm-up.invalid", new GrpcChannelOptions { HttpHandler = new CannedResponses(canned) }))
        {
            var local = new RepairOrderService.RepairOrderServiceClient(stub);

            // In rounds, letting the runtime finish compiling after each: code is optimised in steps, each
            // after enough calls at the step before, and what is left would compile during the measurement.
            const int rounds = 3;
            for (var round = 0; round < rounds; round++)
            {
                var from = ClientStubCalls * round / rounds;
                await Parallel.ForEachAsync(Enumerable.Range(from, (ClientStubCalls * (round + 1) / rounds) - from), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
                    await Send(local, points[i], capability, mode, $"warm-up-{i}", Stopwatch.GetTimestamp(), discarded, token));
                await JitSettled(TimeSpan.FromSeconds(5), ct);
            }
        }

        if (discarded.FirstError is { } stubError)
        {
            // Not the server's doing: the client's own warm-up is broken, and its start-up may show in the figures.
            Tables.Line($"client warm-up: {discarded.Errors.Values.Sum():N0} of {ClientStubCalls:N0} local calls failed ({stubError})");
        }

        const int concurrency = 16;
        for (var sent = 0; sent < ClientWarmUpCalls; sent += concurrency)
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, ClientWarmUpCalls - sent)).Select(async _ =>
            {
                try
                {
                    await invoker.AsyncUnaryCall(HealthCheck, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct), []);
                }
                catch (RpcException)
                {
                    // Best effort (a server without the health service): the run reports real problems.
                }
            }));
        }
    }

    /// <summary>Waits (at most <paramref name="max"/>) until this process has all but stopped compiling methods.</summary>
    private static async Task JitSettled(TimeSpan max, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (watch.Elapsed < max)
        {
            await Task.Delay(200, ct);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now - compiled < 5)
            {
                return;
            }

            compiled = now;
        }
    }

    /// <summary>
    /// A stand-in for the server inside the client: reads each request and answers it with one canned,
    /// correctly framed gRPC response, so the client's call path runs without any call leaving the process.
    /// </summary>
    private sealed class CannedResponses(byte[] message) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is { } content)
            {
                await content.CopyToAsync(Stream.Null, cancellationToken);
            }

            // gRPC's length-prefixed message: a compression flag (0) and the length, big-endian.
            var body = new byte[5 + message.Length];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
            message.CopyTo(body, 5);
            var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Version = System.Net.HttpVersion.Version20,
                Content = new ByteArrayContent(body),
                RequestMessage = request,
            };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
            response.TrailingHeaders.Add("grpc-status", "0");
            return response;
        }
    }

    private static CreateRepairOrderRequest Order(LookupPoint point, string capability, ServiceMode mode, string requestId) => new()
    {
        RequestId = requestId,
        Customer = new Customer { Name = "Bench Customer", Phone = "+86 138 0000 0000", Address = "1 Benchmark Road" },
        Product = new Product { Category = "phone", Model = "BENCH-1", SerialNumber = requestId, PurchaseDate = "2026-01-15" },
        FaultDescription = "Benchmark order",
        CustomerLocation = new LatLng { Latitude = point.Latitude, Longitude = point.Longitude },
        ServiceMode = mode,
        RequiredCapability = capability,
    };

    private static void Report(Counters measured, TimeSpan elapsed, double rate, int reportEverySeconds)
    {
        var interval = measured.IntervalMs;
        measured.IntervalMs = [];
        var sorted = interval.Order().ToArray();
        var done = Interlocked.Read(ref measured.Completed);
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds:0} s: {Names.Number(done)} orders done ({(elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0):N0}/s, target {rate:N0}/s), "
            + $"in flight {Interlocked.Read(ref measured.InFlight)}, last {reportEverySeconds} s p50 {LoadRun.Ms(LoadRun.Percentile(sorted, 0.5))} ms p99 {LoadRun.Ms(LoadRun.Percentile(sorted, 0.99))} ms, "
            + $"errors {measured.Errors.Values.Sum()}, not sent {Interlocked.Read(ref measured.NotSent)}"));
    }

    public static void Print(DispatchResult result)
    {
        var table = Tables.New("Metric", "Value").RightAlign(1);
        table.Row("target rate (orders/s)", result.TargetRate.ToString("N0", CultureInfo.InvariantCulture));
        table.Row("orders due in the measured window", Names.Number(result.Scheduled));
        table.Row("created (ok)", Names.Number(result.Ok));
        table.Row("  assigned to an outlet", Names.Number(result.Assigned));
        table.Row("  stored unassigned", Names.Number(result.Unassigned));
        table.Row("errors", Names.Number(result.Errors));
        table.Row("not sent (client in-flight bound)", Names.Number(result.NotSent));
        table.Row("measured seconds", result.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("sustained (orders/s)", result.Throughput.ToString("0.0", CultureInfo.InvariantCulture));
        table.Row("latency p50 (ms)", LoadRun.Ms(result.P(0.50)));
        table.Row("latency p90 (ms)", LoadRun.Ms(result.P(0.90)));
        table.Row("latency p99 (ms)", LoadRun.Ms(result.P(0.99)));
        table.Row("latency max (ms)", LoadRun.Ms(result.SortedLatenciesMs.Length == 0 ? double.NaN : result.SortedLatenciesMs[^1]));
        AnsiConsole.Write(table);
        if (result.Errors > 0)
        {
            Tables.Line("errors by kind: " + string.Join(", ", result.ErrorsByKind.OrderByDescending(e => e.Value).Select(e => $"{e.Key} {e.Value}")));
            Tables.Line($"first error: {result.FirstError}");
        }

        var met = result.Errors == 0 && result.NotSent == 0 && result.Throughput >= 1000 && result.P(0.99) <= 50;
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"target (issue 7: ≥ 1,000 orders/s sustained with PostgreSQL persistence, p99 ≤ 50 ms): {result.Throughput:0} orders/s, p99 {LoadRun.Ms(result.P(0.99))} ms ({(met ? "met" : "missed")})"));
    }
}
