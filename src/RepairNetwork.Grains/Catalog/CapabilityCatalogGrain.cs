using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Catalog;

namespace RepairNetwork.Grains.Catalog;

/// <summary>The network's capability catalog (key <see cref="CapabilityCatalogGrain.Key"/>); every silo keeps a copy.</summary>
public interface ICapabilityCatalogGrain : IGrainWithStringKey
{
    /// <summary>Replaces the catalog; identical content is a no-op (a retry is harmless); <paramref name="expectedVersion"/> 0 skips the check.</summary>
    Task<CapabilityCatalog> Put(CapabilityCatalog catalog, long expectedVersion);

    [ReadOnly]
    Task<CapabilityCatalog> Get();

    /// <summary>The catalog when its version differs from <paramref name="version"/>; null when unchanged.</summary>
    [ReadOnly]
    Task<CapabilityCatalog?> ChangesSince(long version);
}

[GenerateSerializer, Alias("rn.CapabilityCatalogState")]
public sealed class CapabilityCatalogState
{
    [Id(0)] public CapabilityCatalog Catalog { get; set; } = CapabilityCatalog.Open;
}

public sealed class CapabilityCatalogGrain(
    [PersistentState("capability-catalog", StorageNames.Repair)] IPersistentState<CapabilityCatalogState> state)
    : Grain, ICapabilityCatalogGrain
{
    public const string Key = "network";

    public async Task<CapabilityCatalog> Put(CapabilityCatalog catalog, long expectedVersion)
    {
        var current = state.State.Catalog;
        if (current.SameAs(catalog))
        {
            return current;
        }

        if (expectedVersion != 0 && expectedVersion != current.Version)
        {
            throw DomainException.Precondition($"the capability catalog is at version {current.Version}, not the expected {expectedVersion}; read it again and retry");
        }

        state.State.Catalog = catalog with { Version = current.Version + 1 };
        await state.WriteOrRollbackAsync(this);
        return state.State.Catalog;
    }

    public Task<CapabilityCatalog> Get() => Task.FromResult(state.State.Catalog);

    public Task<CapabilityCatalog?> ChangesSince(long version) =>
        Task.FromResult(version == state.State.Catalog.Version ? null : state.State.Catalog);
}

/// <summary>This silo's copy of the capability catalog, read on every order, lookup and outlet change without a grain call.</summary>
public sealed class CapabilityCatalogCache(IGrainFactory grains)
{
    private CapabilityCatalog _current = CapabilityCatalog.Open;

    public CapabilityCatalog Current => Volatile.Read(ref _current);

    /// <summary>Brings the copy up to the stored catalog: from the index's background loop, and right after a put.</summary>
    public async Task<bool> SyncOnce()
    {
        var changed = await grains.GetGrain<ICapabilityCatalogGrain>(CapabilityCatalogGrain.Key).ChangesSince(Current.Version);
        if (changed is null || changed.Version <= Current.Version)
        {
            return false;
        }

        Volatile.Write(ref _current, changed);
        return true;
    }
}
