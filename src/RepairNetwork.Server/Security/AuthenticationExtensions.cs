using Microsoft.AspNetCore.Authentication.JwtBearer;
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
}
