using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Grains.Inventory;

/// <summary>
/// Headquarters' network-wide feed of low-stock alerts (key <see cref="NetworkKey"/>): every outlet's
/// inventory publishes its alerts here after storing them. Alerts fire once per reorder-point
/// crossing, so the feed sees a trickle, not every stock movement; lookups never touch it.
/// </summary>
public interface IStockAlertFeedGrain : IGrainWithStringKey
{
    public const string NetworkKey = "network";

    /// <summary>Appends the outlet's alerts not published yet (by the outlet's own sequence); republishing is harmless.</summary>
    Task Publish(string outletId, ImmutableArray<StockAlert> alerts);

    /// <summary>Alerts after <paramref name="afterSequence"/> (network sequence); when none, waits up to <paramref name="maxWait"/> for one.</summary>
    [AlwaysInterleave]
    Task<NetworkStockAlertPage> WaitForAlerts(long afterSequence, int max, TimeSpan maxWait);
}

/// <summary>An outlet's stock alert as the network feed numbers it.</summary>
[GenerateSerializer, Alias("rn.NetworkStockAlert"), Immutable]
public sealed record NetworkStockAlert
{
    /// <summary>Position in the network feed, from 1.</summary>
    [Id(0)] public required long Sequence { get; init; }

    [Id(1)] public required string OutletId { get; init; }

    /// <summary>The alert, with its sequence in the outlet's own feed.</summary>
    [Id(2)] public required StockAlert Alert { get; init; }
}

[GenerateSerializer, Alias("rn.NetworkStockAlertPage"), Immutable]
public sealed record NetworkStockAlertPage
{
    [Id(0)] public required ImmutableArray<NetworkStockAlert> Alerts { get; init; }

    /// <summary>The oldest sequence still kept (LastSequence + 1 when none are kept).</summary>
    [Id(1)] public required long FirstRetained { get; init; }

    [Id(2)] public required long LastSequence { get; init; }
}

[GenerateSerializer, Alias("rn.StockAlertFeedState")]
public sealed class StockAlertFeedState
{
    /// <summary>The most recent alerts, oldest first.</summary>
    [Id(0)] public List<NetworkStockAlert> Alerts { get; set; } = [];

    [Id(1)] public long LastSequence { get; set; }

    /// <summary>Per outlet, the last of its own alert sequences already in the feed.</summary>
    [Id(2)] public Dictionary<string, long> PublishedThrough { get; set; } = new(StringComparer.Ordinal);
}

public sealed class StockAlertFeedGrain(
    [PersistentState("stock-alert-feed", StorageNames.Repair)] IPersistentState<StockAlertFeedState> state) : Grain, IStockAlertFeedGrain
{
    /// <summary>How many alerts the feed keeps; a watcher further behind is told to resynchronise.</summary>
    public const int AlertsKept = 10_000;

    private readonly ChangeSignal _appended = new();

    public async Task Publish(string outletId, ImmutableArray<StockAlert> alerts)
    {
        var through = state.State.PublishedThrough.GetValueOrDefault(outletId);
        var fresh = alerts.Where(a => a.Sequence > through).OrderBy(a => a.Sequence).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        foreach (var alert in fresh)
        {
            state.State.Alerts.Add(new NetworkStockAlert { Sequence = ++state.State.LastSequence, OutletId = outletId, Alert = alert });
        }

        state.State.PublishedThrough[outletId] = fresh[^1].Sequence;
        if (state.State.Alerts.Count > AlertsKept)
        {
            state.State.Alerts.RemoveRange(0, state.State.Alerts.Count - AlertsKept);
        }

        await state.WriteOrRollbackAsync(this);
        _appended.Notify();
    }

    public async Task<NetworkStockAlertPage> WaitForAlerts(long afterSequence, int max, TimeSpan maxWait)
    {
        if (state.State.LastSequence <= afterSequence && maxWait > TimeSpan.Zero)
        {
            await _appended.WaitAsync(maxWait);
        }

        var alerts = state.State.Alerts;
        return new NetworkStockAlertPage
        {
            Alerts = [.. alerts.Where(a => a.Sequence > afterSequence).Take(max)],
            FirstRetained = alerts.Count == 0 ? state.State.LastSequence + 1 : alerts[0].Sequence,
            LastSequence = state.State.LastSequence,
        };
    }
}
