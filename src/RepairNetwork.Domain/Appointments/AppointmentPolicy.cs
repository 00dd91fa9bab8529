using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Appointments;

/// <summary>How slots are cut and travel is estimated (configuration <c>Appointments</c>).</summary>
public sealed record AppointmentPolicy
{
    public static readonly AppointmentPolicy Default = new();

    /// <summary>Carry-in: the customer drops the product off within a slot this long.</summary>
    public TimeSpan DropOffSlot { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>On-site: the technician arrives within a window this long.</summary>
    public TimeSpan ArrivalWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>On-site windows start this far apart (overlapping windows give the customer more choice).</summary>
    public TimeSpan ArrivalWindowStep { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Road distance per great-circle km (roads are not straight).</summary>
    public double RoadFactor { get; init; } = 1.3;

    /// <summary>Average travel speed on those roads, km/h.</summary>
    public double TravelSpeedKmh { get; init; } = 30;

    /// <summary>Longest date range one slot search may cover, in days.</summary>
    public int MaxRangeDays { get; init; } = 31;

    /// <summary>Days searched when the caller gives no end date.</summary>
    public int DefaultRangeDays { get; init; } = 7;

    /// <summary>How long time held for an order being created stays held if the order never comes.</summary>
    public TimeSpan HoldFor { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Nearest capable outlets whose time a slot search asks for (live confirmation).</summary>
    public int OutletsAsked { get; init; } = 5;

    /// <summary>Slots one outlet may contribute at least when several offer some, so no outlet fills the answer alone.</summary>
    public int SlotsPerOutlet { get; init; } = 4;

    public const int MaxSlots = 50;
    public const int DefaultSlots = 10;

    /// <summary>Length of the windows offered for a mode.</summary>
    public TimeSpan WindowFor(ServiceMode mode) => mode == ServiceMode.OnSite ? ArrivalWindow : DropOffSlot;

    /// <summary>How far apart windows start for a mode.</summary>
    public TimeSpan StepFor(ServiceMode mode) => mode == ServiceMode.OnSite ? ArrivalWindowStep : DropOffSlot;

    public double RoadKm(GeoPoint from, GeoPoint to) => GreatCircle.DistanceKm(from, to) * RoadFactor;

    /// <summary>Travel time by road, rounded up to the minute; zero between the same place.</summary>
    public TimeSpan Travel(GeoPoint from, GeoPoint to)
    {
        if (from == to)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromMinutes(Math.Ceiling(RoadKm(from, to) / TravelSpeedKmh * 60));
    }

    /// <summary>Checks configured values; the messages name the setting.</summary>
    public AppointmentPolicy Validated()
    {
        static void Require(bool ok, string setting, string rule)
        {
            if (!ok)
            {
                throw new InvalidOperationException($"Appointments:{setting} {rule}");
            }
        }

        Require(DropOffSlot >= TimeSpan.FromMinutes(5) && DropOffSlot <= TimeSpan.FromHours(4), nameof(DropOffSlot), "must be 00:05:00-04:00:00");
        Require(ArrivalWindow >= TimeSpan.FromMinutes(15) && ArrivalWindow <= TimeSpan.FromHours(8), nameof(ArrivalWindow), "must be 00:15:00-08:00:00");
        Require(ArrivalWindowStep >= TimeSpan.FromMinutes(5) && ArrivalWindowStep <= ArrivalWindow, nameof(ArrivalWindowStep), "must be at least 00:05:00 and at most the arrival window");
        Require(RoadFactor is >= 1 and <= 5, nameof(RoadFactor), "must be 1-5");
        Require(TravelSpeedKmh is >= 1 and <= 200, nameof(TravelSpeedKmh), "must be 1-200 km/h");
        Require(MaxRangeDays is >= 1 and <= 366, nameof(MaxRangeDays), "must be 1-366");
        Require(DefaultRangeDays >= 1 && DefaultRangeDays <= MaxRangeDays, nameof(DefaultRangeDays), "must be 1 to MaxRangeDays");
        Require(HoldFor >= TimeSpan.FromMinutes(1), nameof(HoldFor), "must be at least a minute");
        Require(OutletsAsked is >= 1 and <= 50, nameof(OutletsAsked), "must be 1-50");
        Require(SlotsPerOutlet is >= 1 and <= MaxSlots, nameof(SlotsPerOutlet), $"must be 1-{MaxSlots}");
        return this;
    }
}
