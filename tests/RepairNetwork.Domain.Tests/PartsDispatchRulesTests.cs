using System.Collections.Immutable;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Domain.Tests;

public sealed class PartsDispatchRulesTests
{
    private static PassedOverOutlet Passed(string id, double km, string message) =>
        new() { OutletId = id, DistanceKm = km, Reasons = [new Unavailability { Code = UnavailabilityCode.PartsNotInStock, Message = message }] };

    [Fact]
    public void A_short_outlet_is_told_apart_from_an_empty_one()
    {
        var reason = DispatchRules.PartsShortReason(
        [
            new PartShortfall { Sku = "SCR-1", Requested = 1, Available = 0 },
            new PartShortfall { Sku = "BAT-2", Requested = 3, Available = 2 },
        ]);

        Assert.Equal(UnavailabilityCode.PartsNotInStock, reason.Code);
        Assert.Equal("no SCR-1 in stock (needs 1), only 2 BAT-2 available (needs 3)", reason.Message);
    }

    [Fact]
    public void The_explanation_names_the_nearer_outlet_passed_over_and_why_before_the_choice()
    {
        var text = DispatchExplanation.For("OUT-2", 5.84, [Passed("OUT-1", 3.21, "no SCR-1 in stock (needs 1)")], new PartsSupply { Mode = PartsSupplyMode.ReservedInStock, HeldAtOutletId = "OUT-2" });

        Assert.Equal("nearest outlet OUT-1 at 3.2 km: no SCR-1 in stock (needs 1); chose OUT-2 at 5.8 km, parts reserved there", text);
    }

    [Fact]
    public void The_explanation_of_a_transfer_names_the_source_its_distance_and_the_transfer()
    {
        var supply = new PartsSupply { Mode = PartsSupplyMode.Transfer, HeldAtOutletId = "DEPOT", TransferId = "TR-RO-1-1", TransferDistanceKm = 12.04 };

        var text = DispatchExplanation.For("OUT-1", 1.1, [], supply);

        Assert.Equal("chose the nearest capable outlet OUT-1 at 1.1 km, parts reserved at DEPOT (12.0 km away) and sent by transfer TR-RO-1-1", text);
    }

    [Fact]
    public void Required_parts_are_summed_per_sku_in_sku_order_and_a_retry_with_equal_parts_is_the_same_request()
    {
        RepairRequest Request(params (string Sku, int Quantity)[] parts) => RepairRequests.Create(
            "req-1",
            RepairRequests.CreateCustomer("Zhang San", "+86 138 0000 0000", null, addressRequired: false),
            RepairRequests.CreateProduct("phone", "X200", "SN1", new DateOnly(2026, 1, 15)),
            "Cracked screen",
            new JobRequirement { Capability = "phone.screen", Mode = Domain.Outlets.ServiceMode.CarryIn, CustomerLocation = new Geo.GeoPoint(31.2, 121.4) },
            [.. parts.Select(p => PartQuantity.Of(p.Sku, p.Quantity))]);

        var first = Request(("SCR-1", 1), ("BAT-1", 1), ("SCR-1", 1));

        Assert.Equal([PartQuantity.Of("BAT-1", 1), PartQuantity.Of("SCR-1", 2)], first.RequiredParts);
        Assert.Equal(first, Request(("BAT-1", 1), ("SCR-1", 2)));
        Assert.NotEqual(first, Request(("BAT-1", 1), ("SCR-1", 3)));
        Assert.NotEqual(first, Request());
    }

    [Fact]
    public void An_order_may_name_at_most_twenty_part_lines()
    {
        var error = Assert.Throws<DomainException>(() => RepairRequests.Create(
            "req-1",
            RepairRequests.CreateCustomer("Zhang San", "+86 138 0000 0000", null, addressRequired: false),
            RepairRequests.CreateProduct("phone", "X200", "SN1", new DateOnly(2026, 1, 15)),
            "Cracked screen",
            new JobRequirement { Capability = "phone.screen", Mode = Domain.Outlets.ServiceMode.CarryIn, CustomerLocation = new Geo.GeoPoint(31.2, 121.4) },
            [.. Enumerable.Range(0, 21).Select(i => PartQuantity.Of($"P-{i}", 1))]));

        Assert.Equal("required_parts", error.Field);
    }
}
