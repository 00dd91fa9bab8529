using System.Collections.Immutable;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// The rules that make an outlet capable of a job: open, offers the service mode (on-site only
/// within its radius or service area), offers the capability, has an on-shift technician certified
/// on the outlet's local day, and has capacity left that day. Each rule and its words, once;
/// <see cref="DispatchPlanner"/> decides with them.
/// </summary>
public static class DispatchRules
{
    /// <summary>Every rule except capacity, which only the outlet itself knows for certain.</summary>
    public static ImmutableArray<Unavailability> StandingReasons(OutletListing outlet, JobRequirement job, DateOnly localDay)
    {
        var reasons = ImmutableArray.CreateBuilder<Unavailability>();
        var profile = outlet.Profile;

        switch (outlet.Status)
        {
            case OutletStatus.Paused:
                reasons.Add(Reason(UnavailabilityCode.OutletPaused, "outlet is paused and takes no new jobs"));
                break;
            case OutletStatus.Closed:
                reasons.Add(Reason(UnavailabilityCode.OutletClosed, "outlet is closed"));
                break;
        }

        if (!profile.Modes.Offers(job.Mode))
        {
            reasons.Add(Reason(UnavailabilityCode.ServiceModeNotOffered, $"outlet does not offer {Describe(job.Mode)} service"));
        }
        else if (job.Mode == ServiceMode.OnSite && !CoversOnSite(profile, job.CustomerLocation))
        {
            var distance = GreatCircle.DistanceKm(profile.Location, job.CustomerLocation);
            reasons.Add(Reason(UnavailabilityCode.OutsideOnSiteArea, profile.ServiceArea is null
                ? $"customer is {distance:0.0} km away, outside the {profile.Modes.OnSiteRadiusKm:0.#} km on-site radius"
                : $"customer is {distance:0.0} km away, outside the {profile.Modes.OnSiteRadiusKm:0.#} km on-site radius and the service area"));
        }

        if (!profile.OffersCapability(job.Capability))
        {
            reasons.Add(Reason(UnavailabilityCode.CapabilityNotOffered, $"outlet does not offer {job.Capability}"));
        }
        else if (!outlet.HasOnShiftCertification(job.Capability, localDay))
        {
            reasons.Add(Reason(UnavailabilityCode.NoCertifiedTechnicianOnShift, $"no technician certified for {job.Capability} on {localDay:yyyy-MM-dd} is on shift"));
        }

        return reasons.ToImmutable();
    }

    /// <summary>No day on which the outlet is open with a certified technician, within the search horizon.</summary>
    public static Unavailability NoServiceDayReason(string why) => Reason(UnavailabilityCode.NoServiceDay, why);

    /// <summary>Not open with a certified technician before the response deadline; <paramref name="closed"/> says until when and why.</summary>
    public static Unavailability CannotRespondInTimeReason(string closed, string deadline) =>
        Reason(UnavailabilityCode.CannotRespondInTime, $"{closed}; the job must be answered by {deadline}");

    /// <summary>Why an outlet that declined a job, or let its offer lapse, is not offered it again.</summary>
    public static Unavailability AlreadyTurnedDown { get; } = new() { Code = UnavailabilityCode.TurnedDownThisJob, Message = "declined this job or let the offer lapse" };

    /// <summary>The capacity rule for the outlet's local day.</summary>
    public static Unavailability? CapacityReason(int bookedOnDay, int dailyCapacity, DateOnly localDay) =>
        IsFull(bookedOnDay, dailyCapacity)
            ? Reason(UnavailabilityCode.CapacityFullToday, $"all {dailyCapacity} jobs of {localDay:yyyy-MM-dd} are booked")
            : null;

    /// <summary>An outlet is full on a day once its bookings that day reach its daily capacity.</summary>
    public static bool IsFull(int bookedOnDay, int dailyCapacity) => bookedOnDay >= dailyCapacity;

    /// <summary>Jobs the outlet can still take on the day (never below zero: capacity may be lowered below the bookings).</summary>
    public static int CapacityLeft(int bookedOnDay, int dailyCapacity) => Math.Max(0, dailyCapacity - bookedOnDay);

    /// <summary>Why an outlet cannot hold a job's parts from its own stock: each SKU short, with the numbers.</summary>
    public static Unavailability PartsShortReason(IEnumerable<PartShortfall> shortfalls) =>
        Reason(UnavailabilityCode.PartsNotInStock, string.Join(", ", shortfalls.Select(s => s.Available <= 0
            ? $"no {s.Sku} in stock (needs {s.Requested})"
            : $"only {s.Available} {s.Sku} available (needs {s.Requested})")));

    /// <summary>Why an outlet short of parts was not chosen with a transfer either.</summary>
    public static Unavailability NoTransferSourceReason(Unavailability shortReason, double transferMaxKm) =>
        Reason(UnavailabilityCode.PartsNotInStock, $"{shortReason.Message}; no outlet within {transferMaxKm:0.#} km can send them");

    /// <summary>Stock can be held at, or sent from, any outlet that is not closed (a paused outlet still has its shelves).</summary>
    public static bool MaySupplyParts(OutletListing outlet) => outlet.Status != OutletStatus.Closed;

    /// <summary>On-site visits reach customers within the radius or inside the service area.</summary>
    public static bool CoversOnSite(OutletProfile profile, GeoPoint customer) =>
        (profile.Modes.OnSiteRadiusKm > 0 && GreatCircle.DistanceKm(profile.Location, customer) <= profile.Modes.OnSiteRadiusKm)
        || (profile.ServiceArea?.Contains(customer) ?? false);

    public static string Describe(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => "carry-in",
        ServiceMode.OnSite => "on-site",
        ServiceMode.MailIn => "mail-in",
        _ => mode.ToString(),
    };

    private static Unavailability Reason(UnavailabilityCode code, string message) => new() { Code = code, Message = message };
}
