using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain.Appointments;

namespace RepairNetwork.Grains.Appointments;

/// <summary>Headquarters' job templates (key <see cref="JobTemplatesGrain.Key"/>); every silo keeps a copy.</summary>
public interface IJobTemplatesGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces a capability's template; identical content is a no-op.</summary>
    Task<JobTemplate> Put(JobTemplate template);

    /// <summary>Removes a capability's template; false when it had none.</summary>
    Task<bool> Delete(string capability);

    [ReadOnly]
    Task<JobTemplates> Get();

    /// <summary>The templates when their version differs from <paramref name="version"/>; null when unchanged.</summary>
    [ReadOnly]
    Task<JobTemplates?> ChangesSince(long version);
}

[GenerateSerializer, Alias("rn.JobTemplatesState")]
public sealed class JobTemplatesState
{
    [Id(0)] public JobTemplates Templates { get; set; } = JobTemplates.None;
}

public sealed class JobTemplatesGrain(
    [PersistentState("job-templates", StorageNames.Repair)] IPersistentState<JobTemplatesState> state)
    : Grain, IJobTemplatesGrain
{
    public const string Key = "network";

    public async Task<JobTemplate> Put(JobTemplate template)
    {
        var updated = state.State.Templates.Put(template);
        if (updated != state.State.Templates)
        {
            state.State.Templates = updated;
            await state.WriteOrRollbackAsync(this);
        }

        return updated.For(template.Capability)!;
    }

    public async Task<bool> Delete(string capability)
    {
        var updated = state.State.Templates.Delete(capability);
        if (updated == state.State.Templates)
        {
            return false;
        }

        state.State.Templates = updated;
        await state.WriteOrRollbackAsync(this);
        return true;
    }

    public Task<JobTemplates> Get() => Task.FromResult(state.State.Templates);

    public Task<JobTemplates?> ChangesSince(long version) =>
        Task.FromResult(version == state.State.Templates.Version ? null : state.State.Templates);
}

/// <summary>This silo's copy of the job templates, read by every slot search and booking without a grain call.</summary>
public sealed class JobTemplatesCache(IGrainFactory grains)
{
    private JobTemplates _current = JobTemplates.None;

    public JobTemplates Current => Volatile.Read(ref _current);

    /// <summary>Brings the copy up to the stored templates: from the index's background loop, and right after a change.</summary>
    public async Task<bool> SyncOnce()
    {
        var changed = await grains.GetGrain<IJobTemplatesGrain>(JobTemplatesGrain.Key).ChangesSince(Current.Version);
        if (changed is null || changed.Version <= Current.Version)
        {
            return false;
        }

        Volatile.Write(ref _current, changed);
        return true;
    }
}
