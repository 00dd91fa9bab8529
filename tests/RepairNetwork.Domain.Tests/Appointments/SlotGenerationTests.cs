using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Appointments.SlotTestData;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>Carry-in drop-off slots: where a day's slots start and stop.</summary>
public sealed class SlotGenerationTests
{
    [Fact]
    public void Drop_off_slots_start_at_opening_and_every_30_minutes_and_the_last_ends_at_closing()
    {
        var slots = Find(Time(), CarryIn(Job(30)), Monday);

        Assert.Equal(18, slots.Slots.Length);
        Assert.Equal("09:00-09:30", slots.Slots[0].LocalWindow);
        Assert.Equal("09:30-10:00", slots.Slots[1].LocalWindow);
        Assert.Equal("17:30-18:00", slots.Slots[^1].LocalWindow);
        Assert.Equal(Sh(3, 1, 9), slots.Slots[0].WindowStart);
        Assert.Equal(Sh(3, 1, 18), slots.Slots[^1].WindowEnd);
        Assert.All(slots.Slots.Zip(slots.Slots.Skip(1)), p => Assert.Equal(TimeSpan.FromMinutes(30), p.Second.WindowStart - p.First.WindowStart));
        Assert.All(slots.Slots, s => Assert.Equal(s.WindowStart, s.PlannedStart));
        Assert.Equal(string.Empty, slots.Reason);
    }

    [Theory]
    [InlineData(60, "17:00-17:30")]
    [InlineData(90, "16:30-17:00")]
    [InlineData(540, "09:00-09:30")]
    public void A_drop_off_slot_is_not_offered_when_the_job_would_run_past_the_technicians_working_time(int jobMinutes, string lastSlot)
    {
        var slots = Find(Time(), CarryIn(Job(jobMinutes)), Monday);

        Assert.Equal(lastSlot, slots.Slots[^1].LocalWindow);
        Assert.All(slots.Slots, s => Assert.True(s.PlannedStart + TimeSpan.FromMinutes(jobMinutes) <= Sh(3, 1, 18)));
    }

    [Fact]
    public void A_job_longer_than_the_working_day_has_no_slot_and_the_reason_says_it_does_not_fit()
    {
        var slots = Find(Time(), CarryIn(Job(600)), Monday);

        Assert.Empty(slots.Slots);
        Assert.Contains("600 min fits no technician's working time", slots.Reason);
        Assert.Contains("2027-03-01", slots.Reason);
    }

    [Fact]
    public void No_job_crosses_a_lunch_break_between_opening_periods()
    {
        var hours = Hours(Shanghai, P(DayOfWeek.Monday, 9, 12), P(DayOfWeek.Monday, 13, 18));
        var slots = Find(Time(Calendar(hours)), CarryIn(Job(60)), Monday);
        var windows = Windows(slots);

        Assert.Contains("11:00-11:30", windows);
        Assert.DoesNotContain("11:30-12:00", windows);
        Assert.DoesNotContain(windows, w => w.StartsWith("12:", StringComparison.Ordinal));
        Assert.Equal("13:00-13:30", windows.First(w => string.CompareOrdinal(w, "12:00") > 0));
        Assert.All(slots.Slots, s => Assert.True(s.PlannedStart + TimeSpan.FromHours(1) <= Sh(3, 1, 12) || s.PlannedStart >= Sh(3, 1, 13)));
    }

    [Fact]
    public void No_job_crosses_the_break_of_a_split_shift()
    {
        var split = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 12), ShiftPeriod.Of(DayOfWeek.Monday, 13, 18));
        var slots = Find(Time(technicians: [Tech("tech-1", split)]), CarryIn(Job(60)), Monday);
        var windows = Windows(slots);

        Assert.Contains("11:00-11:30", windows);
        Assert.DoesNotContain("11:30-12:00", windows);
        Assert.DoesNotContain("12:00-12:30", windows);
        Assert.DoesNotContain("12:30-13:00", windows);
        Assert.Contains("13:00-13:30", windows);
        Assert.Equal("17:00-17:30", windows[^1]);
    }

    [Fact]
    public void Slots_follow_a_late_shift_not_the_opening_hours()
    {
        var lates = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 14, 20));
        var slots = Find(Time(technicians: [Tech("tech-1", lates)]), CarryIn(Job(60)), Monday);

        Assert.Equal("14:00-14:30", slots.Slots[0].LocalWindow);
        Assert.Equal("17:00-17:30", slots.Slots[^1].LocalWindow); // the shift runs to 20:00, the outlet closes at 18:00
    }

    [Fact]
    public void A_technician_on_leave_has_no_slots_while_a_colleague_still_does()
    {
        var away = Tech("tech-a", OnLeave("annual leave", Monday, Monday));
        var there = Tech("tech-b");

        var both = Find(Time(technicians: [away, there]), CarryIn(), Monday);
        Assert.Equal(17, both.Slots.Length);
        Assert.All(both.Slots, s => Assert.Equal("tech-b", s.TechnicianId));
        Assert.All(both.Slots, s => Assert.Equal(1, s.TechniciansAvailable));

        var alone = Find(Time(technicians: [away]), CarryIn(), Monday);
        Assert.Empty(alone.Slots);
        Assert.Contains("no technician certified for 'phone.screen' works on 2027-03-01", alone.Reason);

        var tuesday = Find(Time(technicians: [away]), CarryIn(), D(3, 2));
        Assert.Equal("tech-a", tuesday.Slots[0].TechnicianId);
    }

    [Fact]
    public void A_technician_without_the_certification_offers_no_slots_and_the_reason_names_the_skill()
    {
        var other = Tech("tech-1", skill: "tv.panel");
        var slots = Find(Time(technicians: [other]), CarryIn(), Monday);

        Assert.Empty(slots.Slots);
        Assert.Equal("no technician certified for 'phone.screen'", slots.Reason);
    }

    [Fact]
    public void A_holiday_has_no_slots_and_the_reason_names_it_while_the_next_day_has_slots()
    {
        var outlet = Time(ChinaOffice()); // 2027-06-09 (Wednesday) is the Dragon Boat Festival
        var holiday = Find(outlet, CarryIn(), D(6, 9));

        Assert.Empty(holiday.Slots);
        Assert.Contains("Dragon Boat Festival", holiday.Reason);
        Assert.Contains("2027-06-09", holiday.Reason);

        var twoDays = SlotPlanner.Find(outlet, CarryIn(), new SlotRange { From = D(6, 9), To = D(6, 10) }, 3, Policy);
        Assert.Equal(D(6, 10), twoDays.Slots[0].LocalDate);
        Assert.Equal(Sh(6, 10, 9), twoDays.Slots[0].WindowStart);
    }

    [Fact]
    public void An_outlet_closure_has_no_slots_and_the_reason_names_it()
    {
        var closed = Own([OutletClosure.Of("stocktake", Monday, Monday)]);
        var slots = Find(Time(Calendar(OfficeHours(), closed)), CarryIn(), Monday);

        Assert.Empty(slots.Slots);
        Assert.Contains("stocktake", slots.Reason);
    }

    [Fact]
    public void Special_hours_replace_the_weekly_hours_for_the_slots_of_that_day()
    {
        var shortDay = Own(special: [SpecialHours.Of(Monday, "staff training", TimePeriod.Of(13, 0, 16, 0))]);
        var slots = Find(Time(Calendar(OfficeHours(), shortDay)), CarryIn(Job(30)), Monday);

        Assert.Equal("13:00-13:30", slots.Slots[0].LocalWindow);
        Assert.Equal("15:30-16:00", slots.Slots[^1].LocalWindow);
    }

    [Fact]
    public void On_the_spring_forward_day_in_Berlin_slots_keep_their_wall_clock_times()
    {
        var berlin = Time(Calendar(EveryDay(Berlin)));
        var saturday = Find(berlin, CarryIn(Job(30), Utc(3, 26, 12)), D(3, 27));
        var sunday = Find(berlin, CarryIn(Job(30), Utc(3, 26, 12)), D(3, 28)); // clocks go 02:00 CET -> 03:00 CEST

        Assert.Equal(("09:00-09:30", Utc(3, 27, 8)), (saturday.Slots[0].LocalWindow, saturday.Slots[0].WindowStart));
        Assert.Equal(("09:00-09:30", Utc(3, 28, 7)), (sunday.Slots[0].LocalWindow, sunday.Slots[0].WindowStart));
        Assert.Equal(("17:30-18:00", Utc(3, 28, 16)), (sunday.Slots[^1].LocalWindow, sunday.Slots[^1].WindowEnd));
        Assert.Equal("2027-03-28 09:00-09:30 (Europe/Berlin)", sunday.Slots[0].Describe());
    }

    [Fact]
    public void A_night_period_across_the_spring_forward_gap_is_three_hours_of_slots_read_on_the_wall_clock()
    {
        var nights = Time(Calendar(Hours(Berlin, P(DayOfWeek.Sunday, 1, 5))));
        var slots = Find(nights, CarryIn(Job(30), Utc(3, 26, 12)), D(3, 28));

        Assert.Equal(["01:00-01:30", "01:30-03:00", "03:00-03:30", "03:30-04:00", "04:00-04:30", "04:30-05:00"], Windows(slots));
        Assert.Equal([Utc(3, 28, 0), Utc(3, 28, 0, 30), Utc(3, 28, 1), Utc(3, 28, 1, 30), Utc(3, 28, 2), Utc(3, 28, 2, 30)], slots.Slots.Select(s => s.WindowStart));
    }

    [Fact]
    public void In_New_York_slots_move_in_UTC_when_the_clocks_fall_back()
    {
        var newYork = Time(Calendar(EveryDay(NewYork)));
        var query = CarryIn(Job(30), Utc(11, 5, 12));
        var saturday = Find(newYork, query, D(11, 6));
        var sunday = Find(newYork, query, D(11, 7)); // 02:00 EDT -> 01:00 EST

        Assert.Equal(("09:00-09:30", Utc(11, 6, 13)), (saturday.Slots[0].LocalWindow, saturday.Slots[0].WindowStart));
        Assert.Equal(("09:00-09:30", Utc(11, 7, 14)), (sunday.Slots[0].LocalWindow, sunday.Slots[0].WindowStart));
        Assert.Equal("America/New_York", sunday.Slots[0].TimeZoneId);
        Assert.Equal(18, sunday.Slots.Length);
    }

    [Fact]
    public void Slots_already_begun_today_are_not_offered()
    {
        var slots = Find(Time(), CarryIn(Job(30), Sh(3, 1, 10, 15)), Monday);

        Assert.Equal("10:30-11:00", slots.Slots[0].LocalWindow);
    }

    [Fact]
    public void After_the_last_slot_today_the_reason_says_the_day_is_over_not_that_the_job_does_not_fit()
    {
        var slots = Find(Time(), CarryIn(Job(60), Sh(3, 1, 17, 5)), Monday);

        Assert.Empty(slots.Slots);
        Assert.Equal("no slot on 2027-03-01 starts after now (2027-03-01 17:05 (Asia/Shanghai))", slots.Reason);
    }

    [Fact]
    public void A_weekend_has_no_slots_and_the_reason_says_the_outlet_is_closed()
    {
        var slots = SlotPlanner.Find(Time(), CarryIn(), new SlotRange { From = D(3, 6), To = D(3, 7) }, 10, Policy);

        Assert.Empty(slots.Slots);
        Assert.Equal("Outlet SH-001 is closed from 2027-03-06 to 2027-03-07 (Asia/Shanghai): outside opening hours", slots.Reason);
    }

    [Fact]
    public void A_search_returns_at_most_the_asked_number_of_earliest_slots_across_days()
    {
        var slots = SlotPlanner.Find(Time(), CarryIn(Job(30), Sh(3, 1, 17, 10)), new SlotRange { From = Monday, To = D(3, 5) }, 3, Policy);

        Assert.Equal(["2027-03-01 17:30-18:00 (Asia/Shanghai)", "2027-03-02 09:00-09:30 (Asia/Shanghai)", "2027-03-02 09:30-10:00 (Asia/Shanghai)"], slots.Slots.Select(s => s.Describe()));
    }
}
