using RepairNetwork.Domain.Calendars;
using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Geo;

namespace RepairNetwork.Domain.Outlets;

/// <summary>What headquarters registers about an outlet: everything but its status and live load.</summary>
[GenerateSerializer, Alias("rn.OutletProfile"), Immutable]
public sealed record OutletProfile
{
    public const int MaxCapabilities = 200;
    public const int MaxDailyCapacity = 100_000;

    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required string Name { get; init; }

    [Id(2)] public required string Address { get; init; }

    [Id(3)] public required string Phone { get; init; }

    [Id(4)] public required GeoPoint Location { get; init; }

    [Id(5)] public required OpeningHours Hours { get; init; }

    [Id(6)] public required ServiceModes Modes { get; init; }

    /// <summary>Sorted and distinct.</summary>
    [Id(7)] public required ImmutableArray<string> Capabilities { get; init; }

    [Id(8)] public required int DailyCapacity { get; init; }

    [Id(9)] public ServiceArea? ServiceArea { get; init; }

    /// <summary>
    /// The administrative region headquarters reports by, e.g. a province code "CN-23" or a name "shanghai";
    /// empty when not assigned. Same syntax as an id. Not required, so outlets stored before it existed still
    /// read back (as empty).
    /// </summary>
    [Id(10)] public string Region { get; init; } = string.Empty;

    /// <summary>The outlet's own closures and special hours; outlets stored before they existed read back with none.</summary>
    [Id(11)] public OutletCalendar Calendar { get; init; } = OutletCalendar.Empty;

    /// <summary>Holiday calendars headquarters assigned to this outlet one by one (those of its region apply too); sorted, distinct.</summary>
    [Id(12)] public ImmutableArray<string> HolidayCalendarIds { get; init; } = [];

    /// <summary>
    /// Checks every field; <paramref name="field"/> prefixes field names in errors (e.g. "outlet").
    /// <paramref name="region"/> is optional: null or empty for none.
    /// </summary>
    public static OutletProfile Create(
        string? outletId,
        string? name,
        string? address,
        string? phone,
        GeoPoint location,
        OpeningHours hours,
        ServiceModes modes,
        IEnumerable<string> capabilities,
        int dailyCapacity,
        ServiceArea? serviceArea,
        string field,
        string? region = null)
    {
        var capabilityList = capabilities.ToList();
        if (capabilityList.Count == 0)
        {
            throw DomainException.Invalid($"{field}.capabilities", "must list at least one capability");
        }

        if (capabilityList.Count > MaxCapabilities)
        {
            throw DomainException.Invalid($"{field}.capabilities", $"must list at most {MaxCapabilities} capabilities (got {capabilityList.Count})");
        }

        for (var i = 0; i < capabilityList.Count; i++)
        {
            Identifiers.RequireCapability(capabilityList[i], $"{field}.capabilities[{i}]");
        }

        if (dailyCapacity is < 1 or > MaxDailyCapacity)
        {
            throw DomainException.Invalid($"{field}.daily_capacity", $"must be within [1, {MaxDailyCapacity}] (got {dailyCapacity})");
        }

        return new OutletProfile
        {
            OutletId = Identifiers.RequireId(outletId, $"{field}.outlet_id"),
            Name = Identifiers.RequireText(name, $"{field}.name", 200),
            Address = Identifiers.RequireText(address, $"{field}.address", 500),
            Phone = Identifiers.OptionalText(phone, $"{field}.phone", 32),
            Location = location,
            Hours = hours,
            Modes = modes,
            Capabilities = capabilityList.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray(),
            DailyCapacity = dailyCapacity,
            ServiceArea = serviceArea,
            Region = Identifiers.OptionalId(region, $"{field}.region"),
        };
    }

    public bool OffersCapability(string capability) => Capabilities.BinarySearch(capability, StringComparer.Ordinal) >= 0;

    /// <summary>Value equality, including the collections (records compare those by reference).</summary>
    public bool SameAs(OutletProfile other) =>
        OutletId == other.OutletId && Name == other.Name && Address == other.Address && Phone == other.Phone
        && Location == other.Location && Hours.SameAs(other.Hours) && Modes == other.Modes
        && Capabilities.SequenceEqual(other.Capabilities) && DailyCapacity == other.DailyCapacity
        && Equals(ServiceArea, other.ServiceArea) && Region == other.Region
        && Calendar.SameAs(other.Calendar) && HolidayCalendarIds.SequenceEqual(other.HolidayCalendarIds);

    /// <summary>
    /// Who may change what: headquarters edits everything; an outlet keeps its own phone and opening
    /// hours current, but not their time zone (the zone decides which local day the outlet's daily
    /// capacity belongs to, so moving it would hand the outlet a fresh day) nor anything that shapes
    /// dispatch. Throws PERMISSION_DENIED naming the fields an outlet tried to change (API names).
    /// </summary>
    public static void CheckEdit(OutletProfile current, OutletProfile proposed, Orders.Actor by)
    {
        if (by.Role is Orders.ActorRole.Headquarters or Orders.ActorRole.Platform)
        {
            return;
        }

        if (by.Role != Orders.ActorRole.Outlet || by.Id != current.OutletId)
        {
            throw DomainException.Forbidden($"only headquarters or outlet '{current.OutletId}' itself may edit its profile");
        }

        var headquartersOnly = new List<string>();
        void Check(bool same, string field)
        {
            if (!same)
            {
                headquartersOnly.Add(field);
            }
        }

        Check(current.Name == proposed.Name, "name");
        Check(current.Address == proposed.Address, "address");
        Check(current.Location == proposed.Location, "location");
        Check(current.Hours.TimeZoneId == proposed.Hours.TimeZoneId, "opening_hours.time_zone");
        Check(current.Modes == proposed.Modes, "service_modes");
        Check(current.Capabilities.SequenceEqual(proposed.Capabilities), "capabilities");
        Check(current.DailyCapacity == proposed.DailyCapacity, "daily_capacity");
        Check(Equals(current.ServiceArea, proposed.ServiceArea), "service_area_geojson");
        Check(current.Region == proposed.Region, "region");
        Check(current.HolidayCalendarIds.SequenceEqual(proposed.HolidayCalendarIds), "holiday_calendar_ids");
        if (headquartersOnly.Count > 0)
        {
            throw DomainException.Forbidden(
                $"an outlet may change only its phone, opening hours (not their time zone), closures and special hours; {string.Join(", ", headquartersOnly)} are set by headquarters");
        }
    }
}
