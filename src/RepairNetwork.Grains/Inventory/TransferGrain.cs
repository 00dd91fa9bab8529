using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Parts;

namespace RepairNetwork.Grains.Inventory;

/// <summary>
/// One stock transfer between two outlets (key: transfer id, chosen by the requester). Stock moves
/// through the outlets' inventories with idempotency keys derived from the transfer id, and each
/// movement is made before the step is recorded: a retried step, or one retried after a silo died
/// half-way, replays the movements instead of repeating them.
/// </summary>
public interface ITransferGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the request. Identical content returns the stored transfer (whatever its status);
    /// different content is ALREADY_EXISTS. Every SKU must be in the catalog and both outlets must exist.
    /// </summary>
    Task<StockTransfer> Request(TransferRequest request, Actor by);

    /// <summary>The transfer; NOT_FOUND when none was requested under this id.</summary>
    [ReadOnly]
    Task<StockTransfer> Get();

    /// <summary>
    /// Takes every line out of the source outlet's stock (TransferOut, key
    /// <c>transfer:{id}:out:{sku}</c>), then records it shipped. Already shipped or received: returns it.
    /// FAILED_PRECONDITION when cancelled, or when the source has too little available stock (the
    /// lines already taken stay taken; retry once stock is there, or cancel to put them back).
    /// </summary>
    Task<StockTransfer> Ship(Actor by);

    /// <summary>Adds every line to the destination's stock (TransferIn, key <c>transfer:{id}:in:{sku}</c>), then records it received. Already received: returns it.</summary>
    Task<StockTransfer> Receive(Actor by);

    /// <summary>Cancels a transfer that has not shipped; lines a begun shipment already took go back to the source. Already cancelled: returns it.</summary>
    Task<StockTransfer> Cancel(Actor by, string reason);
}

[GenerateSerializer, Alias("rn.TransferState")]
public sealed class TransferState
{
    [Id(0)] public StockTransfer? Transfer { get; set; }
}

public sealed class TransferGrain(
    [PersistentState("stock-transfer", StorageNames.Repair)] IPersistentState<TransferState> state,
    TimeProvider clock) : Grain, ITransferGrain
{
    private string TransferId => this.GetPrimaryKeyString();

    public async Task<StockTransfer> Request(TransferRequest request, Actor by)
    {
        if (request.TransferId != TransferId)
        {
            throw DomainException.Invalid("transfer_id", "does not match the addressed transfer");
        }

        if (state.State.Transfer is { } existing)
        {
            if (!existing.Request.SameAs(request))
            {
                throw DomainException.AlreadyExists($"transfer '{TransferId}' was already requested with different content");
            }

            // A retry also completes the outlet listings if the first attempt stopped half-way.
            await List(existing.Request);
            return existing;
        }

        await Task.WhenAll(
            RequireOutlet(request.FromOutletId, "from_outlet_id"),
            RequireOutlet(request.ToOutletId, "to_outlet_id"),
            Task.WhenAll(request.Lines.Select((line, i) => RequirePart(line.Sku, i))));
        if (request.NamesOrderFor(by))
        {
            // Read here, where the transfer is made, so the order named is checked as it stands now.
            var (exists, assignedTo) = await AssignmentOf(request.OrderId);
            request.RequireOrderAtDestination(by, exists, assignedTo);
        }

        // Listed first, so a stored transfer is always listed; a listed id without a transfer is skipped.
        await List(request);
        state.State.Transfer = StockTransfer.Requested(request, by, clock.GetUtcNow());
        await state.WriteOrRollbackAsync(this);
        return state.State.Transfer;
    }

    public Task<StockTransfer> Get() => Task.FromResult(Current());

    public async Task<StockTransfer> Ship(Actor by)
    {
        var transfer = Current();
        if (transfer.Status is TransferStatus.Shipped or TransferStatus.Received)
        {
            return transfer;
        }

        if (transfer.Pending != TransferPendingStep.Shipping)
        {
            await Save(transfer.BeginShipping());
        }

        var source = Inventory(transfer.Request.FromOutletId);
        if (await OrderHold(transfer, source) is not null)
        {
            // The parts were held for the order at dispatch: they leave from that hold, so they were
            // never available to anyone else in between.
            await source.ShipReserved(transfer.Request.OrderId, TransferId);
        }
        else
        {
            foreach (var line in transfer.Request.Lines)
            {
                await source.Adjust(Movement(line, StockAdjustmentKind.TransferOut, PlatformKeys.TransferOut(TransferId, line.Sku), $"transfer {TransferId} to {transfer.Request.ToOutletId}"));
            }
        }

        return await Save(Current().Ship(by, clock.GetUtcNow()));
    }

    public async Task<StockTransfer> Receive(Actor by)
    {
        var transfer = Current();
        if (transfer.Status == TransferStatus.Received)
        {
            return transfer;
        }

        // Checked before any stock arrives: only a shipped transfer can be received.
        var now = clock.GetUtcNow();
        var received = transfer.Receive(by, now);
        var destination = Inventory(transfer.Request.ToOutletId);
        foreach (var line in transfer.Request.Lines)
        {
            await destination.Adjust(Movement(line, StockAdjustmentKind.TransferIn, PlatformKeys.TransferIn(TransferId, line.Sku), $"transfer {TransferId} from {transfer.Request.FromOutletId}"));
        }

        var saved = await Save(received);
        if (!string.IsNullOrEmpty(transfer.Request.OrderId))
        {
            // One-way, so an order busy calling this transfer (cancelling it) cannot deadlock with it.
            // The order holds the arrived parts if it is still at this outlet; if the note is lost,
            // the repair still draws them from available stock at completion.
            GrainFactory.GetGrain<IRepairOrderGrain>(transfer.Request.OrderId).PartsArrived(TransferId, transfer.Request.ToOutletId).Ignore();
        }

        return saved;
    }

    public async Task<StockTransfer> Cancel(Actor by, string reason)
    {
        var transfer = Current();
        if (transfer.Status == TransferStatus.Cancelled)
        {
            return transfer;
        }

        var source = Inventory(transfer.Request.FromOutletId);
        var hold = await OrderHold(transfer, source);
        if (transfer.Pending == TransferPendingStep.None)
        {
            if (hold is { Status: ReservationStatus.Held })
            {
                // Nothing left the shelf; the parts held for the order go back to available.
                await source.Release(transfer.Request.OrderId);
            }

            return await Save(transfer.Cancel(by, reason, clock.GetUtcNow()));
        }

        // A shipment began and may have taken some lines: from here on no shipment may finish.
        if (transfer.Pending == TransferPendingStep.Shipping)
        {
            transfer = await Save(transfer.BeginCancelling());
        }

        // Per line, taking it out again with the shipment's own key either replays (it was taken:
        // now it is returned under the return key) or takes it now and returns it at once, or fails
        // for lack of stock, which means it was never taken. Either way the source ends as before.
        if (hold is not null)
        {
            if (hold.Status == ReservationStatus.Held)
            {
                await source.Release(transfer.Request.OrderId);
            }
            else
            {
                foreach (var line in transfer.Request.Lines)
                {
                    await source.Adjust(Movement(line, StockAdjustmentKind.TransferIn, PlatformKeys.TransferReturn(TransferId, line.Sku), $"transfer {TransferId} cancelled: returned"));
                }
            }

            return await Save(transfer.Cancel(by, reason, clock.GetUtcNow()));
        }

        foreach (var line in transfer.Request.Lines)
        {
            try
            {
                await source.Adjust(Movement(line, StockAdjustmentKind.TransferOut, PlatformKeys.TransferOut(TransferId, line.Sku), $"transfer {TransferId} to {transfer.Request.ToOutletId}"));
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.FailedPrecondition)
            {
                continue;
            }

            await source.Adjust(Movement(line, StockAdjustmentKind.TransferIn, PlatformKeys.TransferReturn(TransferId, line.Sku), $"transfer {TransferId} cancelled: returned"));
        }

        return await Save(transfer.Cancel(by, reason, clock.GetUtcNow()));
    }

    private static StockAdjustment Movement(TransferLine line, StockAdjustmentKind kind, string key, string reason) =>
        StockAdjustment.ByPlatform(line.Sku, kind, line.Quantity, reason, key);

    /// <summary>
    /// For a transfer dispatch requested, the source's hold for its order when it holds exactly the
    /// transfer's lines (held, or already shipped from), or null: then the transfer moves available
    /// stock. Holds are kept per order, so any other transfer naming the order would reach dispatch's hold.
    /// </summary>
    private static async Task<Reservation?> OrderHold(StockTransfer transfer, IOutletInventoryGrain source)
    {
        if (!transfer.Request.ByDispatch
            || await source.GetReservation(transfer.Request.OrderId) is not { } hold
            || hold.Status == ReservationStatus.Released
            || !hold.Lines.Select(l => (l.Sku, l.Quantity)).SequenceEqual(transfer.Request.Lines.Select(l => (l.Sku, l.Quantity))))
        {
            return null;
        }

        return hold;
    }

    private async Task<(bool Exists, string? OutletId)> AssignmentOf(string orderId)
    {
        try
        {
            return (true, (await GrainFactory.GetGrain<IRepairOrderGrain>(orderId).Get()).Assignment?.OutletId);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return (false, null);
        }
    }

    private StockTransfer Current() => state.State.Transfer ?? throw DomainException.NotFound("transfer", TransferId);

    private async Task<StockTransfer> Save(StockTransfer transfer)
    {
        state.State.Transfer = transfer;
        await state.WriteOrRollbackAsync(this);
        return transfer;
    }

    private Task List(TransferRequest request) => Task.WhenAll(
        GrainFactory.GetGrain<IOutletTransfersGrain>(request.FromOutletId).Add(TransferId),
        GrainFactory.GetGrain<IOutletTransfersGrain>(request.ToOutletId).Add(TransferId));

    private async Task RequireOutlet(string outletId, string field)
    {
        try
        {
            await GrainFactory.GetGrain<IOutletGrain>(outletId).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            throw new DomainException(DomainErrorKind.NotFound, $"{field}: outlet '{outletId}' does not exist", field);
        }
    }

    private async Task RequirePart(string sku, int index)
    {
        try
        {
            await GrainFactory.GetGrain<IPartGrain>(sku).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            throw DomainException.Invalid($"lines[{index}].sku", $"'{sku}' is not a genuine part: it is not in the parts catalog");
        }
    }

    private IOutletInventoryGrain Inventory(string outletId) => GrainFactory.GetGrain<IOutletInventoryGrain>(outletId);
}
