using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace RepairNetwork.Grains.Parts;

/// <summary>
/// The list of catalog SKUs (and each one's category) for paged listing. Only listing calls come here:
/// a single part is read from its <see cref="IPartGrain"/>. The part's own category is the truth;
/// the one kept here is an index that readers confirm against the part.
/// </summary>
public interface IPartsCatalogGrain : IGrainWithStringKey
{
    /// <summary>Lists the SKU under the category (or moves it there); idempotent; returns once durable.</summary>
    Task Register(string sku, string category);

    /// <summary>
    /// Up to <paramref name="take"/> SKUs after <paramref name="afterSku"/> (null: from the start) in
    /// ordinal order, only those listed under <paramref name="category"/> when it is not null.
    /// </summary>
    [ReadOnly]
    Task<PartsCatalogPage> List(string? afterSku, int take, string? category);
}

[GenerateSerializer, Alias("rn.PartsCatalogPage"), Immutable]
public sealed record PartsCatalogPage
{
    /// <summary>SKUs in ordinal order.</summary>
    [Id(0)] public required ImmutableArray<string> Skus { get; init; }

    /// <summary>Whether further SKUs (under the category, if one was asked for) follow the last one.</summary>
    [Id(1)] public required bool More { get; init; }
}

/// <summary>Immutable, so a write in flight never sees a later registration half-applied.</summary>
[GenerateSerializer, Alias("rn.PartsCatalogState"), Immutable]
public sealed record PartsCatalogState
{
    [Id(0)] public long Version { get; init; }

    /// <summary>SKU → category.</summary>
    [Id(1)] public ImmutableDictionary<string, string> Categories { get; init; } = ImmutableDictionary<string, string>.Empty;
}

[Reentrant]
public sealed class PartsCatalogGrain(
    [PersistentState("parts-catalog", StorageNames.Repair)] IPersistentState<PartsCatalogState> state)
    : Grain, IPartsCatalogGrain
{
    /// <summary>The one catalog grain's key.</summary>
    public const string CatalogKey = "catalog";

    private static readonly ImmutableSortedSet<string> NoSkus = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    // Sorted views of the persisted map, rebuilt on activation and kept in step with every registration.
    private ImmutableSortedSet<string> _all = NoSkus;
    private ImmutableDictionary<string, ImmutableSortedSet<string>> _byCategory = ImmutableDictionary.Create<string, ImmutableSortedSet<string>>(StringComparer.Ordinal);

    private readonly GroupCommit _commit = new(() => state.WriteStateAsync(), () => state.State.Version);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit.Persisted(state.State.Version);
        _all = NoSkus.Union(state.State.Categories.Keys);
        _byCategory = state.State.Categories
            .GroupBy(e => e.Value, e => e.Key, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => NoSkus.Union(g), StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task Register(string sku, string category)
    {
        var current = state.State;
        if (!current.Categories.TryGetValue(sku, out var listedUnder) || listedUnder != category)
        {
            state.State = current with
            {
                Version = current.Version + 1,
                Categories = current.Categories.SetItem(sku, category),
            };
            _all = _all.Add(sku);
            if (listedUnder is not null)
            {
                _byCategory = _byCategory.SetItem(listedUnder, _byCategory[listedUnder].Remove(sku));
            }

            _byCategory = _byCategory.SetItem(category, _byCategory.GetValueOrDefault(category, NoSkus).Add(sku));
        }

        await PersistThrough(state.State.Version);
    }

    public Task<PartsCatalogPage> List(string? afterSku, int take, string? category)
    {
        var skus = category is null ? _all : _byCategory.GetValueOrDefault(category, NoSkus);
        var start = 0;
        if (afterSku is not null)
        {
            var index = skus.IndexOf(afterSku);
            start = index >= 0 ? index + 1 : ~index;
        }

        var count = Math.Clamp(skus.Count - start, 0, Math.Max(take, 0));
        var page = ImmutableArray.CreateBuilder<string>(count);
        for (var i = start; i < start + count; i++)
        {
            page.Add(skus[i]);
        }

        return Task.FromResult(new PartsCatalogPage { Skus = page.MoveToImmutable(), More = start + count < skus.Count });
    }

    private Task PersistThrough(long version) => _commit.PersistThrough(version);
}
