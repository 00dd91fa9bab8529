using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Grains.Parts;

namespace RepairNetwork.Grains.Inventory;

/// <summary>Spare-part stock of one outlet, with its ledger of movements.</summary>
public interface IOutletInventoryGrain : IGrainWithStringKey
{
    /// <summary>Stock per SKU in SKU order; only the given SKUs when any are given.</summary>
    [ReadOnly]
    Task<InventorySnapshot> Get(ImmutableArray<string> skus);

    /// <summary>Applies an adjustment once per idempotency key.</summary>
    Task<AdjustmentResult> Adjust(StockAdjustment adjustment);

    /// <summary>
    /// Holds <paramref name="parts"/> for the order, all or nothing: when any line is short nothing is
    /// held and the result lists the shortfalls (a refusal is not remembered; asking again tries again).
    /// Idempotent per order: the same lines again return the same result (Replayed); other lines while
    /// the order holds parts are ALREADY_EXISTS (release first). After a release the order may reserve
    /// anew; after consumption it is FAILED_PRECONDITION. Lines are summed per SKU; SKUs must be in
    /// the parts catalog (INVALID_ARGUMENT naming parts[i].sku).
    /// </summary>
    Task<ReservationResult> Reserve(string orderId, ImmutableArray<PartQuantity> parts);

    /// <summary>Gives back whatever the order holds (cancelled, or moved to another outlet). Idempotent; no-op when it holds nothing.</summary>
    Task Release(string orderId);

    /// <summary>
    /// The order's repair fitted <paramref name="fitted"/> (may be empty): held units are consumed,
    /// held units not fitted are released, fitted units beyond the hold come from available stock
    /// (FAILED_PRECONDITION naming the SKU when short; nothing applied). Exactly once per order: the
    /// same fitted lines again replay the first answer, other lines are ALREADY_EXISTS. Works without
    /// a reservation too (everything from available stock).
    /// </summary>
    Task<ConsumptionResult> ConsumeReservation(string orderId, ImmutableArray<PartQuantity> fitted);

    /// <summary>
    /// Ledger movements newest first with a sequence below <paramref name="beforeSequence"/>, only of
    /// <paramref name="sku"/> when given; at most <paramref name="max"/>.
    /// </summary>
    [ReadOnly]
    Task<MovementPage> ListMovements(string? sku, long beforeSequence, int max);

    /// <summary>
    /// Sets a SKU's reorder point; identical values are a no-op. The alert feed gets a LowStock entry
    /// at once when available is already at or below the new point.
    /// </summary>
    Task<ReorderPointResult> SetReorderPoint(ReorderPoint reorderPoint);

    /// <summary>
    /// Stock alerts after <paramref name="afterSequence"/>; when there are none yet, waits up to
    /// <paramref name="maxWait"/> for one (a long poll that does not block the outlet's stock calls).
    /// </summary>
    [AlwaysInterleave]
    Task<StockAlertPage> WaitForAlerts(long afterSequence, int max, TimeSpan maxWait);

    /// <summary>
    /// Applies a full physical count once per <paramref name="syncId"/>: the same id and counts again
    /// replay the first answer, other counts are ALREADY_EXISTS. Counted SKUs get a count correction
    /// where they differ; SKUs not counted keep their stock. A count below a SKU's reserved units is
    /// FAILED_PRECONDITION naming it, and nothing is applied.
    /// </summary>
    Task<StockSyncResult> SyncCount(string syncId, ImmutableArray<PartQuantity> counts);

    /// <summary>
    /// Ships what the order holds here on <paramref name="transferId"/> (TransferOut movements), so the
    /// held units never become available to anyone else on the way. Once per order: shipped already
    /// returns the reservation; released or never held is FAILED_PRECONDITION.
    /// </summary>
    Task<Reservation> ShipReserved(string orderId, string transferId);

    /// <summary>The order's reservation at this outlet (held, released or consumed), or null.</summary>
    [ReadOnly]
    Task<Reservation?> GetReservation(string orderId);
}

[GenerateSerializer, Alias("rn.ReservationResult"), Immutable]
public sealed record ReservationResult
{
    [Id(0)] public required string OrderId { get; init; }

    /// <summary>True when every line is held for the order; false when nothing is held.</summary>
    [Id(1)] public required bool Reserved { get; init; }

    /// <summary>The order's lines, one per SKU in SKU order.</summary>
    [Id(2)] public required ImmutableArray<PartQuantity> Lines { get; init; }

    /// <summary>When not reserved: each SKU short, with what was asked and what is available.</summary>
    [Id(3)] public required ImmutableArray<PartShortfall> Shortfalls { get; init; }

    /// <summary>True when the order already held these lines and this call changed nothing.</summary>
    [Id(4)] public required bool Replayed { get; init; }
}

[GenerateSerializer, Alias("rn.ReorderPointResult"), Immutable]
public sealed record ReorderPointResult
{
    [Id(0)] public required ReorderPoint ReorderPoint { get; init; }

    [Id(1)] public required StockLevel Level { get; init; }

    /// <summary>True when available is at or below the reorder point.</summary>
    [Id(2)] public required bool Low { get; init; }
}

[GenerateSerializer, Alias("rn.StockAlertPage"), Immutable]
public sealed record StockAlertPage
{
    [Id(0)] public required ImmutableArray<StockAlert> Alerts { get; init; }

    /// <summary>The oldest sequence still kept (LastSequence + 1 when none are kept).</summary>
    [Id(1)] public required long FirstRetained { get; init; }

    [Id(2)] public required long LastSequence { get; init; }
}

[GenerateSerializer, Alias("rn.StockSyncResult"), Immutable]
public sealed record StockSyncResult
{
    [Id(0)] public required StockSync Sync { get; init; }

    /// <summary>True when this sync was applied before and this call changed nothing.</summary>
    [Id(1)] public required bool Replayed { get; init; }

    [Id(2)] public required long Version { get; init; }
}

[GenerateSerializer, Alias("rn.MovementPage"), Immutable]
public sealed record MovementPage
{
    /// <summary>Newest first.</summary>
    [Id(0)] public required ImmutableArray<StockMovement> Movements { get; init; }

    /// <summary>True when older matching movements may follow; continue with <see cref="NextBefore"/>.</summary>
    [Id(1)] public required bool More { get; init; }

    /// <summary>When <see cref="More"/>: the sequence the next call lists movements below.</summary>
    [Id(2)] public long NextBefore { get; init; }
}

[GenerateSerializer, Alias("rn.ConsumptionResult"), Immutable]
public sealed record ConsumptionResult
{
    [Id(0)] public required Reservation Reservation { get; init; }

    /// <summary>True when the order's consumption was applied before and this call changed nothing.</summary>
    [Id(1)] public required bool Replayed { get; init; }
}

[GenerateSerializer, Alias("rn.InventorySnapshot"), Immutable]
public sealed record InventorySnapshot
{
    [Id(0)] public required ImmutableArray<StockLevel> Levels { get; init; }

    [Id(1)] public required long Version { get; init; }
}

[GenerateSerializer, Alias("rn.AdjustmentResult"), Immutable]
public sealed record AdjustmentResult
{
    [Id(0)] public required StockLevel Level { get; init; }

    [Id(1)] public required bool Replayed { get; init; }
}

[GenerateSerializer, Alias("rn.OutletInventoryState")]
public sealed class OutletInventoryState
{
    [Id(0)] public Dictionary<string, StockLevel> Levels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The newest movements, oldest first; older ones are in full pages of <see cref="IStockLedgerPageGrain"/>.
    /// Together they sum to on hand per SKU.
    /// </summary>
    [Id(1)] public List<StockMovement> Ledger { get; set; } = [];

    /// <summary>
    /// Idempotency key → the ledger sequence it produced, for keys applied before client and platform
    /// keys were kept apart; only read now, so retries of those keys still replay.
    /// </summary>
    [Id(2)] public Dictionary<string, long> AppliedKeys { get; set; } = new(StringComparer.Ordinal);

    [Id(3)] public long Version { get; set; }

    /// <summary>Order id → its reservation here, kept after release or consumption so retries replay.</summary>
    [Id(4)] public Dictionary<string, Reservation> Reservations { get; set; } = new(StringComparer.Ordinal);

    [Id(5)] public Dictionary<string, ReorderPoint> ReorderPoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SKUs whose last alert was LowStock.</summary>
    [Id(6)] public HashSet<string> FlaggedLow { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most recent stock alerts, oldest first; older ones are pruned.</summary>
    [Id(7)] public List<StockAlert> Alerts { get; set; } = [];

    [Id(8)] public long LastAlertSequence { get; set; }

    /// <summary>Sync id → the count applied under it, so a retried sync replays.</summary>
    [Id(9)] public Dictionary<string, StockSync> Syncs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Alerts up to this sequence are in headquarters' network feed (saved with the next write).</summary>
    [Id(10)] public long PublishedThrough { get; set; }

    /// <summary>Movements up to this sequence live in ledger pages, not in <see cref="Ledger"/>.</summary>
    [Id(11)] public long ArchivedThrough { get; set; }

    /// <summary>Client idempotency key → the ledger sequence it produced.</summary>
    [Id(12)] public Dictionary<string, long> ClientKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Platform idempotency key → the ledger sequence it produced; no client key is ever looked up here.</summary>
    [Id(13)] public Dictionary<string, long> PlatformKeys { get; set; } = new(StringComparer.Ordinal);
}

public sealed class OutletInventoryGrain(
    [PersistentState("outlet-inventory", StorageNames.Repair)] IPersistentState<OutletInventoryState> state,
    TimeProvider clock,
    Telemetry.RepairNetworkMetrics metrics) : Grain, IOutletInventoryGrain
{
    public Task<InventorySnapshot> Get(ImmutableArray<string> skus)
    {
        var levels = skus.IsDefaultOrEmpty
            ? state.State.Levels.Values
            : skus.Distinct().Select(sku => state.State.Levels.GetValueOrDefault(sku) ?? StockLevel.Empty(sku, default));
        return Task.FromResult(new InventorySnapshot
        {
            Levels = [.. levels.OrderBy(l => l.Sku, StringComparer.Ordinal)],
            Version = state.State.Version,
        });
    }

    public async Task<AdjustmentResult> Adjust(StockAdjustment adjustment)
    {
        var keys = KeysOf(adjustment.KeyOrigin);
        if (keys.TryGetValue(adjustment.IdempotencyKey, out var sequence) || state.State.AppliedKeys.TryGetValue(adjustment.IdempotencyKey, out sequence))
        {
            var earlier = (await Movement(sequence)).Adjustment;
            if (!earlier.SameChangeAs(adjustment))
            {
                throw DomainException.AlreadyExists($"idempotency_key '{Identifiers.Truncate(adjustment.IdempotencyKey)}' was already used for a different adjustment");
            }

            return new AdjustmentResult { Level = state.State.Levels[adjustment.Sku], Replayed = true };
        }

        var change = Change();
        var before = change.Level(adjustment.Sku);
        var after = before.Apply(adjustment, change.Now);
        change.Record(before, after, adjustment);
        keys[adjustment.IdempotencyKey] = change.Movements[^1].Sequence;
        await Commit(change);
        return new AdjustmentResult { Level = after, Replayed = false };
    }

    /// <summary>Each origin's keys in a dictionary of their own: a client key and a platform key never meet, whatever their text.</summary>
    private Dictionary<string, long> KeysOf(KeyOrigin origin) => origin switch
    {
        KeyOrigin.Client => state.State.ClientKeys,
        KeyOrigin.Platform => state.State.PlatformKeys,
        _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "an adjustment says whose key it carries"),
    };

    public async Task<ReservationResult> Reserve(string orderId, ImmutableArray<PartQuantity> parts)
    {
        orderId = Identifiers.RequireId(orderId, "order_id");
        var lines = Reservations.Lines(parts.IsDefault ? [] : parts, "parts", allowEmpty: false);
        if (state.State.Reservations.GetValueOrDefault(orderId) is { } existing)
        {
            switch (existing.Status)
            {
                case ReservationStatus.Held when existing.Lines.SequenceEqual(lines):
                    return new ReservationResult { OrderId = orderId, Reserved = true, Lines = lines, Shortfalls = [], Replayed = true };
                case ReservationStatus.Held:
                    throw DomainException.AlreadyExists($"order '{orderId}' already holds other parts at this outlet; release them first");
                case ReservationStatus.Consumed:
                    throw DomainException.Precondition($"order '{orderId}' already consumed its parts at this outlet");
            }
        }

        await RequireCatalog(parts, "parts");
        var change = Change();
        var shortfalls = Reservations.Shortfalls(change, lines);
        if (!shortfalls.IsEmpty)
        {
            return new ReservationResult { OrderId = orderId, Reserved = false, Lines = lines, Shortfalls = shortfalls, Replayed = false };
        }

        state.State.Reservations[orderId] = Reservations.Hold(change, orderId, lines);
        await Commit(change);
        return new ReservationResult { OrderId = orderId, Reserved = true, Lines = lines, Shortfalls = [], Replayed = false };
    }

    public async Task Release(string orderId)
    {
        orderId = Identifiers.RequireId(orderId, "order_id");
        if (state.State.Reservations.GetValueOrDefault(orderId) is not { Status: ReservationStatus.Held } held)
        {
            return;
        }

        var change = Change();
        state.State.Reservations[orderId] = Reservations.Release(change, held);
        await Commit(change);
    }

    public async Task<ConsumptionResult> ConsumeReservation(string orderId, ImmutableArray<PartQuantity> fitted)
    {
        orderId = Identifiers.RequireId(orderId, "order_id");
        var lines = Reservations.Lines(fitted.IsDefault ? [] : fitted, "fitted", allowEmpty: true);
        var existing = state.State.Reservations.GetValueOrDefault(orderId);
        if (existing is { Status: ReservationStatus.Consumed })
        {
            return existing.Fitted.SequenceEqual(lines)
                ? new ConsumptionResult { Reservation = existing, Replayed = true }
                : throw DomainException.AlreadyExists($"order '{orderId}' already consumed other parts at this outlet");
        }

        await RequireCatalog(fitted.IsDefault ? [] : fitted, "fitted");
        var change = Change();
        var consumed = Reservations.Consume(change, orderId, existing, lines);
        state.State.Reservations[orderId] = consumed;
        await Commit(change);
        return new ConsumptionResult { Reservation = consumed, Replayed = false };
    }

    public async Task<MovementPage> ListMovements(string? sku, long beforeSequence, int max)
    {
        var page = ImmutableArray.CreateBuilder<StockMovement>();
        bool Matches(StockMovement m) => m.Sequence < beforeSequence && (sku is null || m.Adjustment.Sku == sku);

        // Newest first: the movements in state, then archived pages backwards, a bounded number per call.
        foreach (var movement in Enumerable.Reverse(state.State.Ledger).Where(Matches))
        {
            if (page.Count == max)
            {
                return new MovementPage { Movements = page.ToImmutable(), More = true, NextBefore = page[^1].Sequence };
            }

            page.Add(movement);
        }

        var archived = Math.Min(beforeSequence - 1, state.State.ArchivedThrough);
        var pagesRead = 0;
        for (var number = IStockLedgerPageGrain.PageOf(archived); archived > 0 && number >= 0; number--)
        {
            if (pagesRead++ == MaxArchivePagesPerList)
            {
                // The caller continues below this page; the token carries where.
                return new MovementPage { Movements = page.ToImmutable(), More = true, NextBefore = (number + 1) * IStockLedgerPageGrain.Size + 1 };
            }

            var movements = await GrainFactory.GetGrain<IStockLedgerPageGrain>(IStockLedgerPageGrain.Key(this.GetPrimaryKeyString(), number)).Get();
            foreach (var movement in Enumerable.Reverse(movements).Where(Matches))
            {
                if (page.Count == max)
                {
                    return new MovementPage { Movements = page.ToImmutable(), More = true, NextBefore = page[^1].Sequence };
                }

                page.Add(movement);
            }
        }

        return new MovementPage { Movements = page.ToImmutable(), More = false, NextBefore = 0 };
    }

    /// <summary>Archived pages one listing call reads at most, so a rare SKU cannot make a call scan years of ledger.</summary>
    public const int MaxArchivePagesPerList = 20;

    /// <summary>Movements kept in the grain's own state; beyond this, full pages move to ledger page grains.</summary>
    public const int LedgerKeptInState = 500;

    private async Task<StockMovement> Movement(long sequence)
    {
        if (sequence > state.State.ArchivedThrough)
        {
            return state.State.Ledger.Single(m => m.Sequence == sequence);
        }

        var page = await GrainFactory.GetGrain<IStockLedgerPageGrain>(IStockLedgerPageGrain.Key(this.GetPrimaryKeyString(), IStockLedgerPageGrain.PageOf(sequence))).Get();
        return page.Single(m => m.Sequence == sequence);
    }

    /// <summary>
    /// Moves the oldest full pages out of state once it holds a page more than it keeps. Each page is
    /// stored before it leaves state, so a crash in between only stores it again.
    /// </summary>
    private async Task ArchiveLedger()
    {
        var ledger = state.State.Ledger;
        var size = IStockLedgerPageGrain.Size;
        if (ledger.Count < LedgerKeptInState + size)
        {
            return;
        }

        while (ledger.Count >= LedgerKeptInState + size)
        {
            var first = ledger[0].Sequence;
            var number = IStockLedgerPageGrain.PageOf(first);
            var take = SequencePages.RestOfPage(first, size);
            var movements = ledger.Take(take).ToImmutableArray();
            await GrainFactory.GetGrain<IStockLedgerPageGrain>(IStockLedgerPageGrain.Key(this.GetPrimaryKeyString(), number)).Store(movements);
            ledger.RemoveRange(0, take);
            state.State.ArchivedThrough = movements[^1].Sequence;
        }

        await state.WriteOrRollbackAsync(this);
    }

    public async Task<StockSyncResult> SyncCount(string syncId, ImmutableArray<PartQuantity> counts)
    {
        syncId = Identifiers.RequireId(syncId, "sync_id");
        var lines = StockCounts.Lines(counts.IsDefault ? [] : counts, "counts");
        if (state.State.Syncs.GetValueOrDefault(syncId) is { } earlier)
        {
            return earlier.Counts.SequenceEqual(lines)
                ? new StockSyncResult { Sync = earlier, Replayed = true, Version = state.State.Version }
                : throw DomainException.AlreadyExists($"sync_id '{syncId}' was already used for a different count");
        }

        var change = Change();
        var sync = StockCounts.Apply(change, syncId, lines);
        state.State.Syncs[syncId] = sync;
        await Commit(change);
        return new StockSyncResult { Sync = sync, Replayed = false, Version = state.State.Version };
    }

    public async Task<Reservation> ShipReserved(string orderId, string transferId)
    {
        var held = state.State.Reservations.GetValueOrDefault(orderId)
            ?? throw DomainException.Precondition($"order '{orderId}' holds no parts at this outlet");
        if (held.Status == ReservationStatus.Consumed)
        {
            return held;
        }

        var change = Change();
        var shipped = Reservations.Ship(change, held, transferId);
        state.State.Reservations[orderId] = shipped;
        await Commit(change);
        return shipped;
    }

    public Task<Reservation?> GetReservation(string orderId) => Task.FromResult(state.State.Reservations.GetValueOrDefault(orderId));

    public async Task<ReorderPointResult> SetReorderPoint(ReorderPoint reorderPoint)
    {
        var level = state.State.Levels.GetValueOrDefault(reorderPoint.Sku) ?? StockLevel.Empty(reorderPoint.Sku, default);
        if (state.State.ReorderPoints.GetValueOrDefault(reorderPoint.Sku) != reorderPoint)
        {
            state.State.ReorderPoints[reorderPoint.Sku] = reorderPoint;
            var appended = CheckAlert(level, clock.GetUtcNow());
            await state.WriteOrRollbackAsync(this);
            if (appended)
            {
                _alertAppended.Notify();
                await PublishAlerts();
            }
        }

        return new ReorderPointResult { ReorderPoint = reorderPoint, Level = level, Low = reorderPoint.IsLow(level) };
    }

    public async Task<StockAlertPage> WaitForAlerts(long afterSequence, int max, TimeSpan maxWait)
    {
        if (state.State.LastAlertSequence <= afterSequence && maxWait > TimeSpan.Zero)
        {
            await _alertAppended.WaitAsync(maxWait);
        }

        var alerts = state.State.Alerts;
        return new StockAlertPage
        {
            Alerts = [.. alerts.Where(a => a.Sequence > afterSequence).Take(max)],
            FirstRetained = alerts.Count == 0 ? state.State.LastAlertSequence + 1 : alerts[0].Sequence,
            LastSequence = state.State.LastAlertSequence,
        };
    }

    /// <summary>How many alerts the feed keeps; a watcher further behind is told to resynchronise.</summary>
    public const int AlertsKept = 1000;

    private readonly ChangeSignal _alertAppended = new();

    /// <summary>Appends the alert the SKU's level calls for, if any; true when one was appended.</summary>
    private bool CheckAlert(StockLevel level, DateTimeOffset now)
    {
        var point = state.State.ReorderPoints.GetValueOrDefault(level.Sku);
        if (StockAlerts.Crossing(point, level, state.State.FlaggedLow.Contains(level.Sku)) is not { } kind || point is null)
        {
            if (point is null)
            {
                state.State.FlaggedLow.Remove(level.Sku);
            }

            return false;
        }

        _ = kind == StockAlertKind.LowStock ? state.State.FlaggedLow.Add(level.Sku) : state.State.FlaggedLow.Remove(level.Sku);
        metrics.StockAlert(kind);
        state.State.LastAlertSequence++;
        state.State.Alerts.Add(new StockAlert
        {
            Sequence = state.State.LastAlertSequence,
            Sku = level.Sku,
            Kind = kind,
            Available = level.Available,
            OnHand = level.OnHand,
            ReorderPoint = point,
            At = now,
        });
        if (state.State.Alerts.Count > AlertsKept)
        {
            state.State.Alerts.RemoveRange(0, state.State.Alerts.Count - AlertsKept);
        }

        return true;
    }

    private StockChange Change() => new(state.State.Levels, state.State.Version, clock.GetUtcNow());

    /// <summary>Stores a change's levels and ledger movements together; a failed write rolls all of it back.</summary>
    private async Task Commit(StockChange change)
    {
        foreach (var (sku, level) in change.Levels)
        {
            state.State.Levels[sku] = level;
        }

        state.State.Ledger.AddRange(change.Movements);
        state.State.Version += change.Movements.Count;
        var alerted = false;
        foreach (var level in change.Levels.Values)
        {
            alerted |= CheckAlert(level, change.Now);
        }

        await state.WriteOrRollbackAsync(this);
        if (alerted)
        {
            _alertAppended.Notify();
            await PublishAlerts();
        }

        await ArchiveLedger();
    }

    /// <summary>
    /// Sends alerts headquarters' feed has not had yet. Stock is already stored: if the feed cannot be
    /// reached now, these go with the next alert (the feed skips what it already has).
    /// </summary>
    private async Task PublishAlerts()
    {
        var pending = state.State.Alerts.Where(a => a.Sequence > state.State.PublishedThrough).ToImmutableArray();
        if (pending.IsEmpty)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IStockAlertFeedGrain>(IStockAlertFeedGrain.NetworkKey).Publish(this.GetPrimaryKeyString(), pending);
            state.State.PublishedThrough = pending[^1].Sequence;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Retried with the next alert; the outlet's own feed has it meanwhile.
        }
    }

    /// <summary>Only genuine parts are held or fitted: each SKU must be in the catalog.</summary>
    private async Task RequireCatalog(IReadOnlyList<PartQuantity> parts, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parts.Count; i++)
        {
            if (!seen.Add(parts[i].Sku))
            {
                continue;
            }

            try
            {
                await GrainFactory.GetGrain<IPartGrain>(parts[i].Sku).Get();
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
            {
                throw DomainException.Invalid($"{field}[{i}].sku", $"'{parts[i].Sku}' is not in the parts catalog");
            }
        }
    }
}
