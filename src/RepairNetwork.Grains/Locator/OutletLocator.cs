using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Locator;

/// <summary>One outlet in a locator answer.</summary>
public sealed record LocatedOutlet(OutletAvailability Availability, double DistanceKm);

/// <summary>The locator's answer and the index version that produced it.</summary>
public sealed record LocatorResult(ImmutableArray<LocatedOutlet> Outlets, long IndexVersion);

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

    private async Task<LocatedOutlet[]> Confirm(IReadOnlyList<NearbyOutlet> candidates, JobRequirement job) =>
        await Task.WhenAll(candidates.Select(async c =>
            new LocatedOutlet(await grains.GetGrain<IOutletGrain>(c.Listing.OutletId).CheckAvailability(job), c.DistanceKm)));
}
