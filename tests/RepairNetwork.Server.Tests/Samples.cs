using Google.Protobuf.WellKnownTypes;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Builders for valid requests; each test changes only what it is about.</summary>
public static class Samples
{
    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <remarks>
    /// Open on Wednesdays 09:00-18:00 (the fixture's clock starts on a Wednesday noon in Shanghai);
    /// <paramref name="alwaysOpen"/> publishes no hours, for tests on the real clock, whose business
    /// time must not depend on when they run.
    /// </remarks>
    public static Api.Outlet Outlet(string id, double lat, double lon, string capability = "phone.screen", int capacity = 10, double onSiteRadiusKm = 0, bool alwaysOpen = false) => new()
    {
        OutletId = id,
        Name = $"Outlet {id}",
        Address = "1 Test Road",
        Phone = "+86 21 5555 0000",
        Location = new Api.LatLng { Latitude = lat, Longitude = lon },
        OpeningHours = new Api.OpeningHours
        {
            TimeZone = "Asia/Shanghai",
            Periods = { alwaysOpen ? [] : new[] { new Api.OpeningPeriod { Day = Api.DayOfWeek.Wednesday, Opens = "09:00", Closes = "18:00" } } },
        },
        ServiceModes = new Api.ServiceModes
        {
            CarryIn = true,
            OnSite = onSiteRadiusKm > 0 ? new Api.OnSiteService { RadiusKm = onSiteRadiusKm } : null,
        },
        Capabilities = { capability },
        DailyCapacity = capacity,
    };

    public static Api.Technician Technician(string id, string outletId, string capability = "phone.screen", string expiresOn = "2027-12-31", bool onShift = true) => new()
    {
        TechnicianId = id,
        OutletId = outletId,
        DisplayName = "Li Wei",
        OnShift = onShift,
        Certifications = { new Api.Certification { Capability = capability, ExpiresOn = expiresOn } },
    };

    public static Api.CreateRepairOrderRequest Order(double lat, double lon, string capability = "phone.screen", string? requestId = null) => new()
    {
        RequestId = requestId ?? Guid.NewGuid().ToString(),
        Customer = new Api.Customer { Name = "Zhang San", Phone = "+86 138 0000 0000", Address = "8 Customer Lane" },
        Product = new Api.Product { Category = "phone", Model = "X200", SerialNumber = "SN123456", PurchaseDate = "2026-01-15" },
        FaultDescription = "Cracked screen",
        CustomerLocation = new Api.LatLng { Latitude = lat, Longitude = lon },
        ServiceMode = Api.ServiceMode.CarryIn,
        RequiredCapability = capability,
    };

    /// <summary>A category no other test uses, so a filtered listing holds exactly this test's parts.</summary>
    public static string UniqueCategory() => "cat-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Lists a part in the catalog so outlets may stock it; a repeat with the same SKU is a no-op.</summary>
    public static async Task ListInCatalog(Api.PartsCatalogService.PartsCatalogServiceClient parts, params string[] skus)
    {
        foreach (var sku in skus)
        {
            await parts.CreatePartAsync(new Api.CreatePartRequest { Part = Part(sku) });
        }
    }

    public static Api.Part Part(string sku, string category = "phone", params string[] models) => new()
    {
        Sku = sku,
        Name = $"Display assembly {sku}",
        Category = category,
        CompatibleModels = { models },
        MainPart = true,
        UnitPrice = new Api.Money { CurrencyCode = "CNY", UnitsMinor = 45_900 },
    };

    /// <summary>A valid policy with every field set: 6/24-month warranty, 4 h response, 36 h completion, on-site 2 h/24 h, 30 min to accept.</summary>
    public static Api.CategoryPolicy Policy(string category) => new()
    {
        Category = category,
        WholeUnitMonths = 6,
        MainPartMonths = 24,
        MainPartSkus = { "MB-1", "PANEL-1" },
        ReturnDays = 7,
        ExchangeDays = 15,
        ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(4)),
        CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromHours(36)),
        ModeOverrides =
        {
            new Api.ServiceLevelOverride
            {
                ServiceMode = Api.ServiceMode.OnSite,
                ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
                CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromHours(24)),
            },
        },
        AcceptanceWindow = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)),
        ComplaintResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(48)),
        LoanerThreshold = Duration.FromTimeSpan(TimeSpan.FromHours(72)),
        LoanerSku = "LOANER-1",
        CurrencyCode = "CNY",
    };
}
