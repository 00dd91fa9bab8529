using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>The parts catalog end to end: round trips, paging and filters, idempotent creates, bad input, who may write.</summary>
public sealed class PartsCatalogTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Parts_round_trip_through_create_get_update_and_a_paged_filtered_listing()
    {
        var category = Samples.UniqueCategory();
        var prefix = Samples.UniqueId("PART");
        var created = new List<Api.Part>();
        for (var i = 0; i < 5; i++)
        {
            // Parts 0, 2 and 4 fit the X200; part 3 lists no models, so it fits every model.
            var models = i switch { 3 => Array.Empty<string>(), _ when i % 2 == 0 => ["X200", "X300"], _ => ["A100"] };
            created.Add((await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part($"{prefix}-{i}", category, models) })).Part);
        }

        var first = created[0];
        Assert.Equal(1, first.Version);
        Assert.Equal(server.Clock.GetUtcNow(), first.UpdateTime.ToDateTimeOffset());
        Assert.Equal(["X200", "X300"], first.CompatibleModels);
        Assert.Equal(first, (await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = first.Sku })).Part);

        var repriced = (await server.Parts.UpdatePartAsync(new Api.UpdatePartRequest
        {
            Part = new Api.Part { Sku = first.Sku, Name = "ignored: not in the mask", UnitPrice = new Api.Money { CurrencyCode = "CNY", UnitsMinor = 39_900 } },
            UpdateMask = new FieldMask { Paths = { "unit_price" } },
            ExpectedVersion = first.Version,
        })).Part;
        Assert.Equal(39_900, repriced.UnitPrice.UnitsMinor);
        Assert.Equal(first.Name, repriced.Name);
        Assert.Equal(first.CompatibleModels, repriced.CompatibleModels);
        Assert.Equal(first.Version + 1, repriced.Version);
        Assert.Equal(repriced, (await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = first.Sku })).Part);

        Assert.Equal([$"{prefix}-0", $"{prefix}-1", $"{prefix}-2", $"{prefix}-3", $"{prefix}-4"], await ListAll(new Api.ListPartsRequest { PageSize = 2, Category = category }));
        Assert.Equal([$"{prefix}-0", $"{prefix}-2", $"{prefix}-3", $"{prefix}-4"], await ListAll(new Api.ListPartsRequest { PageSize = 2, Category = category, CompatibleModel = "x200" }));
        var anyCategory = await ListAll(new Api.ListPartsRequest { PageSize = 3, CompatibleModel = "A100" });
        Assert.Equal([$"{prefix}-1", $"{prefix}-3"], anyCategory.Where(sku => sku.StartsWith(prefix, StringComparison.Ordinal)));

        // Moving a part to another category moves it in the listing too.
        var otherCategory = Samples.UniqueCategory();
        await server.Parts.UpdatePartAsync(new Api.UpdatePartRequest { Part = new Api.Part { Sku = $"{prefix}-4", Category = otherCategory }, UpdateMask = new FieldMask { Paths = { "category" } } });
        Assert.Equal([$"{prefix}-0", $"{prefix}-1", $"{prefix}-2", $"{prefix}-3"], await ListAll(new Api.ListPartsRequest { Category = category }));
        Assert.Equal([$"{prefix}-4"], await ListAll(new Api.ListPartsRequest { Category = otherCategory }));
    }

    [Fact]
    public async Task A_model_filter_that_matches_little_reads_a_bounded_slice_per_call_and_the_token_finds_the_rest()
    {
        var category = Samples.UniqueCategory();
        var prefix = Samples.UniqueId("BULK");
        var skus = Enumerable.Range(0, 520).Select(i => $"{prefix}-{i:D4}").ToList();
        foreach (var chunk in skus.Chunk(52))
        {
            // Concurrent creates, as a bulk import makes them: the catalog shares its writes between them.
            await Task.WhenAll(chunk.Select(sku => server.Parts.CreatePartAsync(new Api.CreatePartRequest
            {
                Part = Samples.Part(sku, category, sku == skus[^1] ? "RARE-1" : "COMMON-1"),
            }).ResponseAsync));
        }

        var firstPage = await server.Parts.ListPartsAsync(new Api.ListPartsRequest { PageSize = 10, Category = category, CompatibleModel = "rare-1" });
        var secondPage = await server.Parts.ListPartsAsync(new Api.ListPartsRequest { PageSize = 10, Category = category, CompatibleModel = "rare-1", PageToken = firstPage.NextPageToken });

        Assert.Empty(firstPage.Parts);
        Assert.NotEmpty(firstPage.NextPageToken);
        Assert.Equal([skus[^1]], secondPage.Parts.Select(p => p.Sku));
        Assert.Empty(secondPage.NextPageToken);
        Assert.Equal(skus, await ListAll(new Api.ListPartsRequest { PageSize = 500, Category = category }));
    }

    [Fact]
    public async Task Retrying_an_identical_create_returns_the_stored_part_and_different_content_is_already_exists()
    {
        var sku = Samples.UniqueId("DUP");
        var original = (await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(sku, models: ["X200"]) })).Part;
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var retry = (await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(sku, models: ["X200"]) })).Part;
        var sameUpdate = (await server.Parts.UpdatePartAsync(new Api.UpdatePartRequest { Part = Samples.Part(sku, models: ["X200"]) })).Part;

        var changed = Samples.Part(sku, models: ["X200"]);
        changed.UnitPrice.UnitsMinor = 1;
        var error = await AssertStatus(StatusCode.AlreadyExists, () => server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = changed }).ResponseAsync);

        Assert.Equal(original, retry);
        Assert.Equal(original, sameUpdate);
        Assert.Contains(sku, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(original, (await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = sku })).Part);

        // An update retried after it applied finds nothing to change: the same answer, not a version conflict.
        var discontinue = new Api.UpdatePartRequest { Part = new Api.Part { Sku = sku, Discontinued = true }, UpdateMask = new FieldMask { Paths = { "discontinued" } }, ExpectedVersion = original.Version };
        var applied = (await server.Parts.UpdatePartAsync(discontinue)).Part;
        var retried = (await server.Parts.UpdatePartAsync(discontinue)).Part;
        Assert.True(applied.Discontinued);
        Assert.Equal(original.Version + 1, applied.Version);
        Assert.Equal(applied, retried);
    }

    public static TheoryData<string, string> InvalidParts => new()
    {
        { "missing sku", "part.sku" },
        { "malformed sku", "part.sku" },
        { "65-character sku", "part.sku" },
        { "no name", "part.name" },
        { "1 MB name", "part.name" },
        { "bad category", "part.category" },
        { "no price", "part.unit_price" },
        { "negative price", "part.unit_price.units_minor" },
        { "price over the limit", "part.unit_price.units_minor" },
        { "currency as a word", "part.unit_price.currency_code" },
        { "lower-case currency", "part.unit_price.currency_code" },
        { "duplicate compatible models", "part.compatible_models" },
        { "empty compatible model", "part.compatible_models[1]" },
        { "129-character model", "part.compatible_models[0]" },
        { "501 compatible models", "part.compatible_models" },
        { "no part", "part" },
    };

    [Theory]
    [MemberData(nameof(InvalidParts))]
    public async Task Invalid_part_is_rejected_naming_the_field_and_nothing_is_stored(string defect, string field)
    {
        var sku = Samples.UniqueId("BAD");
        var category = Samples.UniqueCategory();
        var part = Samples.Part(sku, category, "X200");
        switch (defect)
        {
            case "missing sku": part.Sku = string.Empty; break;
            case "malformed sku": part.Sku = "no spaces/slashes"; break;
            case "65-character sku": part.Sku = new string('S', 65); break;
            case "no name": part.Name = "   "; break;
            case "1 MB name": part.Name = new string('n', 1_000_000); break;
            case "bad category": part.Category = "Phone Parts!"; break;
            case "no price": part.UnitPrice = null; break;
            case "negative price": part.UnitPrice.UnitsMinor = -1; break;
            case "price over the limit": part.UnitPrice.UnitsMinor = 100_000_001; break;
            case "currency as a word": part.UnitPrice.CurrencyCode = "yuan"; break;
            case "lower-case currency": part.UnitPrice.CurrencyCode = "cny"; break;
            case "duplicate compatible models": part.CompatibleModels.Add("x200"); break;
            case "empty compatible model": part.CompatibleModels.Add(" "); break;
            case "129-character model": part.CompatibleModels[0] = new string('m', 129); break;
            case "501 compatible models": part.CompatibleModels.AddRange(Enumerable.Range(0, 500).Select(i => $"M{i}")); break;
            case "no part": part = null; break;
        }

        var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = part }).ResponseAsync);

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.NotFound, () => server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = sku }).ResponseAsync);
        if (defect != "bad category")
        {
            Assert.Empty((await server.Parts.ListPartsAsync(new Api.ListPartsRequest { Category = category })).Parts);
        }
    }

    [Fact]
    public async Task Bad_updates_and_listings_are_rejected_naming_the_field_and_change_nothing()
    {
        var sku = Samples.UniqueId("UPD");
        var stored = (await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(sku, models: ["X200"]) })).Part;
        Api.UpdatePartRequest Update(Action<Api.Part> change, params string[] paths)
        {
            var part = new Api.Part { Sku = sku, UnitPrice = new Api.Money { UnitsMinor = 1 } };
            change(part);
            return new Api.UpdatePartRequest { Part = part, UpdateMask = new FieldMask { Paths = { paths } } };
        }

        var stale = Update(p => p.Name = "Renamed", "name");
        stale.ExpectedVersion = stored.Version + 5;
        var cases = new (Api.UpdatePartRequest Request, StatusCode Status, string Field)[]
        {
            (Update(p => p.UnitPrice.UnitsMinor = -5, "unit_price"), StatusCode.InvalidArgument, "part.unit_price.units_minor"),
            (Update(p => p.UnitPrice = null, "unit_price"), StatusCode.InvalidArgument, "part.unit_price"),
            (Update(p => p.CompatibleModels.Add("A1"), "compatible_models", "sku"), StatusCode.InvalidArgument, "update_mask"),
            (Update(p => p.CompatibleModels.Add("A1"), "version"), StatusCode.InvalidArgument, "update_mask"),
            (Update(p => p.CompatibleModels.AddRange(["A1", "a1"]), "compatible_models"), StatusCode.InvalidArgument, "part.compatible_models"),
            (Update(p => p.Name = new string('n', 201), "name"), StatusCode.InvalidArgument, "part.name"),
            (Update(p => p.Sku = "bad sku", "name"), StatusCode.InvalidArgument, "part.sku"),
            (new Api.UpdatePartRequest(), StatusCode.InvalidArgument, "part"),
            (stale, StatusCode.FailedPrecondition, string.Empty),
            (Update(p => { p.Sku = Samples.UniqueId("MISSING"); p.Name = "Renamed"; }, "name"), StatusCode.NotFound, string.Empty),
        };

        foreach (var (request, status, field) in cases)
        {
            var error = await AssertStatus(status, () => server.Parts.UpdatePartAsync(request).ResponseAsync);
            Assert.StartsWith(field, error.Status.Detail, StringComparison.Ordinal);
        }

        // A token of another method's listing is foreign here.
        foreach (var outlet in new[] { Samples.UniqueId("TOK"), Samples.UniqueId("TOK") })
        {
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, 31.2, 121.4) });
        }

        var outletsToken = (await server.Outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 1 })).NextPageToken;
        Assert.NotEmpty(outletsToken);
        var listings = new (Api.ListPartsRequest Request, string Field)[]
        {
            (new Api.ListPartsRequest { PageSize = 501 }, "page_size"),
            (new Api.ListPartsRequest { PageSize = -1 }, "page_size"),
            (new Api.ListPartsRequest { Category = "Not A Category" }, "category"),
            (new Api.ListPartsRequest { CompatibleModel = new string('m', 129) }, "compatible_model"),
            (new Api.ListPartsRequest { PageToken = "not-a-token" }, "page_token"),
            (new Api.ListPartsRequest { PageToken = outletsToken }, "page_token"),
        };
        foreach (var (request, field) in listings)
        {
            var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Parts.ListPartsAsync(request).ResponseAsync);
            Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        }

        await AssertStatus(StatusCode.InvalidArgument, () => server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = new string('x', 1_000_000) }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => server.Parts.GetPartAsync(new Api.GetPartRequest()).ResponseAsync);
        Assert.Equal(stored, (await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = sku })).Part);
    }

    [Theory]
    [InlineData(Roles.CallCenter)]
    [InlineData(Roles.Outlet)]
    public async Task Only_headquarters_writes_the_catalog_and_every_role_reads_it(string role)
    {
        var sku = Samples.UniqueId("ROLE");
        var category = Samples.UniqueCategory();
        var stored = (await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(sku, category, "X200") })).Part;
        // An outlet reads the catalog whatever its outlet: the token's outlet need not even exist.
        using var channel = server.ChannelFor(role, role == Roles.Outlet ? Samples.UniqueId("SHOP") : null);
        var parts = new Api.PartsCatalogService.PartsCatalogServiceClient(channel);
        var newSku = Samples.UniqueId("ROLE");

        var create = await AssertStatus(StatusCode.PermissionDenied, () => parts.CreatePartAsync(new Api.CreatePartRequest { Part = Samples.Part(newSku, category) }).ResponseAsync);
        await AssertStatus(StatusCode.PermissionDenied, () => parts.UpdatePartAsync(new Api.UpdatePartRequest
        {
            Part = new Api.Part { Sku = sku, UnitPrice = new Api.Money { CurrencyCode = "CNY", UnitsMinor = 1 } },
            UpdateMask = new FieldMask { Paths = { "unit_price" } },
        }).ResponseAsync);
        await AssertStatus(StatusCode.PermissionDenied, () => parts.UpdatePartAsync(new Api.UpdatePartRequest { Part = Samples.Part(sku, category, "X200", "X300") }).ResponseAsync);

        Assert.Contains(role, create.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(stored, (await parts.GetPartAsync(new Api.GetPartRequest { Sku = sku })).Part);
        Assert.Equal([stored], (await parts.ListPartsAsync(new Api.ListPartsRequest { Category = category, CompatibleModel = "X200" })).Parts);
        await AssertStatus(StatusCode.NotFound, () => parts.GetPartAsync(new Api.GetPartRequest { Sku = newSku }).ResponseAsync);
        Assert.Equal(stored, (await server.Parts.GetPartAsync(new Api.GetPartRequest { Sku = sku })).Part);
    }

    /// <summary>Every SKU a listing returns, following next_page_token to the end.</summary>
    private async Task<List<string>> ListAll(Api.ListPartsRequest request)
    {
        var skus = new List<string>();
        var page = request.Clone();
        do
        {
            var response = await server.Parts.ListPartsAsync(page);
            skus.AddRange(response.Parts.Select(p => p.Sku));
            page.PageToken = response.NextPageToken;
        }
        while (page.PageToken.Length > 0);

        return skus;
    }

    private static async Task<RpcException> AssertStatus<T>(StatusCode expected, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == error.StatusCode, $"expected {expected}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }
}
