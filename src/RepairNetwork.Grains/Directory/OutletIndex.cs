using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Directory;

/// <summary>
/// This silo's copy of the outlet directory. Lookups read <see cref="Current"/> without locks or
/// grain calls; writers swap in a new immutable snapshot.
/// </summary>
public interface IOutletIndex
{
    OutletSpatialIndex Current { get; }

    /// <summary>True once the first full load from the directory has completed.</summary>
    bool IsLoaded { get; }

    void Apply(IReadOnlyCollection<OutletListing> listings);

    void MarkLoaded();
}

public sealed class OutletIndex : IOutletIndex
{
    private readonly Lock _writeLock = new();
    private volatile OutletSpatialIndex _current = OutletSpatialIndex.Empty;
    private volatile bool _loaded;

    public OutletSpatialIndex Current => _current;

    public bool IsLoaded => _loaded;

    public void Apply(IReadOnlyCollection<OutletListing> listings)
    {
        if (listings.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            _current = _current.With(listings);
        }
    }

    public void MarkLoaded() => _loaded = true;
}
