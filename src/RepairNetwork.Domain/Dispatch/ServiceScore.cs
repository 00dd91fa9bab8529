using Orleans;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>How well an outlet has served customers: ratings (1-5) and completions on time.</summary>
[GenerateSerializer, Alias("rn.ServiceScore"), Immutable]
public sealed record ServiceScore
{
    public static ServiceScore None { get; } = new();

    [Id(0)] public int Ratings { get; init; }

    [Id(1)] public long RatingSum { get; init; }

    [Id(2)] public int Completions { get; init; }

    [Id(3)] public int CompletionsOnTime { get; init; }

    public double? AverageRating => Ratings == 0 ? null : (double)RatingSum / Ratings;

    public double? OnTimeRate => Completions == 0 ? null : (double)CompletionsOnTime / Completions;

    /// <summary>
    /// 0 (worst) to 1 (best): the mean of the normalized rating and the on-time rate. An outlet with
    /// no history scores a neutral 0.5, so newcomers are neither favoured nor punished.
    /// </summary>
    public double Quality
    {
        get
        {
            var rating = AverageRating is { } r ? (r - 1) / 4 : 0.5;
            var onTime = OnTimeRate ?? 0.5;
            return (rating + onTime) / 2;
        }
    }

    public ServiceScore WithRating(int rating) => this with { Ratings = Ratings + 1, RatingSum = RatingSum + rating };

    public ServiceScore WithCompletion(bool onTime) => this with { Completions = Completions + 1, CompletionsOnTime = CompletionsOnTime + (onTime ? 1 : 0) };
}

/// <summary>
/// Orders dispatch candidates. Distance dominates: an outlet's service quality can move it ahead
/// only of outlets less than <c>weightKm</c> nearer, since the penalty is weightKm × (1 − quality).
/// </summary>
public static class DispatchRanking
{
    public static double RankingDistance(double distanceKm, ServiceScore score, double weightKm) =>
        distanceKm + (weightKm * (1 - score.Quality));

    /// <summary>
    /// Re-ranks a nearest-first sequence lazily: a candidate is released once no later one (at least
    /// as far, so at least its distance in ranking terms) can still beat it.
    /// </summary>
    public static IEnumerable<NearbyOutlet> Rank(IEnumerable<NearbyOutlet> nearestFirst, double weightKm)
    {
        if (weightKm <= 0)
        {
            foreach (var candidate in nearestFirst)
            {
                yield return candidate;
            }

            yield break;
        }

        var pending = new List<(NearbyOutlet Candidate, double Rank)>();
        foreach (var candidate in nearestFirst)
        {
            // Any later candidate ranks at least at its distance; release those that rank below it.
            while (pending.Count > 0 && MinRank(pending) is var best && pending[best].Rank < candidate.DistanceKm)
            {
                yield return pending[best].Candidate;
                pending.RemoveAt(best);
            }

            pending.Add((candidate, RankingDistance(candidate.DistanceKm, candidate.Listing.Score, weightKm)));
        }

        while (pending.Count > 0)
        {
            var best = MinRank(pending);
            yield return pending[best].Candidate;
            pending.RemoveAt(best);
        }
    }

    private static int MinRank(List<(NearbyOutlet Candidate, double Rank)> pending)
    {
        var best = 0;
        for (var i = 1; i < pending.Count; i++)
        {
            // Ties keep the nearer (earlier) candidate.
            if (pending[i].Rank < pending[best].Rank)
            {
                best = i;
            }
        }

        return best;
    }
}
