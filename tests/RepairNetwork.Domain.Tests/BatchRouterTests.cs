using System.Collections.Immutable;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class BatchRouterTests
{
    private static RoutingJob Job(int priority, params (string Outlet, double Km)[] candidates) =>
        new(priority, [.. candidates.Select(c => new RouteCandidate(c.Outlet, c.Km))]);

    private static Dictionary<string, int> Capacity(params (string Outlet, int Left)[] outlets) =>
        outlets.ToDictionary(o => o.Outlet, o => o.Left, StringComparer.Ordinal);

    private static double Total(IEnumerable<RouteDecision> decisions) => decisions.Where(d => d.Assigned).Sum(d => d.DistanceKm);

    [Fact]
    public void Beats_greedy_when_the_first_job_would_take_the_only_outlet_the_second_can_reach_cheaply()
    {
        // A is nearly as close to Y as to X; B has X nearby and Y very far. Greedy in order sends A to
        // X and B the long way to Y (101 km); the router gives X to B, who would lose most without it.
        var jobs = new[] { Job(0, ("X", 1.0), ("Y", 2.0)), Job(0, ("X", 1.5), ("Y", 100.0)) };
        var capacity = Capacity(("X", 1), ("Y", 1));

        var greedy = BatchRouter.Greedy(jobs, capacity);
        var routed = BatchRouter.Plan(jobs, capacity);

        Assert.Equal(101.0, Total(greedy), 6);
        Assert.Equal(3.5, Total(routed), 6);
        Assert.Equal(["Y", "X"], routed.Select(d => d.OutletId));
    }

    [Fact]
    public void Beats_greedy_on_a_city_with_too_little_capacity_near_the_centre()
    {
        // Ten jobs; the centre outlet takes five. Jobs 0-4 sit between the centre and a suburb outlet
        // (3 km vs 4 km); jobs 5-9 are near the centre only (2 km vs 60 km). Greedy fills the centre
        // with the first five; the router keeps it for the jobs with nowhere else to go.
        var jobs = Enumerable.Range(0, 5).Select(_ => Job(0, ("centre", 3), ("suburb", 4)))
            .Concat(Enumerable.Range(0, 5).Select(_ => Job(0, ("centre", 2), ("far", 60))))
            .ToList();
        var capacity = Capacity(("centre", 5), ("suburb", 5), ("far", 5));

        var greedy = BatchRouter.Greedy(jobs, capacity);
        var routed = BatchRouter.Plan(jobs, capacity);

        Assert.True(Total(routed) < Total(greedy), $"router {Total(routed)} km, greedy {Total(greedy)} km");
        Assert.Equal(5 * 4 + 5 * 2, Total(routed), 6);
        Assert.All(routed, d => Assert.True(d.Assigned));
    }

    [Fact]
    public void No_outlet_ever_receives_more_jobs_than_its_capacity()
    {
        var random = new Random(7);
        var outlets = Enumerable.Range(0, 40).Select(i => $"O{i}").ToArray();
        var capacity = outlets.ToDictionary(o => o, _ => random.Next(0, 6), StringComparer.Ordinal);
        var jobs = Enumerable.Range(0, 500).Select(_ =>
        {
            var picks = outlets.OrderBy(_ => random.Next()).Take(random.Next(0, 9)).Select(o => (o, random.NextDouble() * 100)).OrderBy(c => c.Item2).ToArray();
            return Job(random.Next(0, 3), picks);
        }).ToList();

        var routed = BatchRouter.Plan(jobs, capacity);

        var load = BatchRouter.LoadPerOutlet(routed);
        Assert.All(load, l => Assert.True(l.Value <= capacity[l.Key], $"{l.Key} got {l.Value} jobs, capacity {capacity[l.Key]}"));
        // Only as many unassigned as capacity forces: every unassigned job's candidates are all full.
        for (var j = 0; j < jobs.Count; j++)
        {
            if (!routed[j].Assigned)
            {
                Assert.All(jobs[j].Candidates, c => Assert.Equal(capacity[c.OutletId], load.GetValueOrDefault(c.OutletId)));
            }
            else
            {
                Assert.Contains(jobs[j].Candidates, c => c.OutletId == routed[j].OutletId && c.DistanceKm == routed[j].DistanceKm);
            }
        }
    }

    [Fact]
    public void Priority_jobs_get_the_capacity_first_even_when_an_ordinary_job_would_save_more_distance()
    {
        // One slot at X. The ordinary job has nowhere else to go; the priority job could go to Y,
        // but priority jobs are routed before any ordinary job.
        var jobs = new[] { Job(0, ("X", 1.0)), Job(5, ("X", 1.0), ("Y", 50.0)) };

        var routed = BatchRouter.Plan(jobs, Capacity(("X", 1), ("Y", 1)));

        Assert.Equal("X", routed[1].OutletId);
        Assert.False(routed[0].Assigned);
        Assert.Equal(RouteFailureCode.CapacityFull, routed[0].Failure);
    }

    [Fact]
    public void Unassigned_jobs_say_why()
    {
        var jobs = new[]
        {
            new RoutingJob(0, [], "no outlet offering tv.panel (on-site) within 500 km"),
            new RoutingJob(0, []),
            Job(0, ("X", 2.5), ("Y", 3.0)),
        };

        var routed = BatchRouter.Plan(jobs, Capacity(("X", 0), ("Y", 0)));

        Assert.Equal(RouteFailureCode.NoCapableOutlet, routed[0].Failure);
        Assert.Equal("no outlet offering tv.panel (on-site) within 500 km", routed[0].FailureReason);
        Assert.Equal(RouteFailureCode.NoCapableOutlet, routed[1].Failure);
        Assert.NotEmpty(routed[1].FailureReason);
        Assert.Equal(RouteFailureCode.CapacityFull, routed[2].Failure);
        Assert.Equal("all 2 capable outlets considered are full today; nearest: X at 2.5 km", routed[2].FailureReason);
    }

    [Fact]
    public void With_capacity_to_spare_every_job_goes_to_its_nearest_outlet()
    {
        var jobs = new[] { Job(0, ("A", 1), ("B", 2)), Job(0, ("B", 1), ("A", 2)), Job(1, ("A", 3)) };

        var routed = BatchRouter.Plan(jobs, Capacity(("A", 10), ("B", 10)));

        Assert.Equal(["A", "B", "A"], routed.Select(d => d.OutletId));
    }

    [Fact]
    public void Candidates_pass_the_standing_rules_and_come_nearest_first()
    {
        var now = new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
        var day = new DateOnly(2026, 11, 18);
        var certified = (string id) => new[] { Technician(id + "-T", id, onShift: true, ("phone.screen", day.AddYears(1))) };
        var index = OutletSpatialIndex.Empty.With(
        [
            Listing("near-paused", Destination(Shanghai, 0, 1), status: OutletStatus.Paused, roster: certified("near-paused")),
            Listing("near-uncertified", Destination(Shanghai, 0, 2)),
            Listing("mid", Destination(Shanghai, 90, 3), roster: certified("mid")),
            Listing("far", Destination(Shanghai, 180, 8), roster: certified("far")),
        ]);
        var job = new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = Shanghai };

        var found = RouteCandidates.Find(index, job, priority: 2, now, maxDistanceKm: 200, take: 8, maxCapable: 50);
        var nearestOnly = RouteCandidates.Find(index, job, priority: 2, now, maxDistanceKm: 200, take: 1, maxCapable: 50);
        var midFull = RouteCandidates.Find(index, job, priority: 2, now, maxDistanceKm: 200, take: 8, maxCapable: 50, hasRoom: l => l.OutletId != "mid");
        var allFull = RouteCandidates.Find(index, job, priority: 2, now, maxDistanceKm: 200, take: 8, maxCapable: 50, hasRoom: _ => false);
        var none = RouteCandidates.Find(index, job with { Capability = "tv.panel" }, priority: 0, now, maxDistanceKm: 200, take: 8, maxCapable: 50);
        var refused = RouteCandidates.Find(index, job, priority: 0, now, maxDistanceKm: 2.5, take: 8, maxCapable: 50);

        Assert.Equal(["mid", "far"], found.Candidates.Select(c => c.OutletId));
        Assert.Equal(2, found.Priority);
        Assert.Equal(found.Candidates[0].DistanceKm, found.NearestCapableKm);
        Assert.Equal(["mid"], nearestOnly.Candidates.Select(c => c.OutletId));
        Assert.Equal(["far"], midFull.Candidates.Select(c => c.OutletId));
        Assert.Equal(found.Candidates[0].DistanceKm, midFull.NearestCapableKm); // the lower bound ignores capacity
        Assert.Empty(allFull.Candidates);
        Assert.True(allFull.AllFull);
        Assert.Equal(RouteFailureCode.CapacityFull, BatchRouter.Plan([allFull], new Dictionary<string, int>())[0].Failure);
        Assert.Contains("are full today", allFull.NoCandidateReason);
        Assert.Empty(none.Candidates);
        Assert.False(none.AllFull);
        Assert.Contains("no outlet offering tv.panel", none.NoCandidateReason);
        Assert.Contains("near-paused", refused.NoCandidateReason);
        Assert.Contains("paused", refused.NoCandidateReason);
    }

    [Fact]
    public void Routes_a_hundred_thousand_jobs_within_capacity()
    {
        // Not a timing test: a size check that the heap bookkeeping stays consistent at scale.
        var random = new Random(11);
        var outlets = Enumerable.Range(0, 2000).Select(i => $"O{i}").ToArray();
        var capacity = outlets.ToDictionary(o => o, _ => 30, StringComparer.Ordinal);
        var jobs = Enumerable.Range(0, 100_000).Select(_ =>
        {
            var start = random.Next(0, 1990);
            var candidates = Enumerable.Range(0, 8).Select(k => new RouteCandidate(outlets[start + k], k + random.NextDouble())).ToImmutableArray();
            return new RoutingJob(random.Next(0, 2), candidates);
        }).ToList();

        var routed = BatchRouter.Plan(jobs, capacity);

        Assert.All(BatchRouter.LoadPerOutlet(routed), l => Assert.True(l.Value <= 30));
        Assert.True(Total(routed) <= Total(BatchRouter.Greedy(jobs, capacity)) || routed.Count(d => d.Assigned) > BatchRouter.Greedy(jobs, capacity).Count(d => d.Assigned));
    }
}
