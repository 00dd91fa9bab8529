using RepairNetwork.Domain.Dispatch;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class DispatchRankingTests
{
    private static NearbyOutlet Candidate(string id, double km, ServiceScore score) =>
        new(new OutletListing
        {
            Profile = Profile(id, Shanghai),
            Status = Outlets.OutletStatus.Open,
            OnShiftCertifications = [],
            Version = 1,
            UpdatedAt = DateTimeOffset.UnixEpoch,
            Score = score,
        }, km);

    private static readonly ServiceScore Excellent = ServiceScore.None.WithRating(5).WithCompletion(onTime: true);
    private static readonly ServiceScore Poor = ServiceScore.None.WithRating(1).WithCompletion(onTime: false);

    [Fact]
    public void A_better_rated_outlet_wins_a_near_tie_on_distance()
    {
        var ranked = DispatchRanking.Rank([Candidate("poor", 3.0, Poor), Candidate("good", 3.4, Excellent)], weightKm: 1.0);

        Assert.Equal(["good", "poor"], ranked.Select(c => c.Listing.OutletId));
    }

    [Fact]
    public void Distance_still_dominates_beyond_the_tie_break_weight()
    {
        var ranked = DispatchRanking.Rank([Candidate("poor", 3.0, Poor), Candidate("good", 4.2, Excellent)], weightKm: 1.0);

        Assert.Equal(["poor", "good"], ranked.Select(c => c.Listing.OutletId));
    }

    [Fact]
    public void A_zero_weight_ranks_by_distance_alone()
    {
        var ranked = DispatchRanking.Rank([Candidate("poor", 3.0, Poor), Candidate("good", 3.01, Excellent)], weightKm: 0);

        Assert.Equal(["poor", "good"], ranked.Select(c => c.Listing.OutletId));
    }

    [Fact]
    public void An_outlet_without_history_scores_neutral_between_good_and_poor()
    {
        Assert.Equal(0.5, ServiceScore.None.Quality);
        Assert.True(Excellent.Quality > ServiceScore.None.Quality);
        Assert.True(Poor.Quality < ServiceScore.None.Quality);
        var ranked = DispatchRanking.Rank([Candidate("poor", 1.0, Poor), Candidate("new", 1.2, ServiceScore.None), Candidate("good", 1.4, Excellent)], weightKm: 1.0);

        Assert.Equal(["good", "new", "poor"], ranked.Select(c => c.Listing.OutletId));
    }

    [Fact]
    public void Ranking_is_lazy_and_yields_every_candidate_once()
    {
        var candidates = Enumerable.Range(0, 100).Select(i => Candidate($"o{i}", i * 0.3, i % 2 == 0 ? Poor : Excellent)).ToList();
        var pulled = 0;

        var first = DispatchRanking.Rank(candidates.Select(c => { pulled++; return c; }), weightKm: 1.0).First();

        Assert.True(pulled < 10, $"pulled {pulled} candidates to rank the first");
        Assert.Equal("o1", first.Listing.OutletId);
        Assert.Equal(100, DispatchRanking.Rank(candidates, 1.0).Select(c => c.Listing.OutletId).Distinct().Count());
    }
}
