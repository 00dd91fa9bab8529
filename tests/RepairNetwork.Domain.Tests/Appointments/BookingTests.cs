using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.Appointments.SlotTestData;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>Booking and moving a window: who takes it, and the refusals an agent reads out.</summary>
public sealed class BookingTests
{
    private static Appointment Book(OutletAgenda outlet, SlotQuery query, string orderId, DateTimeOffset windowStart) =>
        SlotPlanner.Book(outlet, query, orderId, windowStart, Policy, Field);

    [Fact]
    public void Booking_takes_the_technician_who_can_start_earliest()
    {
        var late = Tech("tech-a", Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 10, 18)));
        var early = Tech("tech-b");

        var visit = Book(Time(technicians: [late, early]), OnSite(East), "order-1", Sh(3, 1, 9));

        Assert.Equal("tech-b", visit.TechnicianId);
        Assert.Equal(Sh(3, 1, 9, 30), visit.PlannedStart);
        Assert.Equal(Sh(3, 1, 10, 30), visit.PlannedEnd);
    }

    [Fact]
    public void Among_technicians_starting_together_booking_takes_the_least_booked_that_day_then_the_lowest_id()
    {
        var a = Tech("tech-a");
        var b = Tech("tech-b");

        Assert.Equal("tech-a", Book(Time(technicians: [b, a]), CarryIn(), "order-1", Sh(3, 1, 9)).TechnicianId);

        var aBusyMonday = Visit("order-0", "tech-a", Outlet, 15, 0, 16, 0);
        Assert.Equal("tech-b", Book(Time(technicians: [a, b], booked: [aBusyMonday]), CarryIn(), "order-1", Sh(3, 1, 9)).TechnicianId);

        var bBusyTuesday = Visit("order-2", "tech-b", Outlet, 9, 0, 12, 0, D(3, 2));
        Assert.Equal("tech-b", Book(Time(technicians: [a, b], booked: [aBusyMonday, bBusyTuesday]), CarryIn(), "order-1", Sh(3, 1, 9)).TechnicianId);
    }

    [Fact]
    public void A_booking_holds_the_window_the_work_and_the_place_unconfirmed()
    {
        var visit = Book(Time(), OnSite(East, Job(60, bufferMinutes: 15)), "order-1", Sh(3, 1, 10));

        Assert.Equal(("order-1", OutletId, ServiceMode.OnSite), (visit.OrderId, visit.OutletId, visit.Mode));
        Assert.Equal((Sh(3, 1, 10), Sh(3, 1, 12)), (visit.WindowStart, visit.WindowEnd));
        Assert.Equal((Sh(3, 1, 10), Sh(3, 1, 11, 15)), (visit.PlannedStart, visit.PlannedEnd)); // work and the on-site buffer
        Assert.Equal(East, visit.Location);
        Assert.Equal("2027-03-01 10:00-12:00 (Asia/Shanghai)", visit.Describe());
        Assert.Equal("SH-001@2027-03-01T02:00Z/on-site", visit.SlotId);
        Assert.False(visit.Confirmed);
        Assert.Equal(SundayEvening, visit.HeldAt);

        var carryIn = Book(Time(), CarryIn(Job(60, bufferMinutes: 15)), "order-2", Sh(3, 1, 10));
        Assert.Equal(Outlet, carryIn.Location);
        Assert.Equal(Sh(3, 1, 11), carryIn.PlannedEnd); // no buffer at the bench
    }

    [Fact]
    public void Booking_the_only_technicians_taken_time_again_fails_naming_the_field_and_the_next_free_slots()
    {
        var first = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9));

        var ex = TestData.AssertPrecondition(() => Book(Time(booked: [first]), CarryIn(), "order-2", Sh(3, 1, 9)));

        Assert.StartsWith("slot_id:", ex.Message);
        Assert.Contains("09:00-09:30 on 2027-03-01 (Asia/Shanghai) at SH-001 is no longer free", ex.Message);
        // 09:30 is no slot either: the technician is busy until 10:00, when that slot has ended.
        Assert.Contains("next free: 2027-03-01 10:00-10:30 (Asia/Shanghai) as SH-001@2027-03-01T02:00Z/carry-in", ex.Message);
        Assert.Contains("SH-001@2027-03-01T02:30Z/carry-in", ex.Message);
    }

    [Fact]
    public void A_slot_no_technician_works_in_is_refused_as_never_free_not_as_taken()
    {
        var afternoonOnly = Time(technicians: [Tech("tech-a", Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 14, 18)))]);
        var lateStart = Time(technicians: [Tech("tech-a", Shifts(ShiftPeriod.Of(DayOfWeek.Monday, 9, 12)))]);

        var morning = TestData.AssertPrecondition(() => Book(afternoonOnly, CarryIn(), "order-1", Sh(3, 1, 9)));
        var overrun = TestData.AssertPrecondition(() => Book(lateStart, CarryIn(Job(60)), "order-2", Sh(3, 1, 11, 30)));

        Assert.Equal("slot_id: the slot 09:00-09:30 on 2027-03-01 (Asia/Shanghai) at SH-001 cannot be booked: no technician certified for 'phone.screen' works then", morning.Message);
        Assert.EndsWith("cannot be booked: a job of 60 min would not end within the working time of the technicians at work then", overrun.Message);
    }

    [Fact]
    public void A_second_technician_takes_the_same_window()
    {
        var outlet = Time(technicians: [Tech("tech-a"), Tech("tech-b")]);
        var first = Book(outlet, CarryIn(), "order-1", Sh(3, 1, 9));
        var second = Book(outlet with { Booked = [first] }, CarryIn(), "order-2", Sh(3, 1, 9));

        Assert.Equal(("tech-a", "tech-b"), (first.TechnicianId, second.TechnicianId));
        TestData.AssertPrecondition(() => Book(outlet with { Booked = [first, second] }, CarryIn(), "order-3", Sh(3, 1, 9)));
    }

    [Fact]
    public void A_slot_in_the_past_is_an_invalid_argument()
    {
        var ex = TestData.AssertInvalid(Field, () => Book(Time(), CarryIn(now: Sh(3, 1, 12)), "order-1", Sh(3, 1, 9)));

        Assert.Contains("2027-03-01 09:00 (Asia/Shanghai) is in the past", ex.Message);
    }

    [Fact]
    public void A_time_outside_opening_hours_is_a_failed_precondition_naming_the_hours_and_the_zone()
    {
        var evening = TestData.AssertPrecondition(() => Book(Time(), CarryIn(), "order-1", Sh(3, 1, 19)));
        Assert.StartsWith("slot_id:", evening.Message);
        Assert.Contains("09:00-18:00", evening.Message);
        Assert.Contains("Asia/Shanghai", evening.Message);

        var holiday = TestData.AssertPrecondition(() => Book(Time(ChinaOffice()), CarryIn(), "order-1", Sh(6, 9, 10)));
        Assert.Contains("closed: Dragon Boat Festival", holiday.Message);
    }

    [Theory]
    [InlineData(9, 10)]
    [InlineData(9, 45)]
    public void A_start_between_slot_starts_is_an_invalid_argument_listing_real_starts(int hour, int minute)
    {
        var ex = TestData.AssertInvalid(Field, () => Book(Time(), CarryIn(), "order-1", Sh(3, 1, hour, minute)));

        Assert.Contains("is not a slot start", ex.Message);
        Assert.Contains("09:00-09:30, 09:30-10:00", ex.Message);
    }

    [Fact]
    public void An_on_site_window_that_would_end_after_closing_is_no_slot_start()
    {
        TestData.AssertInvalid(Field, () => Book(Time(), OnSite(East), "order-1", Sh(3, 1, 17)));
    }

    [Fact]
    public void Moving_to_a_taken_window_fails_and_leaves_the_appointment_where_it_was()
    {
        var mine = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9));
        var theirs = Book(Time(booked: [mine]), CarryIn(), "order-2", Sh(3, 1, 11));
        var outlet = Time(booked: [mine, theirs]);

        TestData.AssertPrecondition(() => SlotPlanner.Move(outlet, CarryIn(), mine, Sh(3, 1, 11), Policy, Field));

        // Still held: nobody else can have 09:00.
        TestData.AssertPrecondition(() => Book(outlet, CarryIn(), "order-3", Sh(3, 1, 9)));
    }

    [Fact]
    public void Moving_frees_the_old_time_for_another_order_and_keeps_the_confirmation()
    {
        var mine = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9)) with { Confirmed = true };
        var later = SundayEvening.AddHours(1);

        var moved = SlotPlanner.Move(Time(booked: [mine]), CarryIn(now: later), mine, Sh(3, 1, 14), Policy, Field);

        Assert.Equal(("order-1", Sh(3, 1, 14), "14:00-14:30"), (moved.OrderId, moved.PlannedStart, moved.LocalWindow));
        Assert.True(moved.Confirmed);
        var other = Book(Time(booked: [moved]), CarryIn(), "order-2", Sh(3, 1, 9));
        Assert.Equal(Sh(3, 1, 9), other.PlannedStart);
    }

    [Fact]
    public void Moving_within_its_own_time_does_not_clash_with_itself()
    {
        var mine = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9));

        var moved = SlotPlanner.Move(Time(booked: [mine]), CarryIn(), mine, Sh(3, 1, 9, 30), Policy, Field);

        Assert.Equal(Sh(3, 1, 9, 30), moved.PlannedStart);
    }

    [Fact]
    public void Moving_to_the_same_window_is_a_no_op()
    {
        var mine = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9));

        var same = SlotPlanner.Move(Time(booked: [mine]), CarryIn(now: SundayEvening.AddHours(2)), mine, Sh(3, 1, 9), Policy, Field);

        Assert.Same(mine, same);
    }

    [Fact]
    public void An_unconfirmed_hold_lapses_after_the_hold_time_and_a_confirmed_one_does_not()
    {
        var held = Book(Time(), CarryIn(), "order-1", Sh(3, 1, 9));

        Assert.True(held.IsActive(SundayEvening.AddMinutes(9).AddSeconds(59), Policy));
        Assert.False(held.IsActive(SundayEvening.AddMinutes(10), Policy));
        Assert.True((held with { Confirmed = true }).IsActive(SundayEvening.AddDays(30), Policy));
        Assert.True(held.IsActive(SundayEvening.AddMinutes(25), Policy with { HoldFor = TimeSpan.FromMinutes(30) }));
    }

    [Fact]
    public void The_day_plan_orders_visits_by_start_with_travel_from_the_previous_stop_starting_at_the_outlet()
    {
        var west = Visit("order-west", "tech-1", West, 13, 0, 14, 0, windowHour: 12);
        var east = Visit("order-east", "tech-1", East, 9, 30, 10, 30, windowHour: 9);
        var bench = Visit("order-bench", "tech-1", Outlet, 16, 0, 17, 0);
        var colleague = Visit("order-colleague", "tech-2", West, 11, 0, 12, 0, windowHour: 10);
        var tuesday = Visit("order-tuesday", "tech-1", West, 9, 30, 10, 30, D(3, 2), windowHour: 9);
        var outlet = Time(technicians: [Tech("tech-1"), Tech("tech-2")], booked: [west, tuesday, bench, colleague, east]);

        var plan = SlotPlanner.DayPlan(outlet, "tech-1", Monday, Policy);

        Assert.Equal(["order-east", "order-west", "order-bench"], plan.Select(v => v.Appointment.OrderId));
        Assert.Equal([30.0, 60.0, 30.0], plan.Select(v => v.Travel.TotalMinutes));
        Assert.Equal(14.95, plan[0].TravelKm, 6);
        Assert.Equal(29.9, plan[1].TravelKm, 6);
        Assert.Equal(14.95, plan[2].TravelKm, 6);
        Assert.Empty(SlotPlanner.DayPlan(outlet, "tech-1", D(3, 3), Policy));
    }

    [Fact]
    public void A_day_plan_of_bench_work_has_no_travel()
    {
        var outlet = Time(booked: [Visit("order-1", "tech-1", Outlet, 9, 0, 10, 0), Visit("order-2", "tech-1", Outlet, 10, 0, 11, 0)]);

        var plan = SlotPlanner.DayPlan(outlet, "tech-1", Monday, Policy);

        Assert.All(plan, v => Assert.Equal((0.0, TimeSpan.Zero), (v.TravelKm, v.Travel)));
    }
}
