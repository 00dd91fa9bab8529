using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Overload;

public sealed class OverloadSettings
{
    /// <summary>
    /// Unary calls this server works on at once; the excess is refused at once (RESOURCE_EXHAUSTED).
    /// By default 128 per core (256 on 2 cores). In the surge benchmark on 2 cores, 256 took a cold
    /// server through 150 creates/s without a refusal. 64 shed 1,454 calls in the first two minutes,
    /// but at 300/s it made accepted calls 4x faster: lower it where fast refusals matter more than
    /// taking every call.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 128 * Environment.ProcessorCount;

    /// <summary>The retry hint given with a refusal for overload.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>
/// Admission before any work: a call is answered at once, with a retry hint, when the server already
/// holds as many unary calls as it may (RESOURCE_EXHAUSTED), or when storage is known to be unreachable
/// (UNAVAILABLE). Queuing the excess instead only turns it into deadline timeouts for everyone, and
/// calls waiting on a dead database pile up until the server stops answering at all.
/// Streams are not counted (each client's are bounded by Streams:MaxPerClient); health and
/// reflection are never refused, so probes keep seeing the truth.
/// </summary>
public sealed class LoadSheddingInterceptor : Interceptor, IDisposable
{
    /// <summary>The standard gRPC retry hint (gRFC A6): milliseconds before a retry may succeed.</summary>
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    // Answered from the in-memory outlet index, so still useful while storage is down.
    private static readonly HashSet<string> ServedWithoutStorage = new(StringComparer.Ordinal)
    {
        "/repairnetwork.v1.LocatorService/FindNearestOutlets",
    };

    private readonly ConcurrencyLimiter _limiter;
    private readonly OverloadSettings _settings;
    private readonly StorageCircuit _storage;
    private readonly FailureLog _failures;

    public LoadSheddingInterceptor(IOptions<OverloadSettings> settings, StorageCircuit storage, FailureLog failures)
    {
        _settings = settings.Value;
        _storage = storage;
        _failures = failures;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, _settings.MaxConcurrentCalls),
            QueueLimit = 0,
        });
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (IsOpenInfrastructure(context.Method))
        {
            return await continuation(request, context);
        }

        if (_storage.IsOpen && !ServedWithoutStorage.Contains(context.Method))
        {
            _failures.Record("storage unavailable, refused at once", context.Method, _storage.Reason ?? "unreachable");
            throw Refusal(StatusCode.Unavailable, "storage unavailable", "STORAGE_UNAVAILABLE", _storage.RetryAfter);
        }

        using var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            _failures.Record("server busy, calls shed", context.Method, $"more than {_settings.MaxConcurrentCalls} calls in flight");
            throw Refusal(StatusCode.ResourceExhausted, "server busy", "SERVER_BUSY", _settings.RetryAfter);
        }

        return await continuation(request, context);
    }

    /// <summary>A new stream on a dead database would only fail later; one already open keeps running.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        if (_storage.IsOpen && !IsOpenInfrastructure(context.Method))
        {
            _failures.Record("storage unavailable, refused at once", context.Method, _storage.Reason ?? "unreachable");
            throw Refusal(StatusCode.Unavailable, "storage unavailable", "STORAGE_UNAVAILABLE", _storage.RetryAfter);
        }

        await continuation(request, responseStream, context);
    }

    public void Dispose() => _limiter.Dispose();

    // Outside the error mapping, so the ErrorInfo (with the retry hint as google.rpc.RetryInfo) is added here.
    private static RpcException Refusal(StatusCode code, string what, string reason, TimeSpan retryAfter)
    {
        var wait = TimeSpan.FromMilliseconds(Math.Max(1, (long)retryAfter.TotalMilliseconds));
        var milliseconds = ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return Errors.RpcErrors.Error(
            code,
            $"{what}, retry after {milliseconds} ms",
            reason,
            new() { ["retryAfterMs"] = milliseconds },
            new Metadata { { RetryPushbackTrailer, milliseconds } },
            new Google.Rpc.RetryInfo { RetryDelay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(wait) });
    }

    private static bool IsOpenInfrastructure(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal) || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);
}
