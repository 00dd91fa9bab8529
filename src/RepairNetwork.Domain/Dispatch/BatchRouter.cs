using System.Collections.Immutable;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>An outlet a routed job could go to (every standing rule passes) and how far it is.</summary>
public readonly record struct RouteCandidate(string OutletId, double DistanceKm);

/// <summary>
/// One job of a routing batch: its priority (higher is routed first), its candidate outlets nearest
/// first, and, when there are none, why not (in words for headquarters).
/// </summary>
public sealed record RoutingJob(int Priority, ImmutableArray<RouteCandidate> Candidates, string NoCandidateReason = "")
{
    /// <summary>Distance to the nearest outlet passing every standing rule, full or not: the job's lower bound.</summary>
    public double? NearestCapableKm { get; init; }

    /// <summary>No candidates because every capable outlet looked at is full (not because none is capable).</summary>
    public bool AllFull { get; init; }
}

/// <summary>Why a routed job has no outlet.</summary>
public enum RouteFailureCode
{
    /// <summary>No outlet within reach passes the standing rules (open, mode, capability, certified technician on shift).</summary>
    NoCapableOutlet = 1,

    /// <summary>Capable outlets exist, but every one considered is full today.</summary>
    CapacityFull = 2,
}

/// <summary>The decision for one job: an outlet and its distance, or the reason there is none.</summary>
public readonly record struct RouteDecision(string? OutletId, double DistanceKm, RouteFailureCode? Failure, string FailureReason)
{
    public bool Assigned => OutletId is not null;
}

/// <summary>
/// Routes a batch of jobs to outlets with limited capacity, minimising total customer distance.
/// Regret insertion: among the jobs still open, the one that would lose most by not getting its best
/// outlet still free (the distance to its second-best minus its best) is placed first; a job with a
/// single free option goes before any with two. Higher priorities are routed completely before
/// lower ones, so a priority job never loses capacity to an ordinary one. No outlet receives more
/// jobs than its capacity. Deterministic: ties go to the earlier job.
/// </summary>
public static class BatchRouter
{
    /// <summary>Routes <paramref name="jobs"/> into <paramref name="capacityLeft"/> (outlet id → jobs it can still take).</summary>
    /// <returns>One decision per job, in the order given.</returns>
    public static RouteDecision[] Plan(IReadOnlyList<RoutingJob> jobs, IReadOnlyDictionary<string, int> capacityLeft)
    {
        var outlets = new OutletTable(jobs, capacityLeft);
        var decisions = new RouteDecision[jobs.Count];
        foreach (var priorityClass in ByPriority(jobs))
        {
            PlanClass(jobs, priorityClass, outlets, decisions);
        }

        return decisions;
    }

    /// <summary>
    /// Plain greedy: each job in turn (priority first, then in the order given) to its nearest
    /// outlet with capacity left. The baseline the batch router must beat.
    /// </summary>
    public static RouteDecision[] Greedy(IReadOnlyList<RoutingJob> jobs, IReadOnlyDictionary<string, int> capacityLeft)
    {
        var outlets = new OutletTable(jobs, capacityLeft);
        var decisions = new RouteDecision[jobs.Count];
        foreach (var priorityClass in ByPriority(jobs))
        {
            foreach (var j in priorityClass)
            {
                var candidates = outlets.CandidatesOf[j];
                var chosen = Array.FindIndex(candidates, o => outlets.Capacity[o] > 0);
                if (chosen < 0)
                {
                    decisions[j] = Failure(jobs[j], outlets, j);
                    continue;
                }

                outlets.Capacity[candidates[chosen]]--;
                decisions[j] = new RouteDecision(jobs[j].Candidates[chosen].OutletId, jobs[j].Candidates[chosen].DistanceKm, null, string.Empty);
            }
        }

        return decisions;
    }

    /// <summary>How many jobs each outlet received.</summary>
    public static Dictionary<string, int> LoadPerOutlet(IEnumerable<RouteDecision> decisions)
    {
        var load = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            if (decision.OutletId is { } outlet)
            {
                load[outlet] = load.GetValueOrDefault(outlet) + 1;
            }
        }

        return load;
    }

    private static IEnumerable<List<int>> ByPriority(IReadOnlyList<RoutingJob> jobs) =>
        Enumerable.Range(0, jobs.Count)
            .GroupBy(j => jobs[j].Priority)
            .OrderByDescending(g => g.Key)
            .Select(g => g.ToList());

    private static void PlanClass(IReadOnlyList<RoutingJob> jobs, List<int> members, OutletTable outlets, RouteDecision[] decisions)
    {
        // Per job: version of its live heap entry, and which outlets' filling can change its regret.
        var version = new int[jobs.Count];
        var done = new bool[jobs.Count];
        var watchers = new Dictionary<int, List<int>>();
        var entries = new PriorityQueue<(int Job, int Version), (double NegRegret, int Job)>(members.Count);

        foreach (var j in members)
        {
            foreach (var o in outlets.CandidatesOf[j])
            {
                if (!watchers.TryGetValue(o, out var list))
                {
                    watchers[o] = list = [];
                }

                list.Add(j);
            }

            Push(j);
        }

        while (entries.TryDequeue(out var entry, out _))
        {
            var (j, v) = entry;
            if (v != version[j] || done[j])
            {
                continue; // stale entry, or already placed
            }

            done[j] = true;
            var (best, _) = BestTwo(j);
            if (best < 0)
            {
                decisions[j] = Failure(jobs[j], outlets, j);
                continue;
            }

            var outlet = outlets.CandidatesOf[j][best];
            decisions[j] = new RouteDecision(jobs[j].Candidates[best].OutletId, jobs[j].Candidates[best].DistanceKm, null, string.Empty);
            if (--outlets.Capacity[outlet] > 0)
            {
                continue;
            }

            // The outlet is full: jobs that counted on it as best or second-best have a new regret.
            foreach (var w in watchers[outlet])
            {
                if (!done[w])
                {
                    version[w]++;
                    Push(w);
                }
            }
        }

        void Push(int j)
        {
            var (best, second) = BestTwo(j);
            var candidates = jobs[j].Candidates;
            var regret = best < 0 ? double.MaxValue // nothing left: settle it at once as unassigned
                : second < 0 ? GreatCircle.MaxDistanceKm * 2 // a single option: take it before it goes
                : candidates[second].DistanceKm - candidates[best].DistanceKm;
            entries.Enqueue((j, version[j]), (-regret, j));
        }

        (int Best, int Second) BestTwo(int j)
        {
            var candidates = outlets.CandidatesOf[j];
            var best = -1;
            for (var i = 0; i < candidates.Length; i++)
            {
                if (outlets.Capacity[candidates[i]] <= 0)
                {
                    continue;
                }

                if (best < 0)
                {
                    best = i;
                }
                else
                {
                    return (best, i);
                }
            }

            return (best, -1);
        }
    }

    private static RouteDecision Failure(RoutingJob job, OutletTable outlets, int j)
    {
        if (job.Candidates.IsEmpty)
        {
            return new RouteDecision(null, 0, job.AllFull ? RouteFailureCode.CapacityFull : RouteFailureCode.NoCapableOutlet,
                job.NoCandidateReason.Length > 0 ? job.NoCandidateReason : DispatchExplanation.NoCandidate(job.AllFull));
        }

        var nearest = job.Candidates[0];
        return new RouteDecision(null, 0, RouteFailureCode.CapacityFull,
            DispatchExplanation.AllFull(job.Candidates.Length, "capable outlets considered", nearest.OutletId, nearest.DistanceKm));
    }

    /// <summary>Outlets as dense indices, with the capacity each has left.</summary>
    private sealed class OutletTable
    {
        public OutletTable(IReadOnlyList<RoutingJob> jobs, IReadOnlyDictionary<string, int> capacityLeft)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            var capacity = new List<int>();
            CandidatesOf = new int[jobs.Count][];
            for (var j = 0; j < jobs.Count; j++)
            {
                var candidates = jobs[j].Candidates;
                var ids = new int[candidates.Length];
                for (var i = 0; i < candidates.Length; i++)
                {
                    if (!index.TryGetValue(candidates[i].OutletId, out var o))
                    {
                        index[candidates[i].OutletId] = o = capacity.Count;
                        capacity.Add(Math.Max(0, capacityLeft.GetValueOrDefault(candidates[i].OutletId)));
                    }

                    ids[i] = o;
                }

                CandidatesOf[j] = ids;
            }

            Capacity = [.. capacity];
        }

        /// <summary>Per job, its candidates' outlet indices, nearest first.</summary>
        public int[][] CandidatesOf { get; }

        public int[] Capacity { get; }
    }
}
