using Grpc.Core;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Bench;

/// <summary>Lookups as <c>FindNearestOutlets</c> calls to a running server, all over the process's one channel.</summary>
internal sealed class LocatorTarget(LocatorService.LocatorServiceClient client, string capability, ServiceMode mode, int limit) : ILookupTarget, ILookupWorker
{
    public string Name => "RepairNetwork";

    public Task<ILookupWorker> CreateWorker(CancellationToken ct) => Task.FromResult<ILookupWorker>(this);

    public async Task<int> Lookup(LookupPoint point, CancellationToken ct) =>
        (await client.FindNearestOutletsAsync(Request(point), new CallOptions(deadline: DateTime.UtcNow.Add(LoadRun.LookupTimeout), cancellationToken: ct))).Candidates.Count;

    /// <summary>The answer's outlets, nearest first, with their distances (for the answer check).</summary>
    public async Task<IReadOnlyList<(string OutletId, double DistanceKm)>> Answer(LookupPoint point, CancellationToken ct) =>
        [.. (await client.FindNearestOutletsAsync(Request(point), new CallOptions(deadline: DateTime.UtcNow.Add(LoadRun.LookupTimeout), cancellationToken: ct)))
            .Candidates.Select(c => (c.OutletId, c.DistanceKm))];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private FindNearestOutletsRequest Request(LookupPoint point) => new()
    {
        Location = new LatLng { Latitude = point.Latitude, Longitude = point.Longitude },
        Capability = capability,
        ServiceMode = mode,
        Limit = limit,
    };
}
