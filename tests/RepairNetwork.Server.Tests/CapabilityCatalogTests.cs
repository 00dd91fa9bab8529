using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The capability catalog: once headquarters sets it, a typo in a capability or product category is
/// refused where it is typed, naming the field and the nearest valid names, and nothing is stored.
/// A server of its own: the other test classes rely on an open catalog.
/// </summary>
public sealed class CapabilityCatalogTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Api.CatalogService.CatalogServiceClient Catalog => new(server.Channel);

    private async Task<Api.CapabilityCatalog> PutCatalog()
    {
        var request = new Api.PutCapabilityCatalogRequest
        {
            Catalog = new Api.CapabilityCatalog
            {
                Capabilities = { "phone.screen", "phone.battery", "laptop.screen", "tv.panel" },
                Categories = { "phone", "laptop", "tv" },
            },
        };
        return (await Catalog.PutCapabilityCatalogAsync(request)).Catalog;
    }

    [Fact]
    public async Task A_typo_in_an_orders_capability_is_refused_with_the_nearest_names_and_no_order_is_stored()
    {
        await PutCatalog();
        var (lat, lon) = TestArea.Next();
        var order = Samples.Order(lat, lon, capability: "phone.scren");

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Orders.CreateRepairOrderAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("required_capability", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("did you mean 'phone.screen'", error.Status.Detail, StringComparison.Ordinal);
        var info = Assert.Single(error.GetRpcStatus()!.Details, d => d.Is(Google.Rpc.ErrorInfo.Descriptor)).Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal(("UNKNOWN_CAPABILITY", "required_capability"), (info.Reason, info.Metadata["field"]));
        var orderId = RepairNetwork.Domain.Orders.RepairRequests.OrderIdFor(order.RequestId);
        var missing = await Assert.ThrowsAsync<RpcException>(() => server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = orderId }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task An_unknown_product_category_is_refused_naming_the_field()
    {
        await PutCatalog();
        var (lat, lon) = TestArea.Next();
        var order = Samples.Order(lat, lon);
        order.Product.Category = "fone";

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Orders.CreateRepairOrderAsync(order).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("product.category", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("'phone'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookups_outlets_and_certifications_are_checked_against_the_catalog()
    {
        await PutCatalog();
        var (lat, lon) = TestArea.Next();

        var lookup = await Assert.ThrowsAsync<RpcException>(() => server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "tv.panels",
            ServiceMode = Api.ServiceMode.CarryIn,
        }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, lookup.StatusCode);
        Assert.Contains("did you mean 'tv.panel'", lookup.Status.Detail, StringComparison.Ordinal);

        var outletId = Samples.UniqueId("CAT");
        var outlet = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon, capability: "laptop.scren") }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, outlet.StatusCode);
        Assert.StartsWith("outlet.capabilities[0]", outlet.Status.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<RpcException>(() => server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId }).ResponseAsync);

        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon, capability: "laptop.screen") });
        var technician = await Assert.ThrowsAsync<RpcException>(() => server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outletId + "-T1", outletId, capability: "laptop.screan") }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, technician.StatusCode);
        Assert.StartsWith("technician.certifications[0]", technician.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_headquarters_sets_the_catalog_a_retry_changes_nothing_and_everyone_reads_it()
    {
        var first = await PutCatalog();
        var again = await PutCatalog();
        Assert.Equal(first.Version, again.Version);
        Assert.Equal(["laptop.screen", "phone.battery", "phone.screen", "tv.panel"], again.Capabilities);

        var outletCatalog = new Api.CatalogService.CatalogServiceClient(server.ChannelFor(Roles.Outlet, "ANY-OUTLET"));
        var denied = await Assert.ThrowsAsync<RpcException>(() => outletCatalog.PutCapabilityCatalogAsync(new Api.PutCapabilityCatalogRequest { Catalog = new Api.CapabilityCatalog() }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(again, (await outletCatalog.GetCapabilityCatalogAsync(new Api.GetCapabilityCatalogRequest())).Catalog);

        var stale = await Assert.ThrowsAsync<RpcException>(() => Catalog.PutCapabilityCatalogAsync(new Api.PutCapabilityCatalogRequest
        {
            Catalog = new Api.CapabilityCatalog { Capabilities = { "phone.screen" } },
            ExpectedVersion = again.Version + 5,
        }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, stale.StatusCode);
    }
}
