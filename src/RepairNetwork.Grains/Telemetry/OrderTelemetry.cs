using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Grains.Telemetry;

/// <summary>
/// What an operator sees of an order's life: one log line and the matching counter per step that
/// matters (created, dispatched, left unassigned, offer lapsed, deadline missed). Called once per
/// trail entry as the order grain carries out its effects, so a create retried by its caller is
/// still one line; after a crash the replayed effects may repeat a line (at least once, never lost).
/// Lines carry ids, outlets, distances and reasons, never the customer's name, phone or address.
/// </summary>
public static partial class OrderTelemetry
{
    /// <summary>The log category (Logging:LogLevel:RepairNetwork.Orders).</summary>
    public const string Category = "RepairNetwork.Orders";

    public static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger(Category) ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <remarks>Telemetry never stands in the way of an order's effects: a failure to log or count is dropped.</remarks>
    public static void Record(ILogger logger, RepairNetworkMetrics metrics, AuditEntry entry, RepairOrder order)
    {
        try
        {
            Write(logger, metrics, entry, order);
        }
        catch (Exception)
        {
            // e.g. a log sink that rejects a value; the order step itself is already stored.
        }
    }

    private static void Write(ILogger logger, RepairNetworkMetrics metrics, AuditEntry entry, RepairOrder order)
    {
        metrics.Record(entry, order);
        switch (entry.Action)
        {
            case OrderAction.Created:
                Created(logger, order.OrderId, order.Request.Product.Category, order.Request.Job.Capability, order.Request.Job.Mode);
                break;
            case OrderAction.Offered:
                var assignment = order.Assignment is { } a && a.OutletId == entry.OutletId ? a : null;
                // Replaying an older offer (the job has moved on since) knows no distance: say so, never NaN (JSON logs reject it).
                Dispatched(logger, order.OrderId, entry.OutletId, assignment is null ? "unknown" : assignment.DistanceKm.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), assignment?.BookedForDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown");
                break;
            case OrderAction.Unassigned:
                Unassigned(logger, order.OrderId, entry.Detail);
                break;
            case OrderAction.OfferTimedOut:
                OfferLapsed(logger, order.OrderId, entry.OutletId);
                break;
            case OrderAction.ResponseDeadlineMissed or OrderAction.CompletionDeadlineMissed or OrderAction.ComplaintDeadlineMissed:
                DeadlineMissed(logger, order.OrderId, entry.Action, entry.OutletId);
                break;
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Order {OrderId} created: {ProductCategory}, {Capability}, {Mode}")]
    public static partial void Created(ILogger logger, string orderId, string productCategory, string capability, Domain.Outlets.ServiceMode mode);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Order {OrderId} dispatched to outlet {OutletId}, {DistanceKm} km, service day {ServiceDay}")]
    public static partial void Dispatched(ILogger logger, string orderId, string outletId, string distanceKm, string serviceDay);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Order {OrderId} left unassigned: {Reason}")]
    public static partial void Unassigned(ILogger logger, string orderId, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Order {OrderId}: outlet {OutletId} let the offer lapse")]
    public static partial void OfferLapsed(ILogger logger, string orderId, string outletId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Order {OrderId}: {Deadline} (outlet {OutletId})")]
    public static partial void DeadlineMissed(ILogger logger, string orderId, OrderAction deadline, string outletId);
}
