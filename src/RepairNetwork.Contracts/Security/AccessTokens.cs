using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RepairNetwork.Contracts.Security;

/// <summary>The roles a RepairNetwork access token can carry.</summary>
public static class Roles
{
    public const string Hq = "hq";
    public const string CallCenter = "call_center";
    public const string Outlet = "outlet";

    public static readonly IReadOnlyList<string> All = [Hq, CallCenter, Outlet];
}

/// <summary>Claim names in RepairNetwork access tokens.</summary>
public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Role = "role";

    /// <summary>The outlet an <c>outlet</c>-role token acts for.</summary>
    public const string OutletId = "outlet_id";
}

/// <summary>
/// Mints HS256 access tokens. For development and tests (the <c>rn token</c> command); production
/// tokens come from the brand's identity provider or a service holding the signing key (README).
/// </summary>
public static class AccessTokens
{
    public const string DefaultIssuer = "repairnetwork";
    public const string DefaultAudience = "repairnetwork-api";

    /// <summary>The development signing key from appsettings.Development.json. Never use it in production.</summary>
    public const string DevelopmentKeyId = "dev";
    public const string DevelopmentKey = "cmVwYWlybmV0d29yay1kZXZlbG9wbWVudC1rZXktbm90LWZvci1wcm9kdWN0aW9u";

    public static string Mint(
        string subject,
        string role,
        string? outletId,
        TimeSpan lifetime,
        string keyBase64 = DevelopmentKey,
        string keyId = DevelopmentKeyId,
        string issuer = DefaultIssuer,
        string audience = DefaultAudience,
        DateTime? now = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(TokenClaims.Subject, subject), new(TokenClaims.Role, role) };
        if (outletId is not null)
        {
            claims.Add(new Claim(TokenClaims.OutletId, outletId));
        }

        var key = new SymmetricSecurityKey(Convert.FromBase64String(keyBase64)) { KeyId = keyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A fresh random 256-bit key, base64, for <c>Auth:SigningKeys</c>.</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
}
