using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class DispatchPlannerTests
{
    private const string Screen = "phone.screen";

    // 04:00 UTC is noon in Shanghai: the outlets' local day is the 18th.
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 18);

    private static readonly ServiceScore Excellent = ServiceScore.None.WithRating(5).WithCompletion(onTime: true);
    private static readonly ServiceScore Poor = ServiceScore.None.WithRating(1).WithCompletion(onTime: false);

    private static IEnumerable<TechnicianProfile> Certified(string outletId) =>
        [Technician(outletId + "-T", outletId, onShift: true, (Screen, Today.AddYears(1)))];

    private static OutletListing Outlet(string id, double bearing, double km, OutletStatus status = OutletStatus.Open, bool certified = true, ServiceScore? score = null, DateOnly? fullOn = null) =>
        Listing(id, Destination(Shanghai, bearing, km), status: status, roster: certified ? Certified(id) : []) with
        {
            Score = score ?? ServiceScore.None,
            FullOn = fullOn,
        };

    private static JobRequirement Job(ServiceMode mode = ServiceMode.CarryIn, GeoPoint? customer = null) =>
        new() { Capability = Screen, Mode = mode, CustomerLocation = customer ?? Shanghai };

    [Fact]
    public void Screening_reports_every_rule_that_fails_not_just_the_first()
    {
        var outlet = Outlet("all-wrong", 0, 1, status: OutletStatus.Paused, certified: false);

        var screening = DispatchPlanner.Screen(new OutletInputs(outlet, Today, Booked: 10), Job(), Now);

        Assert.False(screening.CanTakeJob);
        Assert.Equal(
            [UnavailabilityCode.OutletPaused, UnavailabilityCode.NoCertifiedTechnicianOnShift, UnavailabilityCode.CapacityFullToday],
            screening.Reasons.Select(r => r.Code));
        Assert.Equal(0, screening.CapacityLeft);
    }

    [Fact]
    public void Screening_an_on_site_job_reports_the_area_and_the_capacity_together()
    {
        var modes = ServiceModes.Create(carryIn: true, mailIn: false, onSite: true, onSiteRadiusKm: 5, hasServiceArea: false, "outlet.modes");
        var outlet = new OutletListing
        {
            Profile = Profile("on-site", Shanghai, modes: modes),
            Status = OutletStatus.Closed,
            OnShiftCertifications = OutletListing.SummarizeOnShift(Certified("on-site")),
            Version = 1,
            UpdatedAt = Now,
        };

        var screening = DispatchPlanner.Screen(new OutletInputs(outlet, Today, Booked: 12), Job(ServiceMode.OnSite, Destination(Shanghai, 90, 20)), Now);

        Assert.Equal([UnavailabilityCode.OutletClosed, UnavailabilityCode.OutsideOnSiteArea, UnavailabilityCode.CapacityFullToday], screening.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void Screening_counts_the_bookings_given_and_leaves_room_to_the_last_job()
    {
        var outlet = Outlet("room", 0, 1);

        var oneLeft = DispatchPlanner.Screen(new OutletInputs(outlet, Today, Booked: 9), Job(), Now);
        var full = DispatchPlanner.Screen(new OutletInputs(outlet, Today, Booked: 10), Job(), Now);

        Assert.True(oneLeft.CanTakeJob);
        Assert.Equal(1, oneLeft.CapacityLeft);
        Assert.Equal([UnavailabilityCode.CapacityFullToday], full.Reasons.Select(r => r.Code));
    }

    [Fact]
    public void Screening_without_a_booking_count_trusts_the_listings_full_day_hint_for_that_day_only()
    {
        var fullToday = Outlet("hinted", 0, 1, fullOn: Today);
        var fullYesterday = Outlet("hinted", 0, 1, fullOn: Today.AddDays(-1));

        Assert.Equal([UnavailabilityCode.CapacityFullToday], DispatchPlanner.Screen(OutletInputs.At(fullToday, Now), Job(), Now).Reasons.Select(r => r.Code));
        Assert.True(DispatchPlanner.Screen(OutletInputs.At(fullYesterday, Now), Job(), Now).CanTakeJob);
        Assert.False(DispatchPlanner.MayHaveRoom(OutletInputs.At(fullToday, Now)));
        Assert.True(DispatchPlanner.PassesStandingRules(OutletInputs.At(fullToday, Now), Job()));
    }

    [Fact]
    public void Screening_uses_the_outlets_local_day_at_the_time_given()
    {
        // 23:30 UTC on the 17th is already 07:30 on the 18th in Shanghai.
        var inputs = OutletInputs.At(Outlet("local", 0, 1), new DateTimeOffset(2026, 11, 17, 23, 30, 0, TimeSpan.Zero));

        Assert.Equal(Today, inputs.LocalDay);
    }

    [Fact]
    public void Screening_says_whether_the_outlet_is_open_but_opening_hours_do_not_refuse_a_job_yet()
    {
        var outlet = Outlet("hours", 0, 1);
        var evening = new DateTimeOffset(2026, 11, 18, 14, 0, 0, TimeSpan.Zero); // 22:00 in Shanghai, after 18:00 closing

        var atNoon = DispatchPlanner.Screen(OutletInputs.At(outlet, Now), Job(), Now);
        var atNight = DispatchPlanner.Screen(OutletInputs.At(outlet, evening), Job(), evening);

        Assert.True(atNoon.OpenNow);
        Assert.False(atNight.OpenNow);
        Assert.True(atNight.CanTakeJob);
    }

    [Fact]
    public void Capacity_left_never_goes_below_zero_when_capacity_was_lowered_below_the_bookings()
    {
        Assert.Equal(0, DispatchRules.CapacityLeft(bookedOnDay: 12, dailyCapacity: 10));
        Assert.True(DispatchRules.IsFull(bookedOnDay: 12, dailyCapacity: 10));
        Assert.Equal(3, DispatchRules.CapacityLeft(bookedOnDay: 7, dailyCapacity: 10));
    }

    [Theory]
    [InlineData(ServiceMode.CarryIn, 120)]
    [InlineData(ServiceMode.OnSite, 30)]
    [InlineData(ServiceMode.MailIn, 900)]
    public void Reach_is_the_policys_distance_for_the_service_mode(ServiceMode mode, double expected)
    {
        var planner = new DispatchPlanner(new DispatchPolicy { CarryInReachKm = 120, OnSiteReachKm = 30, MailInReachKm = 900 });

        Assert.Equal(expected, planner.Reach(mode));
    }

    [Fact]
    public void The_default_reach_is_200_km_carry_in_500_km_on_site_and_anywhere_by_mail()
    {
        Assert.Equal(200, DispatchPlanner.Default.Reach(ServiceMode.CarryIn));
        Assert.Equal(ServiceModes.MaxOnSiteRadiusKm, DispatchPlanner.Default.Reach(ServiceMode.OnSite));
        Assert.Equal(GreatCircle.MaxDistanceKm, DispatchPlanner.Default.Reach(ServiceMode.MailIn));
    }

    [Fact]
    public void Ranking_puts_a_better_outlet_ahead_of_a_slightly_nearer_one_and_stops_at_the_reach()
    {
        var index = OutletSpatialIndex.Empty.With(
        [
            Outlet("poor", 0, 3.0, score: Poor),
            Outlet("good", 90, 3.4, score: Excellent),
            Outlet("far", 180, 8),
            Outlet("beyond", 270, 250),
        ]);

        var ranked = DispatchPlanner.Default.Ranked(index, Job()).Select(c => c.Listing.OutletId);

        Assert.Equal(["good", "poor", "far"], ranked);
    }

    [Fact]
    public void Ranking_by_distance_alone_when_the_tie_break_is_off()
    {
        var index = OutletSpatialIndex.Empty.With([Outlet("poor", 0, 3.0, score: Poor), Outlet("good", 90, 3.4, score: Excellent)]);
        var planner = new DispatchPlanner(new DispatchPolicy { QualityTieBreakKm = 0 });

        Assert.Equal(["poor", "good"], planner.Ranked(index, Job()).Select(c => c.Listing.OutletId));
    }

    [Fact]
    public void Batch_candidates_come_in_the_planners_order_with_the_least_distance_as_lower_bound()
    {
        var index = OutletSpatialIndex.Empty.With([Outlet("poor", 0, 3.0, score: Poor), Outlet("good", 90, 3.4, score: Excellent)]);

        var routed = RouteCandidates.Find(index, Job(), priority: 0, Now, maxDistanceKm: 200, take: 8, maxCapable: 50);

        Assert.Equal(["good", "poor"], routed.Candidates.Select(c => c.OutletId));
        Assert.Equal(3.0, routed.NearestCapableKm!.Value, 3);
    }

    [Fact]
    public void A_planned_outlet_must_offer_the_capability_and_be_within_reach()
    {
        var near = Outlet("near", 0, 3);
        var beyond = Outlet("beyond", 0, 250);

        Assert.Equal(3, DispatchPlanner.Default.PlannedCandidate(near, Job())!.Value.DistanceKm, 1);
        Assert.Null(DispatchPlanner.Default.PlannedCandidate(beyond, Job()));
        Assert.Null(DispatchPlanner.Default.PlannedCandidate(near, Job() with { Capability = "tv.panel" }));
        Assert.NotNull(DispatchPlanner.Default.PlannedCandidate(beyond, Job(ServiceMode.MailIn)));
    }

    [Fact]
    public void Transfer_sources_are_the_nearest_siblings_not_closed_within_the_transfer_distance()
    {
        var destination = Outlet("dest", 0, 0.1);
        var index = OutletSpatialIndex.Empty.With(
        [
            destination,
            Outlet("paused-sibling", 0, 5, status: OutletStatus.Paused),
            Outlet("closed-sibling", 90, 2, status: OutletStatus.Closed),
            Outlet("sibling", 180, 10),
            Outlet("too-far", 270, 80),
        ]);

        var sources = DispatchPlanner.Default.TransferSources(index, destination).Select(s => s.Listing.OutletId);

        Assert.Equal(["paused-sibling", "sibling"], sources);
    }

    [Fact]
    public void The_transfer_fallback_tries_only_the_first_outlets_short_of_parts()
    {
        var planner = new DispatchPlanner(new DispatchPolicy { MaxTransferDestinations = 2 });

        Assert.Equal(["a", "b"], planner.TransferDestinations(["a", "b", "c"]));
    }

    [Fact]
    public void The_unassigned_sentence_names_how_many_were_examined_and_why_the_first_could_not()
    {
        var first = new PassedOverOutlet
        {
            OutletId = "OUT-1",
            DistanceKm = 1.04,
            Reasons = [new Unavailability { Code = UnavailabilityCode.OutletPaused, Message = "outlet is paused and takes no new jobs" }, new Unavailability { Code = UnavailabilityCode.CapacityFullToday, Message = "all 10 jobs of 2026-11-18 are booked" }],
        };

        Assert.Equal(
            "none of the 3 nearest outlets offering phone.screen within 200 km can take the job now; nearest: OUT-1 at 1.0 km (outlet is paused and takes no new jobs; all 10 jobs of 2026-11-18 are booked)",
            DispatchExplanation.Unassigned(Job(), 200, 3, first));
        Assert.Equal("no outlet offering phone.screen (carry-in) within 200 km", DispatchExplanation.Unassigned(Job(), 200, 0, null));
    }

    [Fact]
    public void A_batch_job_refused_everywhere_is_explained_with_the_same_sentence_as_a_dispatch()
    {
        var index = OutletSpatialIndex.Empty.With([Outlet("paused", 0, 1, status: OutletStatus.Paused), Outlet("uncertified", 90, 2, certified: false)]);

        var routed = RouteCandidates.Find(index, Job(), priority: 0, Now, maxDistanceKm: 200, take: 8, maxCapable: 50);

        Assert.StartsWith("none of the 2 nearest outlets offering phone.screen within 200 km can take the job now; nearest: paused at 1.0 km (outlet is paused", routed.NoCandidateReason);
    }
}
