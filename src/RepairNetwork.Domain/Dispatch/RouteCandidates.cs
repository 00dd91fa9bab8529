using System.Collections.Immutable;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// The outlets a batch may route a job to: the nearest ones in the index that pass every standing
/// rule on their local date and have room, nearest first. Capacity itself comes from the outlets
/// (through <c>hasRoom</c>), not from here.
/// </summary>
public static class RouteCandidates
{
    /// <summary>
    /// Up to <paramref name="take"/> candidates within <paramref name="maxDistanceKm"/>, looking at no
    /// more than <paramref name="maxCapable"/> outlets that pass the standing rules (full or not), as
    /// dispatch bounds its search; and, when there are none, why.
    /// </summary>
    /// <param name="standing">
    /// Whether an outlet passes every standing rule for this job (capacity aside); by default
    /// <see cref="DispatchRules.StandingReasons"/> on the outlet's local date. A batch passes a cached one.
    /// </param>
    /// <param name="hasRoom">Whether an outlet may still have capacity; by default, unless the index knows it is full today.</param>
    public static RoutingJob Find(
        OutletSpatialIndex index,
        JobRequirement job,
        int priority,
        DateTimeOffset now,
        double maxDistanceKm,
        int take,
        int maxCapable,
        Func<OutletListing, bool>? standing = null,
        Func<OutletListing, bool>? hasRoom = null)
    {
        standing ??= listing => DispatchRules.StandingReasons(listing, job, listing.Profile.Hours.LocalDate(now)).IsEmpty;
        hasRoom ??= listing => listing.FullOn != listing.Profile.Hours.LocalDate(now);
        var found = ImmutableArray.CreateBuilder<RouteCandidate>(take);
        var capable = 0;
        NearbyOutlet? firstRefused = null;
        NearbyOutlet? firstFull = null;
        double? nearestCapable = null;
        foreach (var nearby in index.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(job.Capability), maxDistanceKm))
        {
            var listing = nearby.Listing;
            if (!standing(listing))
            {
                firstRefused ??= nearby;
                continue;
            }

            nearestCapable ??= nearby.DistanceKm;
            if (hasRoom(listing))
            {
                found.Add(new RouteCandidate(listing.OutletId, nearby.DistanceKm));
            }
            else
            {
                firstFull ??= nearby;
            }

            if (found.Count == take || ++capable >= maxCapable)
            {
                break;
            }
        }

        var reason = found.Count > 0 ? string.Empty
            : firstFull is { } full
                ? $"all {capable} nearest capable outlets within {maxDistanceKm:0} km are full today; nearest: {full.Listing.OutletId} at {full.DistanceKm:0.0} km"
            : firstRefused is { } refused
                ? $"no outlet offering {job.Capability} within {maxDistanceKm:0} km can take the job; nearest: {refused.Listing.OutletId} at {refused.DistanceKm:0.0} km ({string.Join("; ", DispatchRules.StandingReasons(refused.Listing, job, refused.Listing.Profile.Hours.LocalDate(now)).Select(r => r.Message))})"
                : $"no outlet offering {job.Capability} ({DispatchRules.Describe(job.Mode)}) within {maxDistanceKm:0} km";
        return new RoutingJob(priority, found.ToImmutable(), reason)
        {
            NearestCapableKm = nearestCapable,
            AllFull = found.Count == 0 && firstFull is not null,
        };
    }
}
