using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace RepairNetwork.Server.Security;

/// <summary>
/// Remembers bearer tokens that passed full validation, so a client that sends the same token on
/// every call (the CLI, the call-centre front end) pays for signature and claim checks once rather
/// than on each RPC. Per process, in memory, at most <see cref="MaxEntries"/> tokens: when full, a
/// background compaction evicts expired then least recently used entries, and a token arriving
/// meanwhile is simply validated in full and not cached. Only successful validations are stored; a failed or tampered
/// token is validated in full every time.
/// </summary>
/// <remarks>
/// An entry lives until the token's own expiry or <see cref="MaxAge"/>, whichever is sooner, so an
/// expired token is never accepted from the cache. The price: a token that was accepted keeps being
/// accepted for up to <see cref="MaxAge"/> after its signing key is removed from configuration (or
/// rotated out at the authority). Entries are keyed by the token's SHA-256, so the cache holds no
/// usable credentials. Expiry is checked on the system clock, the clock the token validation itself uses.
/// </remarks>
public sealed class ValidatedTokenCache : IDisposable
{
    public const int MaxEntries = 10_000;

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly TimeProvider _clock = TimeProvider.System;

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, DateTimeOffset ExpiresAt);

    /// <summary>
    /// The result of an earlier successful validation of this exact token, if it has not yet expired.
    /// The identity is a copy, so nothing a request does to it reaches another request.
    /// </summary>
    public TokenValidationResult? Find(string token)
    {
        var key = KeyOf(token);
        if (!_entries.TryGetValue(key, out Entry? entry) || entry is null)
        {
            return null;
        }

        if (_clock.GetUtcNow() >= entry.ExpiresAt)
        {
            _entries.Remove(key);
            return null;
        }

        return new TokenValidationResult { IsValid = true, ClaimsIdentity = entry.Identity.Clone(), SecurityToken = entry.Token };
    }

    /// <summary>Stores a successful validation; anything else (or a token without an expiry) is ignored.</summary>
    public void Remember(string token, TokenValidationResult result)
    {
        if (!result.IsValid || result.Exception is not null || result.SecurityToken is not { } validated || result.ClaimsIdentity is not { } identity)
        {
            return;
        }

        // ValidTo is DateTime.MinValue when the token carries no "exp": such a token is never cached.
        if (validated.ValidTo == DateTime.MinValue)
        {
            return;
        }

        var expiresAt = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
        var cap = _clock.GetUtcNow() + MaxAge;
        if (cap < expiresAt)
        {
            expiresAt = cap;
        }

        if (expiresAt <= _clock.GetUtcNow())
        {
            return;
        }

        _entries.Set(KeyOf(token), new Entry(identity.Clone(), validated, expiresAt), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
    }

    /// <summary>How many tokens are held, for tests.</summary>
    public int Count => _entries.Count;

    public void Dispose() => _entries.Dispose();

    private static string KeyOf(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(token);
        SHA256.HashData(bytes, hash);
        return Convert.ToBase64String(hash);
    }
}

/// <summary>
/// Wraps the JwtBearer token handler: asks <see cref="ValidatedTokenCache"/> first, validates in full
/// on a miss and remembers the result only when it is valid.
/// </summary>
public sealed class CachingTokenHandler(TokenHandler inner, ValidatedTokenCache cache) : TokenHandler
{
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (cache.Find(token) is { } cached)
        {
            return cached;
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        cache.Remember(token, result);
        return result;
    }

    public override Task<TokenValidationResult> ValidateTokenAsync(SecurityToken token, TokenValidationParameters validationParameters) =>
        inner.ValidateTokenAsync(token, validationParameters);

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }
}
