using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

public sealed class ServiceDayTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromMinutes(60);

    [Fact]
    public void Today_while_the_cut_off_before_closing_has_not_passed()
    {
        var day = ChinaOffice().FindServiceDay(Sh(3, 1, 16, 59), Hour);

        Assert.Equal(D(3, 1), day.Date);
        Assert.True(day.IsToday);
        Assert.Equal(string.Empty, day.Reason);
    }

    [Fact]
    public void Today_before_opening()
    {
        Assert.True(ChinaOffice().FindServiceDay(Sh(3, 1, 7), Hour).IsToday);
    }

    [Fact]
    public void At_the_cut_off_the_next_open_day_with_the_reason()
    {
        var day = ChinaOffice().FindServiceDay(Sh(3, 1, 17), Hour);

        Assert.Equal(D(3, 2), day.Date);
        Assert.False(day.IsToday);
        Assert.Equal("today 2027-03-01 (Asia/Shanghai): too late: service ends at 18:00 and jobs are taken until 1 h before", day.Reason);
    }

    [Fact]
    public void A_zero_cut_off_takes_jobs_until_closing()
    {
        Assert.True(ChinaOffice().FindServiceDay(Sh(3, 1, 18).AddTicks(-1), TimeSpan.Zero).IsToday);
        Assert.Equal(D(3, 2), ChinaOffice().FindServiceDay(Sh(3, 1, 18), TimeSpan.Zero).Date);
    }

    [Fact]
    public void A_negative_cut_off_is_rejected()
    {
        TestData.AssertInvalid("cut_off", () => ChinaOffice().FindServiceDay(Sh(3, 1, 10), TimeSpan.FromMinutes(-5)));
    }

    [Fact]
    public void After_the_cut_off_on_Friday_the_service_day_is_Monday_and_the_weekend_is_named()
    {
        var day = ChinaOffice().FindServiceDay(Sh(3, 5, 17, 30), Hour);

        Assert.Equal(D(3, 8), day.Date);
        Assert.Equal(
            "today 2027-03-05 (Asia/Shanghai): too late: service ends at 18:00 and jobs are taken until 1 h before; 2027-03-06..2027-03-07 (Asia/Shanghai): closed: outside opening hours",
            day.Reason);
    }

    [Fact]
    public void The_service_day_skips_the_Spring_Festival()
    {
        var day = ChinaOffice().FindServiceDay(Sh(2, 6, 10), Hour);

        Assert.Equal(D(2, 15), day.Date);
        Assert.Equal(
            "today 2027-02-06 (Asia/Shanghai): closed: Spring Festival; 2027-02-07..2027-02-12 (Asia/Shanghai): closed: Spring Festival; 2027-02-13..2027-02-14 (Asia/Shanghai): closed: outside opening hours",
            day.Reason);
    }

    [Fact]
    public void The_service_day_is_the_outlet_local_date_across_midnight()
    {
        var day = ChinaOffice().FindServiceDay(Utc(3, 1, 16, 30), Hour); // 00:30 on Tuesday 2 March in Shanghai

        Assert.Equal(D(3, 2), day.Date);
        Assert.True(day.IsToday);
    }

    [Fact]
    public void A_make_up_Sunday_is_a_service_day()
    {
        Assert.Equal(D(1, 31), ChinaOffice().FindServiceDay(Sh(1, 29, 17, 30), Hour).Date);
    }

    [Fact]
    public void Open_days_without_a_technician_scheduled_are_passed_over()
    {
        var onLeave = OnLeave("annual leave", D(3, 2), D(3, 3));
        var thursdays = Shifts(ShiftPeriod.Of(DayOfWeek.Thursday, 9, 18));

        var day = ChinaOffice().FindServiceDay(Sh(3, 1, 17, 30), Hour, [onLeave, thursdays]);

        Assert.Equal(D(3, 4), day.Date);
        Assert.Equal(
            "today 2027-03-01 (Asia/Shanghai): too late: service ends at 18:00 and jobs are taken until 1 h before; 2027-03-02..2027-03-03 (Asia/Shanghai): no technician scheduled",
            day.Reason);
    }

    [Fact]
    public void The_cut_off_counts_from_the_end_of_the_last_technician_shift()
    {
        var mornings = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 15), ShiftPeriod.Of(DayOfWeek.Tuesday, 9, 15));

        Assert.True(ChinaOffice().FindServiceDay(Sh(3, 1, 13, 59), Hour, [mornings]).IsToday);
        var day = ChinaOffice().FindServiceDay(Sh(3, 1, 14), Hour, [mornings]);
        Assert.Equal(D(3, 2), day.Date);
        Assert.Contains("service ends at 15:00", day.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_technician_without_a_pattern_is_scheduled_whenever_the_outlet_is_open()
    {
        Assert.True(ChinaOffice().FindServiceDay(Sh(3, 1, 10), Hour, [TechnicianSchedule.WhenOutletOpen]).IsToday);
    }

    [Fact]
    public void No_technician_means_no_service_day_within_the_search()
    {
        var day = ChinaOffice().FindServiceDay(Sh(3, 1, 10), Hour, [], searchDays: 10);

        Assert.False(day.Found);
        Assert.Null(day.Date);
        Assert.StartsWith("no service day in the 10 days from 2027-03-01 (Asia/Shanghai); today 2027-03-01 (Asia/Shanghai): no technician scheduled", day.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_day_whose_service_is_shorter_than_the_cut_off_is_passed_over()
    {
        var calendar = Calendar(OfficeHours(), Own(special: [SpecialHours.Of(D(3, 2), "half-hour pickup only", TimePeriod.Of(10, 0, 10, 30))]));

        Assert.Equal(D(3, 3), calendar.FindServiceDay(Sh(3, 1, 17, 30), Hour).Date);
    }

    [Fact]
    public void An_outlet_closure_moves_the_service_day_past_it()
    {
        var calendar = Calendar(OfficeHours(), Own([OutletClosure.Of("stocktake", D(3, 1), D(3, 2))]));

        var day = calendar.FindServiceDay(Sh(3, 1, 10), Hour);

        Assert.Equal(D(3, 3), day.Date);
        Assert.StartsWith("today 2027-03-01 (Asia/Shanghai): closed: outlet closure: stocktake", day.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_can_start_now_while_open_with_a_technician_working()
    {
        var next = ChinaOffice().NextServiceTime(Sh(3, 1, 10), [TechnicianSchedule.WhenOutletOpen]);

        Assert.True(next.OpenNow);
        Assert.Equal(Sh(3, 1, 18), next.OpenUntil);
    }

    [Fact]
    public void Service_cannot_start_before_a_holiday_ends_and_the_reason_names_it()
    {
        var calendar = Calendar(EveryDay(), null, HolidayCalendars.ChinaNational2027());

        var next = calendar.NextServiceTime(Sh(2, 6, 10), [TechnicianSchedule.WhenOutletOpen]);

        Assert.False(next.OpenNow);
        Assert.Equal(Sh(2, 13, 9), next.OpensAt);
        Assert.Equal("closed until 2027-02-13 09:00 (Asia/Shanghai): Spring Festival", next.Reason);
    }

    [Fact]
    public void Service_waits_for_a_technician_when_the_outlet_is_open_without_one()
    {
        var thursdays = Shifts(ShiftPeriod.Of(DayOfWeek.Thursday, 10, 18));

        var next = ChinaOffice().NextServiceTime(Sh(3, 1, 10), [thursdays, OnLeave("annual leave", D(3, 1), D(3, 12))]);

        Assert.Equal(Sh(3, 4, 10), next.OpensAt);
        Assert.Equal("no technician scheduled until 2027-03-04 10:00 (Asia/Shanghai)", next.Reason);
        Assert.False(ChinaOffice().NextServiceTime(Sh(3, 1, 10), [], searchDays: 30).Found);
    }
}
