using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Technicians;

/// <summary>A technician: certifications and shift. Its outlet keeps a copy in its roster for dispatch.</summary>
public interface ITechnicianGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the technician; an identical retry returns it, a different one is ALREADY_EXISTS. What
    /// <paramref name="by"/> may set (certifications are headquarters') is TechnicianProfile.Edit.
    /// </summary>
    Task<TechnicianRecord> Create(TechnicianProfile profile, Domain.Orders.Actor by);

    [ReadOnly]
    Task<TechnicianRecord> Get();

    /// <summary>Replaces the profile if the version is still <paramref name="expectedVersion"/>.</summary>
    Task<TechnicianRecord> Update(TechnicianProfile profile, long expectedVersion, Domain.Orders.Actor by);
}

[GenerateSerializer, Alias("rn.TechnicianState")]
public sealed class TechnicianState
{
    [Id(0)] public TechnicianProfile? Profile { get; set; }

    [Id(1)] public long Version { get; set; }
}

/// <remarks>
/// Collected after 2 idle minutes instead of Orleans' default 15: a technician is read when edited,
/// not per job (its outlet's roster serves dispatch), so importing a large network need not keep every
/// technician in memory.
/// </remarks>
[CollectionAgeLimit(Minutes = 2)]
public sealed class TechnicianGrain(
    [PersistentState("technician", StorageNames.Repair)] IPersistentState<TechnicianState> state,
    TimeProvider time) : Grain, ITechnicianGrain
{
    private string TechnicianId => this.GetPrimaryKeyString();

    public async Task<TechnicianRecord> Create(TechnicianProfile profile, Domain.Orders.Actor by)
    {
        if (profile.TechnicianId != TechnicianId)
        {
            throw DomainException.Invalid("technician.technician_id", "does not match the addressed technician");
        }

        if (state.State.Profile is { } existing)
        {
            if (!existing.SameAs(profile))
            {
                throw DomainException.AlreadyExists($"technician '{TechnicianId}' already exists with different details");
            }

            // A retry also repairs the roster copy if the first attempt stopped half-way.
            await Outlet(existing.OutletId).UpsertTechnician(Record());
            return Record();
        }

        return await Save(TechnicianProfile.Edit(null, profile, by, time.GetUtcNow()));
    }

    public Task<TechnicianRecord> Get() => Task.FromResult(Record());

    public async Task<TechnicianRecord> Update(TechnicianProfile profile, long expectedVersion, Domain.Orders.Actor by)
    {
        var existing = state.State.Profile ?? throw DomainException.NotFound("technician", TechnicianId);
        if (expectedVersion != 0 && expectedVersion != state.State.Version)
        {
            throw DomainException.Precondition($"technician '{TechnicianId}' is at version {state.State.Version}, not the expected {expectedVersion}; read it again and retry");
        }

        profile = TechnicianProfile.Edit(existing, profile, by, time.GetUtcNow());
        if (existing.SameAs(profile))
        {
            return Record();
        }

        var record = await Save(profile);
        if (existing.OutletId != profile.OutletId)
        {
            await Outlet(existing.OutletId).RemoveTechnician(TechnicianId);
        }

        return record;
    }

    // The new outlet hears first: it refuses (NOT_FOUND) when it does not exist, before anything is stored.
    private async Task<TechnicianRecord> Save(TechnicianProfile profile)
    {
        var record = new TechnicianRecord { Profile = profile, Version = state.State.Version + 1 };
        await Outlet(profile.OutletId).UpsertTechnician(record);
        state.State.Profile = profile;
        state.State.Version = record.Version;
        await state.WriteOrRollbackAsync(this);
        return record;
    }

    private TechnicianRecord Record() => new()
    {
        Profile = state.State.Profile ?? throw DomainException.NotFound("technician", TechnicianId),
        Version = state.State.Version,
    };

    private IOutletGrain Outlet(string outletId) => GrainFactory.GetGrain<IOutletGrain>(outletId);
}
