using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>
/// Process-wide state of one <c>rn</c> invocation: the global <c>--server</c> option, the single
/// gRPC channel every command shares, and the error handling that turns failures into a one-line
/// message and an exit code.
/// </summary>
internal sealed class CliApp : IDisposable
{
    public const string DefaultServer = "http://localhost:5080";
    public const string ServerEnvironmentVariable = "REPAIRNETWORK_SERVER";
    public const string TokenEnvironmentVariable = "REPAIRNETWORK_TOKEN";

    /// <summary>How long an ordinary call may take before it fails with DEADLINE_EXCEEDED.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private GrpcChannel? channel;

    /// <summary>The server and token of this process's channel, for explaining a failed call.</summary>
    private static CallContext? callContext;

    public Option<string> ServerOption { get; } = new("--server")
    {
        Description = $"Address of the RepairNetwork server; also read from ${ServerEnvironmentVariable}",
        HelpName = "url",
        Recursive = true,
        DefaultValueFactory = _ =>
            Environment.GetEnvironmentVariable(ServerEnvironmentVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : DefaultServer,
    };

    public Option<string> TokenOption { get; } = new("--token")
    {
        Description = $"Bearer token sent with every call (mint one for development with 'rn token'); also read from ${TokenEnvironmentVariable}",
        HelpName = "jwt",
        Recursive = true,
    };

    /// <summary>
    /// --token, else $REPAIRNETWORK_TOKEN. Read here rather than as the option's default value, which
    /// help would print: a bearer token must not end up on screen or in a terminal log.
    /// </summary>
    public string? Token(ParseResult parseResult) =>
        parseResult.GetValue(TokenOption) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(TokenEnvironmentVariable);

    /// <summary>The one channel of this process, created on first use from <c>--server</c> and <c>--token</c>.</summary>
    public GrpcChannel Channel(ParseResult parseResult)
    {
        lock (gate)
        {
            if (channel is null)
            {
                var address = parseResult.GetValue(ServerOption) ?? DefaultServer;
                if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    throw new CliException($"--server: '{address}' is not an http:// or https:// address");
                }

                var token = Token(parseResult);
                Volatile.Write(ref callContext, new CallContext(address, string.IsNullOrEmpty(token) ? null : token, null));
                channel = RepairNetworkChannel.Create(uri.ToString(), string.IsNullOrEmpty(token) ? null : token, new GrpcChannelOptions
                {
                    // Keeps the reason of a refused token (WWW-Authenticate of the 401), which the gRPC client drops.
                    HttpHandler = new AuthChallengeHandler(new SocketsHttpHandler
                    {
                        // Lets very high concurrency spill onto a second connection instead of queueing
                        // behind the server's HTTP/2 stream limit; still one channel.
                        EnableMultipleHttp2Connections = true,
                        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
                        ConnectTimeout = TimeSpan.FromSeconds(10),
                    }),
                    DisposeHttpClient = true,
                });
            }

            return channel;
        }
    }

    /// <summary>Options for an ordinary call: the default deadline and the command's cancellation.</summary>
    public static CallOptions Call(CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken);

    /// <summary>
    /// Wraps a command action so that gRPC and usage errors print <c>error: ...</c> on standard
    /// error and exit with 1, never with a stack trace.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guard(Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return Cancelled();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return Cancelled();
            }
            catch (RpcException ex)
            {
                return Fail(Explain(ex));
            }
            catch (CliException ex)
            {
                return Fail(ex.Message);
            }
        };

    public void Dispose()
    {
        lock (gate)
        {
            channel?.Dispose();
            channel = null;
        }
    }

    /// <summary>
    /// A failed call in words that say what to do: a refused token with the server's reason, a missing
    /// token with how to get one, an unreachable server with its address and how to start one.
    /// </summary>
    public static string Explain(RpcException ex) =>
        CallErrors.Describe(ex, (Volatile.Read(ref callContext) ?? new CallContext(DefaultServer, null, null)) with { Challenge = AuthChallengeHandler.LastChallenge });

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }

    private static int Cancelled()
    {
        Console.Error.WriteLine("cancelled");
        return 130;
    }
}

/// <summary>A problem with the user's input or environment, reported as <c>error: message</c>.</summary>
internal sealed class CliException(string message) : Exception(message);
