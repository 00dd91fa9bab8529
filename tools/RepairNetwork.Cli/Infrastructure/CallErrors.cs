using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>
/// Remembers why the server last refused a token. The server's bearer authentication answers a bad
/// token with HTTP 401 and the reason in the <c>WWW-Authenticate</c> header (<c>Bearer
/// error="invalid_token", error_description="The token expired at '...'"</c>); Grpc.Net.Client turns
/// that response into <c>Unauthenticated: Bad gRPC response. HTTP status code: 401</c> and keeps no
/// headers of it (no grpc-status, so neither <c>RpcException.Trailers</c> nor the response headers are
/// exposed), so this handler reads the header on its way through.
/// </summary>
internal sealed class AuthChallengeHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static string? lastChallenge;

    /// <summary>The WWW-Authenticate header of the last 401 this process received, if any.</summary>
    public static string? LastChallenge => Volatile.Read(ref lastChallenge);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Volatile.Write(ref lastChallenge, string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        }

        return response;
    }
}

/// <summary>What the CLI knows about the call that failed, for <see cref="CallErrors.Describe"/>.</summary>
/// <param name="Server">The --server address.</param>
/// <param name="Token">The bearer token sent, or null when none was set.</param>
/// <param name="Challenge">The server's WWW-Authenticate header from a 401, if one came.</param>
internal sealed record CallContext(string Server, string? Token, string? Challenge);

/// <summary>
/// Turns a failed call into a message that says what happened and what to do: token problems with the
/// server's reason and how to get a token, an unreachable server with its address and how to start one.
/// </summary>
internal static partial class CallErrors
{
    public const string StartServer = "dotnet run --project src/RepairNetwork.Server -- --demo";
    public const string MintToken = "export REPAIRNETWORK_TOKEN=$(rn token --role hq)";

    public static string Describe(RpcException ex, CallContext context)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(context);
        return ex.StatusCode switch
        {
            StatusCode.Unauthenticated => $"Unauthenticated: {TokenProblem(ex, context)}",
            StatusCode.Unavailable when Unreachable(ex, context.Server) is { } unreachable => $"Unavailable: {unreachable}",
            StatusCode.FailedPrecondition when ex.Status.Detail.IndexOf(NextFree, StringComparison.Ordinal) is var at and > 0 =>
                $"{ex.StatusCode}: {Alternatives(ex.Status.Detail, at)}",
            _ => $"{ex.StatusCode}: {Detail(ex)}",
        };
    }

    /// <summary>How the server lists the free slots after a taken one ("...; next free: A as ID; B as ID").</summary>
    private const string NextFree = "; next free: ";

    /// <summary>
    /// A taken slot's refusal with each free alternative on a line of its own, the slot id last, so an
    /// agent can offer them and copy the id into --slot.
    /// </summary>
    private static string Alternatives(string detail, int at)
    {
        var alternatives = detail[(at + NextFree.Length)..].Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (alternatives.Length == 0 || !alternatives.All(a => a.Contains(" as ", StringComparison.Ordinal)))
        {
            return detail;
        }

        var lines = alternatives.Select(a =>
        {
            var split = a.LastIndexOf(" as ", StringComparison.Ordinal);
            return $"{Environment.NewLine}  {a[..split]}  --slot {a[(split + 4)..]}";
        });
        return $"{detail[..at]}.{Environment.NewLine}next free:{string.Concat(lines)}";
    }

    /// <summary>The status detail, plus the transport's own reason when the client could not reach the server.</summary>
    public static string Detail(RpcException ex)
    {
        var cause = Innermost(ex.Status.DebugException);
        return cause is null || ex.StatusCode != StatusCode.Unavailable ? ex.Status.Detail : $"{ex.Status.Detail} ({cause.Message})";
    }

    private static string TokenProblem(RpcException ex, CallContext context)
    {
        if (string.IsNullOrEmpty(context.Token))
        {
            return $"no token: every call needs a bearer token. Set one with --token or ${CliApp.TokenEnvironmentVariable}; " +
                   $"against a Development server mint one with `{MintToken}` (or --role call_center, or --role outlet --outlet ID)";
        }

        var reason = ServerReason(context.Challenge)
            // A grpc-status Unauthenticated from the server itself (not the 401 of the bearer check) carries its own words.
            ?? (ex.Status.Detail.StartsWith("Bad gRPC response", StringComparison.Ordinal) ? "no reason given" : ex.Status.Detail);
        var about = TokenSummary(context.Token) is { } summary ? $" ({summary})" : string.Empty;
        return $"the server refused the token{about}: {reason}. " +
               $"Get a new token: against a Development server `{MintToken}` (the development key is accepted only there); " +
               "otherwise one signed with a key the server trusts (Auth:SigningKeys or Auth:Authority, README 'Security')";
    }

    /// <summary>error_description (else error) of a Bearer challenge, e.g. "The token expired at '12/03/2026 16:25:00'".</summary>
    public static string? ServerReason(string? challenge)
    {
        if (string.IsNullOrWhiteSpace(challenge))
        {
            return null;
        }

        var description = DescriptionPattern().Match(challenge);
        if (description.Success && description.Groups["value"].Value.Length > 0)
        {
            return description.Groups["value"].Value;
        }

        var error = ErrorPattern().Match(challenge);
        return error.Success && error.Groups["value"].Value.Length > 0 ? error.Groups["value"].Value : null;
    }

    /// <summary>
    /// Role, outlet and expiry read from the token's payload without checking it (the server does that),
    /// e.g. "role hq, expired 2026-12-03 16:25:00Z"; null when the token is not a readable JWT.
    /// </summary>
    public static string? TokenSummary(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "not a JWT: expected three dot-separated parts";
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var root = json.RootElement;
            var facts = new List<string>();
            if (root.TryGetProperty(RepairNetwork.Contracts.Security.TokenClaims.Role, out var role) && role.ValueKind == JsonValueKind.String)
            {
                facts.Add($"role {role.GetString()}");
            }

            if (root.TryGetProperty(RepairNetwork.Contracts.Security.TokenClaims.OutletId, out var outlet) && outlet.ValueKind == JsonValueKind.String)
            {
                facts.Add($"outlet {outlet.GetString()}");
            }

            if (root.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds))
            {
                var expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
                facts.Add($"{(expires <= DateTimeOffset.UtcNow ? "expired" : "expires")} {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
            }

            return facts.Count > 0 ? string.Join(", ", facts) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return "not a JWT: its payload is not base64url JSON";
        }
    }

    /// <summary>Why the server could not be reached, with what to do; null when the failure was not about reaching it.</summary>
    private static string? Unreachable(RpcException ex, string server)
    {
        var start = $"start one with `{StartServer}` from the repository root (README, 'Fresh machine'), or point --server / ${CliApp.ServerEnvironmentVariable} at a running server";
        for (var cause = ex.Status.DebugException; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } when Innermost(cause) is SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"no RepairNetwork server is running at {server} (connection refused); {start}";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return $"cannot resolve the host of {server} ({Innermost(cause)?.Message ?? cause.Message}); check --server / ${CliApp.ServerEnvironmentVariable}";
                case SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable }:
                case TimeoutException:
                    return $"the server at {server} is not reachable ({Innermost(cause)?.Message ?? cause.Message}); check that it runs and that --server / ${CliApp.ServerEnvironmentVariable} names it";
                case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
                    return $"no TLS connection to {server} ({Innermost(cause)?.Message ?? cause.Message}); a server without TLS is http://, not https://";
                case HttpRequestException { HttpRequestError: HttpRequestError.HttpProtocolError or HttpRequestError.VersionNegotiationError }:
                    return $"{server} does not speak gRPC over HTTP/2 ({Innermost(cause)?.Message ?? cause.Message}); is it the RepairNetwork gRPC endpoint (http://localhost:5080 by default)?";
            }
        }

        return null;
    }

    private static Exception? Innermost(Exception? exception)
    {
        while (exception?.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    [GeneratedRegex("error_description=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex DescriptionPattern();

    [GeneratedRegex("(?<![_a-z])error=\"(?<value>[^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPattern();
}
