using System.Collections.Immutable;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// The outlets a batch may route a job to: the nearest ones in the index that pass every standing
/// rule on their local date and are not known to be full, nearest first. Capacity itself comes from
/// the outlets, not from here.
/// </summary>
public static class RouteCandidates
{
    /// <summary>
    /// Candidates number <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/>
    /// (counting only eligible outlets) within <paramref name="maxDistanceKm"/>, and, when the first
    /// call finds none, why: the nearest outlet offering the capability and what it fails.
    /// </summary>
    public static RoutingJob Find(OutletSpatialIndex index, JobRequirement job, int priority, DateTimeOffset now, double maxDistanceKm, int skip, int take, int maxExamined)
    {
        var found = ImmutableArray.CreateBuilder<RouteCandidate>(take);
        var eligible = 0;
        var examined = 0;
        NearbyOutlet? firstRefused = null;
        double? nearestCapable = null;
        ImmutableArray<Unavailability> firstReasons = [];
        foreach (var nearby in index.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(job.Capability), maxDistanceKm))
        {
            if (++examined > maxExamined)
            {
                break;
            }

            var listing = nearby.Listing;
            var today = listing.Profile.Hours.LocalDate(now);
            var reasons = DispatchRules.StandingReasons(listing, job, today);
            nearestCapable ??= reasons.IsEmpty ? nearby.DistanceKm : null;
            if (reasons.IsEmpty && listing.FullOn == today)
            {
                reasons = [DispatchRules.CapacityReason(listing.Profile.DailyCapacity, listing.Profile.DailyCapacity, today)!];
            }

            if (!reasons.IsEmpty)
            {
                if (firstRefused is null)
                {
                    firstRefused = nearby;
                    firstReasons = reasons;
                }

                continue;
            }

            if (eligible++ < skip)
            {
                continue;
            }

            found.Add(new RouteCandidate(listing.OutletId, nearby.DistanceKm));
            if (found.Count == take)
            {
                break;
            }
        }

        var reason = found.Count > 0 || skip > 0 ? string.Empty
            : firstRefused is { } refused
                ? $"none of the {Math.Min(examined, maxExamined)} nearest outlets offering {job.Capability} within {maxDistanceKm:0} km can take the job; nearest: {refused.Listing.OutletId} at {refused.DistanceKm:0.0} km ({string.Join("; ", firstReasons.Select(r => r.Message))})"
                : $"no outlet offering {job.Capability} ({DispatchRules.Describe(job.Mode)}) within {maxDistanceKm:0} km";
        return new RoutingJob(priority, found.ToImmutable(), reason) { NearestCapableKm = nearestCapable };
    }
}
