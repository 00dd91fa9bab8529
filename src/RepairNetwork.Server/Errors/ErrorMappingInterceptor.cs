using Grpc.Core;
using Grpc.Core.Interceptors;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Server.Storage;

namespace RepairNetwork.Server.Errors;

/// <summary>
/// The one place where failures become gRPC statuses: broken domain rules keep their meaning,
/// cluster trouble becomes UNAVAILABLE, and anything unexpected is logged and reported without
/// internals. Expected failures (cluster or storage down) are counted, not logged per call (FailureLog);
/// a storage failure also tells the storage circuit, so the following calls are refused at once.
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, FailureLog failures, StorageCircuit storage) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            // The caller's deadline is honoured even while a grain is still working on the request.
            return await continuation(request, context).WaitAsync(context.CancellationToken);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception ex) when (Map(ex, context) is { } mapped)
        {
            throw mapped;
        }
    }

    private RpcException? Map(Exception ex, ServerCallContext context)
    {
        switch (ex)
        {
            case RpcException rpc:
                // Raised as a status already (access control, stream guards): give it an ErrorInfo if it has none.
                return rpc.Trailers.Get(RpcErrors.StatusDetailsTrailer) is null ? RpcErrors.WithErrorInfo(rpc) : null;
            case DomainException domain:
                return RpcErrors.FromDomain(domain);
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                var code = context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
                return RpcErrors.Error(code, "the call was cancelled or ran out of time", RpcErrors.ReasonOf(code));
            case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException:
                failures.Record("cluster unavailable", context.Method, ex.Message);
                return RpcErrors.Error(StatusCode.Unavailable, "the service is temporarily unavailable; retry with backoff", "CLUSTER_UNAVAILABLE");
            case Exception when Causes(ex).Any(e => e is Orleans.Storage.InconsistentStateException):
                return RpcErrors.Error(StatusCode.Aborted, "the object was changed concurrently; nothing was written, retry the call", "CONCURRENT_CHANGE");
            case Exception when Causes(ex).FirstOrDefault(e => e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException) is { } cause:
                failures.Record("storage unavailable", context.Method, cause.Message);
                if (StorageCircuit.IsOutage(cause))
                {
                    storage.ReportFailure(cause.Message);
                }

                return RpcErrors.Error(
                    StatusCode.Unavailable,
                    "storage is temporarily unavailable; nothing was written, retry with backoff",
                    "STORAGE_UNAVAILABLE",
                    trailers: new Metadata { { Overload.LoadSheddingInterceptor.RetryPushbackTrailer, ((long)storage.RetryAfter.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            default:
                LogUnexpected(context.Method, ex);
                return RpcErrors.Error(StatusCode.Internal, "internal error; it has been logged", "INTERNAL");
        }
    }

    // Grains and providers wrap failures (activation errors, aggregate exceptions): look at every cause.
    private static IEnumerable<Exception> Causes(Exception ex)
    {
        var pending = new Stack<Exception>([ex]);
        while (pending.TryPop(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed unexpectedly")]
    private partial void LogUnexpected(string method, Exception ex);
}
