using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Console.Tests;

/// <summary>
/// An outlet of the test's own, open around the clock (no published hours: the tests run on the real
/// clock) and the only one offering a capability of its own, so an order for it is offered here
/// whatever the time of day; with a certified technician and its shop system's client.
/// </summary>
public sealed class TestShop
{
    private TestShop(string outletId, string capability, Api.RepairOrderService.RepairOrderServiceClient callCenter, Api.RepairOrderService.RepairOrderServiceClient outlet)
    {
        OutletId = outletId;
        Capability = capability;
        CallCenter = callCenter;
        Outlet = outlet;
    }

    /// <summary>Lhasa: far from the demo cities' crowds, within the base map.</summary>
    public const double Lat = 29.65, Lon = 91.11;

    public string OutletId { get; }

    public string Capability { get; }

    public Api.RepairOrderService.RepairOrderServiceClient CallCenter { get; }

    /// <summary>The outlet's own shop system.</summary>
    public Api.RepairOrderService.RepairOrderServiceClient Outlet { get; }

    public static async Task<TestShop> Create(ConsoleServer server)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var outletId = $"TEST-{suffix}";
        var capability = $"console.test-{suffix}";
        var hq = server.Channel(Roles.Hq);
        await AddToCatalog(new Api.CatalogService.CatalogServiceClient(hq), capability);
        await new Api.OutletService.OutletServiceClient(hq).CreateOutletAsync(new Api.CreateOutletRequest
        {
            Outlet = new Api.Outlet
            {
                OutletId = outletId,
                Name = $"Lhasa Test Shop {suffix}",
                Address = "1 Test Road, Lhasa",
                Phone = "+86 891 5555 0000",
                Location = new Api.LatLng { Latitude = Lat, Longitude = Lon },
                OpeningHours = new Api.OpeningHours { TimeZone = "Asia/Shanghai" },
                ServiceModes = new Api.ServiceModes { CarryIn = true },
                Capabilities = { capability },
                DailyCapacity = 20,
                Region = "CN-14",
            },
        });
        await new Api.TechnicianService.TechnicianServiceClient(hq).CreateTechnicianAsync(new Api.CreateTechnicianRequest
        {
            Technician = new Api.Technician
            {
                TechnicianId = outletId + "-T1",
                OutletId = outletId,
                DisplayName = "Tenzin",
                OnShift = true,
                Certifications = { new Api.Certification { Capability = capability, ExpiresOn = "2099-12-31" } },
            },
        });

        return new TestShop(
            outletId,
            capability,
            new Api.RepairOrderService.RepairOrderServiceClient(server.Channel(Roles.CallCenter)),
            new Api.RepairOrderService.RepairOrderServiceClient(server.Channel(Roles.Outlet, outletId)));
    }

    /// <summary>Outlets may offer only catalog capabilities: add this test's own (tests share the catalog, so retry a lost race).</summary>
    private static async Task AddToCatalog(Api.CatalogService.CatalogServiceClient catalog, string capability)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = (await catalog.GetCapabilityCatalogAsync(new Api.GetCapabilityCatalogRequest())).Catalog;
            var next = current.Clone();
            next.Capabilities.Add(capability);
            try
            {
                await catalog.PutCapabilityCatalogAsync(new Api.PutCapabilityCatalogRequest { Catalog = next, ExpectedVersion = current.Version });
                return;
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.Aborted && attempt < 5)
            {
            }
        }
    }

    /// <summary>A call-center order next to the shop, for its capability: offered to the shop at once.</summary>
    public async Task<Api.RepairOrder> CreateOrder(string name = "Zhang San") =>
        (await CallCenter.CreateRepairOrderAsync(new Api.CreateRepairOrderRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Customer = new Api.Customer { Name = name, Phone = "+86 138 0000 0000", Address = "8 Customer Lane, Lhasa" },
            Product = new Api.Product { Category = "phone", Model = "X200", SerialNumber = "SN" + Guid.NewGuid().ToString("N")[..8], PurchaseDate = DateTime.UtcNow.AddMonths(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
            FaultDescription = "Screen flickers",
            CustomerLocation = new Api.LatLng { Latitude = Lat + 0.01, Longitude = Lon + 0.01 },
            ServiceMode = Api.ServiceMode.CarryIn,
            RequiredCapability = Capability,
        })).Order;
}
