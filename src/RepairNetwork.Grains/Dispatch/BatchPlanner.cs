using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans;
using RepairNetwork.Domain.Dispatch;
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
}

/// <summary>
/// Plans a window of a routing batch: candidates from this silo's outlet index (every standing rule,
/// no grain call), capacity left today read live from each involved outlet grain (in bounded parallel
/// batches, once per window), then <see cref="BatchRouter"/> per priority class. A job whose
/// candidates are all full is tried on the next nearest ones, up to
/// <see cref="DispatchOptions.MaxOutletsExamined"/> in all, as dispatch would.
/// </summary>
public sealed class BatchPlanner(IOutletIndex index, IGrainFactory grains, TimeProvider clock, IOptions<DispatchOptions> options)
{
    /// <summary>Outlet grains asked for their load at once.</summary>
    public const int LoadReadParallelism = 64;

    /// <param name="taken">Capacity already used per outlet by earlier windows that booked nothing (dry runs); subtracted from live capacity.</param>
    public async Task<WindowPlan> Plan(IReadOnlyList<BatchJob> jobs, int candidatesPerJob, IReadOnlyDictionary<string, int> taken)
    {
        var settings = options.Value;
        var snapshot = index.Current;
        var now = clock.GetUtcNow();
        var maxExamined = settings.MaxOutletsExamined;
        var routing = new RoutingJob[jobs.Count];
        var finding = Stopwatch.StartNew();
        var reading = new Stopwatch();
        Parallel.For(0, jobs.Count, j =>
        {
            var (job, priority) = jobs[j];
            routing[j] = RouteCandidates.Find(snapshot, job, priority, now, settings.MaxDistanceKm(job.Mode), 0, candidatesPerJob, maxExamined);
        });

        finding.Stop();
        var capacity = new Dictionary<string, int>(StringComparer.Ordinal);
        var capacityBefore = new Dictionary<string, int>(StringComparer.Ordinal);
        reading.Start();
        await ReadCapacity(routing, capacity, capacityBefore, taken);
        reading.Stop();
        var assigning = new Stopwatch();

        var decisions = new RouteDecision[jobs.Count];
        foreach (var priorityClass in Enumerable.Range(0, jobs.Count).GroupBy(j => jobs[j].Priority).OrderByDescending(g => g.Key))
        {
            var members = priorityClass.ToList();
            var considered = members.ToDictionary(j => j, j => routing[j].Candidates.Length);
            var current = members.Select(j => routing[j]).ToList();
            var asked = members.Select(_ => candidatesPerJob).ToList();
            while (true)
            {
                assigning.Start();
                var planned = BatchRouter.Plan(current, capacity);
                assigning.Stop();
                var retry = new List<int>();
                for (var i = 0; i < members.Count; i++)
                {
                    var j = members[i];
                    decisions[j] = planned[i];
                    if (planned[i].Assigned)
                    {
                        capacity[planned[i].OutletId!]--;
                    }
                    else if (planned[i].Failure == RouteFailureCode.CapacityFull && current[i].Candidates.Length == asked[i] && considered[j] < maxExamined)
                    {
                        retry.Add(j);
                    }
                }

                if (retry.Count == 0)
                {
                    break;
                }

                // Every candidate so far is full: the next nearest ones, as far as dispatch would look.
                var more = new RoutingJob[retry.Count];
                finding.Start();
                asked = retry.Select(j => Math.Min(candidatesPerJob, maxExamined - considered[j])).ToList();
                Parallel.For(0, retry.Count, i =>
                {
                    var j = retry[i];
                    var (job, priority) = jobs[j];
                    more[i] = RouteCandidates.Find(snapshot, job, priority, now, settings.MaxDistanceKm(job.Mode), considered[j], asked[i], maxExamined);
                });
                finding.Stop();
                for (var i = 0; i < retry.Count; i++)
                {
                    considered[retry[i]] += more[i].Candidates.Length;
                }

                reading.Start();
                await ReadCapacity(more, capacity, capacityBefore, taken);
                reading.Stop();
                members = retry;
                current = [.. more];
                if (more.All(m => m.Candidates.IsEmpty))
                {
                    break;
                }
            }

            foreach (var j in priorityClass)
            {
                if (decisions[j].Failure == RouteFailureCode.CapacityFull && routing[j].Candidates.Length > 0)
                {
                    var nearest = routing[j].Candidates[0];
                    decisions[j] = decisions[j] with
                    {
                        FailureReason = $"all {considered[j]} nearest capable outlets are full today; nearest: {nearest.OutletId} at {nearest.DistanceKm:0.0} km",
                    };
                }
            }
        }

        return new WindowPlan([.. Enumerable.Range(0, jobs.Count).Select(j => new PlannedJob(decisions[j], routing[j].NearestCapableKm))], capacityBefore)
        {
            FindingCandidates = finding.Elapsed,
            ReadingCapacity = reading.Elapsed,
            Assigning = assigning.Elapsed,
        };
    }

    /// <summary>Live capacity left today of every candidate outlet not read yet in this window.</summary>
    private async Task ReadCapacity(IEnumerable<RoutingJob> jobs, Dictionary<string, int> capacity, Dictionary<string, int> capacityBefore, IReadOnlyDictionary<string, int> taken)
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
