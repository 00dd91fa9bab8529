using System.Security.Claims;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Extensions;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A developer's server: the Development environment with the published development key, and a short maximum token lifetime.</summary>
public sealed class DevelopmentServerFixture : ServerFixture
{
    protected override string EnvironmentName => "Development";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:SigningKeys:1:KeyId"] = AccessTokens.DevelopmentKeyId,
        ["Auth:SigningKeys:1:Secret"] = AccessTokens.DevelopmentKey,
        ["Auth:MaxTokenLifetime"] = "02:00:00",
    };
}

/// <summary>
/// The test server with a second, 512-bit key: long enough for HS384 and HS512, so a token signed that
/// way is refused for its algorithm alone, not for a key too short to sign it.
/// </summary>
public sealed class WideKeyServerFixture : ServerFixture
{
    public const string WideKeyId = "wide";

    public string WideKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:SigningKeys:1:KeyId"] = WideKeyId,
        ["Auth:SigningKeys:1:Secret"] = WideKey,
    };
}

/// <summary>
/// Only tokens a deployment meant to accept get in: the published development key works only in
/// Development, tokens may not live longer than Auth:MaxTokenLifetime, and the signing algorithm is pinned.
/// </summary>
public sealed class TokenHardeningTests(WideKeyServerFixture server) : IClassFixture<WideKeyServerFixture>
{
    private ValidatedTokenCache Cache => server.Services.GetRequiredService<ValidatedTokenCache>();

    private static Task<Api.ListPartsResponse> ListParts(GrpcChannel channel) =>
        new Api.PartsCatalogService.PartsCatalogServiceClient(channel).ListPartsAsync(new Api.ListPartsRequest()).ResponseAsync;

    private static async Task AssertUnauthenticatedTwice(GrpcChannel channel)
    {
        // Twice: the second call would be served from the validated-token cache if the first had been accepted.
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ListParts(channel));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }

    private static WebApplicationBuilder Builder(string environment, IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    [InlineData("Testing")]
    public void The_published_development_key_stops_the_server_from_starting_outside_Development(string environment)
    {
        var builder = Builder(environment, new Dictionary<string, string?>
        {
            ["Auth:SigningKeys:0:KeyId"] = "prod",
            ["Auth:SigningKeys:0:Secret"] = AccessTokens.NewKey(),
            ["Auth:SigningKeys:1:KeyId"] = "copied-from-the-readme",
            ["Auth:SigningKeys:1:Secret"] = AccessTokens.DevelopmentKey,
        });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRepairNetworkApi());

        Assert.Contains("Auth:SigningKeys:1:Secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("development key", error.Message, StringComparison.Ordinal);
        Assert.Contains(environment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Auth:MaxTokenLifetime", "-01:00:00", "Auth:MaxTokenLifetime")]
    [InlineData("Auth:ValidAlgorithms:0", "none", "Auth:ValidAlgorithms")]
    public void A_bad_token_setting_stops_the_server_from_starting_and_is_named(string setting, string value, string named)
    {
        var builder = Builder("Production", new Dictionary<string, string?>
        {
            ["Auth:SigningKeys:0:Secret"] = AccessTokens.NewKey(),
            [setting] = value,
        });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRepairNetworkApi());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_made_to_live_longer_than_the_maximum_is_refused_also_when_presented_again()
    {
        var cached = Cache.Count;
        using var channel = server.ChannelWithToken(server.Mint("long-lived", Roles.Hq, null, TimeSpan.FromHours(25)));

        await AssertUnauthenticatedTwice(channel);

        Assert.Equal(cached, Cache.Count);
    }

    [Fact]
    public async Task A_token_within_the_maximum_lifetime_is_accepted_also_from_the_cache()
    {
        using var channel = server.ChannelWithToken(server.Mint("a-working-day", Roles.Hq, null, TimeSpan.FromHours(23)));

        await ListParts(channel);
        await ListParts(channel);
    }

    [Fact]
    public async Task A_token_without_an_issue_time_counts_its_lifetime_from_now()
    {
        using var noTimes = server.ChannelWithToken(Sign(SecurityAlgorithms.HmacSha256, issuedAt: null, expires: DateTime.UtcNow.AddDays(30)));

        // An "iat" in the future cannot make a 30-day token look like a 1-hour one.
        var expires = DateTime.UtcNow.AddDays(30);
        using var futureIssue = server.ChannelWithToken(Sign(SecurityAlgorithms.HmacSha256, issuedAt: expires.AddHours(-1), expires: expires));

        using var withinLimit = server.ChannelWithToken(Sign(SecurityAlgorithms.HmacSha256, issuedAt: null, expires: DateTime.UtcNow.AddHours(1)));

        await AssertUnauthenticatedTwice(noTimes);
        await AssertUnauthenticatedTwice(futureIssue);
        await ListParts(withinLimit);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.HmacSha384)]
    [InlineData(SecurityAlgorithms.HmacSha512)]
    public async Task A_token_signed_with_another_algorithm_than_HS256_is_refused_even_with_the_right_key(string algorithm)
    {
        using var pinned = server.ChannelWithToken(Sign(SecurityAlgorithms.HmacSha256, DateTime.UtcNow, DateTime.UtcNow.AddHours(1), wideKey: true));
        using var other = server.ChannelWithToken(Sign(algorithm, DateTime.UtcNow, DateTime.UtcNow.AddHours(1), wideKey: true));

        await ListParts(pinned);
        await AssertUnauthenticatedTwice(other);
    }

    [Fact]
    public async Task An_unsigned_token_is_refused()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"none","typ":"JWT","kid":"{{ServerFixture.SigningKeyId}}"}"""));
        var payload = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(
            $$"""{"sub":"nobody","role":"hq","iss":"{{AccessTokens.DefaultIssuer}}","aud":"{{AccessTokens.DefaultAudience}}","iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}}}"""));
        using var channel = server.ChannelWithToken($"{header}.{payload}.");

        await AssertUnauthenticatedTwice(channel);
    }

    /// <summary>An hq token signed with one of the server's keys, by the given algorithm, with exactly the given times.</summary>
    private string Sign(string algorithm, DateTime? issuedAt, DateTime expires, bool wideKey = false)
    {
        var key = wideKey
            ? new SymmetricSecurityKey(Convert.FromBase64String(server.WideKey)) { KeyId = WideKeyServerFixture.WideKeyId }
            : new SymmetricSecurityKey(Convert.FromBase64String(server.SigningKey)) { KeyId = ServerFixture.SigningKeyId };
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim(TokenClaims.Subject, "hand-made"), new Claim(TokenClaims.Role, Roles.Hq)]),
            Issuer = AccessTokens.DefaultIssuer,
            Audience = AccessTokens.DefaultAudience,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        if (issuedAt is { } iat)
        {
            descriptor.IssuedAt = iat;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}

/// <summary>On a Development server the development key works, and Auth:MaxTokenLifetime sets the limit.</summary>
public sealed class DevelopmentServerTests(DevelopmentServerFixture server) : IClassFixture<DevelopmentServerFixture>
{
    private static Task<Api.ListPartsResponse> ListParts(GrpcChannel channel) =>
        new Api.PartsCatalogService.PartsCatalogServiceClient(channel).ListPartsAsync(new Api.ListPartsRequest()).ResponseAsync;

    [Fact]
    public async Task In_Development_a_token_signed_with_the_development_key_is_accepted()
    {
        using var channel = server.ChannelWithToken(AccessTokens.Mint("developer", Roles.Hq, null, TimeSpan.FromHours(1)));

        await ListParts(channel);
    }

    [Fact]
    public async Task The_maximum_token_lifetime_is_the_configured_one()
    {
        using var channel = server.ChannelWithToken(AccessTokens.Mint("developer", Roles.Hq, null, TimeSpan.FromHours(3)));

        var error = await Assert.ThrowsAsync<RpcException>(() => ListParts(channel));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }
}
