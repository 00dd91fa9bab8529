using Google.Protobuf.WellKnownTypes;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Dispatch in business time, through the API: the service day a job is booked on, offers that wait
/// for the outlet to open, outlets passed over when they cannot respond in time (holiday, leave),
/// make-up workdays, business-hours deadlines, and lookups that say all of it. Every date and time is
/// in Asia/Shanghai (UTC+8, no DST); 2026-11-18 is a Wednesday.
/// Each test starts its own server, because each needs its own "now" and the fake clock only moves forward.
/// </summary>
public sealed class BusinessTimeDispatchTests
{
    private const double KmPerDegreeLat = 111.2;
    private const string Zone = "Asia/Shanghai";

    [Fact]
    public async Task An_order_is_booked_for_today_until_an_hour_before_closing_and_after_that_for_the_next_open_day()
    {
        await using var server = await Server(Local(11, 18, 16, 59));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "CUT", lat + (1 / KmPerDegreeLat), lon, capacity: 1);

        var beforeCutOff = await Create(server, lat, lon);
        server.Clock.SetUtcNow(Local(11, 18, 17, 0));
        var atCutOff = await Create(server, lat, lon);

        Assert.Equal((outlet, "2026-11-18"), (beforeCutOff.Assignment.OutletId, beforeCutOff.Assignment.BookedForDate));
        // Capacity 1 counts per service day: today is full, but this job is counted on Thursday.
        Assert.Equal((outlet, "2026-11-19"), (atCutOff.Assignment.OutletId, atCutOff.Assignment.BookedForDate));
        Assert.Empty(atCutOff.PassedOver);

        // Thursday is full too now: a lookup and one more job after the cut-off find no room on its service day.
        var lookup = Assert.Single((await Lookup(server, lat, lon)).Candidates);
        var full = await Create(server, lat, lon);
        Assert.Equal(("2026-11-19", false, 0), (lookup.ServiceDay, lookup.CanTakeJob, lookup.CapacityLeftToday));
        Assert.Equal(Api.RepairOrderStatus.Unassigned, full.Status);
        var passed = Assert.Single(full.PassedOver);
        Assert.Equal(outlet, passed.OutletId);
        var reason = Assert.Single(passed.Reasons);
        Assert.Equal((Api.UnavailabilityCode.CapacityFullToday, "all 1 jobs of 2026-11-19 are booked"), (reason.Code, reason.Message));
        Assert.Equal(lookup.Reasons, passed.Reasons);

        // Friday 17:30: the next open day is Monday.
        server.Clock.SetUtcNow(Local(11, 20, 17, 30));
        var friday = await Create(server, lat, lon);
        Assert.Equal((outlet, "2026-11-23"), (friday.Assignment.OutletId, friday.Assignment.BookedForDate));
    }

    [Fact]
    public async Task The_cut_off_counts_from_the_end_of_the_last_certified_technicians_shift_not_from_closing()
    {
        // Thursday: the outlet is open until 18:00, its only certified technician works 09:00-13:00.
        await using var server = await Server(Local(11, 19, 11, 59));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "SHIFT", lat + (1 / KmPerDegreeLat), lon, technician: t => t.Shifts.AddRange(Weekdays("09:00", "13:00")));

        var beforeCutOff = await Create(server, lat, lon);
        server.Clock.SetUtcNow(Local(11, 19, 12, 0));
        var lookup = Assert.Single((await Lookup(server, lat, lon)).Candidates);
        var afterCutOff = await Create(server, lat, lon);

        Assert.Equal((outlet, "2026-11-19"), (beforeCutOff.Assignment.OutletId, beforeCutOff.Assignment.BookedForDate));
        Assert.Equal((outlet, "2026-11-20"), (afterCutOff.Assignment.OutletId, afterCutOff.Assignment.BookedForDate));
        // The outlet is open, but a job taken now is booked on Friday.
        Assert.Equal((true, true, "2026-11-20"), (lookup.OpenNow, lookup.CanTakeJob, lookup.ServiceDay));
    }

    [Fact]
    public async Task An_outlet_whose_certified_technicians_never_work_while_it_is_open_has_no_service_day()
    {
        await using var server = await Server();
        var (lat, lon) = TestArea.Next();
        var never = await WeekdayOutlet(server, "NEVER", lat + (1 / KmPerDegreeLat), lon, technician: t =>
            t.Shifts.Add(new Api.OpeningPeriod { Day = Api.DayOfWeek.Sunday, Opens = "09:00", Closes = "18:00" }));
        var other = await WeekdayOutlet(server, "NEVER-B", lat + (5 / KmPerDegreeLat), lon);

        var lookup = await Lookup(server, lat, lon);
        var order = await Create(server, lat, lon);

        Assert.Equal(other, order.Assignment.OutletId);
        var passed = Assert.Single(order.PassedOver);
        Assert.Equal(never, passed.OutletId);
        var reason = Assert.Single(passed.Reasons);
        Assert.Equal(Api.UnavailabilityCode.NoServiceDay, reason.Code);
        Assert.StartsWith("no service day in the 400 days from 2026-11-18 (Asia/Shanghai); today 2026-11-18 (Asia/Shanghai): no technician scheduled", reason.Message, StringComparison.Ordinal);
        Assert.Equal(("", false), (lookup.Candidates[0].ServiceDay, lookup.Candidates[0].CanTakeJob));
        Assert.Equal(passed.Reasons, lookup.Candidates[0].Reasons);
    }

    [Fact]
    public async Task An_offer_made_after_closing_waits_for_the_outlet_to_open_and_lapses_in_its_open_hours()
    {
        await using var server = await Server(Local(11, 18, 22, 30));
        var (lat, lon) = TestArea.Next();
        var near = await WeekdayOutlet(server, "LAPSE-A", lat + (1 / KmPerDegreeLat), lon);
        var next = await WeekdayOutlet(server, "LAPSE-B", lat + (3 / KmPerDegreeLat), lon);

        var order = await Create(server, lat, lon);

        // The default 2 h acceptance window, counted while the outlet is open: Thursday 09:00-11:00.
        Assert.Equal((Api.RepairOrderStatus.Offered, near), (order.Status, order.Assignment.OutletId));
        Assert.Equal("2026-11-19", order.Assignment.BookedForDate);
        Assert.Equal(Local(11, 19, 11, 0), order.OfferExpireTime.ToDateTimeOffset());
        var offered = order.AuditTrail.Last(a => a.Action == Api.OrderAction.Offered);
        Assert.EndsWith("answer by 2026-11-19 11:00 (Asia/Shanghai)", offered.Detail, StringComparison.Ordinal);

        // At 10:59 the outlet has had 1 h 59 min of open time: still its offer, whatever timers run.
        server.Clock.SetUtcNow(Local(11, 19, 10, 59));
        for (var i = 0; i < 30; i++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var waiting = await Get(server, order.OrderId);
        Assert.Equal((Api.RepairOrderStatus.Offered, near), (waiting.Status, waiting.Assignment.OutletId));
        Assert.DoesNotContain(waiting.AuditTrail, a => a.Action == Api.OrderAction.OfferTimedOut);

        // Past 11:00 the offer has lapsed: the job moves on to the next outlet.
        server.Clock.SetUtcNow(Local(11, 19, 11, 0));
        var moved = waiting;
        for (var attempt = 0; attempt < 100 && moved.Assignment?.OutletId != next; attempt++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            moved = await Get(server, order.OrderId);
        }

        Assert.Equal((Api.RepairOrderStatus.Offered, next), (moved.Status, moved.Assignment.OutletId));
        var timedOut = moved.AuditTrail.Single(a => a.Action == Api.OrderAction.OfferTimedOut);
        Assert.Equal(near, timedOut.OutletId);
        Assert.True(timedOut.Time.ToDateTimeOffset() >= Local(11, 19, 11, 0));
        Assert.Equal("2026-11-19", moved.Assignment.BookedForDate);
        // Offered again while the next outlet is open: its 2 h run on the clock from the new offer.
        var reoffered = moved.AuditTrail.Last(a => a.Action == Api.OrderAction.Offered);
        Assert.Equal(reoffered.Time.ToDateTimeOffset() + TimeSpan.FromHours(2), moved.OfferExpireTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task An_outlet_closed_for_a_holiday_is_passed_over_for_one_that_can_respond_in_time()
    {
        await using var server = await Server();
        var (lat, lon) = TestArea.Next();
        var region = Samples.UniqueId("T");
        await PutCalendar(server, Holiday(Samples.UniqueId("cal"), "Founders Holiday", "2026-11-18", "2026-11-27", region));
        var closed = await WeekdayOutlet(server, "HOL-A", lat + (1 / KmPerDegreeLat), lon, o => o.Region = region);
        var open = await WeekdayOutlet(server, "HOL-B", lat + (5 / KmPerDegreeLat), lon);

        var order = await Create(server, lat, lon);

        Assert.Equal((Api.RepairOrderStatus.Offered, open, "2026-11-18"), (order.Status, order.Assignment.OutletId, order.Assignment.BookedForDate));
        var passed = Assert.Single(order.PassedOver);
        Assert.Equal(closed, passed.OutletId);
        var reason = Assert.Single(passed.Reasons);
        Assert.Equal(Api.UnavailabilityCode.CannotRespondInTime, reason.Code);
        // The default 24 h to respond ends Thursday noon; the outlet reopens the Monday after the holiday.
        Assert.Equal(
            "closed until 2026-11-30 09:00 (Asia/Shanghai): Founders Holiday; the job must be answered by 2026-11-19 12:00 (Asia/Shanghai)",
            reason.Message);
    }

    [Fact]
    public async Task The_only_certified_technician_on_leave_moves_the_service_day_to_the_first_day_back_or_passes_the_outlet_over()
    {
        await using var server = await Server();
        var (lat, lon) = TestArea.Next();
        var onLeave = await WeekdayOutlet(server, "LEAVE-A", lat + (1 / KmPerDegreeLat), lon, technician: t =>
            t.Leave.Add(new Api.LeavePeriod { FirstDay = "2026-11-18", LastDay = "2026-11-19", Reason = "annual leave" }));
        var other = await WeekdayOutlet(server, "LEAVE-B", lat + (5 / KmPerDegreeLat), lon);

        // Three days to respond: the outlet can wait for its technician, back on Friday.
        var category = Samples.UniqueCategory();
        var patient = Samples.Policy(category);
        patient.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(72));
        patient.CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromHours(96));
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = patient });
        var waits = await Create(server, lat, lon, category);

        Assert.Equal((Api.RepairOrderStatus.Offered, onLeave, "2026-11-20"), (waits.Status, waits.Assignment.OutletId, waits.Assignment.BookedForDate));
        Assert.Empty(waits.PassedOver);

        // The default 24 h to respond ends Thursday noon, before the technician is back.
        var urgent = await Create(server, lat, lon);

        Assert.Equal((other, "2026-11-18"), (urgent.Assignment.OutletId, urgent.Assignment.BookedForDate));
        var passed = Assert.Single(urgent.PassedOver);
        Assert.Equal(onLeave, passed.OutletId);
        var reason = Assert.Single(passed.Reasons);
        Assert.Equal(Api.UnavailabilityCode.CannotRespondInTime, reason.Code);
        Assert.Equal(
            "no technician scheduled until 2026-11-20 09:00 (Asia/Shanghai); the job must be answered by 2026-11-19 12:00 (Asia/Shanghai)",
            reason.Message);
    }

    [Fact]
    public async Task A_make_up_working_sunday_opens_an_outlet_otherwise_closed_on_sundays()
    {
        await using var server = await Server(Local(11, 21, 12, 0));
        var (lat, lon) = TestArea.Next();
        var calendar = Holiday(Samples.UniqueId("cal"), "National Day", "2026-10-01", "2026-10-07");
        calendar.Regions.Clear();
        calendar.MakeUpWorkdays.Add(new Api.MakeUpWorkday { Date = "2026-11-22", Name = "National Day make-up workday" });
        await PutCalendar(server, calendar);
        var weekdaysOnly = await WeekdayOutlet(server, "SUN-A", lat + (1 / KmPerDegreeLat), lon);
        var worksSunday = await WeekdayOutlet(server, "SUN-B", lat + (5 / KmPerDegreeLat), lon, o => o.HolidayCalendarIds.Add(calendar.CalendarId));

        var lookup = await Lookup(server, lat, lon);
        var order = await Create(server, lat, lon);

        // Saturday noon: 24 h to respond ends Sunday noon. Sunday is a workday (Monday's hours) for one of them only.
        Assert.Equal([weekdaysOnly, worksSunday], lookup.Candidates.Select(c => c.OutletId));
        Assert.Equal(("2026-11-23", false), (lookup.Candidates[0].ServiceDay, lookup.Candidates[0].CanTakeJob));
        Assert.Equal(("2026-11-22", true), (lookup.Candidates[1].ServiceDay, lookup.Candidates[1].CanTakeJob));
        Assert.Equal((worksSunday, "2026-11-22"), (order.Assignment.OutletId, order.Assignment.BookedForDate));
        Assert.Equal(Local(11, 22, 11, 0), order.OfferExpireTime.ToDateTimeOffset());
        var passed = Assert.Single(order.PassedOver);
        Assert.Equal(weekdaysOnly, passed.OutletId);
        Assert.Equal(
            "closed until 2026-11-23 09:00 (Asia/Shanghai): outside opening hours; the job must be answered by 2026-11-22 12:00 (Asia/Shanghai)",
            Assert.Single(passed.Reasons).Message);
    }

    [Fact]
    public async Task Lookups_rank_and_screen_as_dispatch_does_at_night_and_on_a_holiday_and_say_when_each_outlet_opens()
    {
        await using var server = await Server(Local(11, 18, 22, 30));
        var (lat, lon) = TestArea.Next();
        var region = Samples.UniqueId("T");
        await PutCalendar(server, Holiday(Samples.UniqueId("cal"), "Founders Holiday", "2026-11-18", "2026-11-27", region));
        var holiday = await WeekdayOutlet(server, "NIGHT-A", lat + (1 / KmPerDegreeLat), lon, o => o.Region = region);
        var night = await WeekdayOutlet(server, "NIGHT-B", lat + (3 / KmPerDegreeLat), lon);
        var farther = await WeekdayOutlet(server, "NIGHT-C", lat + (5 / KmPerDegreeLat), lon);

        var lookup = await Lookup(server, lat, lon);
        var order = await Create(server, lat, lon);

        Assert.Equal([holiday, night, farther], lookup.Candidates.Select(c => c.OutletId));
        Assert.Equal((3, false), (lookup.OutletsExamined, lookup.SearchBounded));
        Assert.All(lookup.Candidates, c => Assert.Equal((false, Zone), (c.OpenNow, c.TimeZone)));

        var onHoliday = lookup.Candidates[0];
        Assert.False(onHoliday.CanTakeJob);
        Assert.Equal([Api.UnavailabilityCode.CannotRespondInTime], onHoliday.Reasons.Select(r => r.Code));
        Assert.Equal(Local(11, 30, 9, 0), onHoliday.NextOpenTime.ToDateTimeOffset());
        Assert.Equal("closed until 2026-11-30 09:00 (Asia/Shanghai): Founders Holiday", onHoliday.ClosedReason);
        Assert.Equal("2026-11-30", onHoliday.ServiceDay);

        var atNight = lookup.Candidates[1];
        Assert.True(atNight.CanTakeJob);
        Assert.Equal(Local(11, 19, 9, 0), atNight.NextOpenTime.ToDateTimeOffset());
        Assert.Equal("closed until 2026-11-19 09:00 (Asia/Shanghai): outside opening hours", atNight.ClosedReason);
        Assert.Equal("2026-11-19", atNight.ServiceDay);

        // The first outlet the lookup says can take the job is where dispatch sends it, for the same reasons.
        var first = lookup.Candidates.First(c => c.CanTakeJob);
        Assert.Equal((first.OutletId, first.ServiceDay), (order.Assignment.OutletId, order.Assignment.BookedForDate));
        var before = lookup.Candidates.TakeWhile(c => !c.CanTakeJob).ToList();
        Assert.Equal(before.Select(c => (c.OutletId, string.Join("|", c.Reasons))), order.PassedOver.Select(p => (p.OutletId, string.Join("|", p.Reasons))));
    }

    [Fact]
    public async Task Available_only_lookups_report_outlets_examined_and_are_bounded_only_when_they_stop_at_200()
    {
        await using var server = await Server();
        var (lat, lon) = TestArea.Next();
        var region = Samples.UniqueId("T");
        await PutCalendar(server, Holiday(Samples.UniqueId("cal"), "Founders Holiday", "2026-11-18", "2026-11-27", region));

        // 200 outlets closed for the holiday within 10 km, the 201st at 30 km, and one that can take the job at 40 km.
        var closed = Enumerable.Range(1, 201).Select(i => (Km: i <= 200 ? i * 0.05 : 30.0, Id: Samples.UniqueId($"BOUND{i:000}"))).ToList();
        foreach (var batch in closed.Chunk(25))
        {
            await Task.WhenAll(batch.Select(o => WeekdayOutlet(server, o.Id, lat + (o.Km / KmPerDegreeLat), lon, x => x.Region = region, exactId: true)));
        }

        var open = await WeekdayOutlet(server, "BOUND-OPEN", lat + (40 / KmPerDegreeLat), lon);

        var within20 = await Lookup(server, lat, lon, maxKm: 20, availableOnly: true);
        var within50 = await Lookup(server, lat, lon, maxKm: 50, availableOnly: true);
        var all = await Lookup(server, lat, lon, maxKm: 50, limit: 3);

        // Every outlet in reach examined, none can take the job: not bounded, there was nothing more to look at.
        Assert.Empty(within20.Candidates);
        Assert.Equal((200, false), (within20.OutletsExamined, within20.SearchBounded));

        // More than 200 in reach: the search stops at 200 and says so; the open outlet at 40 km was not looked at.
        Assert.Empty(within50.Candidates);
        Assert.Equal((200, true), (within50.OutletsExamined, within50.SearchBounded));

        // Not available-only: the nearest, whatever they can do, and never bounded.
        Assert.Equal(closed.Take(3).Select(o => o.Id), all.Candidates.Select(c => c.OutletId));
        Assert.Equal((3, false), (all.OutletsExamined, all.SearchBounded));

        // Found within the bound: the outlets examined to find it.
        var (lat2, lon2) = TestArea.Next();
        await WeekdayOutlet(server, "SMALL-A", lat2 + (1 / KmPerDegreeLat), lon2, x => x.Region = region);
        var small = await WeekdayOutlet(server, "SMALL-B", lat2 + (2 / KmPerDegreeLat), lon2);
        var found = await Lookup(server, lat2, lon2, maxKm: 20, availableOnly: true);
        Assert.Equal([small], found.Candidates.Select(c => c.OutletId));
        Assert.Equal((2, false), (found.OutletsExamined, found.SearchBounded));
        Assert.NotEmpty(open);

        // FindPart has the same bound: none of these outlets stocks the part.
        var sku = Samples.UniqueId("PART");
        await Samples.ListInCatalog(server.Parts, sku);
        var partWithin20 = await server.Locator.FindPartAsync(new Api.FindPartRequest { Location = new Api.LatLng { Latitude = lat, Longitude = lon }, Sku = sku, MaxDistanceKm = 20 });
        var partWithin50 = await server.Locator.FindPartAsync(new Api.FindPartRequest { Location = new Api.LatLng { Latitude = lat, Longitude = lon }, Sku = sku, MaxDistanceKm = 50 });
        Assert.Equal((200, false), (partWithin20.OutletsExamined, partWithin20.SearchBounded));
        Assert.Equal((200, true), (partWithin50.OutletsExamined, partWithin50.SearchBounded));
    }

    [Fact]
    public async Task A_business_hours_policy_counts_deadlines_in_the_outlets_open_hours_and_the_calendar_clock_does_not()
    {
        await using var server = await Server(Local(11, 20, 16, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "BH", lat + (1 / KmPerDegreeLat), lon);
        var business = Samples.UniqueCategory();
        var calendar = Samples.UniqueCategory();
        var businessPolicy = Samples.Policy(business);
        businessPolicy.ServiceClock = Api.ServiceClock.BusinessHours;
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = businessPolicy });
        var calendarPolicy = Samples.Policy(calendar);
        calendarPolicy.ServiceClock = Api.ServiceClock.Calendar;
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = calendarPolicy });

        // Friday 16:00, 4 h to respond and 36 h to complete, open Mon-Fri 09:00-18:00.
        var inBusinessHours = await Create(server, lat, lon, business);
        var onTheCalendar = await Create(server, lat, lon, calendar);

        Assert.Equal((outlet, "2026-11-20"), (inBusinessHours.Assignment.OutletId, inBusinessHours.Assignment.BookedForDate));
        // Response: Friday 16:00-18:00 (2 h) + Monday 09:00-11:00 (2 h).
        Assert.Equal(Local(11, 23, 11, 0), inBusinessHours.ResponseDueTime.ToDateTimeOffset());
        // Completion: Friday 2 h + Monday, Tuesday, Wednesday 9 h each + Thursday 09:00-16:00 (7 h).
        Assert.Equal(Local(11, 26, 16, 0), inBusinessHours.CompletionDueTime.ToDateTimeOffset());
        // The 30 min acceptance window counts open time either way.
        Assert.Equal(Local(11, 20, 16, 30), inBusinessHours.OfferExpireTime.ToDateTimeOffset());

        Assert.Equal(outlet, onTheCalendar.Assignment.OutletId);
        Assert.Equal(Local(11, 20, 20, 0), onTheCalendar.ResponseDueTime.ToDateTimeOffset());
        Assert.Equal(Local(11, 22, 4, 0), onTheCalendar.CompletionDueTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Under_a_business_hours_policy_closed_days_do_not_count_so_a_holiday_alone_does_not_make_an_outlet_too_late()
    {
        await using var server = await Server();
        var (lat, lon) = TestArea.Next();
        var region = Samples.UniqueId("T");
        await PutCalendar(server, Holiday(Samples.UniqueId("cal"), "Founders Holiday", "2026-11-18", "2026-11-27", region));
        var closed = await WeekdayOutlet(server, "BHH-A", lat + (1 / KmPerDegreeLat), lon, o => o.Region = region);
        var open = await WeekdayOutlet(server, "BHH-B", lat + (5 / KmPerDegreeLat), lon);
        var business = Samples.UniqueCategory();
        var policy = Samples.Policy(business);
        policy.ServiceClock = Api.ServiceClock.BusinessHours;
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = policy });

        var inBusinessHours = await Create(server, lat, lon, business);
        var onTheCalendar = await Create(server, lat, lon);

        // 4 h of the holiday outlet's open time from Wednesday noon end Monday 2026-11-30 13:00: it may wait.
        Assert.Equal((closed, "2026-11-30"), (inBusinessHours.Assignment.OutletId, inBusinessHours.Assignment.BookedForDate));
        Assert.Equal(Local(11, 30, 13, 0), inBusinessHours.ResponseDueTime.ToDateTimeOffset());
        Assert.Equal(Local(11, 30, 9, 30), inBusinessHours.OfferExpireTime.ToDateTimeOffset());
        // 24 h on the calendar: it cannot.
        Assert.Equal(open, onTheCalendar.Assignment.OutletId);
        Assert.Equal([closed], onTheCalendar.PassedOver.Select(p => p.OutletId));
    }

    [Fact]
    public async Task The_readme_worked_example_across_a_night_and_the_spring_festival_holds()
    {
        // Friday 2027-02-05 22:30 in Shanghai.
        await using var server = await Server(new DateTimeOffset(2027, 2, 5, 22, 30, 0, TimeSpan.FromHours(8)));
        var (lat, lon) = TestArea.Next();
        var calendar = Holiday("cn-national-2027", "Spring Festival", "2027-02-06", "2027-02-12", "CN-*");
        await PutCalendar(server, calendar);
        static void EveryDay(Api.Outlet o)
        {
            o.Region = "CN-31";
            o.OpeningHours.Periods.Clear();
            o.OpeningHours.Periods.AddRange(System.Enum.GetValues<Api.DayOfWeek>().Where(d => d != Api.DayOfWeek.Unspecified)
                .Select(d => new Api.OpeningPeriod { Day = d, Opens = "10:00", Closes = "22:00" }));
        }

        var a = await WeekdayOutlet(server, "EX-A", lat + (1 / KmPerDegreeLat), lon, EveryDay);
        var b = await WeekdayOutlet(server, "EX-B", lat + (3 / KmPerDegreeLat), lon, o =>
        {
            EveryDay(o);
            o.SpecialHours.Add(new Api.SpecialHours { Date = "2027-02-06", Reason = "Spring Festival duty", Periods = { new Api.TimePeriod { Opens = "10:00", Closes = "16:00" } } });
        });
        var business = Samples.UniqueCategory();
        var policy = Samples.Policy(business);
        policy.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(24));
        policy.CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromHours(48));
        policy.ServiceClock = Api.ServiceClock.BusinessHours;
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = policy });
        static DateTimeOffset At(int day, int hour, int minute = 0) => new(2027, 2, day, hour, minute, 0, TimeSpan.FromHours(8));

        var lookup = await Lookup(server, lat, lon);
        var order = await Create(server, lat, lon);
        var inBusinessHours = await Create(server, lat, lon, business);

        Assert.Equal([a, b], lookup.Candidates.Select(c => c.OutletId));
        var (atA, atB) = (lookup.Candidates[0], lookup.Candidates[1]);
        Assert.Equal((false, At(13, 10), "closed until 2027-02-13 10:00 (Asia/Shanghai): Spring Festival", "2027-02-13", false), (atA.OpenNow, atA.NextOpenTime.ToDateTimeOffset(), atA.ClosedReason, atA.ServiceDay, atA.CanTakeJob));
        Assert.Equal([Api.UnavailabilityCode.CannotRespondInTime], atA.Reasons.Select(r => r.Code));
        Assert.Equal((false, At(6, 10), "2027-02-06", true), (atB.OpenNow, atB.NextOpenTime.ToDateTimeOffset(), atB.ServiceDay, atB.CanTakeJob));

        Assert.Equal((b, "2027-02-06"), (order.Assignment.OutletId, order.Assignment.BookedForDate));
        Assert.Equal(At(6, 22, 30), order.ResponseDueTime.ToDateTimeOffset());
        Assert.Equal(At(6, 12), order.OfferExpireTime.ToDateTimeOffset());
        var passed = Assert.Single(order.PassedOver);
        Assert.Equal(a, passed.OutletId);
        Assert.Equal(
            "closed until 2027-02-13 10:00 (Asia/Shanghai): Spring Festival; the job must be answered by 2027-02-06 22:30 (Asia/Shanghai)",
            Assert.Single(passed.Reasons).Message);

        Assert.Equal((a, "2027-02-13"), (inBusinessHours.Assignment.OutletId, inBusinessHours.Assignment.BookedForDate));
        Assert.Equal(At(14, 22), inBusinessHours.ResponseDueTime.ToDateTimeOffset());
    }

    // --- helpers ---

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// A server of its own whose clock reads exactly <paramref name="at"/> once started (default: the
    /// fixture's Wednesday noon, plus the seconds start-up takes). It starts a minute before, since
    /// start-up moves the clock a few seconds, and a fake clock only moves forward.
    /// </summary>
    private static async Task<ServerFixture> Server(DateTimeOffset? at = null)
    {
        var server = ServerFixture.StartingAt(at is { } time ? time - TimeSpan.FromMinutes(1) : ServerFixture.DefaultStart);
        await server.InitializeAsync();
        if (at is { } now)
        {
            server.Clock.SetUtcNow(now);
        }

        return server;
    }

    private static IEnumerable<Api.OpeningPeriod> Weekdays(string opens, string closes) =>
        new[] { Api.DayOfWeek.Monday, Api.DayOfWeek.Tuesday, Api.DayOfWeek.Wednesday, Api.DayOfWeek.Thursday, Api.DayOfWeek.Friday }
            .Select(d => new Api.OpeningPeriod { Day = d, Opens = opens, Closes = closes });

    /// <summary>An outlet open Monday to Friday 09:00-18:00 in Shanghai, with one certified technician.</summary>
    private static async Task<string> WeekdayOutlet(ServerFixture server, string prefix, double lat, double lon, Action<Api.Outlet>? change = null, int capacity = 10, Action<Api.Technician>? technician = null, bool exactId = false)
    {
        var id = exactId ? prefix : Samples.UniqueId(prefix);
        var outlet = Samples.Outlet(id, lat, lon, capacity: capacity);
        outlet.OpeningHours.Periods.Clear();
        outlet.OpeningHours.Periods.AddRange(Weekdays("09:00", "18:00"));
        change?.Invoke(outlet);
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet });
        var tech = Samples.Technician(id + "-T1", id);
        technician?.Invoke(tech);
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = tech });
        return id;
    }

    private static Api.HolidayCalendar Holiday(string id, string name, string first, string last, string? region = null) => new()
    {
        CalendarId = id,
        Name = "Test calendar " + id,
        Holidays = { new Api.Holiday { Name = name, FirstDay = first, LastDay = last } },
        Regions = { region is null ? [] : new[] { region } },
    };

    private static async Task PutCalendar(ServerFixture server, Api.HolidayCalendar calendar) =>
        await new Api.CalendarService.CalendarServiceClient(server.Channel).PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = calendar });

    private static async Task<Api.RepairOrder> Create(ServerFixture server, double lat, double lon, string? category = null)
    {
        var request = Samples.Order(lat, lon);
        if (category is not null)
        {
            request.Product.Category = category;
        }

        return (await server.Orders.CreateRepairOrderAsync(request)).Order;
    }

    private static async Task<Api.RepairOrder> Get(ServerFixture server, string orderId) =>
        (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = orderId })).Order;

    private static async Task<Api.FindNearestOutletsResponse> Lookup(ServerFixture server, double lat, double lon, double maxKm = 20, bool availableOnly = false, int limit = 10) =>
        await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = lat, Longitude = lon },
            Capability = "phone.screen",
            ServiceMode = Api.ServiceMode.CarryIn,
            MaxDistanceKm = maxKm,
            AvailableOnly = availableOnly,
            Limit = limit,
        });
}
