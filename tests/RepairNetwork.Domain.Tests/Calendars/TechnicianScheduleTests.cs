using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

public sealed class TechnicianScheduleTests
{
    private const string Field = "technician.schedule";

    [Fact]
    public void A_technician_without_a_pattern_works_whenever_the_outlet_is_open()
    {
        var calendar = ChinaOffice();
        var anyTime = TechnicianSchedule.WhenOutletOpen;

        Assert.False(anyTime.HasPattern);
        Assert.True(anyTime.IsWorkingAt(calendar, Sh(3, 1, 10)));
        Assert.False(anyTime.IsWorkingAt(calendar, Sh(3, 1, 19)));
        Assert.False(anyTime.IsWorkingOn(calendar, D(10, 4))); // National Day
        Assert.True(anyTime.IsWorkingOn(calendar, D(1, 31)));  // make-up Sunday
    }

    [Fact]
    public void A_shift_counts_only_while_the_outlet_is_open()
    {
        var lates = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 12, 20));
        var calendar = ChinaOffice();

        Assert.False(lates.IsWorkingAt(calendar, Sh(3, 1, 11)));
        Assert.True(lates.IsWorkingAt(calendar, Sh(3, 1, 12)));
        Assert.False(lates.IsWorkingAt(calendar, Sh(3, 1, 19))); // on shift but the outlet closed at 18:00
        Assert.Equal([new OpenInterval(Sh(3, 1, 12), Sh(3, 1, 18))], lates.WorkingIntervalsOn(calendar, D(3, 1)));
        Assert.False(lates.IsWorkingOn(calendar, D(3, 2)));
    }

    [Fact]
    public void A_technician_on_leave_does_not_work_even_without_a_pattern()
    {
        var calendar = ChinaOffice();
        var away = OnLeave("annual leave", D(3, 2), D(3, 4));

        Assert.True(away.IsWorkingOn(calendar, D(3, 1)));
        Assert.False(away.IsWorkingOn(calendar, D(3, 2)));
        Assert.False(away.IsWorkingAt(calendar, Sh(3, 4, 17, 59)));
        Assert.True(away.IsWorkingAt(calendar, Sh(3, 5, 9)));
        Assert.Equal("annual leave", away.LeaveOn(D(3, 3))!.Reason);
    }

    [Fact]
    public void On_a_make_up_Sunday_the_shifts_of_the_weekday_it_works_as_apply()
    {
        var mondays = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 13));
        var calendar = ChinaOffice(); // 2027-01-31 works as Monday

        Assert.True(mondays.IsWorkingAt(calendar, Sh(1, 31, 10)));
        Assert.False(mondays.IsWorkingAt(calendar, Sh(1, 31, 14)));
    }

    [Fact]
    public void Shifts_are_judged_in_the_outlet_zone_across_midnight()
    {
        var nights = Shifts(ShiftPeriod.Of(DayOfWeek.Tuesday, 0, 6));
        var calendar = Calendar(AroundTheClock());

        Assert.True(nights.IsWorkingAt(calendar, Utc(3, 1, 16, 30)));  // Tuesday 00:30 in Shanghai, Monday in UTC
        Assert.False(nights.IsWorkingAt(calendar, Utc(3, 1, 15, 59))); // Monday 23:59 in Shanghai
    }

    [Fact]
    public void Shifts_are_stored_monday_first_then_by_start()
    {
        var schedule = Shifts(ShiftPeriod.Of(DayOfWeek.Sunday, 9, 12), ShiftPeriod.Of(DayOfWeek.Monday, 14, 18), ShiftPeriod.Of(DayOfWeek.Monday, 8, 12));

        Assert.Equal([(DayOfWeek.Monday, 8), (DayOfWeek.Monday, 14), (DayOfWeek.Sunday, 9)], schedule.Shifts.Select(s => (s.Day, s.Starts.Hour)));
    }

    [Theory]
    [InlineData(9, 9)]
    [InlineData(22, 6)]
    public void A_shift_that_ends_at_or_before_it_starts_is_rejected(int starts, int ends)
    {
        var ex = TestData.AssertInvalid($"{Field}.shifts", () => Shifts(ShiftPeriod.Of(DayOfWeek.Friday, starts, ends)));

        Assert.Contains("Friday", ex.Message, StringComparison.Ordinal);
        Assert.Contains("past midnight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shift_outside_any_day_of_the_week_is_rejected()
    {
        TestData.AssertInvalid($"{Field}.shifts[1].day", () => Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 12), ShiftPeriod.Of((DayOfWeek)7, 9, 12)));
    }

    [Fact]
    public void Overlapping_shifts_on_one_day_are_rejected()
    {
        var ex = TestData.AssertInvalid($"{Field}.shifts", () => Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 12, 18), ShiftPeriod.Of(DayOfWeek.Monday, 9, 13)));

        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_four_shifts_a_day_and_28_in_all()
    {
        var five = Enumerable.Range(0, 5).Select(i => ShiftPeriod.Of(DayOfWeek.Monday, i * 2, (i * 2) + 1)).ToArray();
        TestData.AssertInvalid($"{Field}.shifts", () => Shifts(five));

        var all = Enum.GetValues<DayOfWeek>().SelectMany(d => Enumerable.Range(0, 4).Select(i => ShiftPeriod.Of(d, i * 2, (i * 2) + 1))).ToArray();
        Assert.Equal(28, Shifts(all).Shifts.Length);
        TestData.AssertInvalid($"{Field}.shifts", () => Shifts([.. all, ShiftPeriod.Of(DayOfWeek.Monday, 20, 21)]));
    }

    [Fact]
    public void Leave_must_not_be_reversed_longer_than_a_year_overlapping_or_unexplained()
    {
        TestData.AssertInvalid($"{Field}.leave[0].dates", () => OnLeave("sick", D(3, 5), D(3, 4)));
        TestData.AssertInvalid($"{Field}.leave[0].dates", () => OnLeave("sabbatical", D(1, 1), D(1, 2, 2028)));
        TestData.AssertInvalid($"{Field}.leave[0].reason", () => OnLeave("  ", D(3, 4), D(3, 4)));
        var ex = TestData.AssertInvalid($"{Field}.leave", () => TechnicianSchedule.Create([], [LeavePeriod.Of("training", D(3, 1), D(3, 5)), LeavePeriod.Of("annual leave", D(3, 5), D(3, 9))], Field));
        Assert.Contains("'training'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'annual leave'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_much_leave_is_rejected()
    {
        var leave = Enumerable.Range(0, TechnicianSchedule.MaxLeave + 1).Select(i => LeavePeriod.Of("day off", D(1, 1).AddDays(i), D(1, 1).AddDays(i)));

        TestData.AssertInvalid($"{Field}.leave", () => TechnicianSchedule.Create([], leave, Field));
    }
}
