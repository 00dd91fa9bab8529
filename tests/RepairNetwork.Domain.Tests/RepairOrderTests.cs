using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class RepairOrderTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 10, 12, 0, 0, TimeSpan.Zero);

    private static RepairRequest Request(DateOnly? purchaseDate = null) => RepairRequests.Create(
        "req-1",
        RepairRequests.CreateCustomer("Li Wei", "13800138000", "88 Century Avenue", addressRequired: true),
        RepairRequests.CreateProduct("phone", "X1", "SN-0001", purchaseDate ?? new DateOnly(2024, 5, 1)),
        "Screen cracked",
        new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = Shanghai });

    private static Assignment AssignmentTo(string outletId) => new()
    {
        OutletId = outletId,
        OutletName = $"Outlet {outletId}",
        DistanceKm = 3.2,
        BookedForDate = new DateOnly(2025, 6, 10),
        AssignedAt = Now,
    };

    private static readonly PassedOverOutlet[] PassedOver =
    [
        new() { OutletId = "sh-002", DistanceKm = 1.5, Reasons = [new Unavailability { Code = UnavailabilityCode.CapacityFullToday, Message = "full" }] },
    ];

    [Fact]
    public void A_received_order_is_created_with_no_assignment()
    {
        var order = RepairOrder.Receive(RepairRequests.OrderIdFor("req-1"), Request(), Now);

        Assert.Equal(RepairOrderStatus.Created, order.Status);
        Assert.Null(order.Assignment);
        Assert.Empty(order.PassedOver);
        Assert.Equal(Now, order.CreatedAt);
        Assert.Equal(RepairRequests.OrderIdFor("req-1"), order.OrderId);
    }

    [Fact]
    public void Offering_a_created_order_records_the_outlet_and_the_outlets_passed_over()
    {
        var order = RepairOrder.Receive("RO-1", Request(), Now);

        var assigned = order.Offer(AssignmentTo("sh-001"), PassedOver, Now);

        Assert.Equal(RepairOrderStatus.Offered, assigned.Status);
        Assert.Equal("sh-001", assigned.Assignment?.OutletId);
        Assert.Equal("sh-002", Assert.Single(assigned.PassedOver).OutletId);
        Assert.Equal(string.Empty, assigned.UnassignedReason);
        Assert.Equal(RepairOrderStatus.Created, order.Status); // the original is untouched
    }

    [Fact]
    public void Leaving_a_created_order_unassigned_records_the_reason()
    {
        var order = RepairOrder.Receive("RO-1", Request(), Now);

        var unassigned = order.MarkUnassigned("no outlet within 200 km has capacity", PassedOver, Now);

        Assert.Equal(RepairOrderStatus.Unassigned, unassigned.Status);
        Assert.Null(unassigned.Assignment);
        Assert.Equal("no outlet within 200 km has capacity", unassigned.UnassignedReason);
        Assert.Single(unassigned.PassedOver);
    }

    [Fact]
    public void An_offered_order_cannot_be_offered_to_a_second_outlet()
    {
        var assigned = RepairOrder.Receive("RO-1", Request(), Now).Offer(AssignmentTo("sh-001"), [], Now);

        var ex = AssertPrecondition(() => assigned.Offer(AssignmentTo("sh-002"), [], Now));

        Assert.Contains("RO-1", ex.Message, StringComparison.Ordinal);
        Assert.Equal("sh-001", assigned.Assignment?.OutletId);
    }

    [Fact]
    public void An_offered_order_cannot_be_marked_unassigned()
    {
        var order = RepairOrder.Receive("RO-1", Request(), Now);

        AssertPrecondition(() => order.Offer(AssignmentTo("sh-001"), [], Now).MarkUnassigned("late", [], Now));
    }

    [Fact]
    public void An_unassigned_order_is_offered_by_a_later_dispatch_or_stays_unassigned_with_the_latest_reason()
    {
        var unassigned = RepairOrder.Receive("RO-1", Request(), Now).MarkUnassigned("none", [], Now);

        var stillUnassigned = unassigned.MarkUnassigned("still none", [], Now);
        var assigned = unassigned.Offer(AssignmentTo("sh-001"), [], Now);

        Assert.Equal("still none", stillUnassigned.UnassignedReason);
        Assert.Equal(RepairOrderStatus.Offered, assigned.Status);
        Assert.Equal("sh-001", assigned.Assignment?.OutletId);
        Assert.Equal(string.Empty, assigned.UnassignedReason);
    }

    [Fact]
    public void A_purchase_date_in_the_future_is_rejected()
    {
        var ex = AssertInvalid("product.purchase_date", () => RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 6, 12)), Now));

        Assert.Contains("2025-06-12", ex.Message, StringComparison.Ordinal);
        AssertInvalid("product.purchase_date", () => RepairOrder.Receive("RO-1", Request(new DateOnly(2030, 1, 1)), Now));
    }

    [Fact]
    public void A_purchase_today_or_tomorrow_in_UTC_is_accepted_since_the_customer_may_be_ahead_of_UTC()
    {
        Assert.Equal(RepairOrderStatus.Created, RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 6, 10)), Now).Status);
        Assert.Equal(RepairOrderStatus.Created, RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 6, 11)), Now).Status);
    }

    [Fact]
    public void The_purchase_date_limit_is_judged_on_the_UTC_date_of_the_instant()
    {
        // 07:00 on 11 June in Shanghai is still 10 June in UTC, so 12 June is two UTC days ahead.
        var shanghaiMorning = new DateTimeOffset(2025, 6, 11, 7, 0, 0, TimeSpan.FromHours(8));

        AssertInvalid("product.purchase_date", () => RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 6, 12)), shanghaiMorning));
        Assert.Equal(RepairOrderStatus.Created, RepairOrder.Receive("RO-1", Request(new DateOnly(2025, 6, 11)), shanghaiMorning).Status);
    }
}
