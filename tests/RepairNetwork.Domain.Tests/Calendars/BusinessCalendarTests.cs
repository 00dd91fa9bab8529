using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

public sealed class BusinessCalendarTests
{
    [Fact]
    public void Open_from_the_opening_minute_up_to_but_not_including_closing()
    {
        var calendar = Calendar(OfficeHours()); // 2027-03-01 is a Monday

        Assert.False(calendar.IsOpenAt(Sh(3, 1, 9).AddTicks(-1)));
        Assert.True(calendar.IsOpenAt(Sh(3, 1, 9)));
        Assert.True(calendar.IsOpenAt(Sh(3, 1, 18).AddTicks(-1)));
        Assert.False(calendar.IsOpenAt(Sh(3, 1, 18)));
    }

    [Fact]
    public void Weekly_hours_follow_the_outlet_zone_across_midnight_not_UTC()
    {
        // Monday 00:00-02:00 in Shanghai is Sunday 16:00-18:00 UTC.
        var calendar = Calendar(Hours(Shanghai, P(DayOfWeek.Monday, 0, 2)));

        Assert.True(calendar.IsOpenAt(Utc(2, 28, 16, 30)));
        Assert.False(calendar.IsOpenAt(Utc(2, 28, 15, 59)));
        Assert.Equal(D(3, 1), calendar.LocalDate(Utc(2, 28, 16)));
        Assert.Equal(D(2, 28), calendar.LocalDate(Utc(2, 28, 16).AddTicks(-1)));
    }

    [Fact]
    public void No_published_periods_is_open_around_the_clock_and_midnight_is_not_a_gap()
    {
        var calendar = Calendar(AroundTheClock());

        Assert.True(calendar.IsOpenAt(Sh(3, 1, 0)));
        Assert.True(calendar.IsOpenAt(Sh(3, 1, 23, 59)));
        var intervals = calendar.OpenIntervals(Sh(3, 1, 12), Sh(3, 4, 12));
        Assert.Equal([new OpenInterval(Sh(3, 1, 12), Sh(3, 4, 12))], intervals);
        Assert.Equal(TimeSpan.FromDays(3), calendar.OpenTimeBetween(Sh(3, 1, 12), Sh(3, 4, 12)));
    }

    [Fact]
    public void A_holiday_closes_an_around_the_clock_outlet_from_local_midnight_to_midnight()
    {
        var calendar = Calendar(AroundTheClock(), null, HolidayCalendars.ChinaNational2027());

        Assert.True(calendar.IsOpenAt(Sh(2, 5, 23, 59)));
        Assert.False(calendar.IsOpenAt(Sh(2, 6, 0)));
        Assert.False(calendar.IsOpenAt(Sh(2, 12, 23, 59)));
        Assert.True(calendar.IsOpenAt(Sh(2, 13, 0)));
        Assert.Equal([new OpenInterval(Sh(2, 5, 12), Sh(2, 6, 0)), new OpenInterval(Sh(2, 13, 0), Sh(2, 14, 0))], calendar.OpenIntervals(Sh(2, 5, 12), Sh(2, 14, 0)));
    }

    [Fact]
    public void Open_intervals_are_UTC_instants_clipped_to_the_range_with_the_lunch_break_closed()
    {
        var calendar = Calendar(Hours(Shanghai, P(DayOfWeek.Monday, 9, 12), P(DayOfWeek.Monday, 13, 18)));

        var intervals = calendar.OpenIntervals(Sh(3, 1, 10), Sh(3, 8, 10));

        Assert.Equal([new OpenInterval(Sh(3, 1, 10), Sh(3, 1, 12)), new OpenInterval(Sh(3, 1, 13), Sh(3, 1, 18)), new OpenInterval(Sh(3, 8, 9), Sh(3, 8, 10))], intervals);
        Assert.All(intervals, i => Assert.Equal(TimeSpan.Zero, i.Start.Offset));
        Assert.Empty(calendar.OpenIntervals(Sh(3, 8, 10), Sh(3, 1, 10)));
    }

    [Fact]
    public void Periods_that_touch_are_one_open_stretch()
    {
        var calendar = Calendar(Hours(Shanghai, P(DayOfWeek.Monday, 9, 12), P(DayOfWeek.Monday, 12, 18)));

        Assert.Equal([new OpenInterval(Sh(3, 1, 9), Sh(3, 1, 18))], calendar.OpenIntervals(Sh(3, 1, 0), Sh(3, 2, 0)));
        Assert.Equal(Sh(3, 1, 18), calendar.NextOpening(Sh(3, 1, 10)).OpenUntil);
    }

    [Fact]
    public void A_holiday_closes_the_day()
    {
        var calendar = ChinaOffice();

        var day = calendar.DayOn(D(10, 4)); // Monday of National Day week

        Assert.Equal(DayKind.Holiday, day.Kind);
        Assert.True(day.IsClosed);
        Assert.Equal("National Day", day.Name);
        Assert.False(calendar.IsOpenAt(Sh(10, 4, 10)));
        Assert.True(calendar.IsOpenAt(Sh(10, 8, 10)));
    }

    [Fact]
    public void A_make_up_working_Sunday_opens_with_the_hours_of_the_weekday_it_works_as()
    {
        var calendar = ChinaOffice(); // closed at weekends; 2027-01-31 is a make-up Sunday (works as Monday)

        Assert.False(calendar.IsOpenAt(Sh(1, 24, 10))); // an ordinary Sunday
        Assert.True(calendar.IsOpenAt(Sh(1, 31, 10)));
        var day = calendar.DayOn(D(1, 31));
        Assert.Equal(DayKind.MakeUpWorkday, day.Kind);
        Assert.Equal(DayOfWeek.Monday, day.WorksAs);
        Assert.Equal([new OpenInterval(Sh(1, 31, 9), Sh(1, 31, 18))], calendar.OpenIntervalsOn(D(1, 31)));
    }

    [Fact]
    public void A_make_up_workday_uses_the_named_weekday_hours()
    {
        var hours = Hours(Shanghai, P(DayOfWeek.Monday, 9, 18), P(DayOfWeek.Friday, 9, 15));
        var holidays = Holidays("demo", [], [MakeUpWorkday.Of(D(2, 20), "make-up", DayOfWeek.Friday)]);

        var calendar = Calendar(hours, null, holidays);

        Assert.Equal([new OpenInterval(Sh(2, 20, 9), Sh(2, 20, 15))], calendar.OpenIntervalsOn(D(2, 20)));
    }

    [Fact]
    public void A_make_up_workday_of_an_around_the_clock_outlet_is_open_all_day()
    {
        var calendar = Calendar(AroundTheClock(), null, HolidayCalendars.ChinaNational2027());

        Assert.True(calendar.DayOn(D(1, 31)).AllDay);
        Assert.True(calendar.IsOpenAt(Sh(1, 31, 3)));
    }

    [Fact]
    public void An_outlet_closure_closes_every_day_of_its_range_and_says_why()
    {
        var calendar = Calendar(OfficeHours(), Own([OutletClosure.Of("stocktake", D(3, 10), D(3, 11))]));

        Assert.True(calendar.IsOpenAt(Sh(3, 9, 17)));
        Assert.False(calendar.IsOpenAt(Sh(3, 10, 10)));
        Assert.False(calendar.IsOpenAt(Sh(3, 11, 10)));
        Assert.True(calendar.IsOpenAt(Sh(3, 12, 9)));
        var next = calendar.NextOpening(Sh(3, 10, 10));
        Assert.Equal(Sh(3, 12, 9), next.OpensAt);
        Assert.Equal("closed until 2027-03-12 09:00 (Asia/Shanghai): outlet closure: stocktake", next.Reason);
    }

    [Fact]
    public void Special_hours_replace_the_weekly_hours_of_that_date_only()
    {
        var calendar = Calendar(OfficeHours(), Own(special: [SpecialHours.Of(D(3, 12), "staff training", TimePeriod.Of(13, 0, 20, 30))]));

        Assert.False(calendar.IsOpenAt(Sh(3, 12, 10)));
        Assert.True(calendar.IsOpenAt(Sh(3, 12, 20)));
        Assert.False(calendar.IsOpenAt(Sh(3, 12, 20, 30)));
        Assert.True(calendar.IsOpenAt(Sh(3, 11, 10)));
        Assert.Equal("closed until 2027-03-12 13:00 (Asia/Shanghai): special hours: staff training", calendar.NextOpening(Sh(3, 12, 8)).Reason);
    }

    [Fact]
    public void Special_hours_without_periods_close_the_date()
    {
        var calendar = Calendar(AroundTheClock(), Own(special: [SpecialHours.Of(D(3, 12), "power maintenance")]));

        Assert.True(calendar.DayOn(D(3, 12)).IsClosed);
        Assert.Equal(Sh(3, 13, 0), calendar.NextOpening(Sh(3, 12, 5)).OpensAt);
    }

    [Fact]
    public void Precedence_outlet_closure_beats_special_hours()
    {
        var calendar = Calendar(OfficeHours(), Own([OutletClosure.Of("renovation", D(3, 8), D(3, 19))], [SpecialHours.Of(D(3, 12), "open day", TimePeriod.Of(9, 0, 12, 0))]));

        Assert.Equal(DayKind.OutletClosure, calendar.DayOn(D(3, 12)).Kind);
        Assert.False(calendar.IsOpenAt(Sh(3, 12, 10)));
    }

    [Fact]
    public void Precedence_special_hours_beat_a_holiday()
    {
        var calendar = Calendar(OfficeHours(), Own(special: [SpecialHours.Of(D(10, 4), "holiday service desk", TimePeriod.Of(10, 0, 14, 0))]), HolidayCalendars.ChinaNational2027());

        Assert.Equal(DayKind.SpecialHours, calendar.DayOn(D(10, 4)).Kind);
        Assert.True(calendar.IsOpenAt(Sh(10, 4, 11)));
        Assert.False(calendar.IsOpenAt(Sh(10, 5, 11)));
    }

    [Fact]
    public void Precedence_a_holiday_of_one_calendar_beats_a_make_up_workday_of_another()
    {
        var regional = Holidays("regional", [Holiday.Of("regional festival", D(1, 31))]);
        var calendar = Calendar(OfficeHours(), null, HolidayCalendars.ChinaNational2027(), regional);

        Assert.Equal(DayKind.Holiday, calendar.DayOn(D(1, 31)).Kind);
        Assert.False(calendar.IsOpenAt(Sh(1, 31, 10)));
    }

    [Fact]
    public void Precedence_a_closed_weekday_with_no_rule_is_weekly()
    {
        var day = ChinaOffice().DayOn(D(3, 7)); // a Sunday

        Assert.Equal(DayKind.Weekly, day.Kind);
        Assert.True(day.IsClosed);
        Assert.Equal("outside opening hours", day.Describe());
    }

    [Fact]
    public void Next_opening_while_open_is_now_and_says_until_when()
    {
        var next = ChinaOffice().NextOpening(Sh(3, 1, 10));

        Assert.True(next.OpenNow);
        Assert.Equal(Sh(3, 1, 10), next.OpensAt);
        Assert.Equal(Sh(3, 1, 18), next.OpenUntil);
        Assert.Equal(string.Empty, next.Reason);
    }

    [Fact]
    public void Next_opening_after_closing_is_the_next_morning_outside_opening_hours()
    {
        var next = ChinaOffice().NextOpening(Sh(3, 1, 18));

        Assert.False(next.OpenNow);
        Assert.Equal(Sh(3, 2, 9), next.OpensAt);
        Assert.Equal("closed until 2027-03-02 09:00 (Asia/Shanghai): outside opening hours", next.Reason);
    }

    [Fact]
    public void Next_opening_before_the_Spring_Festival_names_the_holiday_and_the_zone()
    {
        var calendar = Calendar(EveryDay(), null, HolidayCalendars.ChinaNational2027());

        var next = calendar.NextOpening(Sh(2, 5, 20));

        Assert.Equal(Sh(2, 13, 9), next.OpensAt);
        Assert.Equal("closed until 2027-02-13 09:00 (Asia/Shanghai): Spring Festival", next.Reason);
    }

    [Fact]
    public void Next_opening_of_an_around_the_clock_outlet_open_beyond_the_search_has_no_closing()
    {
        var next = Calendar(AroundTheClock()).NextOpening(Sh(3, 1, 10));

        Assert.True(next.OpenNow);
        Assert.Null(next.OpenUntil);
    }

    [Fact]
    public void Next_opening_of_an_outlet_closed_beyond_the_search_gives_up_with_the_reasons()
    {
        var calendar = Calendar(
            EveryDay(),
            Own([OutletClosure.Of("renovation", D(1, 1), D(12, 31))]),
            Holidays("long", [Holiday.Of("rebuilding", D(1, 1, 2028), D(12, 31, 2028))]));

        var next = calendar.NextOpening(Sh(1, 1, 0));

        Assert.False(next.Found);
        Assert.False(next.OpenNow);
        Assert.Equal("not open in the 400 days from 2027-01-01 00:00 (Asia/Shanghai): outlet closure: renovation, rebuilding", next.Reason);
        Assert.Equal(Sh(1, 1, 9, year: 2029), calendar.NextOpening(Sh(1, 1, 0), searchDays: 800).OpensAt);
    }

    [Fact]
    public void The_search_bound_must_be_sensible()
    {
        TestData.AssertInvalid("search_days", () => ChinaOffice().NextOpening(Sh(3, 1, 10), searchDays: 0));
        TestData.AssertInvalid("search_days", () => ChinaOffice().AddOpenTime(Sh(3, 1, 10), TimeSpan.FromHours(1), searchDays: 100_000));
    }

    [Fact]
    public void A_range_longer_than_ten_years_is_rejected()
    {
        TestData.AssertInvalid("to", () => ChinaOffice().OpenTimeBetween(Sh(1, 1, 0), Sh(1, 1, 0, year: 2040)));
    }
}
