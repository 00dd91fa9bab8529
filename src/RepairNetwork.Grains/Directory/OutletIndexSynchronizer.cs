using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using RepairNetwork.Grains.Calendars;

namespace RepairNetwork.Grains.Directory;

public sealed class OutletIndexOptions
{
    /// <summary>How often this silo asks the directory shards for changes made through other silos.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Keeps this silo's <see cref="IOutletIndex"/> in step with the directory: a full load at start,
/// then changes since the last version seen, per shard. Changes made through this silo are applied
/// at once by the writer; this loop brings in the rest within one poll interval. The holiday calendars
/// ride along: the index is marked loaded only after they have loaded too, so dispatch never sees
/// outlets without their holidays after a restart.
/// </summary>
public sealed partial class OutletIndexSynchronizer(
    IGrainFactory grains,
    IOutletIndex index,
    HolidayCalendarSync calendars,
    Catalog.CapabilityCatalogCache catalog,
    Appointments.JobTemplatesCache templates,
    IOptions<OutletIndexOptions> options,
    ILogger<OutletIndexSynchronizer> logger) : BackgroundService
{
    private readonly (Guid Epoch, long Version, long HintVersion)[] _seen = new (Guid, long, long)[OutletDirectoryShards.Count];
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var changed = await SyncOnce();
                if (!index.IsLoaded)
                {
                    index.MarkLoaded();
                    LogLoaded(index.Current.Count, index.Current.Version);
                }
                else if (changed > 0)
                {
                    LogSynced(changed, index.Current.Version);
                }
                else
                {
                    // Quiet for a poll: rebuild the tree once so lookups stop scanning the overlay.
                    index.Compact();
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogSyncFailed(ex);
            }

            try
            {
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over the holiday calendars and all shards; returns how many listings came in.</summary>
    public async Task<int> SyncOnce()
    {
        await _gate.WaitAsync();
        try
        {
            if (await calendars.SyncOnce())
            {
                LogCalendarsSynced();
            }

            await catalog.SyncOnce();
            await templates.SyncOnce();

            return await SyncAllShards();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> SyncAllShards()
    {
        var calls = Enumerable.Range(0, OutletDirectoryShards.Count)
            .Select(shard => grains.GetGrain<IOutletDirectoryGrain>(shard).ChangesSince(_seen[shard].Epoch, _seen[shard].Version, _seen[shard].HintVersion))
            .ToArray();
        var results = await Task.WhenAll(calls);
        var total = 0;
        for (var shard = 0; shard < results.Length; shard++)
        {
            var changes = results[shard];
            if (changes.Epoch != _seen[shard].Epoch && _seen[shard].Epoch != Guid.Empty)
            {
                // The shard restarted: hints that reached only its previous activation may be missing
                // there, so this silo's hints for its outlets can no longer be trusted to be the latest.
                var restarted = shard;
                index.ForgetHints(outletId => OutletDirectoryShards.ShardOf(outletId) == restarted);
            }

            index.Apply(changes.Listings);
            foreach (var hint in changes.Hints)
            {
                index.ApplyHint(hint);
            }

            total += changes.Listings.Length;
            _seen[shard] = (changes.Epoch, changes.Version, changes.HintVersion);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outlet index loaded: {Count} outlets, index version {Version}")]
    private partial void LogLoaded(int count, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outlet index took {Changed} changes, index version {Version}")]
    private partial void LogSynced(int changed, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Holiday calendars loaded")]
    private partial void LogCalendarsSynced();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outlet index sync failed; retrying")]
    private partial void LogSyncFailed(Exception ex);
}
