using Grpc.Core;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Bench;

/// <summary>
/// Slot searches as <c>FindSlots</c> calls to a running server, over the process's one channel: the
/// same points as the lookups, the server's default range (7 days from today) and the given page size.
/// </summary>
internal sealed class SlotTarget(AppointmentService.AppointmentServiceClient client, string capability, ServiceMode mode, int pageSize) : ILookupTarget, ILookupWorker
{
    public string Name => "FindSlots";

    public Task<ILookupWorker> CreateWorker(CancellationToken ct) => Task.FromResult<ILookupWorker>(this);

    /// <summary>Runs one search and returns how many slots it found.</summary>
    public async Task<int> Lookup(LookupPoint point, CancellationToken ct) =>
        (await client.FindSlotsAsync(
            new FindSlotsRequest
            {
                Location = new LatLng { Latitude = point.Latitude, Longitude = point.Longitude },
                Capability = capability,
                ServiceMode = mode,
                PageSize = pageSize,
            },
            new CallOptions(deadline: DateTime.UtcNow.Add(LoadRun.LookupTimeout), cancellationToken: ct))).Slots.Count;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
