using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Orleans;

namespace RepairNetwork.Domain.Parts;

/// <summary>
/// A genuine spare part in headquarters' catalog. Only catalog SKUs may be quoted, fitted or stocked.
/// Build one with <see cref="CatalogParts.Create"/>, which checks every rule.
/// </summary>
[GenerateSerializer, Alias("rn.CatalogPart"), Immutable]
public sealed record CatalogPart
{
    /// <summary>Same syntax as every id: 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-'.</summary>
    [Id(0)] public required string Sku { get; init; }

    /// <summary>Trimmed, at most <see cref="CatalogParts.MaxNameLength"/> characters.</summary>
    [Id(1)] public required string Name { get; init; }

    /// <summary>Product category the part belongs to, e.g. "phone"; same syntax as a capability word.</summary>
    [Id(2)] public required string Category { get; init; }

    /// <summary>Product models the part fits, sorted (ordinal), unique ignoring case; empty means it fits every model of the category.</summary>
    [Id(3)] public ImmutableArray<string> CompatibleModels { get; init; } = [];

    /// <summary>A main part (e.g. mainboard, display panel, compressor), covered by the longer main-part warranty.</summary>
    [Id(4)] public bool IsMainPart { get; init; }

    /// <summary>List price of one unit in minor currency units (fen for CNY), within [0, <see cref="CatalogParts.MaxUnitPriceMinor"/>].</summary>
    [Id(5)] public long UnitPriceMinor { get; init; }

    /// <summary>ISO 4217 code of <see cref="UnitPriceMinor"/>: three upper-case letters.</summary>
    [Id(6)] public string Currency { get; init; } = CatalogParts.DefaultCurrency;

    /// <summary>No longer supplied: kept so that past quotes and repair records still resolve.</summary>
    [Id(7)] public bool Discontinued { get; init; }

    /// <summary>Increases with every stored change; 0 until stored.</summary>
    [Id(8)] public long Version { get; init; }

    /// <summary>When the part last changed; default until stored.</summary>
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Whether the part fits the model: true when it lists no models, or lists this one (ignoring case).</summary>
    public bool FitsModel(string model) =>
        CompatibleModels.IsEmpty || CompatibleModels.Contains(model.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Same content, whatever the version and time of change.</summary>
    public bool SameAs(CatalogPart other) =>
        Sku == other.Sku && Name == other.Name && Category == other.Category && IsMainPart == other.IsMainPart
        && UnitPriceMinor == other.UnitPriceMinor && Currency == other.Currency && Discontinued == other.Discontinued
        && CompatibleModels.SequenceEqual(other.CompatibleModels);
}

/// <summary>The catalog's rules for a part.</summary>
public static partial class CatalogParts
{
    public const int MaxNameLength = 200;
    public const int MaxModelLength = 128;
    public const int MaxCompatibleModels = 500;
    public const long MaxUnitPriceMinor = 100_000_000;
    public const string DefaultCurrency = "CNY";

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex CurrencyPattern();

    /// <summary>
    /// A checked part, version 0. Errors name the API field under <paramref name="field"/>, e.g.
    /// "part.unit_price.units_minor"; a null price is "part.unit_price: is required". An empty
    /// currency means <see cref="DefaultCurrency"/>.
    /// </summary>
    public static CatalogPart Create(
        string? sku,
        string? name,
        string? category,
        IEnumerable<string?>? compatibleModels,
        bool isMainPart,
        long? unitPriceMinor,
        string? currency,
        bool discontinued,
        string field = "part")
    {
        var checkedSku = Identifiers.RequireId(sku, $"{field}.sku");
        var checkedName = Identifiers.RequireText(name, $"{field}.name", MaxNameLength);
        var checkedCategory = Identifiers.RequireCapability(category, $"{field}.category");
        var models = CheckModels(compatibleModels?.ToList() ?? [], $"{field}.compatible_models");

        if (unitPriceMinor is null)
        {
            throw DomainException.Invalid($"{field}.unit_price", "is required");
        }

        if (unitPriceMinor is < 0 or > MaxUnitPriceMinor)
        {
            throw DomainException.Invalid($"{field}.unit_price.units_minor", $"must be within [0, {MaxUnitPriceMinor}] minor units (got {unitPriceMinor})");
        }

        var checkedCurrency = string.IsNullOrEmpty(currency) ? DefaultCurrency : currency;
        if (!CurrencyPattern().IsMatch(checkedCurrency))
        {
            throw DomainException.Invalid($"{field}.unit_price.currency_code", $"'{Identifiers.Truncate(checkedCurrency)}' is not an ISO 4217 code: use three upper-case letters, e.g. 'CNY'");
        }

        return new CatalogPart
        {
            Sku = checkedSku,
            Name = checkedName,
            Category = checkedCategory,
            CompatibleModels = models,
            IsMainPart = isMainPart,
            UnitPriceMinor = unitPriceMinor.Value,
            Currency = checkedCurrency,
            Discontinued = discontinued,
        };
    }

    private static ImmutableArray<string> CheckModels(List<string?> models, string field)
    {
        if (models.Count > MaxCompatibleModels)
        {
            throw DomainException.Invalid(field, $"must list at most {MaxCompatibleModels} models (got {models.Count})");
        }

        var checkedModels = models.Select((m, i) => Identifiers.RequireText(m, $"{field}[{i}]", MaxModelLength)).ToList();
        var duplicate = checkedModels.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw DomainException.Invalid(field, $"lists '{Identifiers.Truncate(duplicate.Key)}' more than once (models are compared ignoring case)");
        }

        return [.. checkedModels.Order(StringComparer.Ordinal)];
    }
}
