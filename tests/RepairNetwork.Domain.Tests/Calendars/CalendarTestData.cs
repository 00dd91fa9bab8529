using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Tests.Calendars;

/// <summary>Builders for calendars. Instants in Shanghai (UTC+8 all year) are written with their offset; DST tests write UTC.</summary>
internal static class CalendarTestData
{
    public const string Shanghai = "Asia/Shanghai";
    public const string Berlin = "Europe/Berlin";
    public const string NewYork = "America/New_York";

    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>A local time in Shanghai.</summary>
    public static DateTimeOffset Sh(int month, int day, int hour, int minute = 0, int year = 2027) => new(year, month, day, hour, minute, 0, ChinaOffset);

    public static DateTimeOffset Utc(int month, int day, int hour, int minute = 0, int year = 2027) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static DateOnly D(int month, int day, int year = 2027) => new(year, month, day);

    public static OpeningPeriod P(DayOfWeek day, int opensHour, int closesHour, int opensMinute = 0, int closesMinute = 0) =>
        new() { Day = day, Opens = new TimeOnly(opensHour, opensMinute), Closes = new TimeOnly(closesHour, closesMinute) };

    public static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Monday to Friday 09:00-18:00, closed at weekends.</summary>
    public static OpeningHours OfficeHours(string zone = Shanghai) => OpeningHours.Create(zone, Weekdays.Select(d => P(d, 9, 18)), "hours");

    /// <summary>Every day 09:00-18:00.</summary>
    public static OpeningHours EveryDay(string zone = Shanghai) => OpeningHours.Create(zone, Enum.GetValues<DayOfWeek>().Select(d => P(d, 9, 18)), "hours");

    /// <summary>No published periods: open around the clock.</summary>
    public static OpeningHours AroundTheClock(string zone = Shanghai) => OpeningHours.Create(zone, [], "hours");

    public static OpeningHours Hours(string zone, params OpeningPeriod[] periods) => OpeningHours.Create(zone, periods, "hours");

    public static BusinessCalendar Calendar(OpeningHours hours, OutletCalendar? outlet = null, params HolidayCalendar[] holidays) => new(hours, holidays, outlet);

    public static BusinessCalendar ChinaOffice() => Calendar(OfficeHours(), null, HolidayCalendars.ChinaNational2027());

    public static OutletCalendar Own(IEnumerable<OutletClosure>? closures = null, IEnumerable<SpecialHours>? special = null) =>
        OutletCalendar.Create(closures ?? [], special ?? [], "outlet_calendar");

    public static HolidayCalendar Holidays(string id, IEnumerable<Holiday> holidays, IEnumerable<MakeUpWorkday>? makeUps = null) =>
        HolidayCalendar.Create(id, id, holidays, makeUps ?? [], "calendar");

    public static TechnicianSchedule Shifts(params ShiftPeriod[] shifts) => TechnicianSchedule.Create(shifts, [], "technician.schedule");

    public static TechnicianSchedule OnLeave(string reason, DateOnly first, DateOnly last, params ShiftPeriod[] shifts) =>
        TechnicianSchedule.Create(shifts, [LeavePeriod.Of(reason, first, last)], "technician.schedule");
}
