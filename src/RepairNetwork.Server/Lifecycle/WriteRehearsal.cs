using Google.Protobuf;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Orleans.Storage;
using RepairNetwork.Contracts.Security;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Grains.Warmup;
using RepairNetwork.Server.Security;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Lifecycle;

/// <summary>
/// The parts of order creation warm-up can run without creating an order: the first real orders
/// otherwise pay for them (JIT of the gRPC pipeline, the order grain's create call, proto mapping,
/// the storage and reminder writes, the state serializers) while hundreds of calls queue behind them.
/// What is written goes under canary grain ids and is cleared at once, or is rolled back (the service
/// event); no order, booking, reminder or service event is left behind. The booking itself (an
/// outlet's capacity and job feed) has no canary form: its first run stays on the first orders' path.
/// </summary>
public sealed class WriteRehearsal(IServiceProvider services, IGrainFactory grains, IConfiguration configuration, TimeProvider clock)
{
    /// <summary>Grain type of the canary rows: never a real grain, so no activation ever reads them.</summary>
    public const string CanaryGrainType = "warmup-canary";

    /// <summary>Start of the outlet-state canaries' keys: '~' and '/' are in no valid outlet id.</summary>
    public const string CanaryOutletKeyPrefix = "~warm-up/";

    /// <summary>The key of outlet-state canary <paramref name="n"/>: never a valid outlet id.</summary>
    public static string CanaryOutletKey(int n) => CanaryOutletKeyPrefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A SKU no catalog has: the create call is refused before anything is stored.</summary>
    public const string NotAPart = "WARMUP-NOT-A-PART";

    /// <summary>
    /// An order grain's create call with a part that is not in the catalog (refused before the order
    /// is stored), then the proto mapping of the request and of the order it would have made.
    /// Returns the order built in memory for <see cref="Writes"/>.
    /// </summary>
    public async Task<RepairOrder> OrderPath(OutletListing near, CancellationToken ct)
    {
        var capability = near.Profile.Capabilities.IsDefaultOrEmpty ? "phone.screen" : near.Profile.Capabilities[0];
        var proto = new Api.CreateRepairOrderRequest
        {
            RequestId = "warm-up-" + Guid.NewGuid().ToString("N"),
            Customer = new Api.Customer { Name = "Warm-up", Phone = "+86 138 0000 0000", Address = "1 Warm-up Road" },
            Product = new Api.Product { Category = capability.Split('.')[0], Model = "WARMUP", SerialNumber = "WARMUP", PurchaseDate = "2026-01-01" },
            FaultDescription = "warm-up rehearsal, never stored",
            CustomerLocation = new Api.LatLng { Latitude = near.Profile.Location.Latitude, Longitude = near.Profile.Location.Longitude },
            ServiceMode = Api.ServiceMode.CarryIn,
            RequiredCapability = capability,
            RequiredParts = { new Api.RequiredPart { Sku = NotAPart, Quantity = 1 } },
        };
        var request = RepairOrderMapping.ToDomain(Api.CreateRepairOrderRequest.Parser.ParseFrom(proto.ToByteArray()));
        var orderId = RepairRequests.OrderIdFor(request.RequestId);
        // Someone who listed this SKU could have the create succeed: then the call is not rehearsed.
        if (!await InCatalog(NotAPart))
        {
            try
            {
                await grains.GetGrain<IRepairOrderGrain>(orderId).Create(request, Actor.Platform, cancellationToken: ct);
                throw new InvalidOperationException($"the rehearsal order {orderId} was accepted; it must be refused for its part {NotAPart}");
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.InvalidArgument)
            {
                // Expected: refused for the part, before anything is stored.
            }
        }

        var order = RepairOrder.Receive(orderId, request with { RequiredParts = [] }, clock.GetUtcNow());
        _ = new Api.CreateRepairOrderResponse { Order = RepairOrderMapping.ToProto(order) }.ToByteArray();
        return order;
    }

    private async Task<bool> InCatalog(string sku)
    {
        try
        {
            await grains.GetGrain<Grains.Parts.IPartGrain>(sku).Get();
            return true;
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// The grain-side writes of a new order, under canary ids: the order's state written by a canary
    /// grain that also sets and removes a reminder (<see cref="IWarmupCanaryGrain"/>), and a real
    /// outlet's state written under a canary id and cleared (the outlet's booking write). Canary
    /// <paramref name="n"/> of a run has its own rows, so concurrent rehearsals do not collide; every
    /// start reuses the same few rows, left without payload.
    /// </summary>
    public async Task<int> Writes(RepairOrder order, string outletId, int n)
    {
        var written = await grains.GetGrain<IWarmupCanaryGrain>($"canary-{n}").Rehearse(new RepairOrderState { Order = order, EffectsDoneThrough = order.Revision });
        if (services.GetKeyedService<IGrainStorage>(StorageNames.Repair) is { } storage)
        {
            var outlet = new GrainState<OutletState>(new OutletState());
            await storage.ReadStateAsync("outlet", grains.GetGrain<IOutletGrain>(outletId).GetGrainId(), outlet);
            // Stored rows are keyed by state name and key, not grain type: the key must be one no outlet
            // id can be (ids are letters, digits, '.', '_' and '-'), or the canary would overwrite an outlet.
            var id = GrainId.Create(CanaryGrainType, CanaryOutletKey(n));
            var canary = new GrainState<OutletState>(outlet.State);
            try
            {
                await storage.ReadStateAsync("outlet", id, canary); // the row's ETag, if an earlier start left one
                canary.State = outlet.State;
                await storage.WriteStateAsync("outlet", id, canary);
                await storage.ClearStateAsync("outlet", id, canary);
                written += 2;
            }
            catch (InconsistentStateException)
            {
                // Another silo's warm-up wrote the same canary row in between: the path is warm all the same.
            }
        }

        if (services.GetService<IServiceEventStore>() is Storage.PostgresServiceEventStore events)
        {
            await events.RehearseAppend(new ServiceEvent
            {
                OrderId = order.OrderId,
                OrderRevision = order.Revision,
                Action = OrderAction.Created,
                At = clock.GetUtcNow(),
                OutletId = outletId,
                Region = string.Empty,
                Detail = "warm-up rehearsal, rolled back",
            });
            written++;
        }

        return written;
    }

    /// <summary>
    /// A token minted with a throwaway key (valid nowhere else) validated by the server's own token
    /// handler and parameters, then read as a caller: the JWT code every first call of a client runs.
    /// </summary>
    public async Task<int> TokenValidation()
    {
        var options = services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        if (options.TokenHandlers.FirstOrDefault() is not { } handler)
        {
            return 0;
        }

        var key = AccessTokens.NewKey();
        var parameters = options.TokenValidationParameters.Clone();
        parameters.IssuerSigningKeys = [new SymmetricSecurityKey(Convert.FromBase64String(key)) { KeyId = "warm-up" }];
        var token = AccessTokens.Mint("warm-up", Roles.Hq, null, TimeSpan.FromMinutes(1), key, "warm-up",
            parameters.ValidIssuer ?? AccessTokens.DefaultIssuer, parameters.ValidAudience ?? AccessTokens.DefaultAudience, clock.GetUtcNow().UtcDateTime);
        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return 0; // e.g. an identity provider's tokens only (no HS256): nothing of ours to warm
        }

        _ = Caller.From(new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity));
        return 1;
    }

    /// <summary>
    /// gRPC health checks over HTTP/2 to this server's own gRPC endpoint (Kestrel:Endpoints:Grpc:Url):
    /// Kestrel's HTTP/2 connection and the gRPC pipeline, before a client's first call does it. Only
    /// a plain-HTTP endpoint on a fixed port is called; with TLS or port 0 (tests) the step is skipped.
    /// </summary>
    public async Task<int> Loopback(int calls, CancellationToken ct)
    {
        if (configuration["Kestrel:Endpoints:Grpc:Url"] is not { } url || !Uri.TryCreate(Local(url), UriKind.Absolute, out var address) || address.Scheme != Uri.UriSchemeHttp || address.Port == 0)
        {
            return 0;
        }

        using var channel = GrpcChannel.ForAddress(address);
        var client = new Health.HealthClient(channel);
        var answers = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            await client.CheckAsync(new HealthCheckRequest(), cancellationToken: ct);
            return 1;
        }));
        return answers.Sum();
    }

    // Kestrel's wildcard hosts are for listening; the call goes to this machine.
    private static string Local(string url) => url.Replace("://*", "://localhost").Replace("://+", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost");
}
