using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Warranty;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests.Calendars;

/// <summary>The order's clocks in the outlet's business time: the acceptance window and business-hours deadlines.</summary>
public sealed class OffersInBusinessTimeTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly Actor Agent = new() { Role = ActorRole.CallCenter, Id = "agent-7" };

    /// <summary>Mon-Fri 09:00-18:00 in Shanghai; closed at weekends.</summary>
    private static BusinessCalendar WeekdaysNineToSix() => new(OpeningHours.Create(
        "Asia/Shanghai",
        new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .Select(d => new OpeningPeriod { Day = d, Opens = new TimeOnly(9, 0), Closes = new TimeOnly(18, 0) }),
        "hours"));

    private static DateTimeOffset Local(int year, int month, int day, int hour, int minute = 0) =>
        new(new DateTime(year, month, day, hour, minute, 0), Shanghai.GetUtcOffset(new DateTime(year, month, day, hour, minute, 0)));

    private static RepairOrder Received(DateTimeOffset at, ServiceClock clock = ServiceClock.Calendar) => RepairOrder.Receive(
        "RO-BT",
        RepairRequests.Create(
            "req-bt",
            RepairRequests.CreateCustomer("Li Wei", "13800138000", "88 Century Avenue", addressRequired: true),
            RepairRequests.CreateProduct("phone", "X1", "SN-0001", new DateOnly(2027, 1, 2)),
            "Screen cracked",
            new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = TestData.Shanghai }),
        CategoryPolicy.Default("phone") with { Clock = clock, ResponseWithin = TimeSpan.FromHours(8), CompletionWithin = TimeSpan.FromHours(16) },
        Agent,
        at);

    private static Assignment At(DateTimeOffset now) => new() { OutletId = "SH-1", OutletName = "SH-1", DistanceKm = 2, BookedForDate = DateOnly.FromDateTime(now.UtcDateTime), AssignedAt = now };

    [Fact]
    public void An_offer_made_after_closing_lapses_two_open_hours_after_the_outlet_opens()
    {
        var offeredAt = Local(2027, 3, 9, 22, 30); // a Tuesday night
        var order = Received(offeredAt).Offer(At(offeredAt), [], offeredAt, WeekdaysNineToSix());

        Assert.Equal(Local(2027, 3, 10, 11, 0), order.OfferExpiresAt);
        Assert.Contains("answer by 2027-03-10 11:00 (Asia/Shanghai)", order.Audit[^1].Detail, StringComparison.Ordinal);
        Assert.Equal(RepairOrderStatus.Offered, order.ExpireOffer(Local(2027, 3, 10, 10, 59)).Status);
        Assert.Equal(RepairOrderStatus.Created, order.ExpireOffer(Local(2027, 3, 10, 11, 0)).Status);
    }

    [Fact]
    public void An_offer_made_on_friday_evening_waits_over_the_weekend()
    {
        var offeredAt = Local(2027, 3, 12, 17, 0); // Friday, one open hour left
        var order = Received(offeredAt).Offer(At(offeredAt), [], offeredAt, WeekdaysNineToSix());

        Assert.Equal(Local(2027, 3, 15, 10, 0), order.OfferExpiresAt);
    }

    [Fact]
    public void Without_the_outlets_hours_the_window_runs_around_the_clock()
    {
        var offeredAt = Local(2027, 3, 9, 22, 30);
        var order = Received(offeredAt).Offer(At(offeredAt), [], offeredAt);

        Assert.Equal(offeredAt + TimeSpan.FromHours(2), order.OfferExpiresAt);
    }

    [Fact]
    public void Business_hours_deadlines_count_only_the_outlets_open_hours_across_a_weekend()
    {
        var created = Local(2027, 3, 12, 16, 0); // Friday 16:00: 2 open hours left that day
        var order = Received(created, ServiceClock.BusinessHours).Offer(At(created), [], created, WeekdaysNineToSix());

        // 8 h response: 2 h on Friday + 6 h on Monday; 16 h completion: 2 + 9 (Monday) + 5 (Tuesday).
        Assert.Equal(Local(2027, 3, 15, 15, 0), order.ResponseDueAt);
        Assert.Equal(Local(2027, 3, 16, 14, 0), order.CompletionDueAt);
    }

    [Fact]
    public void Calendar_clock_deadlines_ignore_the_outlets_hours()
    {
        var created = Local(2027, 3, 12, 16, 0);
        var order = Received(created).Offer(At(created), [], created, WeekdaysNineToSix());

        Assert.Equal(created + TimeSpan.FromHours(8), order.ResponseDueAt);
        Assert.Equal(created + TimeSpan.FromHours(16), order.CompletionDueAt);
    }

    [Fact]
    public void Business_hours_deadlines_follow_the_outlet_the_order_moves_to()
    {
        var created = Local(2027, 3, 12, 16, 0);
        var first = Received(created, ServiceClock.BusinessHours).Offer(At(created), [], created, WeekdaysNineToSix());
        var declined = first.DeclineOffer(new Actor { Role = ActorRole.Outlet, Id = "SH-1" }, "no technician free", created.AddMinutes(5));

        // The next outlet is open around the clock: 8 h from creation.
        var around = new BusinessCalendar(OpeningHours.Create("Asia/Shanghai", [], "hours"));
        var moved = declined.Offer(At(created) with { OutletId = "SH-2" }, [], created.AddMinutes(6), around);

        Assert.Equal(created + TimeSpan.FromHours(8), moved.ResponseDueAt);
    }
}
