using System.Security.Claims;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Server.Security;

/// <summary>Who is calling, from a validated token.</summary>
public sealed record Caller(string ClientId, string Role, string? OutletId)
{
    public bool IsHq => Role == Roles.Hq;

    public bool IsOutlet => Role == Roles.Outlet;

    /// <summary>Null when the token's claims do not make a usable identity (unknown role, outlet without id).</summary>
    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var subject = user.FindFirst(TokenClaims.Subject)?.Value;
        var role = user.FindFirst(TokenClaims.Role)?.Value;
        var outletId = user.FindFirst(TokenClaims.OutletId)?.Value;
        if (string.IsNullOrEmpty(subject) || role is null || !Roles.All.Contains(role))
        {
            return null;
        }

        if (role == Roles.Outlet && string.IsNullOrEmpty(outletId))
        {
            return null;
        }

        return new Caller(subject, role, role == Roles.Outlet ? outletId : null);
    }
}
