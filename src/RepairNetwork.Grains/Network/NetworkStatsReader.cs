using System.Collections.Concurrent;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Network;

/// <summary>Figures summed over a set of outlets (the network, or one region).</summary>
public sealed record NetworkFigures(string Region)
{
    public int Outlets { get; init; }

    public int OpenOutlets { get; init; }

    public long DailyCapacity { get; init; }

    public long BookedToday { get; init; }

    public long CapacityLeftToday { get; init; }

    public long OpenOrders { get; init; }

    public long Ratings { get; init; }

    public long RatingSum { get; init; }

    public long Completions { get; init; }

    public long CompletionsOnTime { get; init; }

    public NetworkFigures Add(OutletLoad load)
    {
        var profile = load.Listing.Profile;
        var score = load.Listing.Score;
        return this with
        {
            Outlets = Outlets + 1,
            OpenOutlets = OpenOutlets + (load.Listing.Status == OutletStatus.Open ? 1 : 0),
            DailyCapacity = DailyCapacity + profile.DailyCapacity,
            BookedToday = BookedToday + load.BookedToday,
            CapacityLeftToday = CapacityLeftToday + load.CapacityLeftToday,
            OpenOrders = OpenOrders + load.OpenOrders,
            Ratings = Ratings + score.Ratings,
            RatingSum = RatingSum + score.RatingSum,
            Completions = Completions + score.Completions,
            CompletionsOnTime = CompletionsOnTime + score.CompletionsOnTime,
        };
    }
}

/// <summary>
/// Reads outlets' live load for the network view. The outlets to ask come from this silo's index; the
/// outlet grains are asked <see cref="Parallelism"/> at a time, so no single grain sits on the path
/// of every call and the work per call is bounded by the outlets it covers.
/// </summary>
public sealed class NetworkStatsReader(IOutletIndex index, IGrainFactory grains)
{
    /// <summary>Outlet grains asked at once.</summary>
    public const int Parallelism = 64;

    /// <summary>Outlets in id order after <paramref name="afterId"/>, of <paramref name="region"/> when given.</summary>
    public IEnumerable<OutletListing> Outlets(string region, string? afterId) =>
        index.Current.InIdOrder(afterId).Where(l => region.Length == 0 || l.Profile.Region == region);

    /// <summary>The live load of each outlet, in the order given.</summary>
    public async Task<OutletLoad[]> Loads(IReadOnlyList<string> outletIds, CancellationToken cancellationToken = default)
    {
        var loads = new OutletLoad[outletIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, outletIds.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, _) =>
        {
            loads[i] = await grains.GetGrain<IOutletGrain>(outletIds[i]).GetLoad();
        });
        return loads;
    }

    /// <summary>Totals and per-region figures over every outlet (of <paramref name="region"/> when given).</summary>
    public async Task<(NetworkFigures Totals, IReadOnlyList<NetworkFigures> Regions)> Summarize(string region, CancellationToken cancellationToken = default)
    {
        var ids = Outlets(region, null).Select(l => l.OutletId).ToList();
        var totals = new NetworkFigures(region);
        var regions = new ConcurrentDictionary<string, NetworkFigures>(StringComparer.Ordinal);
        foreach (var load in await Loads(ids, cancellationToken))
        {
            totals = totals.Add(load);
            var key = load.Listing.Profile.Region;
            regions[key] = regions.GetValueOrDefault(key, new NetworkFigures(key)).Add(load);
        }

        return (totals, [.. regions.Values.OrderBy(r => r.Region, StringComparer.Ordinal)]);
    }
}
