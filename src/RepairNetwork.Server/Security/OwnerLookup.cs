using RepairNetwork.Domain;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Technicians;

namespace RepairNetwork.Server.Security;

/// <summary>
/// Finds the outlet an object belongs to, for scope checks. Unknown ids and malformed ids give null,
/// which is refused exactly like another outlet's object: the answer never reveals existence.
/// </summary>
public sealed class OwnerLookup(IGrainFactory grains)
{
    public async Task<string?> OutletOfOrder(string? orderId)
    {
        if (!Identifiers.IsValidId(orderId))
        {
            return null;
        }

        try
        {
            return (await grains.GetGrain<IRepairOrderGrain>(orderId!).Get()).HoldingOutletId;
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> OutletOfTechnician(string? technicianId)
    {
        if (!Identifiers.IsValidId(technicianId))
        {
            return null;
        }

        try
        {
            return (await grains.GetGrain<ITechnicianGrain>(technicianId!).Get()).Profile.OutletId;
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>The source and destination outlets of a transfer; empty when it is unknown.</summary>
    public async Task<IReadOnlyCollection<string>> OutletsOfTransfer(string? transferId)
    {
        if (!Identifiers.IsValidId(transferId))
        {
            return [];
        }

        try
        {
            var request = (await grains.GetGrain<ITransferGrain>(transferId!).Get()).Request;
            return [request.FromOutletId, request.ToOutletId];
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return [];
        }
    }

    public async Task<string?> SourceOfTransfer(string? transferId) => (await OutletsOfTransfer(transferId)).FirstOrDefault();

    public async Task<string?> DestinationOfTransfer(string? transferId) => (await OutletsOfTransfer(transferId)).Skip(1).FirstOrDefault();
}
