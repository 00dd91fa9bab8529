using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RepairNetwork.Server.Tests;

/// <summary>The OpenAPI document generated from the protos, and the reference page the server serves itself.</summary>
public sealed partial class OpenApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_openapi_document_lists_every_rest_operation_with_its_proto_comment()
    {
        using var http = Rest.Client(server, token: null);
        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json"));

        // Path variables are named differently (JSON names there, proto names in the rule): compare shapes.
        var documented = new HashSet<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                documented.Add($"{operation.Name.ToUpperInvariant()} {PathVariable().Replace(path.Name, "{}")}");
            }
        }

        var declared = Rest.AllMethods()
            .Select(Rest.RuleOf)
            .OfType<Google.Api.HttpRule>()
            .Select(Rest.VerbAndPath)
            .Select(r => $"{r.Verb} {PathVariable().Replace(r.Path, "{}")}")
            .ToHashSet();
        Assert.True(declared.Count > 50, $"only {declared.Count} rules found");
        Assert.Equal(declared.Order(), documented.Order());

        // Proto comments become the descriptions.
        var getOutlet = document.RootElement.GetProperty("paths").GetProperty("/v1/outlets/{outletId}").GetProperty("get");
        Assert.Equal("Reads one outlet.", getOutlet.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task The_reference_page_loads_everything_from_the_server_itself()
    {
        using var http = Rest.Client(server, token: null);
        using var page = await http.GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("RepairNetwork API reference", html, StringComparison.Ordinal);

        var assets = Asset().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            Assert.DoesNotContain("//", asset, StringComparison.Ordinal);
            using var response = await http.GetAsync(new Uri(new Uri(server.WebAddress + "/docs/"), asset));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
        }

        // The page's configuration points at our document, and at no other host (no validator badge either).
        var script = await http.GetStringAsync("/docs/index.js");
        using var config = JsonDocument.Parse(ConfigObject().Match(script).Groups["json"].Value);
        Assert.Equal("/openapi/v1.json", Assert.Single(config.RootElement.GetProperty("urls").EnumerateArray()).GetProperty("url").GetString());
        Assert.DoesNotMatch(@"https?://", config.RootElement.GetRawText());
        Assert.Contains("configObject.validatorUrl = null", script, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"var configObject = JSON\.parse\('(?<json>.*?)'\);")]
    private static partial Regex ConfigObject();

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathVariable();

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"")]
    private static partial Regex Asset();
}
