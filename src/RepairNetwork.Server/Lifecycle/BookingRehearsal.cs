using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Catalog;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Extensions;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Lifecycle;

/// <summary>
/// The create-to-booking path run for real with nothing left behind: a private copy of this server
/// (the same wiring as Program.cs, in memory, on loopback ports of its own, in a cluster of its own)
/// gets copies of some of the network's outlets, their technicians and the capability catalog, and
/// takes orders near them over gRPC, each authenticated, checked, dispatched and booked like any other.
/// The code those orders run (Kestrel's HTTP/2, the gRPC pipeline and interceptors, the order API and
/// its mapping, the order and outlet grains, dispatch, reminders, Orleans' messaging, the log lines) is
/// then compiled and tiered up for the whole process, so the first real orders find it ready. The copy
/// is stopped and dropped before the server reports SERVING.
/// What it does stays out of sight: its meters and its HTTP activity source have names no exporter
/// listens to, it exports no telemetry of its own, its log lines are formatted and dropped, and its
/// state and reminders live only in its memory. Storage writes on PostgreSQL are rehearsed separately
/// (<see cref="WriteRehearsal"/>).
/// </summary>
public sealed partial class BookingRehearsal(
    IConfiguration configuration,
    IHostEnvironment environment,
    CapabilityCatalogCache catalog,
    IEnumerable<ConsoleFormatter> formatters,
    IOptions<ConsoleLoggerOptions> console,
    ILogger<BookingRehearsal> logger)
{
    /// <summary>Prefix of the private server's meter and activity source names: no exporter of the server listens to them.</summary>
    public const string NamePrefix = "repairnetwork.warm-up-rehearsal/";

    /// <summary>
    /// Settings of this server the copy takes: the rules an order and a lookup are decided by. Nothing
    /// else (where it listens and stores, who it trusts, its limits, what it exports and logs, hosts
    /// it answers for, its own warm-up) comes along: an allow-list, so a setting added later stays out.
    /// </summary>
    private static readonly string[] Copied = ["Dispatch", "Appointments", "Lists", "OutletIndex"];

    private const int Concurrency = 32;

    /// <summary>An outlet that can take a rehearsal's orders: open, with something to offer.</summary>
    public static bool Usable(OutletListing outlet) => outlet.Status == OutletStatus.Open && !outlet.Profile.Capabilities.IsDefaultOrEmpty;

    /// <summary>
    /// Starts the private copy with copies of <paramref name="outlets"/> (already taken at even steps
    /// through the network) and the technicians <paramref name="techniciansOf"/> gives. Null when none
    /// of the outlets can take orders. Orders are then sent with <see cref="PrivateCopy.Book"/>, in
    /// rounds if the caller likes; disposing the copy stops it.
    /// </summary>
    public async Task<PrivateCopy?> Start(IReadOnlyList<OutletListing> outlets, Func<string, Task<ImmutableArray<TechnicianRecord>>> techniciansOf, CancellationToken ct)
    {
        var usable = outlets.Where(Usable).ToList();
        if (usable.Count == 0)
        {
            return null;
        }

        var key = AccessTokens.NewKey();
        var app = await StartPrivateServer(key, ct);
        try
        {
            await CopyNetwork(app.Services, usable, techniciansOf, ct);
            return new PrivateCopy(app, key, usable);
        }
        catch
        {
            await PrivateCopy.Stop(app);
            throw;
        }
    }

    /// <summary>The private copy of the server, with its copied outlets; disposing it stops it and drops all it holds.</summary>
    public sealed class PrivateCopy : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<OutletListing> _outlets;
        private readonly GrpcChannel _channel;
        private readonly Api.RepairOrderService.RepairOrderServiceClient _client;
        private readonly Api.LocatorService.LocatorServiceClient _locator;
        private readonly string[] _tokens;
        private int _sent;
        private int _looked;

        internal PrivateCopy(WebApplication app, string key, List<OutletListing> outlets)
        {
            _app = app;
            _outlets = outlets;
            _channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            _client = new Api.RepairOrderService.RepairOrderServiceClient(_channel);
            _locator = new Api.LocatorService.LocatorServiceClient(_channel);
            // Both roles that create orders: headquarters' routing and the call centres.
            _tokens =
            [
                AccessTokens.Mint("warm-up", Roles.Hq, null, TimeSpan.FromMinutes(10), key, "warm-up"),
                AccessTokens.Mint("warm-up", Roles.CallCenter, null, TimeSpan.FromMinutes(10), key, "warm-up"),
            ];
        }

        /// <summary>
        /// Sends <paramref name="orders"/> more orders, each near the next copied outlet in turn, as clients
        /// do (a bearer token, a deadline), <see cref="Concurrency"/> at a time. Returns how many were booked;
        /// a refused call is not booked, and the others still run.
        /// </summary>
        public Task<int> Book(int orders, CancellationToken ct)
        {
            var from = _sent;
            _sent += orders;
            return Send(from, orders, async (i, token) =>
            {
                var request = Order(_outlets[i % _outlets.Count], i / _outlets.Count);
                var headers = new Metadata { { "authorization", "Bearer " + _tokens[i % _tokens.Length] } };
                var response = await _client.CreateRepairOrderAsync(request, headers, DateTime.UtcNow.AddSeconds(30), token);
                return response.Order.Assignment is not null;
            }, ct);
        }

        /// <summary>
        /// <paramref name="lookups"/> nearest-outlet lookups, as call centres send them, near the copied
        /// outlets in turn, half of them for outlets that can take the job now. Returns how many answered.
        /// </summary>
        public Task<int> Lookups(int lookups, CancellationToken ct)
        {
            var from = _looked;
            _looked += lookups;
            var headers = new Metadata { { "authorization", "Bearer " + _tokens[^1] } };
            return Send(from, lookups, async (i, token) =>
            {
                var order = Order(_outlets[i % _outlets.Count], i / _outlets.Count);
                await _locator.FindNearestOutletsAsync(
                    new Api.FindNearestOutletsRequest { Location = order.CustomerLocation, Capability = order.RequiredCapability, ServiceMode = order.ServiceMode, Limit = 5, AvailableOnly = i % 2 == 0 },
                    headers,
                    DateTime.UtcNow.AddSeconds(30),
                    token);
                return true;
            }, ct);
        }

        /// <summary>
        /// Calls <paramref name="count"/> numbered from <paramref name="from"/>, <see cref="Concurrency"/> at a
        /// time; returns how many answered true. A refused call counts as false and the others still run.
        /// </summary>
        private static async Task<int> Send(int from, int count, Func<int, CancellationToken, Task<bool>> call, CancellationToken ct)
        {
            var succeeded = 0;
            await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                try
                {
                    if (await call(i, token))
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                }
                catch (RpcException) when (!token.IsCancellationRequested)
                {
                    // Counted by what is missing from the result; the path ran all the same.
                }
            });
            return succeeded;
        }

        public async ValueTask DisposeAsync()
        {
            _channel.Dispose();
            await Stop(_app);
        }

        /// <summary>Stops and disposes the copy; never throws (warm-up, and so the server, goes on whatever happens here).</summary>
        internal static async Task Stop(WebApplication app)
        {
            // Its grains need not be put away carefully: everything they hold is dropped with the copy.
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await app.StopAsync(quick.Token);
            }
            catch (Exception)
            {
                // Given up waiting, or a service of the copy failed to stop: disposing drops the rest.
            }
            finally
            {
                try
                {
                    await app.DisposeAsync();
                }
                catch (Exception)
                {
                    // Nothing of the copy is used again.
                }
            }
        }
    }

    /// <summary>The outlets with their technicians, and the capability catalog the API checks orders against.</summary>
    private async Task CopyNetwork(IServiceProvider copy, List<OutletListing> outlets, Func<string, Task<ImmutableArray<TechnicianRecord>>> techniciansOf, CancellationToken ct)
    {
        var grains = copy.GetRequiredService<IGrainFactory>();
        if (catalog.Current is { Version: > 0 } current)
        {
            await grains.GetGrain<ICapabilityCatalogGrain>(CapabilityCatalogGrain.Key).Put(current, expectedVersion: 0);
        }

        await Parallel.ForEachAsync(outlets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (listing, _) =>
        {
            var outlet = grains.GetGrain<IOutletGrain>(listing.OutletId);
            await outlet.Create(listing.Profile);
            foreach (var technician in await techniciansOf(listing.OutletId))
            {
                await outlet.UpsertTechnician(technician);
            }
        });

        // The copy's caches now, not at its next poll.
        await copy.GetRequiredService<OutletIndexSynchronizer>().SyncOnce();
    }

    /// <summary>
    /// Order <paramref name="round"/> near <paramref name="near"/>: a few hundred metres away, each round
    /// a different capability of the outlet's and, where the outlet visits customers, every third one on site.
    /// </summary>
    private static Api.CreateRepairOrderRequest Order(OutletListing near, int round)
    {
        var profile = near.Profile;
        var capability = profile.Capabilities[round % profile.Capabilities.Length];
        var onSite = profile.Modes.OnSite && (round % 3 == 2 || !profile.Modes.CarryIn);
        var offset = 0.001 * ((round % 7) - 3);
        var requestId = $"warm-up-rehearsal-{profile.OutletId}-{round.ToString(CultureInfo.InvariantCulture)}";
        return new Api.CreateRepairOrderRequest
        {
            RequestId = requestId,
            Customer = new Api.Customer { Name = "Rehearsal", Phone = "+86 138 0000 0000", Address = "1 Rehearsal Road" },
            Product = new Api.Product { Category = capability.Split('.')[0], Model = "REHEARSAL", SerialNumber = requestId, PurchaseDate = "2026-01-01" },
            FaultDescription = "warm-up rehearsal in a private copy of the server",
            CustomerLocation = new Api.LatLng { Latitude = Math.Clamp(profile.Location.Latitude + offset, -90, 90), Longitude = Math.Clamp(profile.Location.Longitude + offset, -180, 180) },
            ServiceMode = onSite ? Api.ServiceMode.OnSite : profile.Modes.CarryIn ? Api.ServiceMode.CarryIn : Api.ServiceMode.MailIn,
            RequiredCapability = capability,
        };
    }

    private async Task<WebApplication> StartPrivateServer(string key, CancellationToken ct)
    {
        // No hosting startup assemblies (an APM agent loaded that way would start again inside the copy).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment.EnvironmentName,
            ContentRootPath = environment.ContentRootPath,
            Args = ["--" + WebHostDefaults.PreventHostingStartupKey + "=true"],
        });

        // This server's rules (dispatch, limits, lists, ...), none of its places or identities.
        builder.Configuration.Sources.Clear();
        var port = FreeLoopbackPort();
        builder.Configuration.AddInMemoryCollection(configuration.AsEnumerable().Where(setting => setting.Value is not null && Copied.Any(section =>
            setting.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Grpc:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Orleans:SiloPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "warm-up-rehearsal-" + Guid.NewGuid().ToString("N"),
            ["Orleans:ServiceId"] = "warm-up-rehearsal",
            ["Storage:Mode"] = "memory",
            ["Auth:SigningKeys:0:KeyId"] = "warm-up",
            ["Auth:SigningKeys:0:Secret"] = key,
            ["OpenTelemetry:Enabled"] = "false",
            ["Warmup:Enabled"] = "false",
            ["Shutdown:DrainDelay"] = "00:00:00",
            ["Shutdown:Timeout"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:RepairNetwork"] = "Information",
            // Its only client is warm-up, which must never be refused for being busy.
            ["RateLimit:PermitsPerSecond"] = "1000000",
            ["RateLimit:Burst"] = "1000000",
        });

        builder.AddRepairNetworkSilo();
        builder.AddRepairNetworkApi();

        // Formatted as this server formats its console lines, and dropped: that code is warm too.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new DroppedLogs(formatters.FirstOrDefault(f => f.Name == console.Value.FormatterName)));

        // Exporters pick meters and activity sources by name across the process: the copy's are renamed.
        builder.Services.Replace(ServiceDescriptor.Singleton<IMeterFactory, PrivateMeters>());
        builder.Services.Replace(ServiceDescriptor.Singleton(_ => new ActivitySource(NamePrefix + "Microsoft.AspNetCore")));
        builder.Services.Replace(ServiceDescriptor.Singleton(_ => new DiagnosticListener(NamePrefix + "Microsoft.AspNetCore")));

        // The process's signals (SIGTERM, Ctrl+C) are the server's to handle; warm-up stops the copy.
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, NoSignals>());

        var app = builder.Build();
        try
        {
            app.MapRepairNetworkApi();
            await app.StartAsync(ct);
        }
        catch
        {
            await PrivateCopy.Stop(app);
            throw;
        }

        LogStarted(port);
        return app;
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warm-up's private copy of the server started (silo port {Port})")]
    private partial void LogStarted(int port);

    /// <summary>The copy's meters, renamed under <see cref="NamePrefix"/>, so its orders and calls never count as this server's.</summary>
    private sealed class PrivateMeters : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(NamePrefix + options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
                _meters.Clear();
            }
        }
    }

    /// <summary>Formats every line (with the server's console formatter, when it has one) and drops it.</summary>
    private sealed class DroppedLogs(ConsoleFormatter? formatter) : ILoggerProvider
    {
        [ThreadStatic]
        private static StringWriter? t_writer;

        public ILogger CreateLogger(string categoryName) => new Dropped(categoryName, formatter);

        public void Dispose()
        {
        }

        private sealed class Dropped(string category, ConsoleFormatter? formatter) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
            {
                if (formatter is null)
                {
                    _ = format(state, exception);
                    return;
                }

                var writer = t_writer ??= new StringWriter();
                formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), null, writer);
                writer.GetStringBuilder().Clear();
            }
        }
    }

    /// <summary>A host lifetime that listens to no process signal: the copy is started and stopped by warm-up alone.</summary>
    private sealed class NoSignals : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
