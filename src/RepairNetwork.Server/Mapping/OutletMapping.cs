using System.Globalization;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class OutletMapping
{
    /// <summary>Fields UpdateOutlet may change; status has its own verb.</summary>
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "address", "phone", "location", "opening_hours", "service_modes", "capabilities", "daily_capacity", "service_area_geojson", "region",
        "holiday_calendar_ids", "closures", "special_hours",
    };

    public static OutletProfile ToDomain(Api.Outlet? outlet, string field = "outlet")
    {
        if (outlet is null)
        {
            throw RpcErrors.Required(field);
        }

        var area = string.IsNullOrWhiteSpace(outlet.ServiceAreaGeojson) ? null : ServiceArea.Parse(outlet.ServiceAreaGeojson, $"{field}.service_area_geojson");
        var modes = outlet.ServiceModes ?? throw RpcErrors.Required($"{field}.service_modes");
        return OutletProfile.Create(
            outlet.OutletId,
            outlet.Name,
            outlet.Address,
            outlet.Phone,
            CommonMapping.ToDomain(outlet.Location, $"{field}.location"),
            ToDomain(outlet.OpeningHours, $"{field}.opening_hours"),
            ServiceModes.Create(modes.CarryIn, modes.MailIn, modes.OnSite is not null, modes.OnSite?.RadiusKm ?? 0, area is not null, $"{field}.service_modes"),
            outlet.Capabilities,
            outlet.DailyCapacity,
            area,
            field,
            outlet.Region) with
        {
            HolidayCalendarIds = AssignedHolidayCalendars.Create(outlet.HolidayCalendarIds, $"{field}.holiday_calendar_ids"),
            Calendar = OutletCalendar.Create(
                outlet.Closures.Select((c, i) => ToDomain(c, $"{field}.closures[{i}]")),
                outlet.SpecialHours.Select((s, i) => ToDomain(s, $"{field}.special_hours[{i}]")),
                field),
        };
    }

    public static Api.Outlet ToProto(OutletListing listing)
    {
        var profile = listing.Profile;
        var outlet = new Api.Outlet
        {
            OutletId = profile.OutletId,
            Name = profile.Name,
            Address = profile.Address,
            Phone = profile.Phone,
            Location = CommonMapping.ToProto(profile.Location),
            OpeningHours = ToProto(profile.Hours),
            ServiceModes = new Api.ServiceModes
            {
                CarryIn = profile.Modes.CarryIn,
                MailIn = profile.Modes.MailIn,
                OnSite = profile.Modes.OnSite ? new Api.OnSiteService { RadiusKm = profile.Modes.OnSiteRadiusKm } : null,
            },
            DailyCapacity = profile.DailyCapacity,
            ServiceAreaGeojson = profile.ServiceArea?.GeoJson ?? string.Empty,
            Region = profile.Region,
            Status = ToProto(listing.Status),
            Version = listing.Version,
            UpdateTime = CommonMapping.ToProto(listing.UpdatedAt),
        };
        outlet.Capabilities.AddRange(profile.Capabilities);
        outlet.HolidayCalendarIds.AddRange(profile.HolidayCalendarIds);
        outlet.Closures.AddRange(profile.Calendar.Closures.Select(c => new Api.OutletClosure
        {
            FirstDay = CommonMapping.ToText(c.Dates.First),
            LastDay = CommonMapping.ToText(c.Dates.Last),
            Reason = c.Reason,
        }));
        outlet.SpecialHours.AddRange(profile.Calendar.SpecialHours.Select(s => new Api.SpecialHours
        {
            Date = CommonMapping.ToText(s.Date),
            Periods = { s.Periods.Select(ToProto) },
            Reason = s.Reason,
        }));
        return outlet;
    }

    public static OutletStatus ToDomain(Api.OutletStatus status, string field) => status switch
    {
        Api.OutletStatus.Open => OutletStatus.Open,
        Api.OutletStatus.Paused => OutletStatus.Paused,
        Api.OutletStatus.Closed => OutletStatus.Closed,
        Api.OutletStatus.Unspecified => throw RpcErrors.InvalidArgument(field, "must be specified (OUTLET_STATUS_OPEN, OUTLET_STATUS_PAUSED or OUTLET_STATUS_CLOSED)"),
        _ => throw RpcErrors.InvalidArgument(field, $"{(int)status} is not a known outlet status"),
    };

    public static Api.OutletStatus ToProto(OutletStatus status) => status switch
    {
        OutletStatus.Open => Api.OutletStatus.Open,
        OutletStatus.Paused => Api.OutletStatus.Paused,
        OutletStatus.Closed => Api.OutletStatus.Closed,
        _ => Api.OutletStatus.Unspecified,
    };

    public static Api.TimePeriod ToProto(TimePeriod period) => new() { Opens = ToText(period.Opens), Closes = ToText(period.Closes) };

    public static TimePeriod ToDomain(Api.TimePeriod period, string field) => new()
    {
        Opens = ToTime(period.Opens, $"{field}.opens"),
        Closes = ToTime(period.Closes, $"{field}.closes"),
    };

    public static string ToText(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static Api.DayOfWeek ToProto(DayOfWeek day) => day == DayOfWeek.Sunday ? Api.DayOfWeek.Sunday : (Api.DayOfWeek)(int)day;

    private static OutletClosure ToDomain(Api.OutletClosure closure, string field) => new()
    {
        Dates = DateRanges.Create(CommonMapping.ToDate(closure.FirstDay, $"{field}.first_day"), CommonMapping.ToDate(closure.LastDay, $"{field}.last_day"), $"{field}.last_day"),
        Reason = closure.Reason,
    };

    private static SpecialHours ToDomain(Api.SpecialHours special, string field) => new()
    {
        Date = CommonMapping.ToDate(special.Date, $"{field}.date"),
        Periods = [.. special.Periods.Select((p, i) => ToDomain(p, $"{field}.periods[{i}]"))],
        Reason = special.Reason,
    };

    private static OpeningHours ToDomain(Api.OpeningHours? hours, string field)
    {
        if (hours is null)
        {
            throw RpcErrors.Required($"{field}.time_zone");
        }

        var periods = hours.Periods.Select((p, i) => new OpeningPeriod
        {
            Day = ToDomain(p.Day, $"{field}.periods[{i}].day"),
            Opens = ToTime(p.Opens, $"{field}.periods[{i}].opens"),
            Closes = ToTime(p.Closes, $"{field}.periods[{i}].closes"),
        }).ToList();
        return OpeningHours.Create(hours.TimeZone, periods, field);
    }

    private static Api.OpeningHours ToProto(OpeningHours hours)
    {
        var proto = new Api.OpeningHours { TimeZone = hours.TimeZoneId };
        proto.Periods.AddRange(hours.Periods.Select(p => new Api.OpeningPeriod { Day = ToProto(p.Day), Opens = ToText(p.Opens), Closes = ToText(p.Closes) }));
        return proto;
    }

    public static DayOfWeek ToDomain(Api.DayOfWeek day, string field) => day switch
    {
        Api.DayOfWeek.Sunday => DayOfWeek.Sunday,
        >= Api.DayOfWeek.Monday and <= Api.DayOfWeek.Saturday => (DayOfWeek)(int)day,
        Api.DayOfWeek.Unspecified => throw RpcErrors.InvalidArgument(field, "must be specified"),
        _ => throw RpcErrors.InvalidArgument(field, $"{(int)day} is not a known day of the week"),
    };

    public static TimeOnly ToTime(string? text, string field) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw RpcErrors.InvalidArgument(field, $"'{RepairNetwork.Domain.Identifiers.Truncate(text ?? string.Empty)}' is not a time in the form HH:MM");
}
