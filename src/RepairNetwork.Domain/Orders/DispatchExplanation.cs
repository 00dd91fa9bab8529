using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Domain.Orders;

/// <summary>
/// The sentences dispatch explains itself with, each written once: why an outlet was chosen, and why
/// a job has none. A call-center agent reads them out.
/// </summary>
public static class DispatchExplanation
{
    /// <param name="passedOver">Outlets examined before the chosen one, in the order dispatch tried them.</param>
    public static string For(string outletId, double distanceKm, IReadOnlyList<PassedOverOutlet> passedOver, PartsSupply? parts)
    {
        var chosen = passedOver.Count == 0
            ? $"chose the nearest capable outlet {outletId} at {distanceKm:0.0} km"
            : $"nearest outlet {passedOver[0].OutletId} at {passedOver[0].DistanceKm:0.0} km: {string.Join("; ", passedOver[0].Reasons.Select(r => r.Message))}; chose {outletId} at {distanceKm:0.0} km";
        return parts switch
        {
            null => chosen,
            { Mode: PartsSupplyMode.ReservedInStock } => $"{chosen}, parts reserved there",
            _ => $"{chosen}, parts reserved at {parts.HeldAtOutletId} ({parts.TransferDistanceKm:0.0} km away) and sent by transfer {parts.TransferId}",
        };
    }

    /// <summary>An outlet a routing batch chose ahead and that took the job.</summary>
    public static string Planned(string outletId, double distanceKm) =>
        $"planned by headquarters' routing batch: {outletId} at {distanceKm:0.0} km";

    /// <summary>The outlet of the slot booked with the order, which took the job.</summary>
    public static string Booked(string outletId, double distanceKm) =>
        $"the appointment booked with the order is at {outletId} ({distanceKm:0.0} km)";

    /// <summary>
    /// Why a job has no outlet: <paramref name="examined"/> outlets offering the capability within
    /// reach were looked at and none could take it, <paramref name="first"/> being the first tried;
    /// none at all when no outlet offering it is within reach.
    /// </summary>
    public static string Unassigned(JobRequirement job, double reachKm, int examined, PassedOverOutlet? first) =>
        first is null
            ? $"no outlet offering {job.Capability} ({DispatchRules.Describe(job.Mode)}) within {reachKm:0} km"
            : $"none of the {examined} nearest outlets offering {job.Capability} within {reachKm:0} km can take the job now; nearest: {first.OutletId} at {first.DistanceKm:0.0} km ({string.Join("; ", first.Reasons.Select(r => r.Message))})";

    /// <summary>Why a routed job has no outlet although <paramref name="capable"/> capable ones were looked at: every one is full.</summary>
    public static string AllFull(int capable, string looked, string nearestOutletId, double nearestKm) =>
        $"all {capable} {looked} are full today; nearest: {nearestOutletId} at {nearestKm:0.0} km";

    /// <summary>Why a routed job has no outlet when the router was told no more than whether its capable outlets are full.</summary>
    public static string NoCandidate(bool allFull) =>
        allFull ? "every capable outlet within reach is full today" : "no capable outlet within reach";
}
