using System.Collections.Immutable;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Parts;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class InventoryApi(IGrainFactory grains) : Api.InventoryService.InventoryServiceBase
{
    public const int MaxSkusPerRequest = 1000;

    public override async Task<Api.GetOutletInventoryResponse> GetOutletInventory(Api.GetOutletInventoryRequest request, ServerCallContext context)
    {
        var outletId = await RequireOutlet(request.OutletId);
        if (request.Skus.Count > MaxSkusPerRequest)
        {
            throw RpcErrors.InvalidArgument("skus", $"must list at most {MaxSkusPerRequest} SKUs (got {request.Skus.Count})");
        }

        var skus = request.Skus.Select((sku, i) => Identifiers.RequireId(sku, $"skus[{i}]")).ToImmutableArray();
        var snapshot = await Inventory(outletId).Get(skus);
        var response = new Api.GetOutletInventoryResponse { OutletId = outletId, Version = snapshot.Version };
        response.Items.AddRange(snapshot.Levels.Select(ToProto));
        return response;
    }

    public override async Task<Api.AdjustStockResponse> AdjustStock(Api.AdjustStockRequest request, ServerCallContext context)
    {
        var kind = request.Kind switch
        {
            Api.StockAdjustmentKind.Receive => StockAdjustmentKind.Receive,
            Api.StockAdjustmentKind.CountCorrection => StockAdjustmentKind.CountCorrection,
            Api.StockAdjustmentKind.Consume => StockAdjustmentKind.Consume,
            Api.StockAdjustmentKind.DamageWriteOff => StockAdjustmentKind.DamageWriteOff,
            Api.StockAdjustmentKind.Unspecified => throw RpcErrors.InvalidArgument("kind", "must be specified (RECEIVE, COUNT_CORRECTION, CONSUME or DAMAGE_WRITE_OFF)"),
            _ => throw RpcErrors.InvalidArgument("kind", $"{(int)request.Kind} is not a known adjustment kind"),
        };
        var adjustment = StockAdjustment.Create(request.Sku, kind, request.Quantity, request.Reason, request.IdempotencyKey);
        var outletId = await RequireOutlet(request.OutletId);
        await RequireCatalogPart(adjustment.Sku, "sku");
        var result = await Inventory(outletId).Adjust(adjustment);
        return new Api.AdjustStockResponse { Level = ToProto(result.Level), Replayed = result.Replayed };
    }

    public override async Task<Api.ListStockMovementsResponse> ListStockMovements(Api.ListStockMovementsRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var before = CommonMapping.DecodePageToken(request.PageToken, MovementsPageKind) is { } position
            ? long.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence > 0
                ? sequence
                : throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method")
            : long.MaxValue;
        var sku = string.IsNullOrEmpty(request.Sku) ? null : Identifiers.RequireId(request.Sku, "sku");
        var outletId = await RequireOutlet(request.OutletId);
        var page = await Inventory(outletId).ListMovements(sku, before, pageSize);
        var response = new Api.ListStockMovementsResponse();
        response.Movements.AddRange(page.Movements.Select(ToProto));
        if (page.More)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(MovementsPageKind, page.NextBefore.ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    private const string MovementsPageKind = "stock-movements";

    public override async Task<Api.SetReorderPointResponse> SetReorderPoint(Api.SetReorderPointRequest request, ServerCallContext context)
    {
        var point = ReorderPoint.Create(request.Sku, request.ReorderPoint, request.ReorderQuantity);
        var outletId = await RequireOutlet(request.OutletId);
        await RequireCatalogPart(point.Sku, "sku");
        var result = await Inventory(outletId).SetReorderPoint(point);
        return new Api.SetReorderPointResponse
        {
            Level = ToProto(result.Level),
            ReorderPoint = result.ReorderPoint.Point,
            ReorderQuantity = result.ReorderPoint.Quantity,
            LowStock = result.Low,
        };
    }

    public override async Task WatchStockAlerts(Api.WatchStockAlertsRequest request, IServerStreamWriter<Api.WatchStockAlertsResponse> responseStream, ServerCallContext context)
    {
        // Ends when the caller cancels or its right to what it watches is gone (StreamGuard).
        var cancelled = StreamGuard.TokenFor(context);
        if (request.AfterSequence < 0)
        {
            throw RpcErrors.InvalidArgument("after_sequence", "must not be negative");
        }

        if (string.IsNullOrEmpty(request.OutletId))
        {
            await WatchNetworkStockAlerts(request.AfterSequence, responseStream, context);
            return;
        }

        var outletId = await RequireOutlet(request.OutletId);
        var inventory = Inventory(outletId);
        var after = request.AfterSequence;
        while (!cancelled.IsCancellationRequested)
        {
            var page = await inventory.WaitForAlerts(after, WatchBatch, WatchPollInterval).WaitAsync(cancelled);
            if (page.FirstRetained > after + 1 && page.LastSequence > after)
            {
                throw new RpcException(new Status(StatusCode.OutOfRange, $"alerts {after + 1}-{page.FirstRetained - 1} are no longer kept; read the outlet's inventory to resynchronise, then watch from {page.LastSequence}"));
            }

            foreach (var alert in page.Alerts)
            {
                await responseStream.WriteAsync(new Api.WatchStockAlertsResponse { Alert = ToProto(outletId, alert) }, cancelled);
                after = alert.Sequence;
            }
        }
    }

    /// <summary>Headquarters' stream of every outlet's alerts (the access policy admits only hq without an outlet id).</summary>
    private async Task WatchNetworkStockAlerts(long after, IServerStreamWriter<Api.WatchStockAlertsResponse> responseStream, ServerCallContext context)
    {
        // Ends when the caller cancels or its right to what it watches is gone (StreamGuard).
        var cancelled = StreamGuard.TokenFor(context);
        var feed = grains.GetGrain<IStockAlertFeedGrain>(IStockAlertFeedGrain.NetworkKey);
        while (!cancelled.IsCancellationRequested)
        {
            var page = await feed.WaitForAlerts(after, WatchBatch, WatchPollInterval).WaitAsync(cancelled);
            if (page.FirstRetained > after + 1 && page.LastSequence > after)
            {
                throw new RpcException(new Status(StatusCode.OutOfRange, $"network alerts {after + 1}-{page.FirstRetained - 1} are no longer kept; read the outlets' inventories to resynchronise, then watch from {page.LastSequence}"));
            }

            foreach (var alert in page.Alerts)
            {
                var proto = ToProto(alert.OutletId, alert.Alert);
                proto.Sequence = alert.Sequence;
                await responseStream.WriteAsync(new Api.WatchStockAlertsResponse { Alert = proto }, cancelled);
                after = alert.Sequence;
            }
        }
    }

    public override async Task<Api.SyncStockCountResponse> SyncStockCount(Api.SyncStockCountRequest request, ServerCallContext context)
    {
        var syncId = Identifiers.RequireId(request.SyncId, "sync_id");
        var counts = StockCounts.Lines([.. request.Counts.Select(c => c is null ? null! : PartQuantity.Of(c.Sku, c.OnHand))], "counts");
        var outletId = await RequireOutlet(request.OutletId);
        var listed = await AreCatalogParts([.. request.Counts.Select(c => c.Sku)], context.CancellationToken);
        var missing = Array.IndexOf(listed, false);
        if (missing >= 0)
        {
            throw RpcErrors.InvalidArgument($"counts[{missing}].sku", $"'{request.Counts[missing].Sku}' is not in the parts catalog; headquarters lists a part before outlets stock it");
        }

        var result = await Inventory(outletId).SyncCount(syncId, counts);
        var response = new Api.SyncStockCountResponse { CountedSkus = result.Sync.Counts.Length, Replayed = result.Replayed, Version = result.Version };
        response.Differences.AddRange(result.Sync.Differences.Select(d => new Api.StockDifference { Sku = d.Sku, Expected = d.Expected, Counted = d.Counted, Delta = d.Delta }));
        return response;
    }

    /// <summary>How long one long poll waits; under Orleans' response timeout, so a quiet stream is not an error.</summary>
    private static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(15);

    private const int WatchBatch = 200;

    private static Api.StockAlert ToProto(string outletId, StockAlert alert) => new()
    {
        Sequence = alert.Sequence,
        OutletId = outletId,
        Sku = alert.Sku,
        Kind = alert.Kind switch
        {
            StockAlertKind.LowStock => Api.StockAlertKind.LowStock,
            StockAlertKind.Recovered => Api.StockAlertKind.Recovered,
            _ => Api.StockAlertKind.Unspecified,
        },
        Available = alert.Available,
        OnHand = alert.OnHand,
        ReorderPoint = alert.ReorderPoint.Point,
        ReorderQuantity = alert.ReorderPoint.Quantity,
        CreateTime = CommonMapping.ToProto(alert.At),
    };

    private static Api.StockMovement ToProto(StockMovement movement) => new()
    {
        Sequence = movement.Sequence,
        Sku = movement.Adjustment.Sku,
        Kind = movement.Adjustment.Kind switch
        {
            StockAdjustmentKind.Receive => Api.StockMovementKind.Receive,
            StockAdjustmentKind.CountCorrection => Api.StockMovementKind.CountCorrection,
            StockAdjustmentKind.Consume => Api.StockMovementKind.Consume,
            StockAdjustmentKind.DamageWriteOff => Api.StockMovementKind.DamageWriteOff,
            StockAdjustmentKind.TransferOut => Api.StockMovementKind.TransferOut,
            StockAdjustmentKind.TransferIn => Api.StockMovementKind.TransferIn,
            StockAdjustmentKind.Reserve => Api.StockMovementKind.Reserve,
            StockAdjustmentKind.Release => Api.StockMovementKind.Release,
            StockAdjustmentKind.ConsumeReserved => Api.StockMovementKind.ConsumeReserved,
            _ => Api.StockMovementKind.Unspecified,
        },
        Quantity = movement.Adjustment.Quantity,
        OnHandDelta = movement.OnHandDelta,
        OnHandAfter = movement.OnHandAfter,
        ReservedAfter = movement.ReservedAfter,
        Reason = movement.Adjustment.Reason,
        OrderId = movement.OrderId,
        IdempotencyKey = movement.Adjustment.IdempotencyKey,
        CreateTime = CommonMapping.ToProto(movement.At),
    };

    private static Api.StockLevel ToProto(StockLevel level) => new()
    {
        Sku = level.Sku,
        OnHand = level.OnHand,
        Reserved = level.Reserved,
        Available = level.Available,
        UpdateTime = level.UpdatedAt == default ? null : CommonMapping.ToProto(level.UpdatedAt),
    };

    /// <summary>Stock belongs to a registered outlet; anything else is NOT_FOUND, not an empty inventory.</summary>
    private async Task<string> RequireOutlet(string? outletId)
    {
        var id = Identifiers.RequireId(outletId, "outlet_id");
        await grains.GetGrain<IOutletGrain>(id).Get();
        return id;
    }

    /// <summary>
    /// Part grains a count's catalog check asks at once. A count may name <see cref="StockCounts.MaxCounts"/>
    /// SKUs; waking that many grains in one burst would queue every other call on the silo behind it.
    /// </summary>
    public const int CatalogChecksAtOnce = 16;

    /// <summary>Whether each SKU is in the catalog, in the order given; stops when the caller gives up.</summary>
    private async Task<bool[]> AreCatalogParts(IReadOnlyList<string> skus, CancellationToken cancellationToken)
    {
        var listed = new bool[skus.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = CatalogChecksAtOnce, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, skus.Count), options, async (i, token) => listed[i] = await IsCatalogPart(skus[i], token));
        return listed;
    }

    private async Task<bool> IsCatalogPart(string sku, CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IPartGrain>(sku).Get(cancellationToken);
            return true;
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>Only genuine parts are stocked: a SKU outside headquarters' catalog is INVALID_ARGUMENT naming the field.</summary>
    private async Task RequireCatalogPart(string sku, string field)
    {
        try
        {
            await grains.GetGrain<IPartGrain>(sku).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            throw RpcErrors.InvalidArgument(field, $"'{sku}' is not in the parts catalog; headquarters lists a part before outlets stock it");
        }
    }

    private IOutletInventoryGrain Inventory(string outletId) => grains.GetGrain<IOutletInventoryGrain>(outletId);
}
