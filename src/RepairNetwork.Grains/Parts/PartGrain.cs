using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Parts;

namespace RepairNetwork.Grains.Parts;

/// <summary>
/// One part of headquarters' catalog (key: SKU). Every read of a single part comes here, never through
/// <see cref="IPartsCatalogGrain"/>, which only lists SKUs for paging.
/// </summary>
public interface IPartGrain : IGrainWithStringKey
{
    /// <summary>Creates the part; an identical retry returns it, different content is ALREADY_EXISTS.</summary>
    Task<CatalogPart> Create(CatalogPart part);

    /// <summary>
    /// Creates the part or replaces its content. Content identical to the stored part is a no-op that
    /// returns it whatever <paramref name="expectedVersion"/> says, so a retried update succeeds.
    /// Otherwise <paramref name="expectedVersion"/> 0 skips the version check, and any other value must
    /// be the stored version (NOT_FOUND when there is no part, FAILED_PRECONDITION when it moved on).
    /// The version and time of <paramref name="part"/> are ignored; the grain sets them.
    /// </summary>
    Task<CatalogPart> Upsert(CatalogPart part, long expectedVersion);

    /// <summary>The stored part; NOT_FOUND when there is none. A cancelled call that has not run yet is dropped.</summary>
    [ReadOnly]
    Task<CatalogPart> Get(CancellationToken cancellationToken = default);
}

[GenerateSerializer, Alias("rn.PartState")]
public sealed class PartState
{
    /// <summary>Null until created; carries its version and time of change.</summary>
    [Id(0)] public CatalogPart? Part { get; set; }
}

public sealed class PartGrain(
    [PersistentState("part", StorageNames.Repair)] IPersistentState<PartState> state,
    TimeProvider clock) : Grain, IPartGrain
{
    private string Sku => this.GetPrimaryKeyString();

    public async Task<CatalogPart> Create(CatalogPart part)
    {
        RequireAddressed(part);
        if (state.State.Part is { } existing)
        {
            if (!existing.SameAs(part))
            {
                throw DomainException.AlreadyExists($"part '{Sku}' already exists with different details");
            }

            // A retry also repairs the catalog listing if the first attempt stopped half-way.
            await Catalog().Register(Sku, existing.Category);
            return existing;
        }

        return await Save(part);
    }

    public async Task<CatalogPart> Upsert(CatalogPart part, long expectedVersion)
    {
        RequireAddressed(part);
        var existing = state.State.Part;
        if (existing is not null && existing.SameAs(part))
        {
            await Catalog().Register(Sku, existing.Category);
            return existing;
        }

        if (expectedVersion != 0)
        {
            if (existing is null)
            {
                throw DomainException.NotFound("part", Sku);
            }

            if (existing.Version != expectedVersion)
            {
                throw DomainException.Precondition($"part '{Sku}' is at version {existing.Version}, not the expected {expectedVersion}; read it again and retry");
            }
        }

        return await Save(part);
    }

    public Task<CatalogPart> Get(CancellationToken cancellationToken = default) => Task.FromResult(state.State.Part ?? throw DomainException.NotFound("part", Sku));

    // The catalog hears first, so a stored part is always listed; a SKU listed without a stored part
    // (the write below failed) is skipped by readers and completed by the caller's retry.
    private async Task<CatalogPart> Save(CatalogPart part)
    {
        if (state.State.Part?.Category != part.Category)
        {
            await Catalog().Register(Sku, part.Category);
        }

        var stored = part with
        {
            Version = (state.State.Part?.Version ?? 0) + 1,
            UpdatedAt = clock.GetUtcNow(),
        };
        state.State.Part = stored;
        await state.WriteOrRollbackAsync(this);
        return stored;
    }

    private void RequireAddressed(CatalogPart part)
    {
        if (part.Sku != Sku)
        {
            throw DomainException.Invalid("part.sku", "does not match the addressed part");
        }
    }

    private IPartsCatalogGrain Catalog() => GrainFactory.GetGrain<IPartsCatalogGrain>(PartsCatalogGrain.CatalogKey);
}
