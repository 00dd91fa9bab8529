using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Server.Extensions;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The real server (silo + gRPC API, same wiring as Program.cs) on a real Kestrel port on loopback,
/// with a gRPC client channel. The clock is a fake, so tests decide what "today" is.
/// </summary>
public class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>Everything the server logged, to check what logs may never contain.</summary>
    public LogSink Logs { get; } = new();

    /// <summary>Configuration a derived fixture adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services a derived fixture adds after the server's own (e.g. a test-only interceptor).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>The environment the server runs in (not Development, as in production).</summary>
    protected virtual string EnvironmentName => "Testing";

    /// <summary>This server's own random signing key: tests never rely on the published development key.</summary>
    public string SigningKey { get; } = AccessTokens.NewKey();

    public const string SigningKeyId = "test";

    /// <summary>Noon in Shanghai on a Wednesday: where the clock starts unless a test says otherwise.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);

    public ServerFixture()
        : this(DefaultStart)
    {
    }

    /// <summary>Protected: a class fixture may have one public constructor only.</summary>
    protected ServerFixture(DateTimeOffset start) => Clock = new FakeTimeProvider(start);

    /// <summary>A server (not yet started) whose clock starts at <paramref name="start"/>: a fake clock only moves forward.</summary>
    public static ServerFixture StartingAt(DateTimeOffset start) => new(start);

    public FakeTimeProvider Clock { get; }

    public GrpcChannel Channel { get; private set; } = null!;

    public Api.OutletService.OutletServiceClient Outlets => new(Channel);

    public Api.TechnicianService.TechnicianServiceClient Technicians => new(Channel);

    public Api.LocatorService.LocatorServiceClient Locator => new(Channel);

    public Api.RepairOrderService.RepairOrderServiceClient Orders => new(Channel);

    public Api.InventoryService.InventoryServiceClient Inventory => new(Channel);

    public Api.PartsCatalogService.PartsCatalogServiceClient Parts => new(Channel);

    public Api.ServiceLevelService.ServiceLevelServiceClient ServiceLevels => new(Channel);

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = EnvironmentName });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            // The probes and /metrics (HTTP/1.1), on a port of their own as in a deployment.
            ["Kestrel:Endpoints:Management:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Management:Protocols"] = "Http1",
            // REST (JSON) and gRPC-Web over HTTP/1.1, as in appsettings.json.
            ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Web:Protocols"] = "Http1",
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Auth:SigningKeys:0:KeyId"] = SigningKeyId,
            ["Auth:SigningKeys:0:Secret"] = SigningKey,
            // No load balancer to drain: stop at once.
            ["Shutdown:DrainDelay"] = "00:00:00",
            // A test process never stops compiling (other tests run beside it): the wait for background
            // compilation to settle would only add its maximum to every server start.
            ["Warmup:JitSettleMax"] = "00:00:00",
            ["Warmup:Rehearsals"] = "8",
            ["Warmup:Lookups"] = "64",
        });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.AddProvider(Logs);
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.AddRepairNetworkSilo();
        builder.AddRepairNetworkApi();
        ConfigureServices(builder.Services);
        _app = builder.Build();
        _app.MapRepairNetworkApi();
        await _app.StartAsync();

        // Kestrel binds its configured endpoints in name order: Grpc, Management, then Web.
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        Address = addresses[0];
        ManagementAddress = addresses.Count > 1 ? addresses[1] : addresses[0];
        WebAddress = addresses.Count > 2 ? addresses[2] : addresses[0];
        Channel = ChannelFor(Roles.Hq);
        await WarmUpReminders();
        if (WaitUntilReady)
        {
            // Tests start against a ready server, as a load balancer would send them.
            await Services.GetRequiredService<Lifecycle.Readiness>().FirstReady.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>False for a fixture whose tests watch the server become ready.</summary>
    protected virtual bool WaitUntilReady => true;

    /// <summary>
    /// Every order registers a reminder, and the reminder service finishes starting on the silo's
    /// clock, here a fake one: nudge it until a first registration (an order nobody can take, far from
    /// every test outlet) goes through, so no test meets a half-started reminder service.
    /// </summary>
    private async Task WarmUpReminders()
    {
        var grains = _app!.Services.GetRequiredService<IGrainFactory>();
        var warmUp = grains.GetGrain<Grains.Orders.IRepairOrderGrain>("RO-WARMUP").Create(
            Domain.Orders.RepairRequests.Create(
                "warm-up",
                Domain.Orders.RepairRequests.CreateCustomer("Warm Up", "+86 000 0000", "", addressRequired: false),
                Domain.Orders.RepairRequests.CreateProduct("phone", "X", "SN", new DateOnly(2026, 1, 1)),
                "reminder service warm-up",
                new Domain.Dispatch.JobRequirement { Capability = "warm.up", Mode = Domain.Outlets.ServiceMode.CarryIn, CustomerLocation = new Domain.Geo.GeoPoint(-89.9, 0) }),
            new Domain.Orders.Actor { Role = Domain.Orders.ActorRole.Platform, Id = "fixture" });
        while (!warmUp.IsCompleted)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(warmUp, Task.Delay(100));
        }

        // The clock is now a few seconds past its start (noon in Shanghai: still the same Wednesday for every test).
        await warmUp;
    }

    public string Address { get; private set; } = string.Empty;

    /// <summary>The HTTP/1.1 endpoint of /healthz/* and /metrics.</summary>
    public string ManagementAddress { get; private set; } = string.Empty;

    /// <summary>The HTTP/1.1 endpoint of REST (JSON), gRPC-Web, the OpenAPI document and the reference page.</summary>
    public string WebAddress { get; private set; } = string.Empty;

    /// <summary>The server's services, for tests that drive grains directly.</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the server is not started");

    /// <summary>A channel whose calls carry a fresh token for the given role (and outlet).</summary>
    public GrpcChannel ChannelFor(string role, string? outletId = null) =>
        ChannelWithToken(Mint($"test-{role}-{outletId}", role, outletId, TimeSpan.FromHours(1)));

    /// <summary>A token signed with this server's key, unless another key is given (a forgery).</summary>
    public string Mint(string subject, string role, string? outletId, TimeSpan lifetime, string? keyBase64 = null, string audience = AccessTokens.DefaultAudience, DateTime? now = null) =>
        AccessTokens.Mint(subject, role, outletId, lifetime, keyBase64 ?? SigningKey, SigningKeyId, audience: audience, now: now);

    public GrpcChannel ChannelWithToken(string? token) => RepairNetworkChannel.Create(Address, token);

    public virtual async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
