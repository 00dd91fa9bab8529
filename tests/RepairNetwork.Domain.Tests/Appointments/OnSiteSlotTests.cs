using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.Appointments.SlotTestData;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>On-site arrival windows and the travel that shapes them.</summary>
public sealed class OnSiteSlotTests
{
    [Fact]
    public void Travel_is_great_circle_distance_times_the_road_factor_over_the_speed_rounded_up_to_the_minute()
    {
        Assert.Equal(11.5 * 1.3, Policy.RoadKm(Outlet, East), 6);
        Assert.Equal(TimeSpan.FromMinutes(30), Policy.Travel(Outlet, East));                                        // 29.9 min
        Assert.Equal(TimeSpan.FromMinutes(27), Policy.Travel(Outlet, TestData.Destination(Outlet, 0, 10.1)));        // 26.26 min
        Assert.Equal(TimeSpan.FromMinutes(60), Policy.Travel(East, West));                                          // 23 km: 59.8 min
        Assert.Equal(TimeSpan.Zero, Policy.Travel(East, East));
        Assert.Equal(TimeSpan.FromMinutes(15), (Policy with { TravelSpeedKmh = 60 }).Travel(Outlet, East));          // 14.95 min
    }

    [Fact]
    public void Arrival_windows_are_two_hours_long_and_start_every_hour_within_opening_hours()
    {
        var slots = Find(Time(), OnSite(Outlet, Job(60)), Monday);

        Assert.Equal(["09:00-11:00", "10:00-12:00", "11:00-13:00", "12:00-14:00", "13:00-15:00", "14:00-16:00", "15:00-17:00", "16:00-18:00"], Windows(slots));
        Assert.All(slots.Slots, s => Assert.Equal(TimeSpan.FromHours(2), s.WindowEnd - s.WindowStart));
        Assert.All(slots.Slots, s => Assert.Equal(ServiceMode.OnSite, s.Mode));
    }

    [Fact]
    public void Travel_from_the_outlet_pushes_the_first_possible_start()
    {
        var slots = Find(Time(), OnSite(East, Job(60)), Monday);

        Assert.Equal(Sh(3, 1, 9, 30), slots.Slots[0].PlannedStart); // 09:00 at the outlet + 30 min on the road
        Assert.Equal("09:00-11:00", slots.Slots[0].LocalWindow);
        Assert.Equal(Sh(3, 1, 10), slots.Slots[1].PlannedStart);
    }

    [Fact]
    public void Travel_is_counted_from_the_outlet_again_after_a_break_in_the_shift()
    {
        var split = Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 12), ShiftPeriod.Of(DayOfWeek.Monday, 13, 18));
        var slots = Find(Time(technicians: [Tech("tech-1", split)]), OnSite(East, Job(60)), Monday);
        var noon = slots.Slots.Single(s => s.LocalWindow == "12:00-14:00");

        Assert.Equal(Sh(3, 1, 13, 30), noon.PlannedStart);
        Assert.Equal(Sh(3, 1, 11), slots.Slots.Single(s => s.LocalWindow == "11:00-13:00").PlannedStart); // ends at the break exactly
    }

    [Fact]
    public void The_travel_buffer_after_a_visit_must_fit_the_working_day()
    {
        var buffered = Find(Time(), OnSite(Outlet, Job(60, bufferMinutes: 90)), Monday);
        var unbuffered = Find(Time(), OnSite(Outlet, Job(60, bufferMinutes: 0)), Monday);

        Assert.Equal("15:00-17:00", buffered.Slots[^1].LocalWindow); // 16:00 + 60 min work + 90 min buffer = 18:30
        Assert.Equal("16:00-18:00", unbuffered.Slots[^1].LocalWindow);
    }

    [Fact]
    public void A_customer_too_far_for_travel_and_job_within_the_working_day_gets_no_slot_and_the_reason_names_the_travel()
    {
        var far = TestData.Destination(Outlet, 90, 149); // 193.7 km by road: 387.4 min, booked as 388
        var slots = Find(Time(), OnSite(far, Job(180)), Monday);

        Assert.Empty(slots.Slots);
        Assert.Contains("388 min of travel", slots.Reason);
        Assert.Contains("180 min", slots.Reason);
        Assert.Contains("193.7 km by road", slots.Reason);

        var shorter = Find(Time(), OnSite(far, Job(152)), Monday); // 09:00 + 388 + 152 min = 18:00
        Assert.Equal(["14:00-16:00", "15:00-17:00"], Windows(shorter));
        Assert.All(shorter.Slots, s => Assert.Equal(Sh(3, 1, 15, 28), s.PlannedStart));
    }

    [Fact]
    public void Travel_from_the_previous_visit_constrains_the_next_window()
    {
        var east = Visit("order-east", "tech-1", East, 9, 30, 10, 30, windowHour: 9);
        var slots = Find(Time(booked: [east]), OnSite(West, Job(60)), Monday);

        // 09:00-11:00: before the east visit there is no time (09:30 + 60 min + 60 min back east > 09:30);
        // after it, 10:30 + 60 min from east to west = 11:30, outside the window.
        Assert.DoesNotContain("09:00-11:00", Windows(slots));
        Assert.Equal("10:00-12:00", slots.Slots[0].LocalWindow);
        Assert.Equal(Sh(3, 1, 11, 30), slots.Slots[0].PlannedStart);

        var nextDoor = Find(Time(booked: [east]), OnSite(East, Job(60)), Monday);
        Assert.Equal(Sh(3, 1, 10, 30), nextDoor.Slots[0].PlannedStart); // no travel between visits at the same place
    }

    [Fact]
    public void A_job_squeezed_before_a_booked_visit_leaves_time_to_travel_there()
    {
        var east = Visit("order-east", "tech-1", East, 12, 0, 13, 0, windowHour: 11);

        var west = Find(Time(booked: [east]), OnSite(West, Job(60)), Monday);
        Assert.Equal(Sh(3, 1, 9, 30), west.Slots[0].PlannedStart);   // ends 10:30, 60 min to the east visit by 11:30
        Assert.Equal(Sh(3, 1, 10), west.Slots[1].PlannedStart);      // ends 11:00, arrives east at 12:00 exactly
        Assert.DoesNotContain("11:00-13:00", Windows(west));          // ends 12:00: no time to get east
        Assert.DoesNotContain("12:00-14:00", Windows(west));          // after the visit: 13:00 + 60 min = 14:00, too late
        Assert.Equal(("13:00-15:00", Sh(3, 1, 14)), (west.Slots[2].LocalWindow, west.Slots[2].PlannedStart));

        var sameBlock = Find(Time(booked: [east]), OnSite(East, Job(60)), Monday);
        Assert.Contains("11:00-13:00", Windows(sameBlock));           // next door to the visit, 11:00-12:00 fits
    }

    [Fact]
    public void Visits_of_another_technician_do_not_constrain_this_one()
    {
        var east = Visit("order-east", "tech-2", East, 9, 30, 10, 30, windowHour: 9);
        var slots = Find(Time(technicians: [Tech("tech-1"), Tech("tech-2")], booked: [east]), OnSite(West, Job(60)), Monday);

        Assert.Equal(("09:00-11:00", "tech-1", Sh(3, 1, 9, 30)), (slots.Slots[0].LocalWindow, slots.Slots[0].TechnicianId, slots.Slots[0].PlannedStart));
    }
}
