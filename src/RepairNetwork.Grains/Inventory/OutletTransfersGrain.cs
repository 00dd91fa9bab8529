using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace RepairNetwork.Grains.Inventory;

/// <summary>
/// The ids of the transfers an outlet sends or receives (key: outlet id), oldest first, for paged
/// listing. Each transfer itself is read from its <see cref="ITransferGrain"/>.
/// </summary>
public interface IOutletTransfersGrain : IGrainWithStringKey
{
    /// <summary>Lists the transfer; idempotent; returns once durable.</summary>
    Task Add(string transferId);

    /// <summary>Up to <paramref name="take"/> ids from position <paramref name="skip"/>, and whether more follow.</summary>
    [ReadOnly]
    Task<TransferIdPage> List(int skip, int take);
}

[GenerateSerializer, Alias("rn.TransferIdPage"), Immutable]
public sealed record TransferIdPage
{
    [Id(0)] public required ImmutableArray<string> TransferIds { get; init; }

    [Id(1)] public required bool More { get; init; }
}

[GenerateSerializer, Alias("rn.OutletTransfersState")]
public sealed class OutletTransfersState
{
    [Id(0)] public List<string> TransferIds { get; set; } = [];
}

public sealed class OutletTransfersGrain(
    [PersistentState("outlet-transfers", StorageNames.Repair)] IPersistentState<OutletTransfersState> state)
    : Grain, IOutletTransfersGrain
{
    private HashSet<string> _listed = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _listed = new HashSet<string>(state.State.TransferIds, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task Add(string transferId)
    {
        if (_listed.Contains(transferId))
        {
            return;
        }

        state.State.TransferIds.Add(transferId);
        try
        {
            await state.WriteOrRollbackAsync(this);
        }
        catch
        {
            _listed = new HashSet<string>(state.State.TransferIds, StringComparer.Ordinal);
            throw;
        }

        _listed.Add(transferId);
    }

    public Task<TransferIdPage> List(int skip, int take)
    {
        var ids = state.State.TransferIds;
        var start = Math.Clamp(skip, 0, ids.Count);
        var count = Math.Clamp(ids.Count - start, 0, Math.Max(take, 0));
        return Task.FromResult(new TransferIdPage
        {
            TransferIds = [.. ids.GetRange(start, count)],
            More = start + count < ids.Count,
        });
    }
}
