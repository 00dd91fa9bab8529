using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>The test server without clock-skew tolerance, so a token is refused the moment it expires.</summary>
public sealed class ZeroSkewServerFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:ClockSkew"] = "00:00:00",
    };
}

/// <summary>
/// Tokens accepted once are served from <see cref="ValidatedTokenCache"/> afterwards: the cached
/// caller keeps exactly its role and outlet, expiry still ends it, and altered tokens never get in.
/// </summary>
public sealed class TokenCacheTests(ZeroSkewServerFixture server) : IClassFixture<ZeroSkewServerFixture>
{
    private ValidatedTokenCache Cache => server.Services.GetRequiredService<ValidatedTokenCache>();

    private static Task<Api.ListPartsResponse> ListParts(GrpcChannel channel) =>
        new Api.PartsCatalogService.PartsCatalogServiceClient(channel).ListPartsAsync(new Api.ListPartsRequest()).ResponseAsync;

    [Fact]
    public async Task A_cached_outlet_token_still_reads_only_its_own_outlet()
    {
        var a = Samples.UniqueId("A");
        var b = Samples.UniqueId("B");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(a, 31.2, 121.4) });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(b, 31.3, 121.5) });
        using var channel = server.ChannelFor(Roles.Outlet, a);
        var outlets = new Api.OutletService.OutletServiceClient(channel);

        // The first call validates in full and caches the token; the rest are served from the cache.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(a, (await outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = a })).Outlet.OutletId);
            var error = await Assert.ThrowsAsync<RpcException>(() => outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = b }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        }

        Assert.True(Cache.Count >= 1);
    }

    [Fact]
    public async Task An_expired_token_is_refused_even_after_it_was_accepted()
    {
        var token = server.Mint("short-lived", Roles.Hq, null, TimeSpan.FromSeconds(3));
        var expires = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).ValidTo;
        using var channel = server.ChannelWithToken(token);

        await ListParts(channel);
        await ListParts(channel);

        // JWT validation and the cache both use the real clock, not the fixture's fake one.
        var wait = expires - DateTime.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => ListParts(channel));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task A_tampered_token_is_refused_and_not_cached()
    {
        var outlet = server.Mint("tamper-outlet", Roles.Outlet, Samples.UniqueId("A"), TimeSpan.FromHours(1));
        var hq = server.Mint("tamper-hq", Roles.Hq, null, TimeSpan.FromHours(1));
        using (var genuine = server.ChannelWithToken(outlet))
        {
            await ListParts(genuine);
        }

        var parts = outlet.Split('.');
        var hqPayload = hq.Split('.')[1];
        var signature = parts[2].ToCharArray();
        signature[signature.Length / 2] = signature[signature.Length / 2] == 'A' ? 'B' : 'A';
        string[] tampered =
        [
            // The outlet token's signature under an hq payload: a forged promotion.
            $"{parts[0]}.{hqPayload}.{parts[2]}",

            // The outlet token with one character of its signature changed.
            $"{parts[0]}.{parts[1]}.{new string(signature)}",
        ];

        var cached = Cache.Count;
        foreach (var token in tampered)
        {
            using var channel = server.ChannelWithToken(token);
            for (var i = 0; i < 2; i++)
            {
                var error = await Assert.ThrowsAsync<RpcException>(() => ListParts(channel));
                Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
            }
        }

        Assert.Equal(cached, Cache.Count);
    }

    [Fact]
    public async Task A_token_signed_with_an_unknown_key_is_refused()
    {
        var token = server.Mint("other-key", Roles.Hq, null, TimeSpan.FromHours(1), keyBase64: AccessTokens.NewKey());
        using var channel = server.ChannelWithToken(token);
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => ListParts(channel));
            Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        }
    }
}
