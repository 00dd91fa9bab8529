using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

/// <summary>What an outlet may change about itself and its staff, and what stays headquarters' decision.</summary>
public sealed class OutletPermissionsTests
{
    private static readonly Actor Headquarters = new() { Role = ActorRole.Headquarters, Id = "hq-console" };
    private static readonly Actor Own = new() { Role = ActorRole.Outlet, Id = "SH-0001" };
    private static readonly Actor Other = new() { Role = ActorRole.Outlet, Id = "SH-0002" };
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(OutletStatus.Open, OutletStatus.Paused)]
    [InlineData(OutletStatus.Paused, OutletStatus.Open)]
    [InlineData(OutletStatus.Open, OutletStatus.Open)]
    public void An_outlet_switches_itself_between_open_and_paused(OutletStatus current, OutletStatus requested)
    {
        OutletStatusRules.CheckChange("SH-0001", current, requested, Own);
    }

    [Theory]
    [InlineData(OutletStatus.Open, OutletStatus.Closed)]
    [InlineData(OutletStatus.Closed, OutletStatus.Open)]
    [InlineData(OutletStatus.Closed, OutletStatus.Paused)]
    [InlineData(OutletStatus.Closed, OutletStatus.Closed)]
    public void Closing_and_reopening_a_closed_outlet_are_for_headquarters(OutletStatus current, OutletStatus requested)
    {
        AssertForbidden(() => OutletStatusRules.CheckChange("SH-0001", current, requested, Own));
        OutletStatusRules.CheckChange("SH-0001", current, requested, Headquarters);
    }

    [Fact]
    public void An_outlet_cannot_change_another_outlets_status()
    {
        AssertForbidden(() => OutletStatusRules.CheckChange("SH-0001", OutletStatus.Open, OutletStatus.Paused, Other));
    }

    [Fact]
    public void An_outlet_may_change_its_phone_and_hours_within_its_time_zone()
    {
        var current = Profile("SH-0001", Shanghai);
        var edited = current with
        {
            Phone = "+86 21 9999 0000",
            Hours = OpeningHours.Create("Asia/Shanghai", [new OpeningPeriod { Day = DayOfWeek.Saturday, Opens = new TimeOnly(10, 0), Closes = new TimeOnly(16, 0) }], "outlet.opening_hours"),
        };

        OutletProfile.CheckEdit(current, edited, Own);
    }

    [Fact]
    public void The_time_zone_and_everything_that_shapes_dispatch_are_headquarters_to_change()
    {
        var current = Profile("SH-0001", Shanghai);
        var moved = current with { Hours = OpeningHours.Create("America/New_York", current.Hours.Periods, "outlet.opening_hours"), DailyCapacity = current.DailyCapacity + 5 };

        var refused = AssertForbidden(() => OutletProfile.CheckEdit(current, moved, Own));
        Assert.Contains("opening_hours.time_zone, daily_capacity", refused.Message, StringComparison.Ordinal);
        OutletProfile.CheckEdit(current, moved, Headquarters);
    }

    [Fact]
    public void Certifications_are_granted_by_headquarters_and_record_who_and_when()
    {
        var hired = Technician("T1", "SH-0001", true);
        var certified = Technician("T1", "SH-0001", true, ("phone.screen", new DateOnly(2027, 6, 30)));

        AssertForbidden(() => Technicians.TechnicianProfile.Edit(hired, certified, Own, Now));
        AssertForbidden(() => Technicians.TechnicianProfile.Edit(null, certified, Own, Now));

        var granted = Technicians.TechnicianProfile.Edit(hired, certified, Headquarters, Now);
        var grant = Assert.Single(granted.Certifications);
        Assert.Equal(("hq-console", Now), (grant.CertifiedBy, grant.CertifiedAt));

        // Later edits by the outlet (a shift change) keep the grant and its record as they were.
        var offShift = Technicians.TechnicianProfile.Edit(granted, certified with { OnShift = false }, Own, Now.AddDays(3));
        Assert.Equal(grant, Assert.Single(offShift.Certifications));
    }

    [Fact]
    public void An_outlet_cannot_move_a_technician_to_another_outlet()
    {
        var technician = Technician("T1", "SH-0001", true);
        AssertForbidden(() => Technicians.TechnicianProfile.Edit(technician, technician with { OutletId = "SH-0002" }, Own, Now));
    }

    private static DomainException AssertForbidden(Action action)
    {
        var refused = Assert.Throws<DomainException>(action);
        Assert.Equal(DomainErrorKind.PermissionDenied, refused.Kind);
        return refused;
    }
}
