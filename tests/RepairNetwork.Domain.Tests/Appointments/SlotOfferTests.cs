using System.Collections.Immutable;
using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>How outlets' answers become the choice an agent reads out.</summary>
public sealed class SlotOfferTests
{
    private static readonly AppointmentPolicy Policy = AppointmentPolicy.Default with { SlotsPerOutlet = 2 };

    [Fact]
    public void Slots_are_offered_earliest_first_and_at_the_same_time_the_nearer_outlet_first()
    {
        var near = Answer("NEAR", 10, 11);
        var far = Answer("FAR", 9, 10);

        var offered = SlotPlanner.Offer([near, far], [1.1, 3.2], 10, Policy);

        Assert.Equal([("FAR", 9), ("NEAR", 10), ("FAR", 10), ("NEAR", 11)], offered.Select(o => (o.Slot.OutletId, Hour(o.Slot))));
        Assert.Equal([1, 0, 1, 0], offered.Select(o => o.Outlet));
    }

    [Fact]
    public void With_several_outlets_offering_none_fills_the_answer_alone()
    {
        var early = Answer("EARLY", 9, 10, 11, 12, 13, 14);
        var late = Answer("LATE", 15, 16);

        var offered = SlotPlanner.Offer([early, late], [1, 2], 4, Policy);

        // max 4 over 2 outlets: each keeps 2 (at least SlotsPerOutlet), so the later outlet is still offered.
        Assert.Equal([("EARLY", 9), ("EARLY", 10), ("LATE", 15), ("LATE", 16)], offered.Select(o => (o.Slot.OutletId, Hour(o.Slot))));
    }

    [Fact]
    public void A_lone_outlet_may_fill_the_whole_answer()
    {
        var only = Answer("ONLY", 9, 10, 11, 12, 13);

        var offered = SlotPlanner.Offer([only, Answer("NONE")], [1, 2], 5, Policy);

        Assert.Equal([9, 10, 11, 12, 13], offered.Select(o => Hour(o.Slot)));
    }

    private static int Hour(SlotOption slot) => slot.WindowStart.ToOffset(TimeSpan.FromHours(8)).Hour;

    private static OutletSlots Answer(string outletId, params int[] hours) => new()
    {
        Slots = [.. hours.Select(h => new SlotOption
        {
            OutletId = outletId,
            Mode = ServiceMode.CarryIn,
            WindowStart = Sh(3, 1, h),
            WindowEnd = Sh(3, 1, h) + TimeSpan.FromMinutes(30),
            LocalDate = D(3, 1),
            LocalWindow = $"{h:00}:00-{h:00}:30",
            TimeZoneId = "Asia/Shanghai",
            TechniciansAvailable = 1,
            TechnicianId = "T1",
            PlannedStart = Sh(3, 1, h),
        })],
        Reason = hours.Length == 0 ? "fully booked" : string.Empty,
    };
}
