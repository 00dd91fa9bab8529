using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;
using DayOfWeek = RepairNetwork.Contracts.V1.DayOfWeek;

namespace RepairNetwork.Cli.Bench;

/// <summary>
/// A surge into a full region (issue 14): a few small outlets around one point, then orders at that
/// point at a steady rate, open loop. The outlets fill within seconds and from then on every order is
/// left unassigned, which is the path a full network puts all its load on. Reported per interval (by
/// when each order was due), so a cost that grows with the queue shows as a trend.
/// </summary>
internal static class SurgeBench
{
    public const int Outlets = 20;

    public const int CapacityEach = 3;

    private sealed class Interval
    {
        public long Due;
        public long Ok;
        public long Unassigned;
        public long NotSent;

        public ConcurrentBag<double> LatenciesMs { get; } = [];

        public ConcurrentDictionary<string, int> Failed { get; } = new();
    }

    /// <summary>Creates the outlets, each with a technician on shift every day, around the point; returns their ids.</summary>
    public static async Task<List<string>> CreateRegion(
        OutletService.OutletServiceClient outlets,
        TechnicianService.TechnicianServiceClient technicians,
        string runId,
        double lat,
        double lon,
        CancellationToken ct)
    {
        var ids = new List<string>();
        for (var i = 0; i < Outlets; i++)
        {
            // A ring of 1-3 km around the point: all in reach, none at the very spot.
            var angle = 2 * Math.PI * i / Outlets;
            var km = 1 + (2.0 * i / Outlets);
            var id = $"SURGE-{runId}-{i:00}";
            var hours = new OpeningHours { TimeZone = "UTC" };
            foreach (var day in Enum.GetValues<DayOfWeek>().Where(d => d != DayOfWeek.Unspecified))
            {
                hours.Periods.Add(new OpeningPeriod { Day = day, Opens = "00:00", Closes = "23:59" });
            }

            await outlets.CreateOutletAsync(new CreateOutletRequest
            {
                Outlet = new Outlet
                {
                    OutletId = id,
                    Name = $"Surge outlet {i}",
                    Address = $"{i} Surge Road",
                    Phone = "+86 21 5555 0000",
                    Location = new LatLng { Latitude = lat + (km / 111.2 * Math.Sin(angle)), Longitude = lon + (km / (111.2 * Math.Cos(lat * Math.PI / 180)) * Math.Cos(angle)) },
                    OpeningHours = hours,
                    ServiceModes = new ServiceModes { CarryIn = true },
                    Capabilities = { "phone.screen" },
                    DailyCapacity = CapacityEach,
                },
            }, cancellationToken: ct);
            await technicians.CreateTechnicianAsync(new CreateTechnicianRequest
            {
                Technician = new Technician
                {
                    TechnicianId = $"{id}-T1",
                    OutletId = id,
                    DisplayName = "Surge Technician",
                    OnShift = true,
                    Certifications = { new Certification { Capability = "phone.screen", ExpiresOn = "2099-12-31" } },
                },
            }, cancellationToken: ct);
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Runs the surge and prints one row per interval; returns the number of failed or unsent orders.</summary>
    public static async Task<long> Run(
        RepairOrderService.RepairOrderServiceClient client,
        string runId,
        double lat,
        double lon,
        double rate,
        TimeSpan duration,
        TimeSpan interval,
        TimeSpan deadline,
        int maxInFlight,
        CancellationToken ct)
    {
        var intervals = new Interval[(int)Math.Ceiling(duration / interval)];
        for (var i = 0; i < intervals.Length; i++)
        {
            intervals[i] = new Interval();
        }

        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var ticksPerOrder = Stopwatch.Frequency / rate;
        var pending = new ConcurrentDictionary<long, Task>();
        long inFlight = 0;
        var start = Stopwatch.GetTimestamp();
        var reported = 0;
        long next = 0;
        while (next < total && !ct.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var due = Math.Min(total, (long)((now - start) / ticksPerOrder) + 1);
            for (; next < due; next++)
            {
                var index = next;
                var dueAt = start + (long)(index * ticksPerOrder);
                var bucket = intervals[Math.Min(intervals.Length - 1, (int)(index / rate / interval.TotalSeconds))];
                Interlocked.Increment(ref bucket.Due);
                if (Interlocked.Read(ref inFlight) >= maxInFlight)
                {
                    // The client's own bound: counted, never silently dropped.
                    Interlocked.Increment(ref bucket.NotSent);
                    continue;
                }

                Interlocked.Increment(ref inFlight);
                var task = Send(client, $"surge-{runId}-{index}", lat, lon, dueAt, deadline, bucket, ct)
                    .ContinueWith(_ => Interlocked.Decrement(ref inFlight), TaskScheduler.Default);
                pending[index] = task;
                _ = task.ContinueWith(_ => pending.TryRemove(index, out Task? _), TaskScheduler.Default);
            }

            // A progress line once an interval's orders are all due and answered (or past their deadline).
            var elapsed = Stopwatch.GetElapsedTime(start);
            while (reported < intervals.Length - 1 && elapsed >= (interval * (reported + 1)) + deadline)
            {
                Tables.Line(Row(reported, interval, intervals[reported]));
                reported++;
            }

            await Task.Delay(1, ct);
        }

        await Task.WhenAll(pending.Values);
        for (; reported < intervals.Length; reported++)
        {
            Tables.Line(Row(reported, interval, intervals[reported]));
        }

        var table = Tables.New("From (s)", "Due", "Ok", "Unassigned", "Failed", "p50 ms", "p95 ms", "p99 ms", "Max ms").RightAlign(0, 1, 2, 3, 4, 5, 6, 7, 8);
        for (var i = 0; i < intervals.Length; i++)
        {
            var b = intervals[i];
            var sorted = b.LatenciesMs.Order().ToArray();
            table.Row(
                (i * interval.TotalSeconds).ToString("0", CultureInfo.InvariantCulture),
                Names.Number(b.Due),
                Names.Number(b.Ok),
                Names.Number(b.Unassigned),
                Failures(b),
                LoadRun.Ms(LoadRun.Percentile(sorted, 0.50)),
                LoadRun.Ms(LoadRun.Percentile(sorted, 0.95)),
                LoadRun.Ms(LoadRun.Percentile(sorted, 0.99)),
                LoadRun.Ms(sorted.Length == 0 ? double.NaN : sorted[^1]));
        }

        AnsiConsole.Write(table);
        var failed = intervals.Sum(b => b.Failed.Values.Sum() + b.NotSent);
        var worstP99 = intervals.Max(b => LoadRun.Percentile([.. b.LatenciesMs.Order()], 0.99));
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"target (issue 14: no failed call, p99 ≤ 500 ms in every interval): {failed} failed, worst p99 {LoadRun.Ms(worstP99)} ms ({(failed == 0 && worstP99 <= 500 ? "met" : "missed")})"));
        return failed;
    }

    private static string Failures(Interval b)
    {
        var parts = b.Failed.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}").ToList();
        if (b.NotSent > 0)
        {
            parts.Add($"not sent {b.NotSent}");
        }

        return parts.Count == 0 ? "0" : string.Join(", ", parts);
    }

    private static string Row(int i, TimeSpan interval, Interval b)
    {
        var sorted = b.LatenciesMs.Order().ToArray();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{i * interval.TotalSeconds:0}-{(i + 1) * interval.TotalSeconds:0} s: due {b.Due}, ok {b.Ok} ({b.Unassigned} unassigned), failed {Failures(b)}, "
            + $"p50 {LoadRun.Ms(LoadRun.Percentile(sorted, 0.5))} p95 {LoadRun.Ms(LoadRun.Percentile(sorted, 0.95))} p99 {LoadRun.Ms(LoadRun.Percentile(sorted, 0.99))} max {LoadRun.Ms(sorted.Length == 0 ? double.NaN : sorted[^1])} ms");
    }

    private static async Task Send(
        RepairOrderService.RepairOrderServiceClient client,
        string requestId,
        double lat,
        double lon,
        long dueAt,
        TimeSpan deadline,
        Interval bucket,
        CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            var response = await client.CreateRepairOrderAsync(
                new CreateRepairOrderRequest
                {
                    RequestId = requestId,
                    Customer = new Customer { Name = "Surge Customer", Phone = "+86 138 0000 0000", Address = "1 Surge Road" },
                    Product = new Product { Category = "phone", Model = "SURGE-1", SerialNumber = requestId, PurchaseDate = "2026-01-15" },
                    FaultDescription = "Surge benchmark order",
                    CustomerLocation = new LatLng { Latitude = lat, Longitude = lon },
                    ServiceMode = ServiceMode.CarryIn,
                    RequiredCapability = "phone.screen",
                },
                new CallOptions(deadline: DateTime.UtcNow.Add(deadline), cancellationToken: ct));
            // From when the order was due, so a client that falls behind shows in the latency too.
            bucket.LatenciesMs.Add(Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds);
            Interlocked.Increment(ref bucket.Ok);
            if (response.Order.Status == RepairOrderStatus.Unassigned)
            {
                Interlocked.Increment(ref bucket.Unassigned);
            }
        }
        catch (RpcException ex) when (!ct.IsCancellationRequested)
        {
            bucket.Failed.AddOrUpdate(ex.StatusCode.ToString(), 1, (_, n) => n + 1);
        }
    }
}
