using System.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Locator;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Lifecycle;

public sealed class WarmupOptions
{
    /// <summary>
    /// False: SERVING as soon as the outlet index is loaded, nothing warmed. Only for the warm-up's own
    /// private copy of the server (<see cref="BookingRehearsal"/>), which must not start a copy of its own.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Upper bound on the warm-up work. Past it the server reports SERVING anyway: a silo that cannot warm
    /// up (a huge network, a slow database) is still more use in the cluster than one kept out of it.
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Outlet grains activated (a storage read each) before serving; the first bookings then find them in memory.</summary>
    public int MaxOutletActivations { get; set; } = 5000;

    /// <summary>Locator lookups run in-process across the network (JIT, tiered compilation, outlet availability checks).</summary>
    public int Lookups { get; set; } = 1000;

    /// <summary>Connections opened in each PostgreSQL pool, so the first burst does not wait for connects.</summary>
    public int Connections { get; set; } = 8;

    /// <summary>
    /// Order creations rehearsed (<see cref="WriteRehearsal"/>): each a refused create call, the proto
    /// mapping, and canary writes of an order's and an outlet's state and of a reminder, all cleared.
    /// </summary>
    public int Rehearsals { get; set; } = 300;

    /// <summary>
    /// Orders created, dispatched and booked for real in a private in-memory copy of the server
    /// (<see cref="BookingRehearsal"/>), so the create-to-booking path is compiled before the first
    /// real order. The copy runs while this or <see cref="LookupRehearsals"/> is above 0.
    /// </summary>
    public int BookingRehearsals { get; set; } = 2000;

    /// <summary>Nearest-outlet lookups through the private copy's gRPC API, as call centres send them, shared over the rounds.</summary>
    public int LookupRehearsals { get; set; } = 2000;

    /// <summary>Outlets (with their technicians) copied from the network into the private copy for <see cref="BookingRehearsals"/>.</summary>
    public int BookingRehearsalOutlets { get; set; } = 64;

    /// <summary>
    /// Rounds <see cref="Rehearsals"/> and <see cref="BookingRehearsals"/> are shared over, with the JIT given
    /// up to <see cref="JitSettleMax"/> to settle after each. The runtime optimises code in steps
    /// (instrumented, then optimised with what the instrumentation saw), each only after enough calls
    /// at the step before: one burst leaves much of the path half-way, and the first real orders
    /// would pay for the rest.
    /// </summary>
    public int RehearsalRounds { get; set; } = 4;

    /// <summary>gRPC health calls to the server's own gRPC endpoint over HTTP/2 (plain HTTP only).</summary>
    public int LoopbackCalls { get; set; } = 300;

    /// <summary>Longest wait for background JIT compilation to settle before reporting SERVING.</summary>
    public TimeSpan JitSettleMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Diagnosis and tests only: wait this long before warming up, to see NOT_SERVING from outside.</summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// Makes "ready" mean ready: once the host has started, waits for the outlet index (and, with --demo, the
/// demo network), then runs the hot paths once — PostgreSQL pools opened, outlet grains activated,
/// lookups and dispatch screening in-process, an order grain's activation path, the order path rehearsed
/// (<see cref="WriteRehearsal"/>: no order, booking or reminder is left) and the gRPC endpoint called — within
/// <see cref="WarmupOptions.Budget"/>, and only then reports SERVING. A cold silo put straight into a
/// rolling deployment's traffic otherwise spends its first seconds compiling and activating while the
/// calls queue behind it.
/// </summary>
/// <remarks>Elapsed times are Stopwatch time: this is process timing, not business time (tests fake the TimeProvider).</remarks>
public sealed partial class WarmupService(
    IHostApplicationLifetime lifetime,
    Readiness readiness,
    IOutletIndex index,
    IGrainFactory grains,
    OutletLocator locator,
    DispatchPlanner planner,
    StorageSettings storage,
    IServiceProvider services,
    WriteRehearsal rehearsal,
    BookingRehearsal bookings,
    IOptions<WarmupOptions> options,
    ILogger<WarmupService> logger) : BackgroundService
{
    private const int Concurrency = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStarted(stoppingToken);
            var settings = options.Value;
            if (settings.StartDelay > TimeSpan.Zero)
            {
                LogDelayed(settings.StartDelay.TotalSeconds);
                await Task.Delay(settings.StartDelay, stoppingToken);
            }

            var total = Stopwatch.StartNew();
            while (!index.IsLoaded)
            {
                await Task.Delay(50, stoppingToken);
            }

            if (!settings.Enabled)
            {
                readiness.MarkReady();
                return;
            }

            if (services.GetService<DemoLoadProgress>() is { } demo && !demo.Done.IsCompleted)
            {
                LogWaitingForDemo();
                await demo.Done.WaitAsync(stoppingToken);
            }

            var waited = total.ElapsedMilliseconds;
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            budget.CancelAfter(settings.Budget);
            var work = Stopwatch.StartNew();
            var connections = await Step("database pools", () => OpenPools(settings.Connections, budget.Token));
            var activated = await Step("outlet activations", () => ActivateOutlets(settings.MaxOutletActivations, budget.Token));
            var lookups = await Step("lookups", () => RunLookups(settings.Lookups, budget.Token));
            await Step("order grain", () => TouchOrderGrain());
            var (rehearsed, booked) = await RehearseInRounds(settings, budget.Token);
            await Step("gRPC loopback", () => rehearsal.Loopback(settings.LoopbackCalls, budget.Token));
            await Step("pre-compiled methods", () => Precompile(budget.Token));
            await Step("JIT settling (methods compiled)", () => JitActivity.Settled(settings.JitSettleMax, budget.Token));
            LogWarm(work.ElapsedMilliseconds, waited, connections, activated, index.Current.Count, lookups, rehearsed, booked, budget.IsCancellationRequested && !stoppingToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        readiness.MarkReady();
    }

    private Task WhenStarted(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    // Warm-up is best effort: a failing step is logged and the next one runs; the server still becomes ready.
    private Task<int> Step(string name, Func<Task<int>> step) => Attempt(name, async () =>
    {
        var watch = Stopwatch.StartNew();
        var count = await step();
        LogStep(name, count, watch.ElapsedMilliseconds);
        return count;
    });

    /// <summary>
    /// Opens connections in both pools the server uses: the Orleans providers' (keyed by the connection
    /// string) and the service-event data source. Closing returns them to the pool, where they stay idle.
    /// </summary>
    private async Task<int> OpenPools(int count, CancellationToken ct)
    {
        if (storage.Mode != StorageMode.Postgres || count <= 0)
        {
            return 0;
        }

        var maxPool = new NpgsqlConnectionStringBuilder(storage.ConnectionString).MaxPoolSize;
        count = Math.Min(count, Math.Max(1, maxPool / 2));
        var dataSource = services.GetService<NpgsqlDataSource>();
        var opened = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await using var providers = new NpgsqlConnection(storage.ConnectionString);
            await providers.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT 1", providers);
            await command.ExecuteScalarAsync(ct);
            if (dataSource is not null)
            {
                await using var events = await dataSource.OpenConnectionAsync(ct);
            }

            return 1;
        }));
        return opened.Sum();
    }

    private async Task<int> ActivateOutlets(int max, CancellationToken ct)
    {
        var activated = 0;
        var outlets = index.Current.InIdOrder(null).Take(max).Select(listing => listing.OutletId).ToList();
        await Parallel.ForEachAsync(outlets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (outletId, _) =>
        {
            await grains.GetGrain<IOutletGrain>(outletId).Get();
            Interlocked.Increment(ref activated);
        });
        return activated;
    }

    /// <summary>
    /// Lookups at outlets spread over the network, each for a capability the outlet offers: the locator's
    /// ranking, the dispatch planner's screening and the outlets' availability checks (what dispatch asks
    /// an outlet before booking), all without writing anything.
    /// </summary>
    private async Task<int> RunLookups(int count, CancellationToken ct)
    {
        var snapshot = index.Current;
        if (count <= 0 || snapshot.Count == 0)
        {
            return 0;
        }

        var jobs = SpreadOverNetwork(snapshot, count, listing => !listing.Profile.Capabilities.IsDefaultOrEmpty)
            .Select(listing => new JobRequirement { Capability = listing.Profile.Capabilities[0], Mode = ServiceMode.CarryIn, CustomerLocation = listing.Profile.Location })
            .ToList();
        var done = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (job, _) =>
        {
            var found = await locator.FindNearest(job, 5, planner.Reach(job.Mode), availableOnly: true);
            if (found.Outlets.FirstOrDefault() is { } first)
            {
                await grains.GetGrain<IOutletGrain>(first.Availability.Listing.OutletId).CheckAvailability(job);
            }

            Interlocked.Increment(ref done);
        });
        return done;
    }

    /// <summary>Up to <paramref name="count"/> outlets that pass <paramref name="where"/>, taken at even steps through the index.</summary>
    private static List<OutletListing> SpreadOverNetwork(OutletSpatialIndex snapshot, int count, Func<OutletListing, bool> where)
    {
        var step = Math.Max(1, snapshot.Count / count);
        return [.. snapshot.InIdOrder(null).Where((_, i) => i % step == 0).Where(where).Take(count)];
    }

    /// <summary>
    /// The order path as far as it goes without creating an order, at outlets spread over the network,
    /// a few at a time (the first run JIT-compiles; the later ones find the code ready).
    /// </summary>
    private async Task<int> RehearseOrders(int count, CancellationToken ct)
    {
        var snapshot = index.Current;
        if (count <= 0 || snapshot.Count == 0)
        {
            return 0;
        }

        var outlets = SpreadOverNetwork(snapshot, count, _ => true);
        var done = 0;
        await Parallel.ForEachAsync(outlets, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (listing, token) =>
        {
            var order = await rehearsal.OrderPath(listing, token);
            await rehearsal.Writes(order, listing.OutletId, Interlocked.Increment(ref done));
            await rehearsal.TokenValidation();
        });
        return done;
    }

    /// <summary>
    /// The order path as far as it goes here without creating an order (<see cref="RehearseOrders"/>) and
    /// bookings in a private copy of the server (<see cref="BookingRehearsal"/>), shared over
    /// <see cref="WarmupOptions.RehearsalRounds"/> rounds with the JIT settling after each. Best effort, as
    /// every step: a failure is logged and warm-up goes on with what was done.
    /// </summary>
    private async Task<(int Rehearsed, int Booked)> RehearseInRounds(WarmupOptions settings, CancellationToken ct)
    {
        var rounds = Math.Max(1, settings.RehearsalRounds);
        var (rehearsed, booked) = (0, 0);
        var copy = await Attempt("private copy of the server", () => StartCopy(settings, ct));
        try
        {
            for (var round = 0; round < rounds && !ct.IsCancellationRequested; round++)
            {
                var watch = Stopwatch.StartNew();
                // Each part on its own: one that fails (logged) does not keep the others from warming their code.
                var paths = await Attempt("order path", () => RehearseOrders(Share(settings.Rehearsals, round, rounds), ct));
                var bookedNow = copy is null ? 0 : await Attempt("bookings in the private copy", () => copy.Book(Share(settings.BookingRehearsals, round, rounds), ct));
                var lookedUp = copy is null ? 0 : await Attempt("lookups in the private copy", () => copy.Lookups(Share(settings.LookupRehearsals, round, rounds), ct));
                var compiled = await Attempt("JIT settling", () => JitActivity.Settled(settings.JitSettleMax, ct));
                (rehearsed, booked) = (rehearsed + paths, booked + bookedNow);
                LogRound(round + 1, rounds, paths, bookedNow, lookedUp, compiled, watch.ElapsedMilliseconds);
            }
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync(); // never throws
            }
        }

        return (rehearsed, booked);
    }

    /// <summary>The copy, when there is something to rehearse in it and outlets to copy; otherwise null.</summary>
    private async Task<BookingRehearsal.PrivateCopy?> StartCopy(WarmupOptions settings, CancellationToken ct)
    {
        var snapshot = index.Current;
        if ((settings.BookingRehearsals <= 0 && settings.LookupRehearsals <= 0) || settings.BookingRehearsalOutlets <= 0 || snapshot.Count == 0)
        {
            return null;
        }

        var watch = Stopwatch.StartNew();
        var sample = SpreadOverNetwork(snapshot, settings.BookingRehearsalOutlets, BookingRehearsal.Usable);
        var copy = await bookings.Start(sample, outletId => grains.GetGrain<IOutletGrain>(outletId).ListTechnicians(), ct);
        if (copy is not null)
        {
            LogCopyStarted(sample.Count, watch.ElapsedMilliseconds);
        }

        return copy;
    }

    /// <summary>Runs one part of warm-up; a failure is logged and gives <c>default</c>, unless the server is stopping.</summary>
    private async Task<T?> Attempt<T>(string name, Func<Task<T>> part)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await part();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogStepFailed(name, watch.ElapsedMilliseconds, ex.GetType().Name, ex.Message);
            return default;
        }
    }

    /// <summary>Round <paramref name="round"/>'s share of <paramref name="total"/> (the shares add up to it).</summary>
    private static int Share(int total, int round, int rounds) => Math.Max(0, total) * (round + 1) / rounds - Math.Max(0, total) * round / rounds;

    /// <summary>The order path's code in our assemblies; the rest of the server is compiled when first used.</summary>
    private static readonly string[] PrecompiledNamespaces =
    [
        "RepairNetwork.Grains.Orders", "RepairNetwork.Grains.Outlets", "RepairNetwork.Grains.Dispatch", "RepairNetwork.Grains.ServiceLevels",
        "RepairNetwork.Grains.Telemetry", "RepairNetwork.Domain.Orders", "RepairNetwork.Domain.Dispatch", "RepairNetwork.Domain.Outlets",
        "RepairNetwork.Domain.Calendars", "RepairNetwork.Server.Security", "RepairNetwork.Server.Mapping", "RepairNetwork.Server.Errors",
        "RepairNetwork.Server.Overload", "RepairNetwork.Server.Storage", "OrleansCodeGen.RepairNetwork",
    ];

    /// <summary>
    /// Compiles the order path's methods (non-generic ones) ahead of the first calls, so the first
    /// orders do not each stop to compile them; the rehearsals above cannot reach a booking without
    /// making one. Tiering then recompiles the ones that turn out hot.
    /// </summary>
    private static Task<int> Precompile(CancellationToken ct)
    {
        var assemblies = new[] { typeof(RepairOrderGrain).Assembly, typeof(JobRequirement).Assembly, typeof(WarmupService).Assembly };
        var methods = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.ContainsGenericParameters && t.Namespace is { } ns && PrecompiledNamespaces.Any(p => ns.StartsWith(p, StringComparison.Ordinal)))
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Cast<System.Reflection.MethodBase>()
                .Concat(t.GetConstructors(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)))
            .Where(m => !m.IsAbstract && !m.ContainsGenericParameters && m.GetMethodBody() is not null)
            .ToList();
        var compiled = 0;
        Parallel.ForEach(methods, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, method =>
        {
            try
            {
                System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method.MethodHandle);
                Interlocked.Increment(ref compiled);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or TypeLoadException or BadImageFormatException)
            {
                // Some methods cannot be prepared on their own (e.g. ones over ref structs); they compile on first use.
            }
        });
        return Task.FromResult(compiled);
    }

    /// <summary>An order grain's activation and storage read (an id no order has): nothing is written.</summary>
    private async Task<int> TouchOrderGrain()
    {
        try
        {
            await grains.GetGrain<IRepairOrderGrain>("RO-WARMUP-" + Environment.MachineName).Get();
        }
        catch (Domain.DomainException)
        {
            // Expected: no such order.
        }

        return 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up waits {Seconds} s first (Warmup:StartDelay)")]
    private partial void LogDelayed(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up waits for the demo network to load before reporting SERVING")]
    private partial void LogWaitingForDemo();

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up {Step}: {Count} in {Milliseconds} ms")]
    private partial void LogStep(string step, int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up {Step} failed after {Milliseconds} ms ({Error}: {Reason}); going on")]
    private partial void LogStepFailed(string step, long milliseconds, string error, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up's private copy of the server started with {Outlets} copied outlets in {Milliseconds} ms")]
    private partial void LogCopyStarted(int outlets, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up rehearsal round {Round} of {Rounds}: {Rehearsed} order paths, {Booked} bookings and {Lookups} lookups in the private copy, then {Compiled} methods compiled while the JIT settled; {Milliseconds} ms")]
    private partial void LogRound(int round, int rounds, int rehearsed, int booked, int lookups, int compiled, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm-up finished in {Milliseconds} ms (after {WaitedMilliseconds} ms for the index): {Connections} connections, {Activated} of {Outlets} outlets activated, {Lookups} lookups, {Rehearsed} order paths rehearsed, {Booked} bookings rehearsed, budget ran out: {OutOfBudget}; reporting SERVING")]
    private partial void LogWarm(long milliseconds, long waitedMilliseconds, int connections, int activated, int outlets, int lookups, int rehearsed, int booked, bool outOfBudget);
}
