using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class DispatchRulesTests
{
    private const string OutletId = "sh-001";
    private const string Screen = "phone.screen";
    private static readonly DateOnly Today = new(2025, 6, 10);
    private static readonly DateOnly FarFuture = new(2030, 1, 1);

    // 31.22222,121.45806 is the outlet; these are straight east of it.
    private static readonly GeoPoint CustomerAt5Km = Destination(Shanghai, 90, 5);
    private static readonly GeoPoint CustomerAt30Km = Destination(Shanghai, 90, 30);

    private static readonly ServiceModes AllModesRadius10 = ServiceModes.Create(carryIn: true, mailIn: true, onSite: true, onSiteRadiusKm: 10, hasServiceArea: false, "outlet.modes");

    private static OutletListing Outlet(
        OutletStatus status = OutletStatus.Open,
        ServiceModes? modes = null,
        ServiceArea? area = null,
        IEnumerable<string>? capabilities = null,
        IEnumerable<TechnicianProfile>? roster = null) =>
        Listing(
            OutletId,
            Shanghai,
            status: status,
            capabilities: capabilities ?? [Screen, "phone.battery"],
            modes: modes ?? AllModesRadius10,
            serviceArea: area,
            roster: roster ?? [Technician("t1", OutletId, onShift: true, (Screen, FarFuture), ("phone.battery", FarFuture))]);

    private static JobRequirement Job(ServiceMode mode = ServiceMode.CarryIn, string capability = Screen, GeoPoint? customer = null) =>
        new() { Capability = capability, Mode = mode, CustomerLocation = customer ?? CustomerAt5Km };

    private static UnavailabilityCode[] Codes(OutletListing outlet, JobRequirement job, DateOnly? day = null) =>
        [.. DispatchRules.StandingReasons(outlet, job, day ?? Today).Select(r => r.Code)];

    [Theory]
    [InlineData(ServiceMode.CarryIn)]
    [InlineData(ServiceMode.MailIn)]
    [InlineData(ServiceMode.OnSite)]
    public void An_open_outlet_meeting_every_rule_has_no_standing_reasons(ServiceMode mode)
    {
        Assert.Empty(Codes(Outlet(), Job(mode)));
    }

    [Fact]
    public void A_paused_outlet_is_unavailable_because_it_is_paused()
    {
        var reasons = DispatchRules.StandingReasons(Outlet(status: OutletStatus.Paused), Job(), Today);

        var reason = Assert.Single(reasons);
        Assert.Equal(UnavailabilityCode.OutletPaused, reason.Code);
        Assert.Contains("paused", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_outlet_is_unavailable_because_it_is_closed()
    {
        Assert.Equal([UnavailabilityCode.OutletClosed], Codes(Outlet(status: OutletStatus.Closed), Job()));
    }

    [Theory]
    [InlineData(ServiceMode.CarryIn)]
    [InlineData(ServiceMode.MailIn)]
    [InlineData(ServiceMode.OnSite)]
    public void A_service_mode_the_outlet_does_not_offer_makes_it_unavailable(ServiceMode mode)
    {
        var modes = ServiceModes.Create(
            carryIn: mode != ServiceMode.CarryIn,
            mailIn: mode != ServiceMode.MailIn,
            onSite: mode != ServiceMode.OnSite,
            onSiteRadiusKm: mode != ServiceMode.OnSite ? 10 : 0,
            hasServiceArea: false,
            "outlet.modes");

        var reasons = DispatchRules.StandingReasons(Outlet(modes: modes), Job(mode), Today);

        var reason = Assert.Single(reasons);
        Assert.Equal(UnavailabilityCode.ServiceModeNotOffered, reason.Code);
        Assert.Contains(DispatchRules.Describe(mode), reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_on_site_job_outside_the_radius_is_unavailable_and_says_how_far_the_customer_is()
    {
        var reasons = DispatchRules.StandingReasons(Outlet(), Job(ServiceMode.OnSite, customer: CustomerAt30Km), Today);

        var reason = Assert.Single(reasons);
        Assert.Equal(UnavailabilityCode.OutsideOnSiteArea, reason.Code);
        Assert.Contains("30.0 km", reason.Message, StringComparison.Ordinal);
        Assert.Contains("10 km", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_on_site_job_inside_the_radius_is_covered()
    {
        Assert.Empty(Codes(Outlet(), Job(ServiceMode.OnSite, customer: Destination(Shanghai, 200, 9.9))));
        Assert.Equal([UnavailabilityCode.OutsideOnSiteArea], Codes(Outlet(), Job(ServiceMode.OnSite, customer: Destination(Shanghai, 200, 10.1))));
    }

    [Fact]
    public void The_on_site_radius_only_limits_on_site_jobs_not_carry_in_or_mail_in()
    {
        Assert.Empty(Codes(Outlet(), Job(ServiceMode.CarryIn, customer: CustomerAt30Km)));
        Assert.Empty(Codes(Outlet(), Job(ServiceMode.MailIn, customer: Beijing)));
    }

    [Fact]
    public void An_on_site_job_inside_the_service_area_but_outside_the_radius_is_covered()
    {
        // A square reaching ~50 km east of the outlet; the radius is only 5 km.
        var area = ServiceArea.Parse("""{"type":"Polygon","coordinates":[[[121.4,31.0],[122.0,31.0],[122.0,31.5],[121.4,31.5],[121.4,31.0]]]}""", "outlet.service_area_geojson");
        var modes = ServiceModes.Create(carryIn: true, mailIn: false, onSite: true, onSiteRadiusKm: 5, hasServiceArea: true, "outlet.modes");
        var job = Job(ServiceMode.OnSite, customer: CustomerAt30Km);

        Assert.Empty(Codes(Outlet(modes: modes, area: area), job));
        Assert.Equal([UnavailabilityCode.OutsideOnSiteArea], Codes(Outlet(modes: modes), job));
    }

    [Fact]
    public void An_on_site_job_outside_both_the_radius_and_the_service_area_is_unavailable_and_mentions_the_area()
    {
        var area = ServiceArea.Parse("""{"type":"Polygon","coordinates":[[[121.4,31.0],[122.0,31.0],[122.0,31.5],[121.4,31.5],[121.4,31.0]]]}""", "outlet.service_area_geojson");
        var modes = ServiceModes.Create(carryIn: false, mailIn: false, onSite: true, onSiteRadiusKm: 0, hasServiceArea: true, "outlet.modes");

        var inside = Codes(Outlet(modes: modes, area: area), Job(ServiceMode.OnSite, customer: CustomerAt30Km));
        var outside = DispatchRules.StandingReasons(Outlet(modes: modes, area: area), Job(ServiceMode.OnSite, customer: Destination(Shanghai, 270, 30)), Today);

        Assert.Empty(inside);
        var reason = Assert.Single(outside);
        Assert.Equal(UnavailabilityCode.OutsideOnSiteArea, reason.Code);
        Assert.Contains("service area", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capability_the_outlet_does_not_offer_makes_it_unavailable()
    {
        var reasons = DispatchRules.StandingReasons(Outlet(), Job(capability: "laptop.keyboard"), Today);

        var reason = Assert.Single(reasons);
        Assert.Equal(UnavailabilityCode.CapabilityNotOffered, reason.Code);
        Assert.Contains("laptop.keyboard", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_offered_capability_with_no_technician_certified_for_it_is_unavailable()
    {
        var roster = new[] { Technician("t1", OutletId, onShift: true, ("phone.battery", FarFuture)) };

        Assert.Equal([UnavailabilityCode.NoCertifiedTechnicianOnShift], Codes(Outlet(roster: roster), Job()));
        Assert.Equal([UnavailabilityCode.NoCertifiedTechnicianOnShift], Codes(Outlet(roster: []), Job()));
    }

    [Fact]
    public void A_certified_technician_who_is_off_shift_does_not_count()
    {
        var offShift = new[] { Technician("t1", OutletId, onShift: false, (Screen, FarFuture)) };
        var oneOnShift = new[] { offShift[0], Technician("t2", OutletId, onShift: true, (Screen, FarFuture)) };

        Assert.Equal([UnavailabilityCode.NoCertifiedTechnicianOnShift], Codes(Outlet(roster: offShift), Job()));
        Assert.Empty(Codes(Outlet(roster: oneOnShift), Job()));
    }

    [Fact]
    public void Certification_is_valid_through_its_expiry_day_and_not_after()
    {
        var outlet = Outlet(roster: [Technician("t1", OutletId, onShift: true, (Screen, Today))]);

        Assert.Empty(Codes(outlet, Job(), Today));
        Assert.Empty(Codes(outlet, Job(), Today.AddDays(-30)));
        Assert.Equal([UnavailabilityCode.NoCertifiedTechnicianOnShift], Codes(outlet, Job(), Today.AddDays(1)));
    }

    [Fact]
    public void A_certification_that_expired_the_day_before_is_not_valid()
    {
        var outlet = Outlet(roster: [Technician("t1", OutletId, onShift: true, (Screen, Today.AddDays(-1)))]);

        var reason = Assert.Single(DispatchRules.StandingReasons(outlet, Job(), Today));

        Assert.Equal(UnavailabilityCode.NoCertifiedTechnicianOnShift, reason.Code);
        Assert.Contains("2025-06-10", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Summarized_certifications_keep_the_latest_expiry_among_on_shift_technicians_only()
    {
        var roster = new[]
        {
            Technician("t1", OutletId, onShift: true, (Screen, Today), ("phone.battery", FarFuture)),
            Technician("t2", OutletId, onShift: true, (Screen, Today.AddDays(5))),
            Technician("t3", OutletId, onShift: false, (Screen, FarFuture), ("laptop.keyboard", FarFuture)),
        };

        var summary = OutletListing.SummarizeOnShift(roster);

        Assert.Equal(
            [new Certification { Capability = "phone.battery", ExpiresOn = FarFuture }, new Certification { Capability = Screen, ExpiresOn = Today.AddDays(5) }],
            summary);
        var outlet = Outlet(roster: roster);
        Assert.Empty(Codes(outlet, Job(), Today.AddDays(5)));
        Assert.Equal([UnavailabilityCode.NoCertifiedTechnicianOnShift], Codes(outlet, Job(), Today.AddDays(6)));
    }

    [Fact]
    public void Every_broken_rule_is_reported_together()
    {
        var outlet = Outlet(status: OutletStatus.Paused, roster: []);

        Assert.Equal(
            [UnavailabilityCode.OutletPaused, UnavailabilityCode.OutsideOnSiteArea, UnavailabilityCode.NoCertifiedTechnicianOnShift],
            Codes(outlet, Job(ServiceMode.OnSite, customer: CustomerAt30Km)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public void Capacity_is_full_at_exactly_capacity_bookings_and_not_one_before(int capacity)
    {
        var full = DispatchRules.CapacityReason(capacity, capacity, Today);
        var over = DispatchRules.CapacityReason(capacity + 1, capacity, Today);
        var notFull = DispatchRules.CapacityReason(capacity - 1, capacity, Today);

        Assert.NotNull(full);
        Assert.Equal(UnavailabilityCode.CapacityFullToday, full.Code);
        Assert.Contains("2025-06-10", full.Message, StringComparison.Ordinal);
        Assert.Equal(UnavailabilityCode.CapacityFullToday, over?.Code);
        Assert.Null(notFull);
    }
}
