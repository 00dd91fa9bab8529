using System.Diagnostics;
using System.Diagnostics.Metrics;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Grains.Telemetry;

/// <summary>
/// The domain's own instruments, in the meter <see cref="MeterName"/>. The server exports them
/// (Prometheus at /metrics, OTLP when configured); with no listener every call here is a no-op.
/// Names follow OpenTelemetry's conventions; Prometheus shows dots as underscores and adds
/// <c>_total</c> to counters and the unit (<c>_seconds</c>) to histograms. Hot paths record one
/// value per call and allocate nothing (tags are constant strings, at most two).
/// One per silo, from the host's <see cref="IMeterFactory"/>: a host can keep its silo's counts out of
/// what the process exports (the warm-up's private rehearsal silo does).
/// </summary>
public sealed class RepairNetworkMetrics
{
    public const string MeterName = "RepairNetwork";

    public RepairNetworkMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(new MeterOptions(MeterName) { Version = typeof(RepairNetworkMetrics).Assembly.GetName().Version?.ToString() });
        OrdersCreated = meter.CreateCounter<long>(
            "repairnetwork.orders.created", "{order}", "Repair orders stored (each once, however often its create is retried)");
        OrdersDispatched = meter.CreateCounter<long>(
            "repairnetwork.orders.dispatched", "{order}", "Offers made to an outlet by dispatch (a first dispatch or a redispatch after a decline, a lapsed offer or a retry)");
        OrdersUnassigned = meter.CreateCounter<long>(
            "repairnetwork.orders.unassigned", "{order}", "Orders dispatch left unassigned (no outlet could take them); escalated and retried");
        OffersLapsed = meter.CreateCounter<long>(
            "repairnetwork.offers.lapsed", "{offer}", "Offers an outlet let lapse (not accepted within the acceptance window)");
        DeadlinesMissed = meter.CreateCounter<long>(
            "repairnetwork.deadlines.missed", "{deadline}", "Service-level deadlines missed, by deadline (response, completion, complaint)");
        StockAlerts = meter.CreateCounter<long>(
            "repairnetwork.stock.alerts", "{alert}", "Stock alerts raised, by kind (low: fell to the reorder point; recovered: rose above it)");
        LookupDuration = meter.CreateHistogram(
            "repairnetwork.lookup.duration", "s", "Time to answer a nearest-outlet lookup on this silo", tags: null, advice: LatencyBuckets);
        DispatchDuration = meter.CreateHistogram(
            "repairnetwork.dispatch.duration", "s", "Time to dispatch one order (rank outlets, check stock, book)", tags: null, advice: LatencyBuckets);
    }

    /// <summary>Latency buckets in seconds, 0.5 ms to 10 s (the SDK's default buckets are meant for milliseconds).</summary>
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public Counter<long> OrdersCreated { get; }

    public Counter<long> OrdersDispatched { get; }

    public Counter<long> OrdersUnassigned { get; }

    public Counter<long> OffersLapsed { get; }

    public Counter<long> DeadlinesMissed { get; }

    public Counter<long> StockAlerts { get; }

    public Histogram<double> LookupDuration { get; }

    public Histogram<double> DispatchDuration { get; }

    /// <summary>Times a nearest-outlet lookup: <c>using var timing = metrics.TimeLookup(availableOnly);</c></summary>
    public LatencyTimer TimeLookup(bool availableOnly) =>
        new(LookupDuration, new KeyValuePair<string, object?>("available_only", availableOnly ? BoxedTrue : BoxedFalse));

    /// <summary>Times one dispatch: <c>using var timing = metrics.TimeDispatch();</c></summary>
    public LatencyTimer TimeDispatch() => new(DispatchDuration, default);

    public void StockAlert(StockAlertKind kind) =>
        StockAlerts.Add(1, new KeyValuePair<string, object?>("kind", kind == StockAlertKind.LowStock ? "low" : "recovered"));

    /// <summary>The counters one order's trail entry moves (called once per entry as its effects are carried out).</summary>
    public void Record(AuditEntry entry, RepairOrder order)
    {
        switch (entry.Action)
        {
            case OrderAction.Created:
                OrdersCreated.Add(1, Mode(order));
                break;
            case OrderAction.Offered:
                OrdersDispatched.Add(1, Mode(order));
                break;
            case OrderAction.Unassigned:
                OrdersUnassigned.Add(1, Mode(order));
                break;
            case OrderAction.OfferTimedOut:
                OffersLapsed.Add(1);
                break;
            case OrderAction.ResponseDeadlineMissed:
                DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("deadline", "response"));
                break;
            case OrderAction.CompletionDeadlineMissed:
                DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("deadline", "completion"));
                break;
            case OrderAction.ComplaintDeadlineMissed:
                DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("deadline", "complaint"));
                break;
        }
    }

    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private static KeyValuePair<string, object?> Mode(RepairOrder order) => new("mode", order.Request.Job.Mode switch
    {
        ServiceMode.CarryIn => "carry_in",
        ServiceMode.OnSite => "on_site",
        ServiceMode.MailIn => "mail_in",
        _ => "other",
    });

    /// <summary>Records the elapsed time into its histogram when disposed; a struct, so timing allocates nothing.</summary>
    public readonly struct LatencyTimer : IDisposable
    {
        private readonly Histogram<double>? _histogram;
        private readonly KeyValuePair<string, object?> _tag;
        private readonly long _started;

        internal LatencyTimer(Histogram<double> histogram, KeyValuePair<string, object?> tag)
        {
            // Nobody listening: not even the clock is read.
            if (histogram.Enabled)
            {
                _histogram = histogram;
                _tag = tag;
                _started = Stopwatch.GetTimestamp();
            }
        }

        public void Dispose()
        {
            if (_histogram is null)
            {
                return;
            }

            var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
            if (_tag.Key is null)
            {
                _histogram.Record(seconds);
            }
            else
            {
                _histogram.Record(seconds, _tag);
            }
        }
    }
}
