namespace RepairNetwork.Domain.Orders;

/// <summary>Why the dispatcher chose an outlet, in one sentence a call-center agent can read out.</summary>
public static class DispatchExplanation
{
    /// <param name="passedOver">Outlets examined before the chosen one, nearest first.</param>
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
}
