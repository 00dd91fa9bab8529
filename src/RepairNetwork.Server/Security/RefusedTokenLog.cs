using System.Globalization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Server.Security;

/// <summary>
/// A Warning for every token the server refuses (the call then fails UNAUTHENTICATED): which method,
/// from where, why, and who the token claimed to be (subject, key id) — never the token itself.
/// </summary>
public static partial class RefusedTokenLog
{
    public const string Category = "RepairNetwork.Security";

    public static Task OnAuthenticationFailed(AuthenticationFailedContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        if (logger.IsEnabled(LogLevel.Warning))
        {
            var (subject, keyId) = Claimed(context.Request.Headers.Authorization.ToString());
            TokenRefused(logger, context.Request.Path.Value ?? string.Empty, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                Reason(context.Exception), subject, keyId);
        }

        return Task.CompletedTask;
    }

    /// <summary>A 401 with no token to refuse (none sent): still worth a line, it is a client without its token.</summary>
    public static Task OnChallenge(JwtBearerChallengeContext context)
    {
        if (context.AuthenticateFailure is null && string.IsNullOrEmpty(context.Request.Headers.Authorization.ToString()))
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
            NoToken(logger, context.Request.Path.Value ?? string.Empty, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        return Task.CompletedTask;
    }

    /// <summary>Why, in a few words (IdentityModel's own messages run to hundreds of characters).</summary>
    public static string Reason(Exception exception) => exception switch
    {
        SecurityTokenExpiredException expired => $"expired at {expired.Expires.ToString("u", CultureInfo.InvariantCulture)}",
        SecurityTokenNotYetValidException early => $"not valid before {early.NotBefore.ToString("u", CultureInfo.InvariantCulture)}",
        SecurityTokenInvalidLifetimeException lifetime => lifetime.Message,
        SecurityTokenSignatureKeyNotFoundException => "signed with a key this server does not know (key id not configured)",
        SecurityTokenInvalidSignatureException => "signature does not match (wrong key or altered token)",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAlgorithmException => "signing algorithm not accepted",
        SecurityTokenNoExpirationException => "no expiry",
        SecurityTokenMalformedException or ArgumentException => "malformed token",
        _ => exception.GetType().Name,
    };

    /// <summary>The subject and key id the token claims, read without trusting it (it was refused).</summary>
    public static (string Subject, string KeyId) Claimed(string authorization)
    {
        const string prefix = "Bearer ";
        if (!authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return ("none", "none");
        }

        try
        {
            var token = new JsonWebToken(authorization[prefix.Length..].Trim());
            var subject = token.TryGetPayloadValue<string>(TokenClaims.Subject, out var sub) && !string.IsNullOrEmpty(sub) ? sub : "none";
            return (Truncate(subject), Truncate(string.IsNullOrEmpty(token.Kid) ? "none" : token.Kid));
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or FormatException)
        {
            return ("unreadable", "unreadable");
        }
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Refused token on {Method} from {RemoteAddress}: {Reason} (subject {Subject}, key id {KeyId})")]
    private static partial void TokenRefused(ILogger logger, string method, string remoteAddress, string reason, string subject, string keyId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Call to {Method} from {RemoteAddress} without a token (401)")]
    private static partial void NoToken(ILogger logger, string method, string remoteAddress);
}
