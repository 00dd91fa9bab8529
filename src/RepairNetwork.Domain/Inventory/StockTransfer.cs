using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Inventory;

/// <summary>Where a transfer of parts between two outlets stands.</summary>
public enum TransferStatus
{
    Requested = 1,
    Shipped = 2,
    Received = 3,
    Cancelled = 4,
}

/// <summary>A step begun but not yet recorded: its stock movements may be partly applied.</summary>
public enum TransferPendingStep
{
    None = 0,
    Shipping = 1,
    Cancelling = 2,
}

/// <summary>One SKU and how many units of it move.</summary>
[GenerateSerializer, Alias("rn.TransferLine"), Immutable]
public sealed record TransferLine
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int Quantity { get; init; }
}

/// <summary>What the requester asked for; the transfer id is the caller's idempotency key.</summary>
[GenerateSerializer, Alias("rn.TransferRequest"), Immutable]
public sealed record TransferRequest
{
    public const int MaxLines = 100;
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Begins the ids of the transfers dispatch requests for repair orders (<see cref="DispatchTransferId"/>).
    /// Reserved to dispatch: the ids are predictable, and one taken first by anyone else would leave
    /// the order it belongs to stuck with its parts held.
    /// </summary>
    public const string DispatchPrefix = "TR-";

    [Id(0)] public required string TransferId { get; init; }

    [Id(1)] public required string FromOutletId { get; init; }

    [Id(2)] public required string ToOutletId { get; init; }

    /// <summary>One line per SKU, in SKU order.</summary>
    [Id(3)] public required ImmutableArray<TransferLine> Lines { get; init; }

    /// <summary>The repair order the parts are for; empty when none.</summary>
    [Id(4)] public required string OrderId { get; init; }

    [Id(5)] public required string Reason { get; init; }

    /// <summary>The transfer dispatch requests for the order's <paramref name="attempt"/>-th offer (1 = first).</summary>
    public static string DispatchTransferId(string orderId, int attempt) => $"{DispatchPrefix}{orderId}-{attempt}";

    /// <summary>A transfer a client asks for; its id must not begin with <see cref="DispatchPrefix"/>.</summary>
    public static TransferRequest Create(string? transferId, string? fromOutletId, string? toOutletId, IReadOnlyList<(string? Sku, int Quantity)> lines, string? orderId, string? reason)
    {
        var id = Identifiers.RequireId(transferId, "transfer_id");
        if (id.StartsWith(DispatchPrefix, StringComparison.Ordinal))
        {
            throw DomainException.Invalid("transfer_id", $"must not begin with '{DispatchPrefix}': that prefix is reserved for the transfers dispatch requests for repair orders");
        }

        return Build(id, fromOutletId, toOutletId, lines, orderId, reason);
    }

    /// <summary>The transfer dispatch requests to bring an order's parts, under one of the order's <see cref="DispatchTransferId"/>s.</summary>
    public static TransferRequest ForDispatch(string transferId, string fromOutletId, string toOutletId, IReadOnlyList<(string? Sku, int Quantity)> lines, string orderId, string reason)
    {
        var request = Build(transferId, fromOutletId, toOutletId, lines, orderId, reason);
        return request.ByDispatch ? request : throw new ArgumentException($"'{transferId}' is not a dispatch transfer id of order '{orderId}'", nameof(transferId));
    }

    private static TransferRequest Build(string id, string? fromOutletId, string? toOutletId, IReadOnlyList<(string? Sku, int Quantity)> lines, string? orderId, string? reason)
    {
        var from = Identifiers.RequireId(fromOutletId, "from_outlet_id");
        var to = Identifiers.RequireId(toOutletId, "to_outlet_id");
        if (from == to)
        {
            throw DomainException.Invalid("to_outlet_id", "must differ from from_outlet_id: a transfer moves parts between two outlets");
        }

        if (lines.Count is 0 or > MaxLines)
        {
            throw DomainException.Invalid("lines", $"must hold 1-{MaxLines} lines (got {lines.Count})");
        }

        var checkedLines = new List<TransferLine>(lines.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var sku = Identifiers.RequireId(lines[i].Sku, $"lines[{i}].sku");
            var quantity = lines[i].Quantity;
            if (quantity < 1 || quantity > StockLevel.MaxQuantity)
            {
                throw DomainException.Invalid($"lines[{i}].quantity", $"must be within [1, {StockLevel.MaxQuantity}] (got {quantity})");
            }

            if (!seen.Add(sku))
            {
                throw DomainException.Invalid($"lines[{i}].sku", $"'{sku}' is listed twice; put its whole quantity on one line");
            }

            checkedLines.Add(new TransferLine { Sku = sku, Quantity = quantity });
        }

        return new TransferRequest
        {
            TransferId = id,
            FromOutletId = from,
            ToOutletId = to,
            Lines = [.. checkedLines.OrderBy(l => l.Sku, StringComparer.Ordinal)],
            OrderId = Identifiers.OptionalId(orderId, "order_id"),
            Reason = Identifiers.RequireText(reason, "reason", MaxReasonLength),
        };
    }

    /// <summary>
    /// Requested by dispatch for the order it names: only such a transfer ships, or on cancelling
    /// releases, the parts held for that order at its source. Any other transfer moves available stock,
    /// so naming an order never reaches a hold that dispatch made.
    /// </summary>
    public bool ByDispatch => OrderId.Length > 0 && TransferId.StartsWith($"{DispatchPrefix}{OrderId}-", StringComparison.Ordinal);

    /// <summary>Whether <see cref="RequireOrderAtDestination"/> applies: a client's request that names an order.</summary>
    public bool NamesOrderFor(Actor by) => OrderId.Length > 0 && by.Role != ActorRole.Platform;

    /// <summary>
    /// A client's transfer may name only an order its destination works on now (assigned there): the
    /// order id says what the parts are for. An outlet learns only that it may not name that order
    /// (whether it exists, and where, is no business of the outlet's); headquarters is told why.
    /// Dispatch is not checked: it requests its transfer before the order's assignment is stored.
    /// </summary>
    /// <param name="assignedOutletId">Where the order is assigned now; null when it is not, or does not exist.</param>
    public void RequireOrderAtDestination(Actor by, bool orderExists, string? assignedOutletId)
    {
        if (!NamesOrderFor(by) || (orderExists && assignedOutletId == ToOutletId && (by.Role != ActorRole.Outlet || by.Id == ToOutletId)))
        {
            return;
        }

        if (by.Role == ActorRole.Outlet)
        {
            throw DomainException.Denied("order_id", "must name a repair order assigned to your outlet, the transfer's destination");
        }

        throw orderExists
            ? DomainException.Precondition($"order_id: repair order '{OrderId}' is assigned to {(assignedOutletId is null ? "no outlet" : $"'{assignedOutletId}'")}, not to to_outlet_id '{ToOutletId}'; a transfer names only an order its destination works on")
            : new DomainException(DomainErrorKind.NotFound, $"order_id: repair order '{OrderId}' does not exist", "order_id");
    }

    /// <summary>Same content (records compare arrays by reference, so this compares the lines too).</summary>
    public bool SameAs(TransferRequest other) =>
        TransferId == other.TransferId && FromOutletId == other.FromOutletId && ToOutletId == other.ToOutletId
        && OrderId == other.OrderId && Reason == other.Reason && Lines.SequenceEqual(other.Lines);
}

/// <summary>One recorded step of a transfer, for its audit trail.</summary>
[GenerateSerializer, Alias("rn.TransferStep"), Immutable]
public sealed record TransferStep
{
    [Id(0)] public required TransferStatus Status { get; init; }

    [Id(1)] public required Actor By { get; init; }

    [Id(2)] public required DateTimeOffset At { get; init; }

    [Id(3)] public required string Note { get; init; }
}

/// <summary>
/// Parts moving from one outlet to another: requested → shipped → received, or cancelled before it
/// ships. Pure and immutable: each step checks the current status and returns the next transfer.
/// Stock moves outside, in the outlets' inventories; <see cref="Pending"/> records a step whose stock
/// movements have begun, so a retry finishes that step and nothing else can interleave.
/// </summary>
[GenerateSerializer, Alias("rn.StockTransfer"), Immutable]
public sealed record StockTransfer
{
    [Id(0)] public required TransferRequest Request { get; init; }

    [Id(1)] public required TransferStatus Status { get; init; }

    [Id(2)] public TransferPendingStep Pending { get; init; }

    [Id(3)] public required DateTimeOffset RequestedAt { get; init; }

    [Id(4)] public DateTimeOffset? ShippedAt { get; init; }

    [Id(5)] public DateTimeOffset? ReceivedAt { get; init; }

    [Id(6)] public DateTimeOffset? CancelledAt { get; init; }

    [Id(7)] public required ImmutableArray<TransferStep> Steps { get; init; }

    public string TransferId => Request.TransferId;

    public static StockTransfer Requested(TransferRequest request, Actor by, DateTimeOffset now) => new()
    {
        Request = request,
        Status = TransferStatus.Requested,
        RequestedAt = now,
        Steps = [new TransferStep { Status = TransferStatus.Requested, By = by, At = now, Note = request.Reason }],
    };

    /// <summary>Stock is about to leave the source; from here on only shipping can complete.</summary>
    public StockTransfer BeginShipping()
    {
        RequireRequested("ship");
        if (Pending == TransferPendingStep.Cancelling)
        {
            throw DomainException.Precondition($"transfer '{TransferId}' is being cancelled; it cannot ship");
        }

        return this with { Pending = TransferPendingStep.Shipping };
    }

    /// <summary>Records that every line has left the source outlet.</summary>
    public StockTransfer Ship(Actor by, DateTimeOffset now)
    {
        RequireRequested("ship");
        if (Pending == TransferPendingStep.Cancelling)
        {
            throw DomainException.Precondition($"transfer '{TransferId}' is being cancelled; it cannot ship");
        }

        return Record(TransferStatus.Shipped, by, now, string.Empty) with { Pending = TransferPendingStep.None, ShippedAt = now };
    }

    /// <summary>Records that every line has arrived at the destination outlet.</summary>
    public StockTransfer Receive(Actor by, DateTimeOffset now)
    {
        if (Status != TransferStatus.Shipped)
        {
            throw DomainException.Precondition($"transfer '{TransferId}' is {Describe(Status)}; only a shipped transfer can be received");
        }

        return Record(TransferStatus.Received, by, now, string.Empty) with { ReceivedAt = now };
    }

    /// <summary>A cancellation whose stock returns (for a shipment begun but not recorded) are about to run.</summary>
    public StockTransfer BeginCancelling()
    {
        RequireRequested("cancel");
        return this with { Pending = TransferPendingStep.Cancelling };
    }

    /// <summary>Cancels a transfer that has not shipped.</summary>
    public StockTransfer Cancel(Actor by, string reason, DateTimeOffset now)
    {
        RequireRequested("cancel");
        return Record(TransferStatus.Cancelled, by, now, reason) with { Pending = TransferPendingStep.None, CancelledAt = now };
    }

    private void RequireRequested(string step)
    {
        if (Status != TransferStatus.Requested)
        {
            throw DomainException.Precondition($"transfer '{TransferId}' is {Describe(Status)}; only a requested transfer can {step}");
        }
    }

    private StockTransfer Record(TransferStatus status, Actor by, DateTimeOffset now, string note) =>
        this with { Status = status, Steps = Steps.Add(new TransferStep { Status = status, By = by, At = now, Note = note }) };

    private static string Describe(TransferStatus status) => status switch
    {
        TransferStatus.Requested => "requested",
        TransferStatus.Shipped => "already shipped",
        TransferStatus.Received => "already received",
        TransferStatus.Cancelled => "cancelled",
        _ => status.ToString(),
    };
}
