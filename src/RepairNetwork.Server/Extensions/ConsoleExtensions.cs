using System.Text.Json.Serialization;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.FileProviders;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Security;

namespace RepairNetwork.Server.Extensions;

/// <summary>Console:* settings: what the browser console needs to know besides the API itself.</summary>
public sealed class ConsoleSettings
{
    /// <summary>Optional raster tile URL template, e.g. "https://tiles.example.com/{z}/{x}/{y}.png"; none by default (offline base map).</summary>
    public string? TileUrl { get; set; }

    /// <summary>The console's OpenID Connect client id at Auth:Authority (a public client: code + PKCE, no secret).</summary>
    public string? ClientId { get; set; }

    /// <summary>Scopes the console asks the identity provider for.</summary>
    public string Scope { get; set; } = "openid";
}

/// <summary>
/// The browser console at /console: static files shipped with the server (no CDN, works offline), a
/// small config document, and in Development only a sign-in that mints a token for a chosen role.
/// The console calls the same API as every other client, so authorization stays in the API.
/// </summary>
public static class ConsoleExtensions
{
    public const string BasePath = "/console";

    public static WebApplicationBuilder AddRepairNetworkConsole(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ConsoleSettings>(builder.Configuration.GetSection("Console"));
        builder.Services.AddResponseCompression(options =>
        {
            // Only the console's own static files pass through this (see MapRepairNetworkConsole): no secrets to leak via BREACH.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json", "application/geo+json", "image/svg+xml"];
        });
        return builder;
    }

    public static WebApplication MapRepairNetworkConsole(this WebApplication app)
    {
        var settings = app.Configuration.GetSection("Console").Get<ConsoleSettings>() ?? new ConsoleSettings();
        var authority = app.Configuration["Auth:Authority"];
        var headers = SecurityHeaders(settings.TileUrl, authority);
        var files = new PhysicalFileProvider(AssetFolder(app.Environment));

        app.UseWhen(context => context.Request.Path.StartsWithSegments(BasePath), console =>
        {
            console.Use((context, next) =>
            {
                if (context.Request.Path.Value is BasePath)
                {
                    context.Response.Redirect(BasePath + "/");
                    return Task.CompletedTask;
                }

                if (context.Request.Path.Value is BasePath + "/")
                {
                    context.Request.Path = BasePath + "/index.html";
                }

                foreach (var (name, value) in headers)
                {
                    context.Response.Headers[name] = value;
                }

                return next(context);
            });
            console.UseResponseCompression();
            console.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                RequestPath = BasePath,
                ContentTypeProvider = ContentTypes(),
                // No build step, so no fingerprinted names: browsers revalidate every time (ETag, 304).
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
            });
        });

        app.MapGet(BasePath + "/config.json", (IHostEnvironment environment) => new ConsoleConfig(
            DevelopmentSignIn: environment.IsDevelopment(),
            Authority: string.IsNullOrEmpty(authority) ? null : authority,
            ClientId: settings.ClientId,
            Scope: settings.Scope,
            TileUrl: string.IsNullOrEmpty(settings.TileUrl) ? null : settings.TileUrl));

        // The development sign-in exists only in Development: anywhere else the route is not mapped (404).
        if (app.Environment.IsDevelopment())
        {
            app.MapPost(BasePath + "/dev-token", (DevTokenRequest request, IConfiguration configuration) => DevelopmentToken(request, configuration));
        }

        return app;
    }

    /// <summary>The project folder while developing (edits show on reload), else the copy next to the binaries.</summary>
    private static string AssetFolder(IHostEnvironment environment)
    {
        var source = Path.Combine(environment.ContentRootPath, "Console");
        return File.Exists(Path.Combine(source, "index.html")) ? source : Path.Combine(AppContext.BaseDirectory, "Console");
    }

    private static Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".json"] = "application/json";
        return types;
    }

    private static List<(string Name, string Value)> SecurityHeaders(string? tileUrl, string? authority)
    {
        var images = "'self' data:" + Origin(tileUrl);
        // OIDC discovery and the token exchange are fetches to the identity provider.
        var connect = "'self'" + Origin(authority);
        return
        [
            ("Content-Security-Policy", $"default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; connect-src {connect}; " +
                "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ];
    }

    private static string Origin(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return string.Empty;
        }

        // Tile templates hold {z}/{x}/{y}, and may use {s} subdomains: allow the host's subdomains then.
        var template = url.Replace("{s}.", "SUBDOMAIN.", StringComparison.Ordinal);
        if (!Uri.TryCreate(template.Split('{')[0], UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"Console:TileUrl / Auth:Authority must be an absolute URL, not '{url}'");
        }

        var host = uri.Host.StartsWith("subdomain.", StringComparison.OrdinalIgnoreCase) ? "*." + uri.Host["subdomain.".Length..] : uri.Host;
        return $" {uri.Scheme}://{host}{(uri.IsDefaultPort ? string.Empty : ":" + uri.Port)}";
    }

    private static IResult DevelopmentToken(DevTokenRequest request, IConfiguration configuration)
    {
        if (!Roles.All.Contains(request.Role))
        {
            return Results.BadRequest(new { error = $"role must be one of {string.Join(", ", Roles.All)}" });
        }

        var outletId = request.Role == Roles.Outlet ? request.OutletId?.Trim() : null;
        if (request.Role == Roles.Outlet && string.IsNullOrEmpty(outletId))
        {
            return Results.BadRequest(new { error = "an outlet sign-in needs the outlet id" });
        }

        // Signed with the first configured key: in Development that is the published development key.
        var key = configuration.GetSection("Auth:SigningKeys").Get<List<SigningKeySettings>>()?.FirstOrDefault();
        if (key is null)
        {
            return Results.Problem("no Auth:SigningKeys to sign a development token with", statusCode: 500);
        }

        var subject = "console-dev-" + (outletId ?? request.Role);
        var token = AccessTokens.Mint(subject, request.Role, outletId, TimeSpan.FromHours(8), key.Secret, key.KeyId,
            configuration.GetValue("Auth:Issuer", AccessTokens.DefaultIssuer)!, configuration.GetValue("Auth:Audience", AccessTokens.DefaultAudience)!);
        return Results.Ok(new { token, role = request.Role, outletId, subject });
    }
}

public sealed record DevTokenRequest(string Role, string? OutletId);

public sealed record ConsoleConfig(
    [property: JsonPropertyName("developmentSignIn")] bool DevelopmentSignIn,
    [property: JsonPropertyName("authority")] string? Authority,
    [property: JsonPropertyName("clientId")] string? ClientId,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("tileUrl")] string? TileUrl);
