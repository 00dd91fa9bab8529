using Grpc.Core;
using RepairNetwork.Domain.Catalog;
using RepairNetwork.Grains.Catalog;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class CatalogApi(IGrainFactory grains, CapabilityCatalogCache cache) : Api.CatalogService.CatalogServiceBase
{
    public override async Task<Api.PutCapabilityCatalogResponse> PutCapabilityCatalog(Api.PutCapabilityCatalogRequest request, ServerCallContext context)
    {
        var proposed = request.Catalog ?? throw RpcErrors.Required("catalog");
        if (request.ExpectedVersion < 0)
        {
            throw RpcErrors.InvalidArgument("expected_version", "must not be negative");
        }

        var stored = await grains.GetGrain<ICapabilityCatalogGrain>(CapabilityCatalogGrain.Key)
            .Put(CapabilityCatalog.Create(proposed.Capabilities, proposed.Categories, "catalog"), request.ExpectedVersion);

        // This silo checks against the new catalog at once; other silos within a poll.
        await cache.SyncOnce();
        return new Api.PutCapabilityCatalogResponse { Catalog = ToProto(stored) };
    }

    public override async Task<Api.GetCapabilityCatalogResponse> GetCapabilityCatalog(Api.GetCapabilityCatalogRequest request, ServerCallContext context) =>
        new() { Catalog = ToProto(await grains.GetGrain<ICapabilityCatalogGrain>(CapabilityCatalogGrain.Key).Get()) };

    private static Api.CapabilityCatalog ToProto(CapabilityCatalog catalog) => new()
    {
        Capabilities = { catalog.Capabilities },
        Categories = { catalog.Categories },
        Version = catalog.Version,
    };
}
