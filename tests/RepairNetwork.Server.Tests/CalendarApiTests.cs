using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Business time through the API: headquarters' holiday calendars, an outlet's own closures and special
/// hours, technicians' shifts and leave, and the schedule that results, in the outlet's zone. The
/// fixture's clock reads noon in Shanghai on Wednesday 2026-11-18.
/// </summary>
public sealed class CalendarApiTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Api.CalendarService.CalendarServiceClient Hq => new(server.Channel);

    private static Api.CalendarService.CalendarServiceClient CalendarsAs(ServerFixture server, string role, string? outletId = null) => new(server.ChannelFor(role, outletId));

    [Fact]
    public async Task Headquarters_puts_a_calendar_a_retry_changes_nothing_and_a_stale_version_is_refused()
    {
        var calendar = Calendar(Samples.UniqueId("cal"), "T-ANY");
        var first = (await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar })).Calendar;
        var retry = (await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar, ExpectedVersion = 7 })).Calendar;

        var changed = calendar.Clone();
        changed.Name = "Renamed";
        var second = (await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = changed, ExpectedVersion = 1 })).Calendar;
        changed.Name = "Renamed again";
        var stale = await AssertStatus(StatusCode.FailedPrecondition, () => Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = changed, ExpectedVersion = 1 }).ResponseAsync);

        Assert.Equal(1, first.Version);
        Assert.Equal(first, retry);
        Assert.Equal(2, second.Version);
        Assert.Contains("version 2", stale.Status.Detail, StringComparison.Ordinal);
        var stored = (await Hq.GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = calendar.CalendarId })).Calendar;
        Assert.Equal(second, stored);
        Assert.Equal("2026-11-20", stored.Holidays[0].FirstDay);
        Assert.Equal(Api.DayOfWeek.Monday, stored.MakeUpWorkdays[0].WorksAs);
        var listed = (await Hq.ListHolidayCalendarsAsync(new Api.ListHolidayCalendarsRequest())).Calendars;
        Assert.Contains(second, listed);
        Assert.Equal(listed.Select(c => c.CalendarId).Order(StringComparer.Ordinal), listed.Select(c => c.CalendarId));
    }

    [Fact]
    public async Task Everyone_reads_calendars_but_only_headquarters_puts_them()
    {
        var outletId = await CreateOutlet();
        var calendar = Calendar(Samples.UniqueId("cal"), "T-ANY");
        await AssertStatus(StatusCode.PermissionDenied, () => CalendarsAs(server, Roles.Outlet, outletId).PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar }).ResponseAsync);
        await AssertStatus(StatusCode.PermissionDenied, () => CalendarsAs(server, Roles.CallCenter).PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => Hq.GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = calendar.CalendarId }).ResponseAsync);

        await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar });
        var byOutlet = (await CalendarsAs(server, Roles.Outlet, outletId).GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = calendar.CalendarId })).Calendar;
        var listedByCallCenter = (await CalendarsAs(server, Roles.CallCenter).ListHolidayCalendarsAsync(new Api.ListHolidayCalendarsRequest())).Calendars;

        Assert.Equal(calendar.Name, byOutlet.Name);
        Assert.Contains(listedByCallCenter, c => c.CalendarId == calendar.CalendarId);
    }

    [Fact]
    public async Task An_outlet_sets_its_own_closures_and_special_hours_and_reads_them_back()
    {
        var outletId = await CreateOutlet();
        var outlets = new Api.OutletService.OutletServiceClient(server.ChannelFor(Roles.Outlet, outletId));
        var change = new Api.Outlet
        {
            OutletId = outletId,
            Closures = { new Api.OutletClosure { FirstDay = "2026-12-01", LastDay = "2026-12-02", Reason = "stocktake" } },
            SpecialHours = { new Api.SpecialHours { Date = "2026-12-24", Reason = "Christmas Eve", Periods = { new Api.TimePeriod { Opens = "10:00", Closes = "14:00" } } } },
        };

        var updated = (await outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = change, UpdateMask = new FieldMask { Paths = { "closures", "special_hours" } } })).Outlet;
        var read = (await outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet;

        Assert.Equal(updated, read);
        Assert.Equal(change.Closures, read.Closures);
        Assert.Equal(change.SpecialHours, read.SpecialHours);
    }

    [Fact]
    public async Task An_outlet_cannot_set_another_outlets_closures_nor_its_own_holiday_calendars()
    {
        var own = await CreateOutlet();
        var other = await CreateOutlet();
        var calendar = Calendar(Samples.UniqueId("cal"), "T-ANY");
        await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar });
        var outlets = new Api.OutletService.OutletServiceClient(server.ChannelFor(Roles.Outlet, own));
        var before = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = own })).Outlet;

        var closures = new Api.Outlet { OutletId = other, Closures = { new Api.OutletClosure { FirstDay = "2026-12-01", LastDay = "2026-12-01", Reason = "not yours" } } };
        await AssertStatus(StatusCode.PermissionDenied, () => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = closures, UpdateMask = new FieldMask { Paths = { "closures" } } }).ResponseAsync);
        var assign = new Api.Outlet { OutletId = own, HolidayCalendarIds = { calendar.CalendarId } };
        var denied = await AssertStatus(StatusCode.PermissionDenied, () => outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = assign, UpdateMask = new FieldMask { Paths = { "holiday_calendar_ids" } } }).ResponseAsync);

        Assert.Contains("holiday_calendar_ids", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = other })).Outlet.Closures);
        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = own })).Outlet);

        // Headquarters may assign it.
        var assigned = (await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = assign, UpdateMask = new FieldMask { Paths = { "holiday_calendar_ids" } } })).Outlet;
        Assert.Equal([calendar.CalendarId], assigned.HolidayCalendarIds);
    }

    [Fact]
    public async Task The_schedule_shows_a_regional_holiday_a_make_up_sunday_a_closure_and_special_hours_in_the_outlets_zone()
    {
        var region = Samples.UniqueId("T");
        var calendar = Calendar(Samples.UniqueId("cal"), region);
        await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar });
        var outletId = await CreateOutlet(o =>
        {
            o.Region = region;
            o.Closures.Add(new Api.OutletClosure { FirstDay = "2026-11-24", LastDay = "2026-11-25", Reason = "stocktake" });
            o.SpecialHours.Add(new Api.SpecialHours { Date = "2026-11-26", Reason = "short day", Periods = { new Api.TimePeriod { Opens = "10:00", Closes = "14:00" } } });
        });

        var schedule = await CalendarsAs(server, Roles.Outlet, outletId).GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = outletId, Days = 10 });

        Assert.Equal("Asia/Shanghai", schedule.TimeZone);
        Assert.Equal([calendar.CalendarId], schedule.HolidayCalendarIds);
        Assert.True(schedule.OpenNow);
        Assert.Null(schedule.NextOpenTime);
        Assert.Equal(10, schedule.Days.Count);
        var byDate = schedule.Days.ToDictionary(d => d.Date);
        Assert.Equal("2026-11-18", schedule.Days[0].Date);
        AssertDay(byDate["2026-11-18"], "weekly hours", "09:00-18:00");
        AssertDay(byDate["2026-11-20"], "Test Day");
        AssertDay(byDate["2026-11-21"], "weekly hours: closed");
        AssertDay(byDate["2026-11-22"], "Test make-up workday (works as Monday)", "09:00-18:00");
        AssertDay(byDate["2026-11-24"], "outlet closure: stocktake");
        AssertDay(byDate["2026-11-25"], "outlet closure: stocktake");
        AssertDay(byDate["2026-11-26"], "special hours: short day", "10:00-14:00");

        // From a given first day.
        var later = await Hq.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = outletId, FirstDay = "2026-11-22", Days = 1 });
        Assert.Equal("2026-11-22", Assert.Single(later.Days).Date);
    }

    [Fact]
    public async Task A_calendar_assigned_one_by_one_applies_to_that_outlet_only_and_no_weekly_hours_means_around_the_clock()
    {
        var calendar = Calendar(Samples.UniqueId("cal"), "T-NOWHERE");
        calendar.Regions.Clear();
        await Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar });
        var assigned = await CreateOutlet(o =>
        {
            o.OpeningHours.Periods.Clear();
            o.HolidayCalendarIds.Add(calendar.CalendarId);
        });
        var other = await CreateOutlet(o => o.OpeningHours.Periods.Clear());

        var withCalendar = await Hq.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = assigned, FirstDay = "2026-11-19", Days = 2 });
        var without = await Hq.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = other, FirstDay = "2026-11-19", Days = 2 });

        Assert.Equal([calendar.CalendarId], withCalendar.HolidayCalendarIds);
        AssertDay(withCalendar.Days[0], "open around the clock", "00:00-24:00");
        AssertDay(withCalendar.Days[1], "Test Day");
        Assert.Empty(without.HolidayCalendarIds);
        AssertDay(without.Days[1], "open around the clock", "00:00-24:00");
    }

    [Fact]
    public async Task A_closed_outlet_says_when_it_next_opens_in_its_own_zone()
    {
        // 04:00 UTC is 05:00 in Berlin: closed until 09:00 local, 08:00 UTC.
        var outletId = await CreateOutlet(o => o.OpeningHours.TimeZone = "Europe/Berlin");

        var schedule = await CalendarsAs(server, Roles.CallCenter).GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = outletId, Days = 1 });

        Assert.Equal("Europe/Berlin", schedule.TimeZone);
        Assert.False(schedule.OpenNow);
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 8, 0, 0, TimeSpan.Zero), schedule.NextOpenTime.ToDateTimeOffset());
        Assert.Equal("closed until 2026-11-18 09:00 (Europe/Berlin): outside opening hours", schedule.ClosedReason);
        AssertDay(Assert.Single(schedule.Days), "weekly hours", "09:00-18:00");
    }

    [Fact]
    public async Task An_outlet_reads_only_its_own_schedule()
    {
        var own = await CreateOutlet();
        var other = await CreateOutlet();
        var calendars = CalendarsAs(server, Roles.Outlet, own);

        await calendars.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = own });
        await AssertStatus(StatusCode.PermissionDenied, () => calendars.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = other }).ResponseAsync);
        await AssertStatus(StatusCode.NotFound, () => Hq.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = Samples.UniqueId("MISSING") }).ResponseAsync);
        await AssertStatus(StatusCode.InvalidArgument, () => Hq.GetOutletScheduleAsync(new Api.GetOutletScheduleRequest { OutletId = own, Days = 63 }).ResponseAsync);
    }

    [Fact]
    public async Task Technician_shifts_and_leave_round_trip_and_an_outlet_changes_its_own_technicians()
    {
        var outletId = await CreateOutlet();
        var technician = Samples.Technician(Samples.UniqueId("TECH"), outletId);
        technician.Shifts.AddRange(WeekdayShifts("09:00", "18:00"));
        technician.Leave.Add(new Api.LeavePeriod { FirstDay = "2026-12-01", LastDay = "2026-12-05", Reason = "annual leave" });

        var created = (await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = technician })).Technician;
        Assert.Equal(technician.Shifts, created.Shifts);
        Assert.Equal(technician.Leave, created.Leave);

        var change = new Api.Technician { TechnicianId = technician.TechnicianId };
        change.Shifts.Add(new Api.OpeningPeriod { Day = Api.DayOfWeek.Saturday, Opens = "10:00", Closes = "16:00" });
        var technicians = new Api.TechnicianService.TechnicianServiceClient(server.ChannelFor(Roles.Outlet, outletId));
        var updated = (await technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = change, UpdateMask = new FieldMask { Paths = { "shifts", "leave" } } })).Technician;

        Assert.Equal(change.Shifts, updated.Shifts);
        Assert.Empty(updated.Leave);
        Assert.Equal(updated, (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = technician.TechnicianId })).Technician);
    }

    [Theory]
    [InlineData("closure date not a date", "outlet.closures[0].first_day")]
    [InlineData("closure reversed", "outlet.closures[0].last_day")]
    [InlineData("closure longer than a year", "outlet.closures[0].last_day")]
    [InlineData("closures overlap", "outlet.closures")]
    [InlineData("closure without reason", "outlet.closures[0].reason")]
    [InlineData("special hours time not a time", "outlet.special_hours[0].periods[0].opens")]
    [InlineData("special hours period reversed", "outlet.special_hours[0].periods")]
    [InlineData("special hours periods overlap", "outlet.special_hours[0].periods")]
    [InlineData("special hours twice on a date", "outlet.special_hours")]
    [InlineData("unknown holiday calendar", "outlet.holiday_calendar_ids[0]")]
    public async Task Bad_outlet_business_time_is_invalid_argument_naming_the_field_and_stores_nothing(string badness, string field)
    {
        var outletId = await CreateOutlet();
        var before = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet;
        var change = new Api.Outlet { OutletId = outletId };
        Api.OutletClosure Closure(string first, string last) => new() { FirstDay = first, LastDay = last, Reason = "stocktake" };
        Api.SpecialHours Special(string date, params (string Opens, string Closes)[] periods) =>
            new() { Date = date, Reason = "event", Periods = { periods.Select(p => new Api.TimePeriod { Opens = p.Opens, Closes = p.Closes }) } };
        switch (badness)
        {
            case "closure date not a date": change.Closures.Add(Closure("2026-13-01", "2026-12-01")); break;
            case "closure reversed": change.Closures.Add(Closure("2026-12-05", "2026-12-01")); break;
            case "closure longer than a year": change.Closures.Add(Closure("2026-12-01", "2027-12-31")); break;
            case "closures overlap": change.Closures.AddRange([Closure("2026-12-01", "2026-12-05"), Closure("2026-12-05", "2026-12-06")]); break;
            case "closure without reason": change.Closures.Add(new Api.OutletClosure { FirstDay = "2026-12-01", LastDay = "2026-12-01" }); break;
            case "special hours time not a time": change.SpecialHours.Add(Special("2026-12-24", ("25:00", "26:00"))); break;
            case "special hours period reversed": change.SpecialHours.Add(Special("2026-12-24", ("14:00", "10:00"))); break;
            case "special hours periods overlap": change.SpecialHours.Add(Special("2026-12-24", ("10:00", "14:00"), ("13:00", "16:00"))); break;
            case "special hours twice on a date": change.SpecialHours.AddRange([Special("2026-12-24", ("10:00", "14:00")), Special("2026-12-24")]); break;
            case "unknown holiday calendar": change.HolidayCalendarIds.Add(Samples.UniqueId("no-such-calendar")); break;
        }

        var paths = new FieldMask { Paths = { "closures", "special_hours", "holiday_calendar_ids" } };
        var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = change, UpdateMask = paths }).ResponseAsync);

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet);
    }

    [Theory]
    [InlineData("shift on no day", "technician.shifts[0].day")]
    [InlineData("shift time not a time", "technician.shifts[0].closes")]
    [InlineData("shift reversed", "technician.shifts")]
    [InlineData("shifts overlap", "technician.shifts")]
    [InlineData("leave date not a date", "technician.leave[0].last_day")]
    [InlineData("leave reversed", "technician.leave[0].last_day")]
    [InlineData("leave longer than a year", "technician.leave[0].last_day")]
    [InlineData("leave overlaps", "technician.leave")]
    public async Task Bad_shifts_and_leave_are_invalid_argument_naming_the_field_and_store_nothing(string badness, string field)
    {
        var outletId = await CreateOutlet();
        var technician = Samples.Technician(Samples.UniqueId("TECH"), outletId);
        var before = (await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = technician })).Technician;
        var change = new Api.Technician { TechnicianId = technician.TechnicianId };
        Api.OpeningPeriod Shift(Api.DayOfWeek day, string opens, string closes) => new() { Day = day, Opens = opens, Closes = closes };
        Api.LeavePeriod Leave(string first, string last) => new() { FirstDay = first, LastDay = last, Reason = "annual leave" };
        switch (badness)
        {
            case "shift on no day": change.Shifts.Add(Shift(Api.DayOfWeek.Unspecified, "09:00", "18:00")); break;
            case "shift time not a time": change.Shifts.Add(Shift(Api.DayOfWeek.Monday, "09:00", "18h")); break;
            case "shift reversed": change.Shifts.Add(Shift(Api.DayOfWeek.Monday, "18:00", "09:00")); break;
            case "shifts overlap": change.Shifts.AddRange([Shift(Api.DayOfWeek.Monday, "09:00", "13:00"), Shift(Api.DayOfWeek.Monday, "12:00", "18:00")]); break;
            case "leave date not a date": change.Leave.Add(Leave("2026-12-01", "2026-12-32")); break;
            case "leave reversed": change.Leave.Add(Leave("2026-12-05", "2026-12-01")); break;
            case "leave longer than a year": change.Leave.Add(Leave("2026-12-01", "2028-01-01")); break;
            case "leave overlaps": change.Leave.AddRange([Leave("2026-12-01", "2026-12-05"), Leave("2026-12-03", "2026-12-08")]); break;
        }

        var paths = new FieldMask { Paths = { "shifts", "leave" } };
        var error = await AssertStatus(StatusCode.InvalidArgument, () => server.Technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = change, UpdateMask = paths }).ResponseAsync);

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = technician.TechnicianId })).Technician);
    }

    [Theory]
    [InlineData("holiday reversed", "calendar.holidays[0].last_day")]
    [InlineData("holiday date not a date", "calendar.holidays[0].first_day")]
    [InlineData("holidays overlap", "calendar.holidays")]
    [InlineData("make-up workday on a weekday", "calendar.make_up_workdays[0].date")]
    [InlineData("make-up workday within a holiday", "calendar.make_up_workdays[0].date")]
    [InlineData("region not a region", "calendar.regions[0]")]
    [InlineData("no name", "calendar.name")]
    public async Task Bad_holiday_calendars_are_invalid_argument_naming_the_field_and_store_nothing(string badness, string field)
    {
        var calendar = Calendar(Samples.UniqueId("cal"), "T-ANY");
        switch (badness)
        {
            case "holiday reversed": calendar.Holidays[0].LastDay = "2026-11-19"; break;
            case "holiday date not a date": calendar.Holidays[0].FirstDay = "20 Nov"; break;
            case "holidays overlap": calendar.Holidays.Add(new Api.Holiday { Name = "Again", FirstDay = "2026-11-19", LastDay = "2026-11-20" }); break;
            case "make-up workday on a weekday": calendar.MakeUpWorkdays[0].Date = "2026-11-23"; break;
            case "make-up workday within a holiday": calendar.Holidays.Add(new Api.Holiday { Name = "Weekend", FirstDay = "2026-11-22", LastDay = "2026-11-22" }); break;
            case "region not a region": calendar.Regions[0] = "CN 23"; break;
            case "no name": calendar.Name = " "; break;
        }

        var error = await AssertStatus(StatusCode.InvalidArgument, () => Hq.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar }).ResponseAsync);

        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        await AssertStatus(StatusCode.NotFound, () => Hq.GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = calendar.CalendarId }).ResponseAsync);
    }

    /// <summary>A holiday on Friday 2026-11-20 and a make-up working Sunday 2026-11-22 (Monday's hours).</summary>
    private static Api.HolidayCalendar Calendar(string id, string region) => new()
    {
        CalendarId = id,
        Name = "Test calendar",
        Holidays = { new Api.Holiday { Name = "Test Day", FirstDay = "2026-11-20", LastDay = "2026-11-20" } },
        MakeUpWorkdays = { new Api.MakeUpWorkday { Date = "2026-11-22", Name = "Test make-up workday" } },
        Regions = { region },
    };

    private static IEnumerable<Api.OpeningPeriod> WeekdayShifts(string opens, string closes) =>
        new[] { Api.DayOfWeek.Monday, Api.DayOfWeek.Tuesday, Api.DayOfWeek.Wednesday, Api.DayOfWeek.Thursday, Api.DayOfWeek.Friday }
            .Select(d => new Api.OpeningPeriod { Day = d, Opens = opens, Closes = closes });

    /// <summary>An outlet open Monday to Friday 09:00-18:00 in Shanghai, far from other tests' outlets.</summary>
    private async Task<string> CreateOutlet(Action<Api.Outlet>? change = null)
    {
        var outlet = Samples.Outlet(Samples.UniqueId("CAL"), -45.5, 170.5);
        outlet.OpeningHours.Periods.Clear();
        outlet.OpeningHours.Periods.AddRange(WeekdayShifts("09:00", "18:00"));
        change?.Invoke(outlet);
        return (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet })).Outlet.OutletId;
    }

    private static void AssertDay(Api.ScheduleDay day, string note, params string[] periods)
    {
        Assert.Equal(note, day.Note);
        Assert.Equal(periods, day.Periods.Select(p => $"{p.Opens}-{p.Closes}"));
    }

    private static async Task<RpcException> AssertStatus<T>(StatusCode expected, Func<Task<T>> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(expected == error.StatusCode, $"expected {expected}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }
}
