using System.Collections.Immutable;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// The outlets a batch may route a job to: those that pass every standing rule on their local date
/// and have room, in the planner's order (as dispatch would try them). Capacity itself comes from the
/// outlets (through <c>hasRoom</c>), not from here.
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
    /// <see cref="DispatchPlanner.PassesStandingRules"/> on the outlet's local date. A batch passes a cached one.
    /// </param>
    /// <param name="hasRoom">Whether an outlet may still have capacity; by default, unless the index knows it is full today.</param>
    /// <param name="planner">Whose order the candidates come in; the default policy's when not given.</param>
    public static RoutingJob Find(
        OutletSpatialIndex index,
        JobRequirement job,
        int priority,
        DateTimeOffset now,
        double maxDistanceKm,
        int take,
        int maxCapable,
        Func<OutletListing, bool>? standing = null,
        Func<OutletListing, bool>? hasRoom = null,
        DispatchPlanner? planner = null)
    {
        planner ??= DispatchPlanner.Default;
        standing ??= listing => DispatchPlanner.PassesStandingRules(OutletInputs.At(listing, now), job);
        hasRoom ??= listing => DispatchPlanner.MayHaveRoom(OutletInputs.At(listing, now));
        var found = ImmutableArray.CreateBuilder<RouteCandidate>(take);
        var capable = 0;
        var examined = 0;
        NearbyOutlet? firstRefused = null;
        NearbyOutlet? firstFull = null;
        double? nearestCapable = null;
        foreach (var nearby in planner.Ranked(index, job, maxDistanceKm))
        {
            var listing = nearby.Listing;
            examined++;
            if (!standing(listing))
            {
                firstRefused ??= nearby;
                continue;
            }

            // The ranking may put a better outlet ahead of a slightly nearer one: the bound is the least distance.
            nearestCapable = Math.Min(nearestCapable ?? double.MaxValue, nearby.DistanceKm);
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
                ? DispatchExplanation.AllFull(capable, $"nearest capable outlets within {maxDistanceKm:0} km", full.Listing.OutletId, full.DistanceKm)
            : firstRefused is { } refused
                ? DispatchExplanation.Unassigned(job, maxDistanceKm, examined, new PassedOverOutlet
                {
                    OutletId = refused.Listing.OutletId,
                    DistanceKm = refused.DistanceKm,
                    Reasons = DispatchPlanner.Screen(OutletInputs.At(refused.Listing, now), job, now).Reasons,
                })
                : DispatchExplanation.Unassigned(job, maxDistanceKm, 0, null);
        return new RoutingJob(priority, found.ToImmutable(), reason)
        {
            NearestCapableKm = nearestCapable,
            AllFull = found.Count == 0 && firstFull is not null,
        };
    }
}
