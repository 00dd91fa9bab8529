using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Dispatch;

/// <summary>A job of a routing window: what it needs and its priority.</summary>
public sealed record BatchJob(JobRequirement Job, int Priority);

/// <summary>The plan for one job of a window.</summary>
public readonly record struct PlannedJob(RouteDecision Decision, double? NearestCapableKm);

/// <summary>The plan for a window, with the capacity each involved outlet had left when it was read, and where the time went.</summary>
public sealed record WindowPlan(PlannedJob[] Jobs, IReadOnlyDictionary<string, int> CapacityBefore)
{
    public TimeSpan FindingCandidates { get; init; }

    public TimeSpan ReadingCapacity { get; init; }

    public TimeSpan Assigning { get; init; }

    /// <summary>Most rounds any priority class needed (re-routing jobs whose candidates filled up).</summary>
    public int Rounds { get; init; }
}

/// <summary>
/// Plans a window of a routing batch: candidates from this silo's outlet index in the planner's order
/// and screened by its standing rules (no grain call), capacity left today read live from each
/// involved outlet grain (in bounded parallel batches, once per window), then
/// <see cref="BatchRouter"/> per priority class. A job whose candidates are all full is tried on the
/// next ones, up to <see cref="DispatchPolicy.MaxOutletsExamined"/> in all, as dispatch would.
/// </summary>
public sealed class BatchPlanner(IOutletIndex index, IGrainFactory grains, TimeProvider clock, DispatchPlanner planner)
{
    /// <summary>Outlet grains asked for their load at once.</summary>
    public const int LoadReadParallelism = 64;

    /// <summary>Rounds of re-routing jobs whose candidates all filled up, before they are left unassigned.</summary>
    public const int MaxRounds = 12;

    /// <param name="taken">Capacity already used per outlet by earlier windows that booked nothing (dry runs); subtracted from live capacity.</param>
    public async Task<WindowPlan> Plan(IReadOnlyList<BatchJob> jobs, int candidatesPerJob, IReadOnlyDictionary<string, int> taken)
    {
        // A compact copy of this silo's index for the window: every outlet in the tree, none in the
        // small overlay of recent changes, which every search scans in full. Thousands of searches
        // per window make the rebuild (milliseconds) worth it.
        var live = index.Current;
        var snapshot = live.Count >= OutletSpatialIndex.RebuildThreshold ? OutletSpatialIndex.Empty.With(live.InIdOrder(null)) : live;
        var now = clock.GetUtcNow();
        var maxCapable = planner.Policy.MaxOutletsExamined;
        var finding = new Stopwatch();
        var reading = new Stopwatch();
        var assigning = new Stopwatch();

        // Per window, each outlet's local day and, per capability and mode, whether it passes the
        // standing rules: computed once per outlet instead of once per job and outlet. On-site jobs
        // depend on where the customer is, so they are checked each time.
        var localDays = new ConcurrentDictionary<OutletListing, DateOnly>(ReferenceEqualityComparer.Instance);
        var standingCache = new ConcurrentDictionary<(string OutletId, string Capability, ServiceMode Mode), bool>();
        DateOnly LocalDay(OutletListing listing) => localDays.GetOrAdd(listing, l => l.Profile.Hours.LocalDate(now));
        bool Standing(OutletListing listing, JobRequirement job) => job.Mode == ServiceMode.OnSite
            ? DispatchPlanner.PassesStandingRules(new OutletInputs(listing, LocalDay(listing)), job)
            : standingCache.GetOrAdd((listing.OutletId, job.Capability, job.Mode), _ => DispatchPlanner.PassesStandingRules(new OutletInputs(listing, LocalDay(listing)), job));

        var capacity = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var capacityBefore = new Dictionary<string, int>(StringComparer.Ordinal);
        bool HasRoom(OutletListing listing) => capacity.TryGetValue(listing.OutletId, out var left) ? left > 0 : DispatchPlanner.MayHaveRoom(new OutletInputs(listing, LocalDay(listing)));

        RoutingJob[] Find(IReadOnlyList<int> which, int take)
        {
            finding.Start();
            var found = new RoutingJob[which.Count];
            Parallel.For(0, which.Count, i =>
            {
                var (job, priority) = jobs[which[i]];
                found[i] = RouteCandidates.Find(snapshot, job, priority, now, planner.Reach(job.Mode), take, maxCapable, l => Standing(l, job), HasRoom, planner);
            });
            finding.Stop();
            return found;
        }

        async Task Read(IEnumerable<RoutingJob> routed)
        {
            reading.Start();
            await ReadCapacity(routed, capacity, capacityBefore, taken);
            reading.Stop();
        }

        var all = Enumerable.Range(0, jobs.Count).ToList();
        var routing = Find(all, candidatesPerJob);
        await Read(routing);

        var decisions = new RouteDecision[jobs.Count];
        var rounds = 0;
        foreach (var priorityClass in all.GroupBy(j => jobs[j].Priority).OrderByDescending(g => g.Key))
        {
            var members = priorityClass.ToList();
            var current = members.Select(j => routing[j]).ToList();
            var take = candidatesPerJob;
            for (var round = 1; ; round++)
            {
                rounds = Math.Max(rounds, round);
                assigning.Start();
                var planned = BatchRouter.Plan(current, capacity);
                var retry = new List<int>();
                for (var i = 0; i < members.Count; i++)
                {
                    decisions[members[i]] = planned[i];
                    if (planned[i].Assigned)
                    {
                        capacity[planned[i].OutletId!]--;
                    }
                    else if (planned[i].Failure == RouteFailureCode.CapacityFull && current[i].Candidates.Length == take)
                    {
                        // Its candidates filled up and the list was cut at `take`: outlets with room may
                        // lie beyond. A shorter list held every outlet with room within the bound, and
                        // capacity only goes down, so looking again would find nothing.
                        retry.Add(members[i]);
                    }
                }

                assigning.Stop();
                if (retry.Count == 0 || round == MaxRounds)
                {
                    break;
                }

                // Twice as many candidates each round (up to the outlets dispatch would look at), so that
                // few rounds are needed where most outlets are full.
                take = Math.Min(maxCapable, take * 2);
                var more = Find(retry, take);
                await Read(more);
                members = retry;
                current = [.. more];
            }
        }

        return new WindowPlan([.. all.Select(j => new PlannedJob(decisions[j], routing[j].NearestCapableKm))], capacityBefore)
        {
            Rounds = rounds,
            FindingCandidates = finding.Elapsed,
            ReadingCapacity = reading.Elapsed,
            Assigning = assigning.Elapsed,
        };
    }

    /// <summary>Live capacity left today of every candidate outlet not read yet in this window.</summary>
    private async Task ReadCapacity(IEnumerable<RoutingJob> jobs, ConcurrentDictionary<string, int> capacity, Dictionary<string, int> capacityBefore, IReadOnlyDictionary<string, int> taken)
    {
        var unread = jobs.SelectMany(j => j.Candidates).Select(c => c.OutletId).Where(o => !capacity.ContainsKey(o)).Distinct(StringComparer.Ordinal).ToList();
        var read = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(unread, new ParallelOptions { MaxDegreeOfParallelism = LoadReadParallelism }, async (outletId, _) =>
        {
            var load = await grains.GetGrain<IOutletGrain>(outletId).GetLoad();
            read[outletId] = load.CapacityLeftToday;
        });

        foreach (var (outletId, left) in read)
        {
            var available = Math.Max(0, left - taken.GetValueOrDefault(outletId));
            capacity[outletId] = available;
            capacityBefore[outletId] = available;
        }
    }
}

/// <summary>Distance statistics of routed jobs.</summary>
public static class RouteStatistics
{
    /// <summary>The value at or below which <paramref name="p"/> of the sorted values fall (nearest rank).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static ImmutableArray<double> Sorted(IEnumerable<double> values) => [.. values.Order()];
}
