using System.Threading.RateLimiting;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using RepairNetwork.Server.Errors;

namespace RepairNetwork.Server.Security;

public class RateLimit
{
    /// <summary>Sustained calls per second per client (token subject).</summary>
    public int PermitsPerSecond { get; set; } = 500;

    /// <summary>Calls a client may make in a burst above the sustained rate.</summary>
    public int Burst { get; set; } = 1000;
}

/// <summary>The default per-client limit, optionally overridden per role (e.g. a call-center platform is one busy client).</summary>
public sealed class RateLimitSettings : RateLimit
{
    public Dictionary<string, RateLimit> Roles { get; set; } = new(StringComparer.Ordinal);

    public RateLimit For(string role) => Roles.GetValueOrDefault(role) ?? this;
}

/// <summary>
/// The one place access is decided, for every call to our services: an authenticated caller with a
/// usable identity, within its rate limit, allowed by <see cref="AccessPolicy"/>. Health and
/// reflection are not ours and stay open.
/// </summary>
public sealed class AccessControlInterceptor : Interceptor, IDisposable
{
    private readonly OwnerLookup _owners;
    private readonly PartitionedRateLimiter<Caller> _limiter;
    private readonly StreamSettings _streams;
    private readonly StreamSlots _slots = new();
    private readonly TimeProvider _time;

    public AccessControlInterceptor(
        OwnerLookup owners,
        Microsoft.Extensions.Options.IOptions<RateLimitSettings> settings,
        Microsoft.Extensions.Options.IOptions<StreamSettings> streams,
        TimeProvider time)
    {
        _owners = owners;
        _streams = streams.Value;
        _time = time;
        var limits = settings.Value;
        // Partitioned by role and client: each client has its own bucket, sized for its role.
        _limiter = PartitionedRateLimiter.Create<Caller, string>(caller => RateLimitPartition.GetTokenBucketLimiter($"{caller.Role}/{caller.ClientId}", _ =>
        {
            var limit = limits.For(caller.Role);
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        }));
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await Admit(request, context);
        return await continuation(request, context);
    }

    /// <summary>
    /// A server stream is admitted like a unary call, then holds one of its client's stream slots and is
    /// guarded for as long as it runs: the rule that admitted it is asked again before every message
    /// and while it is quiet, so data that stops being the caller's stops flowing (StreamGuard).
    /// </summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (await Admit(request, context) is not var (caller, rule))
        {
            await continuation(request, responseStream, context);
            return;
        }

        using var slot = TakeStreamSlot(caller);
        using var guard = new StreamGuard(
            () => rule.Refusal(caller, request as IMessage, _owners, context.Method),
            TokenExpiry(context),
            _time,
            _streams.RecheckInterval,
            context.CancellationToken);
        guard.AttachTo(context);
        try
        {
            await continuation(request, new GuardedStreamWriter<TResponse>(responseStream, guard), context);
        }
        catch (Exception ex) when (ex is not RpcException && guard.Revoked is { } revoked)
        {
            throw revoked;
        }

        if (guard.Revoked is { } ended)
        {
            throw ended; // the handler stopped because the right was gone, not because it was done
        }
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        throw new RpcException(new Status(StatusCode.Unimplemented, "client streaming needs an access rule of its own"));

    /// <summary>
    /// A bidirectional stream is admitted once, before its first message, so only rules that look at
    /// the caller alone (no outlet scope from a request) may govern one; the rate limit counts the call.
    /// </summary>
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (AccessPolicy.Rules.TryGetValue(context.Method, out var rule) && rule.ScopesOutlets)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "duplex streaming cannot be scoped to an outlet's data"));
        }

        if (await Admit<IMessage?>(null, context) is var (caller, _))
        {
            using var slot = TakeStreamSlot(caller);
            await continuation(requestStream, responseStream, context);
            return;
        }

        await continuation(requestStream, responseStream, context);
    }

    public void Dispose() => _limiter.Dispose();

    private IDisposable TakeStreamSlot(Caller caller)
    {
        var limit = _streams.LimitFor(caller.Role);
        return _slots.TryTake($"{caller.Role}/{caller.ClientId}", limit)
            ?? throw RpcErrors.Error(StatusCode.ResourceExhausted, $"this client already holds {limit} open streams, the most a '{caller.Role}' token may; close one before opening another", "TOO_MANY_STREAMS", new() { ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>When the caller's token expires ("exp", seconds since the epoch), if it says.</summary>
    private static DateTimeOffset? TokenExpiry(ServerCallContext context) =>
        long.TryParse(context.GetHttpContext().User.FindFirst("exp")?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>The admitted caller and the rule that admitted it; null for open infrastructure (health, reflection).</summary>
    private async Task<(Caller Caller, AccessRule Rule)?> Admit<TRequest>(TRequest request, ServerCallContext context)
    {
        if (IsOpenInfrastructure(context.Method))
        {
            return null;
        }

        var user = context.GetHttpContext().User;
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "a valid bearer token is required"));
        }

        var caller = Caller.From(user)
            ?? throw RpcErrors.Error(StatusCode.PermissionDenied, "the token carries no usable role (hq, call_center, or outlet with outlet_id)", "NO_USABLE_ROLE");

        using var lease = _limiter.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            throw RpcErrors.Error(StatusCode.ResourceExhausted, "rate limit exceeded for this client; slow down and retry", "RATE_LIMITED");
        }

        if (!AccessPolicy.Rules.TryGetValue(context.Method, out var rule))
        {
            throw RpcErrors.Error(StatusCode.PermissionDenied, $"{context.Method.TrimStart('/')} has no access rule, so no token may call it", "NO_ACCESS_RULE", new() { ["method"] = context.Method.TrimStart('/') });
        }

        if (await rule.Refusal(caller, request as IMessage, _owners, context.Method) is { } refusal)
        {
            throw RpcErrors.Error(StatusCode.PermissionDenied, refusal, "ACCESS_DENIED", new() { ["method"] = context.Method.TrimStart('/'), ["role"] = caller.Role });
        }

        return (caller, rule);
    }

    private static bool IsOpenInfrastructure(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
