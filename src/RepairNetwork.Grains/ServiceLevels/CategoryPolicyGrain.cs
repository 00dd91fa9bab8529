using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Warranty;

namespace RepairNetwork.Grains.ServiceLevels;

/// <summary>Headquarters' policy for one product category (key: the category).</summary>
public interface ICategoryPolicyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Replaces the policy; <paramref name="expectedVersion"/> 0 skips the version check. An identical
    /// policy is a no-op that returns the stored one whatever the expected version, so a retry is harmless.
    /// </summary>
    Task<CategoryPolicy> Set(CategoryPolicy policy, long expectedVersion);

    /// <summary>The configured policy, or the brand's default terms when none is configured.</summary>
    [ReadOnly]
    Task<CategoryPolicy> Get();
}

/// <summary>Which categories have a configured policy, for listing; never read when orders are created.</summary>
public interface ICategoryPolicyListGrain : IGrainWithStringKey
{
    Task Add(string category);

    [ReadOnly]
    Task<ImmutableArray<string>> List();
}

[GenerateSerializer, Alias("rn.CategoryPolicyState")]
public sealed class CategoryPolicyState
{
    [Id(0)] public CategoryPolicy? Policy { get; set; }
}

public sealed class CategoryPolicyGrain(
    [PersistentState("category-policy", StorageNames.Repair)] IPersistentState<CategoryPolicyState> state)
    : Grain, ICategoryPolicyGrain
{
    private string Category => this.GetPrimaryKeyString();

    public async Task<CategoryPolicy> Set(CategoryPolicy policy, long expectedVersion)
    {
        var current = state.State.Policy;
        if (current is not null && current.SameTerms(policy with { Category = Category }))
        {
            // Nothing to change, e.g. a retry after the reply was lost: the same answer whatever the expected version.
            return current;
        }

        var version = current?.Version ?? 0;
        if (expectedVersion != 0 && expectedVersion != version)
        {
            throw DomainException.Precondition($"the policy for '{Category}' is at version {version}, not the expected {expectedVersion}; read it again and retry");
        }

        var stored = policy with { Category = Category, Version = version + 1 };
        state.State.Policy = stored;
        await state.WriteOrRollbackAsync(this);
        await GrainFactory.GetGrain<ICategoryPolicyListGrain>(CategoryPolicyListGrain.Key).Add(Category);
        return stored;
    }

    public Task<CategoryPolicy> Get() => Task.FromResult(state.State.Policy ?? CategoryPolicy.Default(Category));
}

[GenerateSerializer, Alias("rn.CategoryPolicyListState")]
public sealed class CategoryPolicyListState
{
    [Id(0)] public SortedSet<string> Categories { get; set; } = new(StringComparer.Ordinal);
}

public sealed class CategoryPolicyListGrain(
    [PersistentState("category-policy-list", StorageNames.Repair)] IPersistentState<CategoryPolicyListState> state)
    : Grain, ICategoryPolicyListGrain
{
    public const string Key = "all";

    public async Task Add(string category)
    {
        if (state.State.Categories.Add(category))
        {
            await state.WriteOrRollbackAsync(this);
        }
    }

    public Task<ImmutableArray<string>> List() => Task.FromResult(state.State.Categories.ToImmutableArray());
}
