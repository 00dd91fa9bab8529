using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Health.V1;
using RepairNetwork.Contracts.Security;
using Grpc.Net.Client;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// The real server as a separate OS process on PostgreSQL, so a test can stop it gracefully or kill it
/// outright (SIGKILL) and start it again on the same database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string address, string name, string signingKey, string signingKeyId = SigningKeyId)
    {
        _process = process;
        Name = name;
        var token = AccessTokens.Mint("durability-tests", Roles.Hq, null, TimeSpan.FromHours(2), signingKey, signingKeyId);
        Channel = RepairNetworkChannel.Create(address, token);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private const string SigningKeyId = "test";

    public string Name { get; }

    public GrpcChannel Channel { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Api.OutletService.OutletServiceClient Outlets => new(Channel);

    public Api.TechnicianService.TechnicianServiceClient Technicians => new(Channel);

    public Api.LocatorService.LocatorServiceClient Locator => new(Channel);

    public Api.RepairOrderService.RepairOrderServiceClient Orders => new(Channel);

    public Api.InventoryService.InventoryServiceClient Inventory => new(Channel);

    public Api.PartsCatalogService.PartsCatalogServiceClient Parts => new(Channel);

    public Api.ServiceLevelService.ServiceLevelServiceClient ServiceLevels => new(Channel);

    public Health.HealthClient Health => new(Channel);

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The end of the server's log, for failure messages (the whole log can be megabytes).</summary>
    public string OutputTail
    {
        get
        {
            var output = Output;
            return output.Length <= 8000 ? output : "…" + output[^8000..];
        }
    }

    /// <summary>Starts a silo + API process and waits until its health service says SERVING.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string connectionString, string clusterId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var grpcPort = FreePort();

        // A fresh key per process: the published development key is refused outside Development.
        var signingKey = AccessTokens.NewKey();
        var arguments = new Dictionary<string, string>
        {
            ["Storage:Mode"] = "postgres",
            ["ConnectionStrings:RepairNetwork"] = connectionString,
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:MinimumReminderPeriod"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:SigningKeys:0:KeyId"] = SigningKeyId,
            ["Auth:SigningKeys:0:Secret"] = signingKey,
            ["Logging:LogLevel:RepairNetwork"] = "Information",
            // No load balancer to drain in these tests: stop at once (the drain test sets its own).
            ["Shutdown:DrainDelay"] = "00:00:00",
            // Warm-up as in production, only smaller: these tests start dozens of servers.
            ["Warmup:Rehearsals"] = "16",
            ["Warmup:Lookups"] = "64",
            ["Warmup:LoopbackCalls"] = "16",
            ["Warmup:JitSettleMax"] = "00:00:00",
            ["Warmup:BookingRehearsals"] = "40",
            ["Warmup:LookupRehearsals"] = "40",
            ["Warmup:BookingRehearsalOutlets"] = "8",
            ["Warmup:RehearsalRounds"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            arguments[key] = value;
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RepairNetwork.Server.dll"));
        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var server = new ServerProcess(Process.Start(start)!, $"http://127.0.0.1:{grpcPort}", name, signingKey);
        await server.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server {Name} exited with {_process.ExitCode}:\n{OutputTail}");
            }

            if (await ServingStatusAsync() == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"server {Name} did not become SERVING within {timeout}:\n{OutputTail}");
    }

    public async Task<HealthCheckResponse.Types.ServingStatus?> ServingStatusAsync()
    {
        try
        {
            return (await Health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Status;
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts the built server with exactly the given arguments and environment (nothing added), on the
    /// gRPC address the arguments or configuration give it, for tests of how an operator starts it.
    /// </summary>
    public static ServerProcess Launch(string name, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string grpcAddress, string signingKey, string signingKeyId)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RepairNetwork.Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ServerProcess(Process.Start(start)!, grpcAddress, name, signingKey, signingKeyId);
    }

    /// <summary>A free loopback port, for a server's endpoints.</summary>
    public static int NewPort() => FreePort();

    /// <summary>Graceful stop (SIGTERM), as a service manager would do it.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        await TerminateAsync();
        await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Sends SIGTERM and returns at once (the process shuts down on its own time).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    /// <summary>Crash: SIGKILL, no shutdown of any kind.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
