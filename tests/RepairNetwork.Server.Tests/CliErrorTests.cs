using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The built <c>rn</c> against a real server: a refused token prints the server's reason and how to
/// get a token, no token says how to get one, a refused role names the method and who may call it,
/// and a server that is not running is named with how to start one.
/// </summary>
public sealed class CliErrorTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task An_expired_token_prints_the_servers_reason_and_how_to_get_a_new_one()
    {
        var expired = server.Mint("late", Roles.Hq, null, TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-2));
        var (code, _, error) = await Rn(server.Address, expired, "outlets", "show", "NOPE");

        Assert.Equal(1, code);
        Assert.Contains("Unauthenticated: the server refused the token (role hq, expired ", error, StringComparison.Ordinal);
        Assert.Contains("The token expired at", error, StringComparison.Ordinal);
        Assert.Contains("rn token --role hq", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Bad gRPC response", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_prints_the_servers_reason()
    {
        var forged = server.Mint("mallory", Roles.Hq, null, TimeSpan.FromMinutes(5), keyBase64: AccessTokens.NewKey());
        var (code, _, error) = await Rn(server.Address, forged, "outlets", "show", "NOPE");

        Assert.Equal(1, code);
        Assert.Contains("the server refused the token (role hq, expires ", error, StringComparison.Ordinal);
        Assert.Contains("signature", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Bad gRPC response", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_it_says_how_to_get_one()
    {
        var (code, _, error) = await Rn(server.Address, null, "outlets", "show", "NOPE");

        Assert.Equal(1, code);
        Assert.Contains("Unauthenticated: no token", error, StringComparison.Ordinal);
        Assert.Contains("REPAIRNETWORK_TOKEN", error, StringComparison.Ordinal);
        Assert.Contains("rn token --role hq", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_role_names_the_method_and_who_may_call_it()
    {
        var callCenter = server.Mint("agent", Roles.CallCenter, null, TimeSpan.FromMinutes(5));
        var (code, _, error) = await Rn(server.Address, callCenter, "outlets", "set-status", "NOPE", "paused", "--reason", "test");

        Assert.Equal(1, code);
        Assert.Contains("PermissionDenied: role 'call_center' may not call repairnetwork.v1.OutletService/SetOutletStatus; it is open to hq", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_running_is_named_with_how_to_start_one()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var address = $"http://127.0.0.1:{port}";
        var (code, _, error) = await Rn(address, "x.y.z", "outlets", "show", "NOPE");

        Assert.Equal(1, code);
        Assert.Contains($"Unavailable: no RepairNetwork server is running at {address} (connection refused)", error, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project src/RepairNetwork.Server", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_orders_booked_for_date_is_printed_with_its_outlets_zone()
    {
        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("ZONE");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, lat, lon) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) });
        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(lat, lon))).Order;
        Assert.Equal(outlet, order.Assignment.OutletId);

        var callCenter = server.Mint("agent", Roles.CallCenter, null, TimeSpan.FromMinutes(5));
        var (code, output, error) = await Rn(server.Address, callCenter, "order", "show", order.OrderId);

        Assert.True(code == 0, error);
        Assert.Matches($@"Booked for:\s+{order.Assignment.BookedForDate} \(Asia/Shanghai\)", output);
    }

    /// <summary>Runs the rn this configuration built (tools/RepairNetwork.Cli/bin/CONFIG/net10.0/rn.dll).</summary>
    internal static async Task<(int Code, string Output, string Error)> Rn(string address, string? token, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RnDll());
        start.ArgumentList.Add("--server");
        start.ArgumentList.Add(address);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("REPAIRNETWORK_SERVER");
        start.Environment.Remove("REPAIRNETWORK_TOKEN");
        if (token is not null)
        {
            start.Environment["REPAIRNETWORK_TOKEN"] = token;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string RnDll()
    {
        // The test runs from tests/RepairNetwork.Server.Tests/bin/CONFIG/net10.0/.
        var net = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = net.Parent!.Name;
        for (var directory = net; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RepairNetwork.sln")))
            {
                var dll = Path.Combine(directory.FullName, "tools", "RepairNetwork.Cli", "bin", configuration, net.Name, "rn.dll");
                return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the solution ({configuration}) first");
            }
        }

        throw new InvalidOperationException($"no RepairNetwork.sln above {AppContext.BaseDirectory}");
    }
}
