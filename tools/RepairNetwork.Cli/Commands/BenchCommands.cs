using System.CommandLine;
using System.Globalization;
using Npgsql;
using RepairNetwork.Cli.Bench;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn bench lookups|baseline|compare</c>: closed-loop load on nearest-outlet lookups, against the
/// server (<c>FindNearestOutlets</c>) and against a PostGIS KNN query on the same outlets, with the
/// same seeded point sequence, capability filter, limit and concurrency; <c>rn bench dispatch</c>:
/// open-loop order creation at a fixed rate; <c>rn bench slots</c>: slot searches next to lookups. See docs/benchmarks.md.
/// </summary>
internal static class BenchCommands
{
    private const string RateLimitNote =
        "The server limits each client: a call_center token gets 5,000 calls/s by default, so for benchmarking start the server with "
        + "--RateLimit:Roles:call_center:PermitsPerSecond=1000000 --RateLimit:Roles:call_center:Burst=1000000 (otherwise the excess fails with ResourceExhausted).";

    private static readonly Dictionary<string, string> PointKinds = new() { ["population"] = "population", ["box"] = "box" };

    private static readonly Dictionary<string, BaselineQuery> Queries = new()
    {
        ["geography"] = BaselineQuery.Geography,
        ["geometry"] = BaselineQuery.Geometry,
    };

    public static Command Create(CliApp app) => new("bench", "Load tests: nearest-outlet lookups against the server and against a PostGIS baseline; slot searches next to lookups; order dispatch at a fixed rate; batch routing")
    {
        Lookups(app),
        Slots(app),
        Baseline(),
        Compare(app),
        Dispatch(app),
        Surge(app),
        Batch(app),
    };

    /// <summary>The options every lookup benchmark shares.</summary>
    private sealed class LoadOptions
    {
        public LoadOptions(int defaultConcurrency)
        {
            Duration.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 or > 3600)
                {
                    r.AddError("--duration must be between 1 and 3600 seconds");
                }
            });
            Concurrency = new Option<int>("--concurrency") { Description = "Lookups in flight at once", DefaultValueFactory = _ => defaultConcurrency };
            Concurrency.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 or > 1024)
                {
                    r.AddError("--concurrency must be between 1 and 1024");
                }
            });
            Limit.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 or > 50)
                {
                    r.AddError("--limit must be between 1 and 50");
                }
            });
        }

        public Option<int> Duration { get; } = new("--duration") { Description = "Measured seconds (after a 2 s warm-up)", DefaultValueFactory = _ => 10 };

        public Option<int> Concurrency { get; }

        public Option<string> Capability { get; } = new("--capability") { Description = "Capability to look up (only outlets offering it are answered)", DefaultValueFactory = _ => "phone.screen" };

        public Option<int> Limit { get; } = new("--limit") { Description = "Outlets per answer", DefaultValueFactory = _ => 5 };

        public Option<string> Points { get; } = Names.Choice(
            "--points",
            "Lookup locations: population = around the cities of --cities, picked in proportion to population (unknown counts as 1,000), "
            + $"{LookupPoints.JitterKm:0} km jitter; box = uniform in mainland China's bounding box",
            PointKinds,
            defaultValue: "population");

        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the point sequence; the same seed gives the same points in the same order", DefaultValueFactory = _ => LookupPoints.DefaultSeed };

        public Option<string> Cities { get; } = new("--cities")
        {
            Description = "GeoNames city list for --points population (default: tools/demo-data/cities-cn.csv in the repository the CLI runs in)",
            HelpName = "csv",
        };

        public IEnumerable<Option> All => [Duration, Concurrency, Capability, Limit, Points, Seed, Cities];

        public LookupPoints PointsFor(ParseResult r)
        {
            var seed = r.GetValue(Seed);
            return r.GetValue(Points) == "box"
                ? LookupPoints.Box(seed)
                : LookupPoints.Population(r.GetValue(Cities) is { Length: > 0 } path ? Path.GetFullPath(path) : LookupPoints.DefaultCitiesPath(), seed);
        }
    }

    /// <summary>The options naming the PostGIS side.</summary>
    private sealed class BaselineOptions
    {
        public Option<string> Pg { get; } = new("--pg")
        {
            Description = "Npgsql connection string of a PostgreSQL database with PostGIS (e.g. \"Host=127.0.0.1;Database=rn_bench;Username=...;Password=...\")",
            HelpName = "connection-string",
            Required = true,
        };

        public Option<FileInfo> Outlets { get; } = new("--outlets")
        {
            Description = "Outlet file in the format of 'rn import outlets' (.csv or .geojson): the same outlets the server holds",
            HelpName = "file",
            Required = true,
        };

        public Option<string> Table { get; } = new("--table") { Description = "Table for the outlets (rebuilt when the file changes)", DefaultValueFactory = _ => "rn_bench_outlets" };

        public Option<string> Query { get; } = Names.Choice(
            "--query",
            "geography = ORDER BY geog <-> point (exact sphere order, the default); geometry = ORDER BY geom <-> point in degrees, 4x the limit re-ranked by sphere distance",
            Queries,
            defaultValue: "geography");

        public Option<bool> Reload { get; } = new("--reload") { Description = "Rebuild the table even if it already holds this file" };

        public IEnumerable<Option> All => [Pg, Outlets, Table, Query, Reload];

        public async Task<PostgisBaseline> Open(ParseResult r, LoadOptions load, CancellationToken ct)
        {
            var baseline = await PostgisBaseline.Open(
                r.GetRequiredValue(Pg),
                r.GetValue(Table) ?? "rn_bench_outlets",
                r.GetValue(load.Concurrency),
                r.GetValue(load.Capability) ?? "phone.screen",
                r.GetValue(load.Limit),
                Queries[r.GetValue(Query) ?? "geography"],
                ct);
            try
            {
                Tables.Line(await baseline.EnsureOutlets(r.GetRequiredValue(Outlets), r.GetValue(Reload), ct));
                return baseline;
            }
            catch
            {
                await baseline.DisposeAsync();
                throw;
            }
        }
    }

    private static Command Lookups(CliApp app)
    {
        var load = new LoadOptions(defaultConcurrency: 8);
        var mode = Names.Choice("--mode", "Service mode to look up", Names.ServiceModes, defaultValue: "carry-in");
        var command = new Command("lookups", "Fire FindNearestOutlets at seeded random points in mainland China and report throughput and latency. " + RateLimitNote);
        foreach (var option in load.All.Append(mode))
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var points = load.PointsFor(r);
            var target = Locator(app, r, load, mode);
            await target.Lookup(points[0], ct); // fails with a plain error on a wrong address, token or capability
            Tables.Line($"FindNearestOutlets against {Server(app, r)}: {Settings(r, load)}, {Names.Of(ServiceMode(r, mode))}");
            Tables.Line($"points: {points.Description}");
            var result = await LoadRun.Run(target, points, r.GetValue(load.Concurrency), TimeSpan.FromSeconds(r.GetValue(load.Duration)), ct);
            LoadRun.Print(result);
            return result.Errors > 0 ? 1 : 0;
        }));
        return command;
    }

    private static Command Slots(CliApp app)
    {
        var load = new LoadOptions(defaultConcurrency: 8);
        var levels = new Option<string>("--concurrency") { Description = "Calls in flight at once; several levels separated by commas, each measured in turn", DefaultValueFactory = _ => "8,32", HelpName = "n[,n...]" };
        levels.Validators.Add(r =>
        {
            if (ParseLevels(r.GetValueOrDefault<string>()) is null)
            {
                r.AddError("--concurrency must be numbers 1-1024 separated by commas, e.g. 8,32");
            }
        });
        var modes = new Dictionary<string, ServiceMode> { ["carry-in"] = Contracts.V1.ServiceMode.CarryIn, ["on-site"] = Contracts.V1.ServiceMode.OnSite };
        var mode = Names.Choice("--mode", "Service mode of both the lookups and the slot searches", modes, defaultValue: "carry-in");
        var pageSize = new Option<int>("--page-size") { Description = "Slots asked for per search, 1-50", DefaultValueFactory = _ => 10 };
        pageSize.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 50)
            {
                r.AddError("--page-size must be between 1 and 50");
            }
        });
        var command = new Command(
            "slots",
            "At each concurrency, FindNearestOutlets then FindSlots (the server's default 7-day range) at the same seeded points, "
            + "and both side by side with the ratio (issue 16 target: slot searches at least half the lookup throughput, p99 within 3x the lookup p99). "
            + "The capability needs a job template (the demo network has them). Use an hq or call_center token. " + RateLimitNote);
        foreach (var option in new Option[] { load.Duration, levels, load.Capability, load.Limit, pageSize, mode, load.Points, load.Seed, load.Cities })
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var points = load.PointsFor(r);
            var serviceMode = modes[r.GetValue(mode) ?? "carry-in"];
            var capability = r.GetValue(load.Capability) ?? "phone.screen";
            var lookups = new LocatorTarget(new LocatorService.LocatorServiceClient(app.Channel(r)), capability, serviceMode, r.GetValue(load.Limit));
            var slots = new SlotTarget(new AppointmentService.AppointmentServiceClient(app.Channel(r)), capability, serviceMode, r.GetValue(pageSize));
            // A wrong address, token or a capability without a template fails here with a plain error.
            await lookups.Lookup(points[0], ct);
            await slots.Lookup(points[0], ct);
            var duration = TimeSpan.FromSeconds(r.GetValue(load.Duration));
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"against {Server(app, r)}: capability {capability}, {Names.Of(serviceMode)}, lookups limit {r.GetValue(load.Limit)}, slot searches page size {r.GetValue(pageSize)}, warm-up {LoadRun.WarmUp.TotalSeconds:0} s, measured {duration.TotalSeconds:0} s each"));
            Tables.Line($"points: {points.Description}");

            var results = new List<(LoadResult Lookups, LoadResult Slots)>();
            foreach (var concurrency in ParseLevels(r.GetValue(levels))!)
            {
                var lookupRun = await LoadRun.Run(lookups, points.Restart(), concurrency, duration, ct);
                var slotRun = await LoadRun.Run(slots, points.Restart(), concurrency, duration, ct);
                results.Add((lookupRun, slotRun));
            }

            PrintSlotComparison(results);
            return results.Sum(x => x.Lookups.Errors + x.Slots.Errors) > 0 ? 1 : 0;
        }));
        return command;
    }

    private static int[]? ParseLevels(string? text)
    {
        var levels = new List<int>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var level) || level is < 1 or > 1024)
            {
                return null;
            }

            levels.Add(level);
        }

        return levels.Count == 0 ? null : [.. levels];
    }

    private static void PrintSlotComparison(IReadOnlyList<(LoadResult Lookups, LoadResult Slots)> results)
    {
        static string Ratio(double a, double b) => b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";
        static string PerAnswer(LoadResult x) => x.Ok == 0 ? "-" : ((double)x.OutletsReturned / x.Ok).ToString("0.0", CultureInfo.InvariantCulture);

        var table = Tables.New(
            "Concurrency", "Lookups/s", "Slot searches/s", "Slots ÷ lookups", "Lookup p50 ms", "Slots p50 ms", "Lookup p99 ms", "Slots p99 ms", "p99 slots ÷ lookups", "Slots per answer", "Errors")
            .RightAlign(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        foreach (var (lookups, slots) in results)
        {
            table.Row(
                lookups.Concurrency.ToString(CultureInfo.InvariantCulture),
                LoadRun.PerSecond(lookups.Throughput),
                LoadRun.PerSecond(slots.Throughput),
                Ratio(slots.Throughput, lookups.Throughput),
                LoadRun.Ms(lookups.P(0.50)),
                LoadRun.Ms(slots.P(0.50)),
                LoadRun.Ms(lookups.P(0.99)),
                LoadRun.Ms(slots.P(0.99)),
                Ratio(slots.P(0.99), lookups.P(0.99)),
                PerAnswer(slots),
                string.Create(CultureInfo.InvariantCulture, $"{lookups.Errors} / {slots.Errors}"));
        }

        AnsiConsole.Write(table);
        foreach (var (lookups, slots) in results)
        {
            LoadRun.PrintErrors(lookups);
            LoadRun.PrintErrors(slots);
            var throughputMet = slots.Throughput >= lookups.Throughput / 2;
            var p99Met = slots.P(0.99) <= 3 * lookups.P(0.99);
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"concurrency {lookups.Concurrency}: target (issue 16: slot searches ≥ ½ the lookup throughput, p99 ≤ 3× the lookup p99): "
                + $"throughput {Ratio(slots.Throughput, lookups.Throughput)} ({(throughputMet ? "met" : "missed")}), p99 {Ratio(slots.P(0.99), lookups.P(0.99))} ({(p99Met ? "met" : "missed")})"));
        }
    }

    private static Command Baseline()
    {
        var load = new LoadOptions(defaultConcurrency: 32);
        var pg = new BaselineOptions();
        var command = new Command(
            "baseline",
            "The same lookups as 'rn bench lookups' as a PostGIS KNN query (capability filter, ORDER BY <-> on a GiST index, LIMIT) on the outlets of a file, "
            + "prepared, one pooled connection per worker; loads the outlets into a table first if needed");
        foreach (var option in load.All.Concat(pg.All))
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(PostgresErrors(async (r, ct) =>
        {
            var points = load.PointsFor(r);
            await using var baseline = await pg.Open(r, load, ct);
            await baseline.Answer(points[0], ct);
            Tables.Line($"PostGIS baseline: {Settings(r, load)}; {baseline.Describe}");
            Tables.Line($"points: {points.Description}");
            var result = await LoadRun.Run(baseline, points, r.GetValue(load.Concurrency), TimeSpan.FromSeconds(r.GetValue(load.Duration)), ct);
            LoadRun.Print(result);
            return result.Errors > 0 ? 1 : 0;
        })));
        return command;
    }

    private static Command Compare(CliApp app)
    {
        var load = new LoadOptions(defaultConcurrency: 32);
        var pg = new BaselineOptions();
        var mode = Names.Choice("--mode", "Service mode sent to the server (it does not narrow the answer, only can_take_job)", Names.ServiceModes, defaultValue: "carry-in");
        var check = new Option<int>("--check") { Description = "Before measuring, ask both sides about this many points of the sequence and compare the answers", DefaultValueFactory = _ => 200 };
        check.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 100_000)
            {
                r.AddError("--check must be between 0 and 100000");
            }
        });
        var command = new Command(
            "compare",
            "Run 'rn bench lookups' against the server, then 'rn bench baseline' on PostGIS with the same points, capability, limit and concurrency, "
            + "and print both side by side with the ratio. --outlets must hold the outlets the server has loaded. " + RateLimitNote);
        foreach (var option in load.All.Concat(pg.All).Append(mode).Append(check))
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(PostgresErrors(async (r, ct) =>
        {
            var points = load.PointsFor(r);
            var server = Locator(app, r, load, mode);
            await server.Lookup(points[0], ct);
            await using var baseline = await pg.Open(r, load, ct);
            var concurrency = r.GetValue(load.Concurrency);
            var duration = TimeSpan.FromSeconds(r.GetValue(load.Duration));
            Tables.Line($"RepairNetwork: FindNearestOutlets against {Server(app, r)}, {Names.Of(ServiceMode(r, mode))}");
            Tables.Line($"PostGIS: {baseline.Describe}");
            Tables.Line($"both: {Settings(r, load)}; points: {points.Description}");

            if (r.GetValue(check) is var checkCount and > 0)
            {
                await CheckAnswers(server, baseline, points, checkCount, ct);
            }

            var ours = await LoadRun.Run(server, points.Restart(), concurrency, duration, ct);
            var theirs = await LoadRun.Run(baseline, points.Restart(), concurrency, duration, ct);
            PrintComparison(ours, theirs);
            return ours.Errors + theirs.Errors > 0 ? 1 : 0;
        })));
        return command;
    }

    private static Command Dispatch(CliApp app)
    {
        var load = new LoadOptions(defaultConcurrency: 1);
        var rate = new Option<int>("--rate") { Description = "Orders started per second, whatever the server's latency (open loop)", DefaultValueFactory = _ => 1000 };
        rate.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                r.AddError("--rate must be between 1 and 100000");
            }
        });
        var warmUp = new Option<int>("--warm-up") { Description = "Seconds at the same rate before measuring (not counted)", DefaultValueFactory = _ => 5 };
        warmUp.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 600)
            {
                r.AddError("--warm-up must be between 0 and 600 seconds");
            }
        });
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Client bound on orders in flight; orders due beyond it are counted as not sent", DefaultValueFactory = _ => 5000 };
        maxInFlight.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                r.AddError("--max-in-flight must be between 1 and 100000");
            }
        });
        var mode = Names.Choice("--mode", "Service mode of the orders", Names.ServiceModes, defaultValue: "carry-in");
        var reportEvery = new Option<int>("--report-every") { Description = "Seconds per progress line (p50/p99 of the orders finished in it); 1 shows a cold start's first seconds", DefaultValueFactory = _ => 5 };
        reportEvery.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 3600)
            {
                r.AddError("--report-every must be between 1 and 3600 seconds");
            }
        });
        var command = new Command(
            "dispatch",
            "Create repair orders at a fixed rate (open loop) at seeded population-weighted points and report sustained orders/s and latency "
            + "(from when each order was due). Every order is real: it is dispatched and stored. Use a token allowed to create orders "
            + "(hq or call_center) and raise its rate limit (e.g. --RateLimit:Roles:hq:PermitsPerSecond=1000000 --RateLimit:Roles:hq:Burst=1000000).");
        foreach (var option in new Option[] { load.Duration, load.Capability, load.Points, load.Seed, load.Cities, rate, warmUp, maxInFlight, mode, reportEvery })
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var points = load.PointsFor(r);
            var invoker = app.Channel(r).CreateCallInvoker();
            var capability = r.GetValue(load.Capability) ?? "phone.screen";
            var serviceMode = ServiceMode(r, mode);
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"CreateRepairOrder against {Server(app, r)}: {r.GetValue(rate):N0} orders/s for {r.GetValue(load.Duration)} s after {r.GetValue(warmUp)} s warm-up, capability {capability}, {Names.Of(serviceMode)}, at most {r.GetValue(maxInFlight):N0} in flight"));
            Tables.Line($"points: {points.Description}");
            var result = await DispatchBench.Run(
                invoker,
                points,
                capability,
                serviceMode,
                r.GetValue(rate),
                TimeSpan.FromSeconds(r.GetValue(warmUp)),
                TimeSpan.FromSeconds(r.GetValue(load.Duration)),
                r.GetValue(maxInFlight),
                ct,
                r.GetValue(reportEvery));
            DispatchBench.Print(result);
            return result.Errors > 0 ? 1 : 0;
        }));
        return command;
    }

    private static Command Batch(CliApp app)
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs to route", DefaultValueFactory = _ => 100_000 };
        jobs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > LookupPoints.SequenceLength)
            {
                r.AddError($"--jobs must be between 1 and {LookupPoints.SequenceLength}");
            }
        });
        var capability = new Option<string>("--capability") { Description = "Capability every job needs", DefaultValueFactory = _ => "phone.screen" };
        var mode = Names.Choice("--mode", "Service mode of every job", Names.ServiceModes, defaultValue: "carry-in");
        var window = new Option<int>("--window") { Description = "Jobs per routing window (the server allows up to 100,000)", DefaultValueFactory = _ => 100_000 };
        var candidates = new Option<int>("--candidates") { Description = "Nearest capable outlets considered per job and round (0: server default 8)" };
        var priorityShare = new Option<double>("--priority-share") { Description = "Share of jobs sent with priority 1 (the rest 0), 0-1", DefaultValueFactory = _ => 0 };
        var book = new Option<bool>("--book") { Description = "Create real repair orders (not a dry run): uses the network's capacity for today" };
        var seed = new Option<int>("--seed") { Description = "Seed of the job locations", DefaultValueFactory = _ => LookupPoints.DefaultSeed };
        var cities = new Option<string>("--cities") { Description = "GeoNames city list (default: tools/demo-data/cities-cn.csv in the repository the CLI runs in)", HelpName = "csv" };
        var command = new Command(
            "batch",
            "Route population-weighted jobs with RouteBatch (a dry run unless --book) and report wall time, jobs/s, assigned and unassigned, "
            + "mean and p95 distance against the lower bound (each job at its nearest capable outlet, ignoring capacity). Needs an hq token.")
        {
            jobs, capability, mode, window, candidates, priorityShare, book, seed, cities,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var count = r.GetValue(jobs);
            var points = LookupPoints.Population(r.GetValue(cities) is { Length: > 0 } path ? Path.GetFullPath(path) : LookupPoints.DefaultCitiesPath(), r.GetValue(seed));
            var share = r.GetValue(priorityShare);
            var serviceMode = Names.Parse(Names.ServiceModes, r.GetValue(mode), Contracts.V1.ServiceMode.CarryIn);
            var dryRun = !r.GetValue(book);
#pragma warning disable CA5394 // seeded and repeatable on purpose: which jobs are priority ones
            var random = new Random(r.GetValue(seed));
            var batch = Enumerable.Range(0, count).Select(i => BenchJob(i, points[i], r.GetValue(capability) ?? "phone.screen", serviceMode, random.NextDouble() < share ? 1 : 0, dryRun)).ToList();
#pragma warning restore CA5394
            var start = new RouteBatchStart
            {
                BatchId = $"bench-{DateTime.UtcNow:yyyyMMddTHHmmss}",
                DryRun = dryRun,
                WindowSize = r.GetValue(window),
                CandidatesPerJob = r.GetValue(candidates),
            };
            Tables.Line($"RouteBatch against {Server(app, r)}: {Names.Number(count)} jobs, {r.GetValue(capability)}, {Names.Of(serviceMode)}, window {Names.Number(start.WindowSize)}, {(dryRun ? "dry run" : "booking real orders")}");
            Tables.Line($"points: {points.Description}");

            var distances = new List<double>(count);
            var lowerBound = new List<double>(count);
            var lowerBoundAll = new List<double>(count);
            var received = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var firstResult = TimeSpan.Zero;
            var routing = RouteCommands.RouteBatch(new DispatchService.DispatchServiceClient(app.Channel(r)), start, batch, result =>
            {
                if (Interlocked.Increment(ref received) == 1)
                {
                    firstResult = watch.Elapsed;
                }

                if (result.NearestDistanceKm > 0)
                {
                    lowerBoundAll.Add(result.NearestDistanceKm);
                }

                if (result.Status == RouteResultStatus.Assigned)
                {
                    distances.Add(result.DistanceKm);
                    lowerBound.Add(result.NearestDistanceKm);
                }
            }, ct);

            using (var ticker = new PeriodicTimer(TimeSpan.FromSeconds(AnsiConsole.Profile.Capabilities.Interactive ? 0.25 : 2)))
            {
                while (!routing.IsCompleted)
                {
                    await Task.WhenAny(routing, ticker.WaitForNextTickAsync(ct).AsTask());
                    if (!routing.IsCompleted)
                    {
                        Tables.Line(string.Create(CultureInfo.InvariantCulture, $"  {watch.Elapsed.TotalSeconds:0.0} s: {Names.Number(Volatile.Read(ref received))} / {Names.Number(count)} results"));
                    }
                }
            }

            var report = await routing;
            var wall = watch.Elapsed;
            PrintBatch(report, wall, firstResult, [.. distances.Order()], [.. lowerBound.Order()], [.. lowerBoundAll.Order()]);
            return 0;
        }));
        return command;
    }

    private static RouteJob BenchJob(int i, LookupPoint point, string capability, ServiceMode mode, int priority, bool dryRun)
    {
        var job = new RouteJob
        {
            JobId = string.Create(CultureInfo.InvariantCulture, $"J{i:D6}"),
            CustomerLocation = new LatLng { Latitude = point.Latitude, Longitude = point.Longitude },
            RequiredCapability = capability,
            ServiceMode = mode,
            Priority = priority,
        };
        if (!dryRun)
        {
            job.Customer = new Customer { Name = "Bench Customer", Phone = "+86 138 0000 0000", Address = "1 Bench Road" };
            job.Product = new Product { Category = capability.Split('.')[0], Model = "X200", SerialNumber = job.JobId, PurchaseDate = "2026-01-15" };
            job.FaultDescription = "Benchmark job";
        }

        return job;
    }

    private static void PrintBatch(RouteBatchReport report, TimeSpan wall, TimeSpan firstResult, double[] distances, double[] lowerBound, double[] lowerBoundAll)
    {
        static string Km(double km) => km.ToString("0.00", CultureInfo.InvariantCulture);
        static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        var mean = distances.Length == 0 ? double.NaN : distances.Average();
        var bound = lowerBound.Length == 0 ? double.NaN : lowerBound.Average();
        var maxLoadShare = report.OutletLoads.Count == 0 ? 0 : report.OutletLoads.Max(l => l.CapacityLeftBefore == 0 ? 0 : (double)l.Assigned / l.CapacityLeftBefore);

        var table = Tables.New("Metric", "Value").RightAlign(1);
        table.Row("jobs sent", Names.Number(report.Jobs));
        table.Row("assigned", Names.Number(report.Assigned));
        foreach (var reason in report.UnassignedReasons)
        {
            table.Row($"unassigned: {reason.Code}", Names.Number(reason.Count));
        }

        table.Row("rejected", Names.Number(report.Rejected));
        table.Row("windows", Names.Number(report.Windows));
        table.Row("wall time (s)", wall.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("first results after (s)", firstResult.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("server planning (s)", report.PlanningSeconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.Row("jobs/s", LoadRun.PerSecond(report.Jobs / wall.TotalSeconds));
        table.Row("mean distance, assigned (km)", Km(mean));
        table.Row("lower bound mean, same jobs (km)", Km(bound));
        table.Row("mean ÷ lower bound", (mean / bound).ToString("0.000", CultureInfo.InvariantCulture));
        table.Row("p95 distance, assigned (km)", Km(P(distances, 0.95)));
        table.Row("p95 lower bound, same jobs (km)", Km(P(lowerBound, 0.95)));
        table.Row("lower bound mean, every job with a capable outlet (km)", Km(lowerBoundAll.Length == 0 ? double.NaN : lowerBoundAll.Average()));
        table.Row("outlets used", Names.Number(report.OutletLoads.Count));
        table.Row("outlets filled to capacity", Names.Number(report.OutletLoads.Count(l => l.Assigned >= l.CapacityLeftBefore)));
        table.Row("highest load ÷ capacity left", maxLoadShare.ToString("0.00", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);

        var full = report.UnassignedReasons.Where(r => r.Code == RouteUnassignedCode.CapacityFull).Sum(r => r.Count);
        var fast = wall.TotalSeconds <= 10 * report.Jobs / 100_000.0;
        var close = mean <= bound * 1.05;
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"target (issue 7: 100,000 jobs in ≤ 10 s, mean within 5% of the lower bound where capacity allows): time {wall.TotalSeconds:0.00} s ({(fast ? "met" : "missed")}{(report.Jobs != 100_000 ? $", scaled to {Names.Number(report.Jobs)} jobs" : string.Empty)}), "
            + $"mean {(mean / bound - 1) * 100:0.0}% over the bound ({(close ? "met" : "missed")}){(full > 0 ? $"; {Names.Number(full)} jobs found every capable outlet within reach full: demand exceeds capacity there" : string.Empty)}"));
    }

    /// <summary>A PostgreSQL failure outside the measured loop (loading the table, the answer check) as a one-line error.</summary>
    private static Func<ParseResult, CancellationToken, Task<int>> PostgresErrors(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (r, ct) =>
        {
            try
            {
                return await action(r, ct);
            }
            catch (NpgsqlException ex) when (!ct.IsCancellationRequested)
            {
                throw new CliException($"PostgreSQL: {ex.Message}");
            }
        };

    private static Command Surge(CliApp app)
    {
        Option<int> Bounded(string name, string description, int byDefault, int min, int max)
        {
            var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => byDefault };
            option.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < min || r.GetValueOrDefault<int>() > max)
                {
                    r.AddError($"{name} must be between {min} and {max}");
                }
            });
            return option;
        }

        var rate = Bounded("--rate", "Orders started per second, whatever the server's latency (open loop)", 150, 1, 10_000);
        var duration = Bounded("--duration", "Seconds of load", 300, 1, 3600);
        var interval = Bounded("--interval", "Seconds per reported interval", 60, 1, 3600);
        var deadline = Bounded("--deadline", "Seconds each CreateRepairOrder may take before it counts as failed (gRPC deadline)", 5, 1, 60);
        var maxInFlight = Bounded("--max-in-flight", "Client bound on orders in flight; orders due beyond it are counted as not sent (failed)", 5000, 1, 100_000);
        var lat = new Option<double>("--lat") { Description = "Latitude of the city the surge hits", DefaultValueFactory = _ => 30.2741 };
        var lon = new Option<double>("--lon") { Description = "Longitude of the city the surge hits", DefaultValueFactory = _ => 120.1551 };
        var command = new Command(
            "surge",
            $"A surge into a full region (issue 14): creates {SurgeBench.Outlets} outlets of capacity {SurgeBench.CapacityEach} with a technician each around "
            + "one point, then CreateRepairOrder at that point at a fixed rate (open loop) with a deadline; the outlets fill and every later order "
            + "is left unassigned. Reports per interval: orders due, ok, unassigned, failed by status code, p50/p95/p99/max latency from when each "
            + "order was due. Use an hq token and raise its rate limit (see rn bench dispatch). Exit code 1 if any order failed.");
        foreach (var option in new Option[] { rate, duration, interval, deadline, maxInFlight, lat, lon })
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var channel = app.Channel(r);
            var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..4];
            var (latitude, longitude) = (r.GetValue(lat), r.GetValue(lon));
            await SurgeBench.CreateRegion(new OutletService.OutletServiceClient(channel), new TechnicianService.TechnicianServiceClient(channel), runId, latitude, longitude, ct);
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"CreateRepairOrder against {Server(app, r)} at ({latitude}, {longitude}), {SurgeBench.Outlets} outlets x {SurgeBench.CapacityEach}: "
                + $"{r.GetValue(rate):N0} orders/s for {r.GetValue(duration)} s, {r.GetValue(deadline)} s deadline, reported per {r.GetValue(interval)} s"));
            var failed = await SurgeBench.Run(
                new RepairOrderService.RepairOrderServiceClient(channel),
                runId,
                latitude,
                longitude,
                r.GetValue(rate),
                TimeSpan.FromSeconds(r.GetValue(duration)),
                TimeSpan.FromSeconds(r.GetValue(interval)),
                TimeSpan.FromSeconds(r.GetValue(deadline)),
                r.GetValue(maxInFlight),
                ct);
            return failed > 0 ? 1 : 0;
        }));
        return command;
    }

    private static LocatorTarget Locator(CliApp app, ParseResult r, LoadOptions load, Option<string> mode) => new(
        new LocatorService.LocatorServiceClient(app.Channel(r)),
        r.GetValue(load.Capability) ?? "phone.screen",
        ServiceMode(r, mode),
        r.GetValue(load.Limit));

    private static ServiceMode ServiceMode(ParseResult r, Option<string> mode) => Names.Parse(Names.ServiceModes, r.GetValue(mode), Contracts.V1.ServiceMode.CarryIn);

    private static string Server(CliApp app, ParseResult r) => r.GetValue(app.ServerOption) ?? CliApp.DefaultServer;

    private static string Settings(ParseResult r, LoadOptions load) => string.Create(
        CultureInfo.InvariantCulture,
        $"capability {r.GetValue(load.Capability)}, limit {r.GetValue(load.Limit)}, concurrency {r.GetValue(load.Concurrency)}, warm-up {LoadRun.WarmUp.TotalSeconds:0} s, measured {r.GetValue(load.Duration)} s");

    /// <summary>
    /// Asks both sides about the first points of the sequence one at a time and reports how often
    /// they name the same outlets in the same order, and how far apart their distances are.
    /// </summary>
    private static async Task CheckAnswers(LocatorTarget server, PostgisBaseline baseline, LookupPoints points, int count, CancellationToken ct)
    {
        var sameOrder = 0;
        var sameSet = 0;
        var maxDistanceGapKm = 0.0;
        string? firstDifference = null;
        for (var i = 0; i < count; i++)
        {
            var point = points[i];
            var ours = await server.Answer(point, ct);
            var theirs = await baseline.Answer(point, ct);
            if (ours.Select(o => o.OutletId).SequenceEqual(theirs.Select(t => t.OutletId), StringComparer.Ordinal))
            {
                sameOrder++;
                sameSet++;
                for (var k = 0; k < ours.Count; k++)
                {
                    maxDistanceGapKm = Math.Max(maxDistanceGapKm, Math.Abs(ours[k].DistanceKm - theirs[k].DistanceKm));
                }
            }
            else if (ours.Select(o => o.OutletId).Order(StringComparer.Ordinal).SequenceEqual(theirs.Select(t => t.OutletId).Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                sameSet++;
            }
            else
            {
                firstDifference ??= string.Create(
                    CultureInfo.InvariantCulture,
                    $"at ({point.Latitude:0.#####}, {point.Longitude:0.#####}) RepairNetwork: {string.Join(", ", ours.Select(o => $"{o.OutletId} {o.DistanceKm:0.000} km"))}; "
                    + $"PostGIS: {string.Join(", ", theirs.Select(t => $"{t.OutletId} {t.DistanceKm:0.000} km"))}");
            }
        }

        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"answer check on the first {count} points: {sameOrder} identical (same outlets, same order; distances within {maxDistanceGapKm * 1000:0.###} m), "
            + $"{sameSet - sameOrder} same outlets in another order, {count - sameSet} different"));
        if (firstDifference is not null)
        {
            Tables.Line($"first difference {firstDifference}");
            Tables.Line("(does the server hold exactly the outlets of --outlets?)");
        }
    }

    private static void PrintComparison(LoadResult ours, LoadResult theirs)
    {
        static string Ratio(double a, double b) => b > 0 && !double.IsNaN(a) && !double.IsNaN(b) ? (a / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";

        var table = Tables.New("Metric", ours.Name, theirs.Name, $"{ours.Name} ÷ {theirs.Name}").RightAlign(1, 2, 3);
        table.Row("lookups (ok)", Names.Number(ours.Ok), Names.Number(theirs.Ok), string.Empty);
        table.Row("errors", Names.Number(ours.Errors), Names.Number(theirs.Errors), string.Empty);
        table.Row("measured seconds", ours.Seconds.ToString("0.00", CultureInfo.InvariantCulture), theirs.Seconds.ToString("0.00", CultureInfo.InvariantCulture), string.Empty);
        table.Row("throughput (lookups/s)", LoadRun.PerSecond(ours.Throughput), LoadRun.PerSecond(theirs.Throughput), Ratio(ours.Throughput, theirs.Throughput));
        table.Row(
            "outlets per answer (mean)",
            ours.Ok == 0 ? "-" : ((double)ours.OutletsReturned / ours.Ok).ToString("0.00", CultureInfo.InvariantCulture),
            theirs.Ok == 0 ? "-" : ((double)theirs.OutletsReturned / theirs.Ok).ToString("0.00", CultureInfo.InvariantCulture),
            string.Empty);
        foreach (var (label, p) in new[] { ("latency p50 (ms)", 0.50), ("latency p90 (ms)", 0.90), ("latency p99 (ms)", 0.99) })
        {
            table.Row(label, LoadRun.Ms(ours.P(p)), LoadRun.Ms(theirs.P(p)), Ratio(ours.P(p), theirs.P(p)));
        }

        table.Row("latency max (ms)", LoadRun.Ms(ours.Max), LoadRun.Ms(theirs.Max), Ratio(ours.Max, theirs.Max));
        AnsiConsole.Write(table);
        LoadRun.PrintErrors(ours);
        LoadRun.PrintErrors(theirs);

        var ratio = theirs.Throughput > 0 ? ours.Throughput / theirs.Throughput : double.NaN;
        var p99 = ours.P(0.99);
        var throughputMet = ratio >= 2;
        var p99Met = p99 <= 5;
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"target (issue 7: ≥ 2× PostGIS throughput at concurrency 32, p99 ≤ 5 ms): throughput {ratio:0.00}× ({(throughputMet ? "met" : "missed")}), "
            + $"p99 {p99:0.00} ms ({(p99Met ? "met" : "missed")}){(ours.Concurrency != 32 ? $" [measured at concurrency {ours.Concurrency}]" : string.Empty)}"));
    }
}
