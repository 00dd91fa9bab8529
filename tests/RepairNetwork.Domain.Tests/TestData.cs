using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Domain.Tests;

/// <summary>Builders for valid domain objects, plus small geometry helpers the tests check against.</summary>
internal static class TestData
{
    public const string ShanghaiZone = "Asia/Shanghai";

    public static readonly GeoPoint Shanghai = new(31.22222, 121.45806);
    public static readonly GeoPoint Beijing = new(39.9075, 116.39723);

    public static OpeningHours WeekdayHours() => OpeningHours.Create(
        ShanghaiZone,
        Enum.GetValues<DayOfWeek>().Select(d => new OpeningPeriod { Day = d, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(18, 0) }),
        "hours");

    public static OutletProfile Profile(
        string id,
        GeoPoint location,
        IEnumerable<string>? capabilities = null,
        ServiceModes? modes = null,
        ServiceArea? serviceArea = null,
        int dailyCapacity = 10,
        string? region = null) =>
        OutletProfile.Create(
            id,
            $"Outlet {id}",
            "1 Test Road",
            "+86 21 5555 0100",
            location,
            WeekdayHours(),
            modes ?? ServiceModes.Create(carryIn: true, mailIn: true, onSite: false, onSiteRadiusKm: 0, hasServiceArea: serviceArea is not null, "outlet.modes"),
            capabilities ?? ["phone.screen"],
            dailyCapacity,
            serviceArea,
            "outlet",
            region);

    public static OutletListing Listing(
        string id,
        GeoPoint location,
        long version = 1,
        OutletStatus status = OutletStatus.Open,
        IEnumerable<string>? capabilities = null,
        ServiceModes? modes = null,
        ServiceArea? serviceArea = null,
        IEnumerable<TechnicianProfile>? roster = null) => new()
        {
            Profile = Profile(id, location, capabilities, modes, serviceArea),
            Status = status,
            OnShiftCertifications = OutletListing.SummarizeOnShift(roster ?? []),
            Version = version,
            UpdatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(version),
        };

    public static TechnicianProfile Technician(string id, string outletId, bool onShift, params (string Capability, DateOnly ExpiresOn)[] certifications) =>
        TechnicianProfile.Create(
            id,
            outletId,
            $"Technician {id}",
            certifications.Select(c => new Certification { Capability = c.Capability, ExpiresOn = c.ExpiresOn }),
            onShift,
            "technician");

    /// <summary>
    /// The point reached by travelling <paramref name="distanceKm"/> along a great circle from
    /// <paramref name="start"/> at <paramref name="bearingDegrees"/> (clockwise from north).
    /// </summary>
    public static GeoPoint Destination(GeoPoint start, double bearingDegrees, double distanceKm)
    {
        var delta = distanceKm / GreatCircle.EarthRadiusKm;
        var theta = bearingDegrees * Math.PI / 180;
        var phi1 = start.Latitude * Math.PI / 180;
        var lambda1 = start.Longitude * Math.PI / 180;
        var sinPhi2 = (Math.Sin(phi1) * Math.Cos(delta)) + (Math.Cos(phi1) * Math.Sin(delta) * Math.Cos(theta));
        var phi2 = Math.Asin(Math.Clamp(sinPhi2, -1, 1));
        var lambda2 = lambda1 + Math.Atan2(Math.Sin(theta) * Math.Sin(delta) * Math.Cos(phi1), Math.Cos(delta) - (Math.Sin(phi1) * Math.Sin(phi2)));
        var longitude = NormalizeLongitude(lambda2 * 180 / Math.PI);
        return new GeoPoint(Math.Clamp(phi2 * 180 / Math.PI, -90, 90), longitude);
    }

    public static double NormalizeLongitude(double longitude)
    {
        var normalized = ((longitude + 180) % 360 + 360) % 360 - 180;
        return normalized == -180 && longitude > 0 ? 180 : normalized;
    }

    /// <summary>A point uniformly distributed on the sphere.</summary>
    public static GeoPoint RandomPoint(Random random) =>
        new(Math.Asin((2 * random.NextDouble()) - 1) * 180 / Math.PI, (random.NextDouble() * 360) - 180);

    /// <summary>A random point within <paramref name="maxKm"/> of <paramref name="center"/>.</summary>
    public static GeoPoint RandomPointNear(Random random, GeoPoint center, double maxKm) =>
        Destination(center, random.NextDouble() * 360, random.NextDouble() * maxKm);

    public static DomainException AssertInvalid(string field, Action action)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(DomainErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(field, ex.Field);
        return ex;
    }

    public static DomainException AssertPrecondition(Action action)
    {
        var ex = Assert.Throws<DomainException>(action);
        Assert.Equal(DomainErrorKind.FailedPrecondition, ex.Kind);
        return ex;
    }
}
