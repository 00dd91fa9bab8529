using RepairNetwork.Domain.Parts;

namespace RepairNetwork.Domain.Tests;

public sealed class CatalogPartTests
{
    private static CatalogPart Part(IEnumerable<string?>? models = null, long? price = 45_900, string? currency = "CNY") =>
        CatalogParts.Create("SCR-X200", "  X200 display assembly  ", "phone", models ?? ["X200", "X200 Pro"], isMainPart: true, price, currency, discontinued: false);

    [Fact]
    public void A_valid_part_is_trimmed_sorted_and_unversioned()
    {
        var part = Part(models: ["X200 Pro", "A100", "X200"]);

        Assert.Equal("X200 display assembly", part.Name);
        Assert.Equal(["A100", "X200", "X200 Pro"], part.CompatibleModels);
        Assert.Equal(0, part.Version);
        Assert.True(part.IsMainPart);
    }

    [Fact]
    public void An_empty_currency_means_cny_and_a_price_of_zero_is_allowed()
    {
        var part = Part(price: 0, currency: "");

        Assert.Equal("CNY", part.Currency);
        Assert.Equal(0, part.UnitPriceMinor);
    }

    [Fact]
    public void A_part_fits_the_models_it_lists_ignoring_case_and_every_model_when_it_lists_none()
    {
        Assert.True(Part().FitsModel("x200 pro"));
        Assert.False(Part().FitsModel("X300"));
        Assert.True(Part(models: []).FitsModel("anything"));
    }

    [Fact]
    public void Same_content_is_the_same_part_whatever_its_version()
    {
        var stored = Part() with { Version = 3, UpdatedAt = DateTimeOffset.UnixEpoch };

        Assert.True(stored.SameAs(Part()));
        Assert.False(stored.SameAs(Part(price: 1)));
        Assert.False(stored.SameAs(Part(models: ["X200"])));
    }

    public static TheoryData<string, string> Defects => new()
    {
        { "no sku", "part.sku" },
        { "bad sku", "part.sku" },
        { "long name", "part.name" },
        { "bad category", "part.category" },
        { "empty model", "part.compatible_models[1]" },
        { "long model", "part.compatible_models[0]" },
        { "too many models", "part.compatible_models" },
        { "duplicate model", "part.compatible_models" },
        { "no price", "part.unit_price" },
        { "negative price", "part.unit_price.units_minor" },
        { "price too high", "part.unit_price.units_minor" },
        { "lower-case currency", "part.unit_price.currency_code" },
        { "four-letter currency", "part.unit_price.currency_code" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Each_broken_rule_names_its_field(string defect, string field)
    {
        Func<CatalogPart> create = defect switch
        {
            "no sku" => () => CatalogParts.Create(null, "n", "phone", [], false, 1, "CNY", false),
            "bad sku" => () => CatalogParts.Create("has space", "n", "phone", [], false, 1, "CNY", false),
            "long name" => () => CatalogParts.Create("S", new string('n', 201), "phone", [], false, 1, "CNY", false),
            "bad category" => () => CatalogParts.Create("S", "n", "Phone!", [], false, 1, "CNY", false),
            "empty model" => () => Part(models: ["X200", " "]),
            "long model" => () => Part(models: [new string('m', 129)]),
            "too many models" => () => Part(models: Enumerable.Range(0, 501).Select(i => $"M{i}")),
            "duplicate model" => () => Part(models: ["X200", "x200"]),
            "no price" => () => Part(price: null),
            "negative price" => () => Part(price: -1),
            "price too high" => () => Part(price: 100_000_001),
            "lower-case currency" => () => Part(currency: "cny"),
            _ => () => Part(currency: "CNYY"),
        };

        var ex = Assert.Throws<DomainException>(() => create());

        Assert.Equal(DomainErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(field, ex.Field);
    }
}
