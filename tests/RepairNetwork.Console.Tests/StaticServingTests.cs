using System.Net;
using System.Net.Http.Headers;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Extensions;

namespace RepairNetwork.Console.Tests;

/// <summary>A server outside Development: the console is served (cached, compressed, under a strict policy) but there is no development sign-in.</summary>
public sealed class StaticServingTests : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly HttpClient _http = new();

    public async ValueTask InitializeAsync()
    {
        var web = ConsoleServer.FreePort();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{ConsoleServer.FreePort()}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{web}",
            ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
            ["Orleans:SiloPort"] = ConsoleServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "console-static-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:SigningKeys:0:KeyId"] = "prod",
            ["Auth:SigningKeys:0:Secret"] = AccessTokens.NewKey(),
            ["Console:TileUrl"] = "https://{s}.tiles.example.com/{z}/{x}/{y}.png",
        });
        builder.AddRepairNetworkSilo();
        builder.AddRepairNetworkApi();
        _app = builder.Build();
        _app.MapRepairNetworkApi();
        await _app.StartAsync();
        _http.BaseAddress = new Uri($"http://127.0.0.1:{web}");
    }

    [Fact]
    public async Task Outside_development_there_is_no_development_sign_in()
    {
        using var response = await _http.PostAsync("/console/dev-token", new StringContent("""{"role":"hq"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var config = await _http.GetStringAsync("/console/config.json");
        Assert.Contains("\"developmentSignIn\":false", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_console_is_served_with_a_strict_policy_revalidated_by_etag_and_compressed()
    {
        using var page = await _http.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: https://*.tiles.example.com;", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);

        var etag = page.Headers.ETag;
        Assert.NotNull(etag);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/console/js/app.js");
        using var first = await _http.GetAsync("/console/js/app.js");
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var revalidated = await _http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);

        using var compressed = new HttpRequestMessage(HttpMethod.Get, "/console/js/map.js");
        compressed.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var small = await _http.SendAsync(compressed);
        Assert.Equal("br", Assert.Single(small.Content.Headers.ContentEncoding));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
