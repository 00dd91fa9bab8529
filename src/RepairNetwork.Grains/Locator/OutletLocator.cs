using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Locator;

/// <summary>One outlet in a locator answer.</summary>
public sealed record LocatedOutlet(OutletAvailability Availability, double DistanceKm);

/// <summary>The locator's answer and the index version that produced it.</summary>
public sealed record LocatorResult(ImmutableArray<LocatedOutlet> Outlets, long IndexVersion);

/// <summary>An outlet holding available stock of a part, and how far it is.</summary>
public sealed record PartAtOutlet(OutletListing Listing, double DistanceKm, int Available);

/// <summary>Outlets with the part, nearest first, and how many outlets were examined to find them.</summary>
public sealed record PartSearchResult(ImmutableArray<PartAtOutlet> Outlets, int Examined, bool Bounded, long IndexVersion);

/// <summary>
/// Answers "nearest service points" from this silo's index; only the few outlets returned are
/// asked for their live state (capacity today, current status), in parallel.
/// </summary>
public sealed class OutletLocator(IOutletIndex index, IGrainFactory grains, TimeProvider clock)
{
    /// <summary>Bounds the work of an available-only search in a network where most outlets are busy.</summary>
    public const int MaxExaminedForAvailableOnly = 200;

    public async Task<LocatorResult> FindNearest(JobRequirement job, int limit, double maxDistanceKm, bool availableOnly)
    {
        var snapshot = index.Current;
        var nearest = snapshot.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(job.Capability), maxDistanceKm);
        if (!availableOnly)
        {
            var candidates = nearest.Take(limit).ToList();
            return new LocatorResult([.. await Confirm(candidates, job)], snapshot.Version);
        }

        // Outlets failing a standing rule in the index are skipped without a call; the rest are
        // confirmed live in batches until enough can take the job.
        var found = ImmutableArray.CreateBuilder<LocatedOutlet>();
        var batch = new List<NearbyOutlet>();
        var examined = 0;
        var now = clock.GetUtcNow();
        using var candidatesLeft = nearest.GetEnumerator();
        while (found.Count < limit && examined < MaxExaminedForAvailableOnly)
        {
            batch.Clear();
            while (batch.Count < limit - found.Count && examined < MaxExaminedForAvailableOnly && candidatesLeft.MoveNext())
            {
                examined++;
                var candidate = candidatesLeft.Current;
                var today = candidate.Listing.Profile.Hours.LocalDate(now);
                if (DispatchRules.StandingReasons(candidate.Listing, job, today).IsEmpty && candidate.Listing.FullOn != today)
                {
                    batch.Add(candidate);
                }
            }

            if (batch.Count == 0)
            {
                break;
            }

            found.AddRange((await Confirm(batch, job)).Where(o => o.Availability.CanTakeJob));
        }

        return new LocatorResult(found.ToImmutable(), snapshot.Version);
    }

    /// <summary>Outlets whose stock a part search asks at once.</summary>
    public const int PartSearchBatch = 16;

    /// <summary>Bounds the work of a part search: at most this many outlets' stock is asked.</summary>
    public const int MaxExaminedForPart = 200;

    /// <summary>
    /// The nearest outlets (not closed) with available stock of <paramref name="sku"/>: candidates come
    /// nearest-first from this silo's index and their inventories are asked in parallel batches until
    /// <paramref name="limit"/> have stock or <see cref="MaxExaminedForPart"/> were asked.
    /// </summary>
    public async Task<PartSearchResult> FindPart(GeoPoint location, string sku, int limit, double maxDistanceKm)
    {
        var snapshot = index.Current;
        using var candidates = snapshot.Nearest(location, l => l.Status != OutletStatus.Closed, maxDistanceKm).GetEnumerator();
        var found = ImmutableArray.CreateBuilder<PartAtOutlet>();
        var batch = new List<NearbyOutlet>(PartSearchBatch);
        var examined = 0;
        var exhausted = false;
        ImmutableArray<string> skus = [sku];
        while (found.Count < limit && examined < MaxExaminedForPart)
        {
            batch.Clear();
            while (batch.Count < PartSearchBatch && examined < MaxExaminedForPart)
            {
                if (!candidates.MoveNext())
                {
                    exhausted = true;
                    break;
                }

                examined++;
                batch.Add(candidates.Current);
            }

            if (batch.Count == 0)
            {
                break;
            }

            var levels = await Task.WhenAll(batch.Select(c => grains.GetGrain<IOutletInventoryGrain>(c.Listing.OutletId).Get(skus)));
            for (var i = 0; i < batch.Count && found.Count < limit; i++)
            {
                var available = levels[i].Levels.FirstOrDefault(l => l.Sku == sku)?.Available ?? 0;
                if (available > 0)
                {
                    found.Add(new PartAtOutlet(batch[i].Listing, batch[i].DistanceKm, available));
                }
            }

            if (exhausted)
            {
                break;
            }
        }

        var bounded = found.Count < limit && !exhausted && examined >= MaxExaminedForPart;
        return new PartSearchResult(found.ToImmutable(), examined, bounded, snapshot.Version);
    }

    private async Task<LocatedOutlet[]> Confirm(IReadOnlyList<NearbyOutlet> candidates, JobRequirement job) =>
        await Task.WhenAll(candidates.Select(async c =>
            new LocatedOutlet(await grains.GetGrain<IOutletGrain>(c.Listing.OutletId).CheckAvailability(job), c.DistanceKm)));
}
