using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class CalendarMapping
{
    /// <summary>The calendar and the regions it applies to; errors name the API fields under <paramref name="field"/>.</summary>
    public static (HolidayCalendar Calendar, ImmutableArray<string> Regions) ToDomain(Api.HolidayCalendar? calendar, string field = "calendar")
    {
        if (calendar is null)
        {
            throw RpcErrors.Required(field);
        }

        var holidays = calendar.Holidays.Select((h, i) => new Holiday
        {
            Name = h.Name,
            Dates = DateRanges.Create(
                CommonMapping.ToDate(h.FirstDay, $"{field}.holidays[{i}].first_day"),
                CommonMapping.ToDate(h.LastDay, $"{field}.holidays[{i}].last_day"),
                $"{field}.holidays[{i}].last_day"),
        });
        var makeUps = calendar.MakeUpWorkdays.Select((m, i) => MakeUpWorkday.Of(
            CommonMapping.ToDate(m.Date, $"{field}.make_up_workdays[{i}].date"),
            m.Name,
            m.WorksAs == Api.DayOfWeek.Unspecified ? null : OutletMapping.ToDomain(m.WorksAs, $"{field}.make_up_workdays[{i}].works_as")));
        var domain = HolidayCalendar.Create(calendar.CalendarId, calendar.Name, holidays, makeUps, field);
        return (domain, CalendarRegions.Create(calendar.Regions, $"{field}.regions"));
    }

    public static Api.HolidayCalendar ToProto(RegisteredHolidayCalendar registered) => new()
    {
        CalendarId = registered.CalendarId,
        Name = registered.Calendar.Name,
        Holidays =
        {
            registered.Calendar.Holidays.Select(h => new Api.Holiday
            {
                Name = h.Name,
                FirstDay = CommonMapping.ToText(h.Dates.First),
                LastDay = CommonMapping.ToText(h.Dates.Last),
            }),
        },
        MakeUpWorkdays =
        {
            registered.Calendar.MakeUpWorkdays.Select(m => new Api.MakeUpWorkday
            {
                Date = CommonMapping.ToText(m.Date),
                WorksAs = OutletMapping.ToProto(m.WorksAs),
                Name = m.Name,
            }),
        },
        Regions = { registered.Regions },
        Version = registered.Version,
    };

    /// <summary>One local day: its periods (00:00-24:00 when open around the clock) and what decided it.</summary>
    public static Api.ScheduleDay ToProto(DaySchedule day)
    {
        var proto = new Api.ScheduleDay { Date = CommonMapping.ToText(day.Date), Note = Note(day) };
        if (day.AllDay)
        {
            proto.Periods.Add(new Api.TimePeriod { Opens = "00:00", Closes = "24:00" });
        }
        else
        {
            proto.Periods.AddRange(day.Periods.Select(OutletMapping.ToProto));
        }

        return proto;
    }

    /// <summary>The domain's wording for holidays, closures, special hours and make-up days; the two plain kinds named as the proto lists them.</summary>
    private static string Note(DaySchedule day) => day.Kind switch
    {
        DayKind.AroundTheClock => "open around the clock",
        DayKind.Weekly => day.IsClosed ? "weekly hours: closed" : "weekly hours",
        _ => day.Describe(),
    };

    public static Timestamp ToProto(DateTimeOffset at) => Timestamp.FromDateTimeOffset(at);
}
