using RepairNetwork.Domain.Calendars;
using System.Collections.Immutable;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>The numbers dispatch plans with; configured under <c>Dispatch</c>.</summary>
public sealed record DispatchPolicy
{
    public static DispatchPolicy Default { get; } = new();

    /// <summary>Farthest a carry-in customer is sent, in km.</summary>
    public double CarryInReachKm { get; init; } = 200;

    /// <summary>Farthest outlet considered for on-site visits (each outlet's own radius or area still applies).</summary>
    public double OnSiteReachKm { get; init; } = ServiceModes.MaxOnSiteRadiusKm;

    /// <summary>Farthest mail-in outlet; the whole earth by default, since parcels travel.</summary>
    public double MailInReachKm { get; init; } = GreatCircle.MaxDistanceKm;

    /// <summary>Outlets examined per job before it is left unassigned; bounds work per dispatch.</summary>
    public int MaxOutletsExamined { get; init; } = 50;

    /// <summary>
    /// Passed-over outlets kept on an order, in the order they were examined: by default every outlet
    /// examined, so the order says why each closer outlet was not chosen, as the API promises.
    /// </summary>
    public int MaxPassedOverRecorded { get; init; } = 50;

    /// <summary>How many km of distance an outlet's service quality may make up (0: distance alone).</summary>
    public double QualityTieBreakKm { get; init; } = 1.0;

    /// <summary>Farthest a sibling outlet may be from the chosen outlet to send it parts by transfer, in km.</summary>
    public double TransferMaxDistanceKm { get; init; } = 50;

    /// <summary>Capable outlets short of parts tried as transfer destinations, in ranking order.</summary>
    public int MaxTransferDestinations { get; init; } = 5;

    /// <summary>Siblings examined as a transfer's source per destination, nearest first.</summary>
    public int MaxTransferSourcesExamined { get; init; } = 10;

    /// <summary>
    /// A job is booked for today only while at least this much of today's service time is left
    /// (before the outlet closes, or its last certified technician's shift ends); later, the next day.
    /// </summary>
    public TimeSpan ServiceDayCutOff { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The outlet's business time for one job at one moment: its calendar, its service day for the job
/// and the schedules of the technicians who could do it (null: only the outlet's hours matter).
/// </summary>
public sealed record OutletTime(BusinessCalendar Calendar, ServiceDay ServiceDay, IReadOnlyCollection<TechnicianSchedule>? Technicians);

/// <summary>
/// What the planner is told about one outlet besides its listing: its local day at the planning time
/// and the jobs booked on it, when the asker knows (the outlet itself, a capacity hint); unknown
/// falls back to the listing's full-on hint. Per-outlet inputs of future rules belong here (an
/// outlet's calendar: open hours, closures, technician shifts), so that such a rule ("can it respond
/// before the deadline", "its service day") is one more field and one more check in
/// <see cref="DispatchPlanner.Screen"/>, which already has the time.
/// </summary>
public readonly record struct OutletInputs(OutletListing Listing, DateOnly LocalDay, int? Booked = null, OutletTime? Time = null)
{
    public static OutletInputs At(OutletListing listing, DateTimeOffset now, int? booked = null) =>
        new(listing, listing.Profile.Hours.LocalDate(now), booked);

    /// <summary>Jobs booked on the local day as far as known: the count when given, else full or nothing by the listing's hint.</summary>
    public int BookedOrHinted => Booked ?? (Listing.FullOn == LocalDay ? Listing.Profile.DailyCapacity : 0);
}

/// <summary>
/// An outlet's answer to one job at one time: every rule it fails (all of them, empty when it can
/// take the job), the room it has left on its local day, and whether it is within its opening hours.
/// </summary>
public readonly record struct Screening(ImmutableArray<Unavailability> Reasons, int CapacityLeft, DateOnly LocalDay, bool OpenNow)
{
    public bool CanTakeJob => Reasons.IsEmpty;
}

/// <summary>
/// The one place dispatch is decided: which outlets can take a job (screening, every rule with its
/// reason), in which order they are tried (distance, with a quality tie-break), how far each service
/// mode reaches, which outlets may fall back to parts by transfer, and how the outcome is explained.
/// Pure: grains gather its inputs (listings, bookings, stock, the time) and book what it chose, and
/// lookups, single dispatch and batch routing all ask it, so they cannot disagree.
/// </summary>
public sealed class DispatchPlanner(DispatchPolicy policy)
{
    /// <summary>A planner with the default policy.</summary>
    public static DispatchPlanner Default { get; } = new(DispatchPolicy.Default);

    public DispatchPolicy Policy { get; } = policy;

    /// <summary>How far dispatch looks for an outlet of this service mode, in km.</summary>
    public double Reach(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => Policy.CarryInReachKm,
        ServiceMode.OnSite => Policy.OnSiteReachKm,
        _ => Policy.MailInReachKm,
    };

    /// <summary>
    /// Every rule for one outlet and job at <paramref name="now"/>: the standing rules (status, mode
    /// and reach of the outlet's on-site service, capability, certified technician on shift on the
    /// local day) and capacity on that day. All failures are reported, not just the first.
    /// </summary>
    /// <remarks>
    /// With the outlet's business time (<see cref="OutletInputs.Time"/>) two more rules apply: it must
    /// have a service day, and, when <paramref name="respond"/> is given, be open with a certified
    /// technician at work before the response deadline (an outlet closed for a ten-day holiday cannot
    /// take a job that must be answered tomorrow). A deadline already past bars nobody: it is missed
    /// wherever the job goes.
    /// </remarks>
    public static Screening Screen(in OutletInputs outlet, JobRequirement job, DateTimeOffset now, ServicePromise? respond = null)
    {
        var listing = outlet.Listing;
        var capacity = listing.Profile.DailyCapacity;
        var booked = outlet.BookedOrHinted;
        var reasons = DispatchRules.StandingReasons(listing, job, outlet.LocalDay);
        if (outlet.Time is { } time)
        {
            if (!time.ServiceDay.Found)
            {
                reasons = reasons.Add(DispatchRules.NoServiceDayReason(time.ServiceDay.Reason));
            }
            else if (respond?.DueAt(time.Calendar) is { } due && due > now && !(time.ServiceDay.StartsAt <= due))
            {
                // The service day starts too late; the outlet may still be open (and answer) before it.
                var next = time.Calendar.NextServiceTime(now, time.Technicians);
                if (next.OpensAt is not { } starts || starts > due)
                {
                    reasons = reasons.Add(DispatchRules.CannotRespondInTimeReason(next.Reason, time.Calendar.Describe(due)));
                }
            }
        }

        if (DispatchRules.CapacityReason(booked, capacity, outlet.LocalDay) is { } full)
        {
            reasons = reasons.Add(full);
        }

        var openNow = outlet.Time?.Calendar.IsOpenAt(now) ?? listing.Profile.Hours.IsOpenAt(now);
        return new Screening(reasons, DispatchRules.CapacityLeft(booked, capacity), outlet.LocalDay, openNow);
    }

    /// <summary>
    /// The planner's inputs for an outlet with its business time: the job is counted on the outlet's
    /// service day (today until <see cref="DispatchPolicy.ServiceDayCutOff"/> before its service time
    /// ends, else the next open day with a certified technician scheduled), and
    /// <paramref name="bookedOn"/>, when given, says how many jobs are booked on that day.
    /// </summary>
    public OutletInputs Inputs(OutletListing listing, BusinessCalendar calendar, JobRequirement job, DateTimeOffset now, Func<DateOnly, int>? bookedOn = null)
    {
        var today = calendar.LocalDate(now);
        var technicians = listing.SchedulesFor(job.Capability, today);
        // Nobody certified: the standing rule says so; the day is then judged on the outlet's hours alone.
        var serviceDay = calendar.FindServiceDay(now, Policy.ServiceDayCutOff, technicians is { Count: 0 } ? null : technicians);
        var day = serviceDay.Date ?? today;
        return new OutletInputs(listing, day, bookedOn?.Invoke(day), new OutletTime(calendar, serviceDay, technicians is { Count: 0 } ? null : technicians));
    }

    /// <summary>Whether the outlet passes every rule but capacity (the lower bound of batch routing ignores capacity).</summary>
    public static bool PassesStandingRules(in OutletInputs outlet, JobRequirement job) =>
        DispatchRules.StandingReasons(outlet.Listing, job, outlet.LocalDay).IsEmpty;

    /// <summary>Whether the outlet may have room on its local day as far as the inputs tell.</summary>
    public static bool MayHaveRoom(in OutletInputs outlet) =>
        !DispatchRules.IsFull(outlet.BookedOrHinted, outlet.Listing.Profile.DailyCapacity);

    /// <summary>
    /// The outlets offering the job's capability within <paramref name="maxDistanceKm"/>, in the order
    /// dispatch tries them: nearest first, an outlet's service quality moving it ahead of outlets at
    /// most <see cref="DispatchPolicy.QualityTieBreakKm"/> nearer. Lazy, like the index search.
    /// </summary>
    public IEnumerable<NearbyOutlet> Ranked(OutletSpatialIndex index, JobRequirement job, double maxDistanceKm)
    {
        var capability = job.Capability;
        return DispatchRanking.Rank(index.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(capability), maxDistanceKm), Policy.QualityTieBreakKm);
    }

    /// <summary>
    /// An outlet chosen ahead (a routing batch's plan) as a candidate for the job: it offers the
    /// capability and is within the mode's reach; null otherwise. Screening is still the outlet's, when it books.
    /// </summary>
    public NearbyOutlet? PlannedCandidate(OutletListing listing, JobRequirement job)
    {
        if (!listing.Profile.OffersCapability(job.Capability))
        {
            return null;
        }

        var distance = GreatCircle.DistanceKm(job.CustomerLocation, listing.Profile.Location);
        return distance <= Reach(job.Mode) ? new NearbyOutlet(listing, distance) : null;
    }

    /// <summary>The ranked candidates within the reach of the job's service mode.</summary>
    public IEnumerable<NearbyOutlet> Ranked(OutletSpatialIndex index, JobRequirement job) => Ranked(index, job, Reach(job.Mode));

    /// <summary>
    /// Where parts for a transfer to <paramref name="destination"/> may come from: siblings (not
    /// closed) within <see cref="DispatchPolicy.TransferMaxDistanceKm"/>, nearest first, up to
    /// <see cref="DispatchPolicy.MaxTransferSourcesExamined"/>.
    /// </summary>
    public IEnumerable<NearbyOutlet> TransferSources(OutletSpatialIndex index, OutletListing destination) =>
        index.Nearest(destination.Profile.Location, l => l.OutletId != destination.OutletId && DispatchRules.MaySupplyParts(l), Policy.TransferMaxDistanceKm)
            .Take(Policy.MaxTransferSourcesExamined);

    /// <summary>
    /// The fallback when no capable outlet holds a job's parts: the first
    /// <see cref="DispatchPolicy.MaxTransferDestinations"/> capable outlets short of them, in the order examined.
    /// </summary>
    public IEnumerable<T> TransferDestinations<T>(IEnumerable<T> shortOfPartsInOrder) =>
        shortOfPartsInOrder.Take(Policy.MaxTransferDestinations);

    /// <summary>The passed-over outlets an order keeps.</summary>
    public ImmutableArray<PassedOverOutlet> Recorded(IEnumerable<PassedOverOutlet> passedOver) =>
        [.. passedOver.Take(Policy.MaxPassedOverRecorded)];
}
