using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Server.Security;

/// <summary>One HMAC signing key; several may be active at once so keys can be rotated.</summary>
public sealed class SigningKeySettings
{
    public string KeyId { get; set; } = string.Empty;

    /// <summary>Base64, at least 32 bytes.</summary>
    public string Secret { get; set; } = string.Empty;
}

public static class AuthenticationExtensions
{
    /// <summary>The longest a token may live (exp − iat) unless Auth:MaxTokenLifetime says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>JWT "alg" values Auth:ValidAlgorithms may name; "none" is deliberately not among them.</summary>
    private static readonly HashSet<string> KnownAlgorithms = new(StringComparer.Ordinal)
    {
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    };

    /// <summary>
    /// Bearer tokens (JWT) on every RPC except health and reflection. Keys come from configuration:
    /// Auth:SigningKeys (HS256, several at once for rotation) and/or Auth:Authority (an OpenID Connect
    /// issuer whose published keys are used, e.g. the brand's identity provider). Without either the
    /// server refuses to start: it never runs open.
    /// </summary>
    public static WebApplicationBuilder AddRepairNetworkAuthentication(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth");
        var issuer = auth.GetValue("Issuer", AccessTokens.DefaultIssuer);
        var audience = auth.GetValue("Audience", AccessTokens.DefaultAudience);
        var authority = auth.GetValue<string?>("Authority");
        // Tolerance for clocks that disagree on a token's expiry; tests set zero to see expiry at once.
        var clockSkew = auth.GetValue("ClockSkew", TimeSpan.FromSeconds(30));
        var keys = auth.GetSection("SigningKeys").Get<List<SigningKeySettings>>() ?? [];
        var maxLifetime = auth.GetValue("MaxTokenLifetime", DefaultMaxTokenLifetime);
        if (maxLifetime <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Auth:MaxTokenLifetime must be positive (e.g. 24:00:00), not {maxLifetime}");
        }

        var validAlgorithms = ValidAlgorithms(auth, hasAuthority: !string.IsNullOrEmpty(authority));
        var developmentKey = Convert.FromBase64String(AccessTokens.DevelopmentKey);

        var signingKeys = keys.Select((k, i) =>
        {
            byte[] secret;
            try
            {
                secret = Convert.FromBase64String(k.Secret);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"Auth:SigningKeys:{i}:Secret is not base64");
            }

            // The development key is published (source, README, rn token's default), so anyone could mint
            // an hq token with it: a server outside Development must never accept it.
            if (!builder.Environment.IsDevelopment() && CryptographicOperations.FixedTimeEquals(secret, developmentKey))
            {
                throw new InvalidOperationException(
                    $"Auth:SigningKeys:{i}:Secret is the published development key, which is accepted only in the Development environment " +
                    $"(this is '{builder.Environment.EnvironmentName}'). Generate a key (openssl rand -base64 32) and set it as Auth:SigningKeys:{i}:Secret.");
            }

            return secret.Length >= 32
                ? new SymmetricSecurityKey(secret) { KeyId = string.IsNullOrEmpty(k.KeyId) ? null : k.KeyId }
                : throw new InvalidOperationException($"Auth:SigningKeys:{i}:Secret must be at least 32 bytes (256 bits)");
        }).ToList<SecurityKey>();

        if (signingKeys.Count == 0 && string.IsNullOrEmpty(authority))
        {
            throw new InvalidOperationException("No token signing keys: set Auth:SigningKeys (see README, 'Security') or Auth:Authority. The development key is in appsettings.Development.json.");
        }

        builder.Services.AddSingleton<ValidatedTokenCache>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.Events = new JwtBearerEvents { OnAuthenticationFailed = RefusedTokenLog.OnAuthenticationFailed, OnChallenge = RefusedTokenLog.OnChallenge };
            if (!string.IsNullOrEmpty(authority))
            {
                options.Authority = authority;
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer,
                ValidAudience = audience,
                IssuerSigningKeys = signingKeys,
                ValidateIssuerSigningKey = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = clockSkew,
                LifetimeValidator = (notBefore, expires, token, parameters) => ValidateLifetime(notBefore, expires, token, parameters, maxLifetime),
                ValidAlgorithms = validAlgorithms,
                NameClaimType = TokenClaims.Subject,
                RoleClaimType = TokenClaims.Role,
            };
        });

        // Repeated calls with the same token skip full validation (see ValidatedTokenCache for what
        // that costs: a removed signing key stops working within ValidatedTokenCache.MaxAge, not at once).
        // Runs after the options above, so it wraps the handlers as configured (MapInboundClaims included).
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ValidatedTokenCache>((options, cache) =>
            {
                var handlers = options.TokenHandlers.Select(h => h is CachingTokenHandler ? h : new CachingTokenHandler(h, cache)).ToList();
                options.TokenHandlers.Clear();
                foreach (var handler in handlers)
                {
                    options.TokenHandlers.Add(handler);
                }
            });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// Auth:ValidAlgorithms, or by default HS256 (what Auth:SigningKeys are for) plus RS256 and ES256 when an
    /// Authority's published keys are trusted. Pinned so a token cannot choose how it is checked: without a
    /// list, an HS512 token signed with a configured key would pass as well.
    /// </summary>
    private static string[] ValidAlgorithms(IConfigurationSection auth, bool hasAuthority)
    {
        var configured = auth.GetSection("ValidAlgorithms").Get<string[]>() ?? [];
        foreach (var algorithm in configured)
        {
            if (!KnownAlgorithms.Contains(algorithm))
            {
                throw new InvalidOperationException(
                    $"Auth:ValidAlgorithms: '{algorithm}' is not a JWS signing algorithm; use some of {string.Join(", ", KnownAlgorithms)}");
            }
        }

        return configured.Length > 0 ? configured
            : hasAuthority ? [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256]
            : [SecurityAlgorithms.HmacSha256];
    }

    /// <summary>
    /// The usual expiry and not-before checks, and a cap on how long the token was made to live, so a leaked
    /// long-lived token (rn token once minted 30 days) is worthless. Lifetime counts from "iat", else "nbf",
    /// but never from later than now, so a token cannot shorten its apparent lifetime with a future "iat".
    /// Part of validation, so ValidatedTokenCache (which keeps only valid results) never holds such a token.
    /// </summary>
    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters, TimeSpan maxLifetime)
    {
        // The library's own checks (and its exceptions, e.g. SecurityTokenExpiredException, which set the
        // "token expired" challenge); a copy without this delegate, which the library would call again.
        var standard = parameters.Clone();
        standard.LifetimeValidator = null;
        Validators.ValidateLifetime(notBefore, expires, token, standard);

        var now = DateTime.UtcNow;
        var issuedAt = token is JsonWebToken { IssuedAt: var iat } && iat != DateTime.MinValue ? iat : notBefore ?? now;
        var lifetime = expires!.Value - (issuedAt < now ? issuedAt : now);
        if (lifetime > maxLifetime + parameters.ClockSkew)
        {
            throw new SecurityTokenInvalidLifetimeException(
                $"The token lives {lifetime} from issue to expiry, longer than Auth:MaxTokenLifetime ({maxLifetime})")
            {
                NotBefore = notBefore,
                Expires = expires,
            };
        }

        return true;
    }
}
