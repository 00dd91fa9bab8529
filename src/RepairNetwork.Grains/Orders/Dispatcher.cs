using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Orders;

/// <summary>The <c>Dispatch</c> configuration: the planner's policy (defaults in <see cref="DispatchPolicy"/>) and the grains' timing.</summary>
public sealed class DispatchOptions
{
    /// <summary>Farthest a carry-in customer is sent, in km.</summary>
    public double CarryInMaxDistanceKm { get; set; } = DispatchPolicy.Default.CarryInReachKm;

    /// <summary>Farthest outlet considered for on-site visits (each outlet's own radius or area still applies).</summary>
    public double OnSiteMaxDistanceKm { get; set; } = DispatchPolicy.Default.OnSiteReachKm;

    /// <summary>Farthest mail-in outlet; the whole earth by default, since parcels travel.</summary>
    public double MailInMaxDistanceKm { get; set; } = DispatchPolicy.Default.MailInReachKm;

    /// <summary>Outlets examined per order before it is left unassigned; bounds work per dispatch.</summary>
    public int MaxOutletsExamined { get; set; } = DispatchPolicy.Default.MaxOutletsExamined;

    /// <summary>How often an order no outlet could take is dispatched again (a durable reminder).</summary>
    public TimeSpan UnassignedRetryPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Passed-over outlets kept on an order, in the order dispatch tried them.</summary>
    public int MaxPassedOverRecorded { get; set; } = DispatchPolicy.Default.MaxPassedOverRecorded;

    /// <summary>
    /// How many km of distance an outlet's service quality (rating, on-time rate) may make up. The
    /// best outlet can overtake a worse one at most this much nearer; 0 ranks by distance alone.
    /// </summary>
    public double QualityTieBreakKm { get; set; } = DispatchPolicy.Default.QualityTieBreakKm;

    /// <summary>
    /// How often a due service-level reminder repeats until the order acts on it; each order's
    /// reminder is re-aimed at its next deadline, so this only matters when a tick is missed.
    /// </summary>
    public TimeSpan ServiceLevelCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Farthest a sibling outlet may be from the chosen outlet to send it parts by transfer, in km.
    /// A job whose parts no capable outlet holds goes to the nearest one a sibling this close can supply.
    /// </summary>
    public double TransferMaxDistanceKm { get; set; } = DispatchPolicy.Default.TransferMaxDistanceKm;

    /// <summary>Capable outlets short of parts tried as transfer destinations, in ranking order.</summary>
    public int MaxTransferDestinations { get; set; } = DispatchPolicy.Default.MaxTransferDestinations;

    /// <summary>Siblings examined as a transfer's source per destination, nearest first.</summary>
    public int MaxTransferSourcesExamined { get; set; } = DispatchPolicy.Default.MaxTransferSourcesExamined;

    /// <summary>A job is booked for today only while at least this much of today's service time is left; later, the next service day.</summary>
    public TimeSpan ServiceDayCutOff { get; set; } = DispatchPolicy.Default.ServiceDayCutOff;

    public DispatchPolicy ToPolicy() => new()
    {
        ServiceDayCutOff = ServiceDayCutOff,
        CarryInReachKm = CarryInMaxDistanceKm,
        OnSiteReachKm = OnSiteMaxDistanceKm,
        MailInReachKm = MailInMaxDistanceKm,
        MaxOutletsExamined = MaxOutletsExamined,
        MaxPassedOverRecorded = MaxPassedOverRecorded,
        QualityTieBreakKm = QualityTieBreakKm,
        TransferMaxDistanceKm = TransferMaxDistanceKm,
        MaxTransferDestinations = MaxTransferDestinations,
        MaxTransferSourcesExamined = MaxTransferSourcesExamined,
    };
}

/// <summary>
/// What the order will say when it offers the job: the outlet stores its Offered job event and when
/// the offer lapses with the booking, in one write. <paramref name="OrderRevision"/> is the audit
/// sequence the offer will get, so the order's own (later) append of the event is recognised as a repeat.
/// </summary>
/// <paramref name="Response"/> is the order's response promise: outlets that cannot respond before it
/// falls due are passed over.
/// </summary>
public sealed record OfferNotice(int OrderRevision, DateTimeOffset At, TimeSpan AcceptanceWindow, ServicePromise? Response = null);

/// <summary>
/// The outcome of one dispatch: an assignment, or the reason there is none. <paramref name="OutletTime"/>
/// is the business calendar the offer was timed with (the order's acceptance window and deadlines use the same).
/// </summary>
public sealed record DispatchOutcome(Assignment? Assignment, ImmutableArray<PassedOverOutlet> PassedOver, string UnassignedReason, BusinessCalendar? OutletTime = null);

/// <summary>
/// Sends a job where <see cref="DispatchPlanner"/> says: candidates come in the planner's order from
/// this silo's index, those its screening refuses are passed over without a call, and the first
/// outlet whose grain books the job wins. The outlet grain screens again with its live bookings, so a
/// stale index never overbooks. A job that names spare parts goes to the first capable outlet that
/// can hold them now; failing that, to the first capable one a sibling (the planner's transfer
/// sources) can send them to, with the parts held at the sibling and the transfer requested here.
/// This class gathers inputs (stock, bookings) and books; it decides nothing itself.
/// </summary>
public sealed class Dispatcher(IOutletIndex index, IGrainFactory grains, TimeProvider clock, DispatchPlanner planner, IHolidayCalendarCache calendars, Telemetry.RepairNetworkMetrics metrics)
{
    /// <summary>The transfer a dispatch requests for the order's <paramref name="attempt"/>-th offer (1 = first).</summary>
    public static string TransferIdFor(string orderId, int attempt) => TransferRequest.DispatchTransferId(orderId, attempt);

    /// <param name="parts">Spare parts the job needs (one line per SKU); empty when none are named.</param>
    /// <param name="resuming">
    /// The order was dispatched before and the outcome may not have been saved (a crash, a lost reply):
    /// an outlet may already hold its booking, so that booking is found and kept instead of booking a
    /// second outlet. Costs one read per nearby candidate, on this rare path only.
    /// </param>
    /// <param name="preferredOutletId">
    /// An outlet chosen ahead (a routing batch's plan): booked first if it can still take the job,
    /// otherwise the job is dispatched as usual. Not used for jobs that name parts (batch jobs name none).
    /// </param>
    /// <param name="offer">
    /// How the offer will read, so that a booking that needs nothing more (no parts to hold) stores the
    /// outlet's Offered job event with it. Bookings that may still be given back (parts not yet held)
    /// leave the event to the order.
    /// </param>
    /// <param name="appointmentOutletId">
    /// The outlet where the order's appointment holds a technician's time: the order goes there or
    /// nowhere, so the customer is never sent elsewhere while their slot is held.
    /// </param>
    public async Task<DispatchOutcome> Dispatch(string orderId, JobRequirement job, ImmutableArray<PartQuantity> parts = default, bool resuming = false, IReadOnlyCollection<string>? excludedOutlets = null, string? preferredOutletId = null, OfferNotice? offer = null, string? appointmentOutletId = null)
    {
        if (appointmentOutletId is not null)
        {
            return await TryPreferred(orderId, job, appointmentOutletId, offer, appointment: true) is { } held
                ? new DispatchOutcome(held.Assignment, [], string.Empty, held.OutletTime)
                : new DispatchOutcome(null, [], DispatchExplanation.AppointmentRefused(appointmentOutletId));
        }

        using var timing = metrics.TimeDispatch();
        var policy = planner.Policy;
        var maxKm = planner.Reach(job.Mode);
        var passedOver = ImmutableArray.CreateBuilder<PassedOverOutlet>();
        var shortOfParts = new List<(OutletListing Listing, double DistanceKm, int PassedOverIndex)>();
        var examined = 0;
        var now = clock.GetUtcNow();
        parts = parts.IsDefault ? [] : parts;

        excludedOutlets ??= [];
        var transferId = TransferIdFor(orderId, excludedOutlets.Count + 1);
        if (resuming && await FindExistingBooking(orderId, job, excludedOutlets) is { } kept)
        {
            var supply = parts.IsEmpty ? null : await HoldParts(orderId, parts, kept.Listing, transferId);
            if (parts.IsEmpty || supply is not null)
            {
                return Assigned(kept.Listing, kept.DistanceKm, kept.Booking, supply, []);
            }

            // The booking survived but the parts cannot be held: give it up and dispatch afresh.
            await grains.GetGrain<IOutletGrain>(kept.Listing.OutletId).ReleaseBooking(orderId);
        }

        if (preferredOutletId is not null && parts.IsEmpty && !excludedOutlets.Contains(preferredOutletId) && await TryPreferred(orderId, job, preferredOutletId, offer) is { } planned)
        {
            return new DispatchOutcome(planned.Assignment, [], string.Empty, planned.OutletTime);
        }

        foreach (var (listing, distance) in planner.Ranked(index.Current, job, maxKm))
        {
            if (excludedOutlets.Contains(listing.OutletId))
            {
                // Declined this job or let its offer lapse: never offered it again.
                passedOver.Add(new PassedOverOutlet { OutletId = listing.OutletId, DistanceKm = distance, Reasons = [DispatchRules.AlreadyTurnedDown] });
                continue;
            }

            if (++examined > policy.MaxOutletsExamined)
            {
                break;
            }

            var outletTime = calendars.CalendarOf(listing);
            var reasons = DispatchPlanner.Screen(planner.Inputs(listing, outletTime, job, now), job, now, offer?.Response).Reasons;
            if (reasons.IsEmpty && !parts.IsEmpty && await Shortfall(listing.OutletId, parts) is { } shortReason)
            {
                // Capable but short of parts: a candidate for a transfer once no outlet has them.
                shortOfParts.Add((listing, distance, passedOver.Count));
                reasons = [shortReason];
            }

            if (reasons.IsEmpty)
            {
                var booking = await grains.GetGrain<IOutletGrain>(listing.OutletId).TryBook(orderId, job, AnswerBy(offer, outletTime), parts.IsEmpty ? OfferedEvent(orderId, listing.OutletId, distance, offer, outletTime) : null, offer?.Response);
                if (booking.Booked)
                {
                    if (parts.IsEmpty)
                    {
                        return Assigned(listing, distance, booking, null, passedOver);
                    }

                    var held = await grains.GetGrain<IOutletInventoryGrain>(listing.OutletId).Reserve(orderId, parts);
                    if (held.Reserved)
                    {
                        return Assigned(listing, distance, booking, new PartsSupply { Mode = PartsSupplyMode.ReservedInStock, HeldAtOutletId = listing.OutletId }, passedOver);
                    }

                    // Taken by another order since the stock was read.
                    await grains.GetGrain<IOutletGrain>(listing.OutletId).ReleaseBooking(orderId);
                    shortOfParts.Add((listing, distance, passedOver.Count));
                    reasons = [DispatchRules.PartsShortReason(held.Shortfalls)];
                }
                else
                {
                    reasons = booking.Reasons;
                }
            }

            passedOver.Add(new PassedOverOutlet { OutletId = listing.OutletId, DistanceKm = distance, Reasons = reasons });
        }

        // No capable outlet holds the parts: the first one a sibling can send them to.
        foreach (var (listing, distance, at) in planner.TransferDestinations(shortOfParts))
        {
            var booking = await grains.GetGrain<IOutletGrain>(listing.OutletId).TryBook(orderId, job, AnswerBy(offer, calendars.CalendarOf(listing)), respond: offer?.Response);
            if (!booking.Booked)
            {
                passedOver[at] = passedOver[at] with { Reasons = booking.Reasons };
                continue;
            }

            if (await HoldAtSibling(orderId, parts, listing, transferId) is { } supply)
            {
                var before = passedOver.Take(at).Concat(passedOver.Skip(at + 1)).Where(p => p.DistanceKm <= distance);
                return Assigned(listing, distance, booking, supply, before);
            }

            await grains.GetGrain<IOutletGrain>(listing.OutletId).ReleaseBooking(orderId);
            passedOver[at] = passedOver[at] with { Reasons = [DispatchRules.NoTransferSourceReason(passedOver[at].Reasons[0], policy.TransferMaxDistanceKm)] };
        }

        var reason = DispatchExplanation.Unassigned(job, maxKm, passedOver.Count, passedOver.Count == 0 ? null : passedOver[0]);
        return new DispatchOutcome(null, planner.Recorded(passedOver), reason);

        DispatchOutcome Assigned(OutletListing listing, double distance, BookingResult booking, PartsSupply? supply, IEnumerable<PassedOverOutlet> before)
        {
            var recorded = planner.Recorded(before);
            var assignment = new Assignment
            {
                OutletId = listing.OutletId,
                OutletName = booking.Listing.Profile.Name,
                DistanceKm = distance,
                BookedForDate = booking.LocalDate,
                AssignedAt = clock.GetUtcNow(),
                Parts = supply,
                Explanation = DispatchExplanation.For(listing.OutletId, distance, recorded, supply),
            };
            return new DispatchOutcome(assignment, recorded, string.Empty, calendars.CalendarOf(listing));
        }
    }

    /// <summary>Why the outlet cannot hold the parts from its stock now, or null when it can.</summary>
    private async Task<Unavailability?> Shortfall(string outletId, ImmutableArray<PartQuantity> parts)
    {
        var stock = await grains.GetGrain<IOutletInventoryGrain>(outletId).Get([.. parts.Select(p => p.Sku)]);
        var levels = stock.Levels.ToDictionary(l => l.Sku, StringComparer.Ordinal);
        var shortfalls = Reservations.Shortfalls(new StockChange(levels, stock.Version, clock.GetUtcNow()), parts);
        return shortfalls.IsEmpty ? null : DispatchRules.PartsShortReason(shortfalls);
    }

    /// <summary>Holds the parts at the outlet itself, or else at a sibling that sends them; null when neither can.</summary>
    private async Task<PartsSupply?> HoldParts(string orderId, ImmutableArray<PartQuantity> parts, OutletListing outlet, string transferId)
    {
        var held = await grains.GetGrain<IOutletInventoryGrain>(outlet.OutletId).Reserve(orderId, parts);
        return held.Reserved
            ? new PartsSupply { Mode = PartsSupplyMode.ReservedInStock, HeldAtOutletId = outlet.OutletId }
            : await HoldAtSibling(orderId, parts, outlet, transferId);
    }

    /// <summary>
    /// The nearest sibling within reach that holds every part for the order, with the transfer to the
    /// destination requested (idempotent: a resumed dispatch finds the same hold and transfer).
    /// </summary>
    private async Task<PartsSupply?> HoldAtSibling(string orderId, ImmutableArray<PartQuantity> parts, OutletListing destination, string transferId)
    {
        var siblings = planner.TransferSources(index.Current, destination);
        foreach (var (sibling, distance) in siblings)
        {
            var held = await grains.GetGrain<IOutletInventoryGrain>(sibling.OutletId).Reserve(orderId, parts);
            if (!held.Reserved)
            {
                continue;
            }

            var request = TransferRequest.ForDispatch(
                transferId,
                sibling.OutletId,
                destination.OutletId,
                [.. parts.Select(p => ((string?)p.Sku, p.Quantity))],
                orderId,
                $"parts for repair order {orderId}, requested by dispatch");
            await grains.GetGrain<ITransferGrain>(transferId).Request(request, Actor.Platform);
            return new PartsSupply { Mode = PartsSupplyMode.Transfer, HeldAtOutletId = sibling.OutletId, TransferId = transferId, TransferDistanceKm = distance };
        }

        return null;
    }

    private static DateTimeOffset? AnswerBy(OfferNotice? offer, BusinessCalendar outletTime) =>
        offer is null ? null : RepairOrder.AnswerBy(offer.At, offer.AcceptanceWindow, outletTime);

    /// <summary>The Offered job event the outlet stores with the booking; null when the order will append it.</summary>
    private static JobEvent? OfferedEvent(string orderId, string outletId, double distanceKm, OfferNotice? offer, BusinessCalendar outletTime) =>
        offer is null
            ? null
            : new JobEvent
            {
                OrderId = orderId,
                Kind = JobEventKind.Offered,
                At = offer.At,
                Detail = RepairOrder.OfferDetail(outletId, distanceKm, RepairOrder.AnswerBy(offer.At, offer.AcceptanceWindow, outletTime), outletTime),
                OrderRevision = offer.OrderRevision,
            };

    private async Task<(Assignment Assignment, BusinessCalendar OutletTime)?> TryPreferred(string orderId, JobRequirement job, string outletId, OfferNotice? offer, bool appointment = false)
    {
        // An appointment's outlet is asked even before this silo's index has it (it held the slot just now).
        var listing = index.Current.Find(outletId) ?? (appointment ? await grains.GetGrain<IOutletGrain>(outletId).Get() : null);
        if (listing is null || planner.PlannedCandidate(listing, job) is not { DistanceKm: var distance })
        {
            return null;
        }

        var outletTime = calendars.CalendarOf(listing);
        var booking = await grains.GetGrain<IOutletGrain>(outletId).TryBook(orderId, job, AnswerBy(offer, outletTime), OfferedEvent(orderId, outletId, distance, offer, outletTime), offer?.Response);
        return booking.Booked
            ? (new Assignment
            {
                OutletId = outletId,
                OutletName = booking.Listing.Profile.Name,
                DistanceKm = distance,
                BookedForDate = booking.LocalDate,
                AssignedAt = clock.GetUtcNow(),
                Explanation = appointment ? DispatchExplanation.Appointment(outletId, distance) : DispatchExplanation.Planned(outletId, distance),
            }, outletTime)
            : null;
    }

    private async Task<(OutletListing Listing, double DistanceKm, BookingResult Booking)?> FindExistingBooking(string orderId, JobRequirement job, IReadOnlyCollection<string> excludedOutlets)
    {
        // The same candidates an earlier attempt could have booked, in the same order.
        var candidates = planner.Ranked(index.Current, job)
            .Where(c => !excludedOutlets.Contains(c.Listing.OutletId))
            .Take(planner.Policy.MaxOutletsExamined)
            .ToList();
        var bookings = await Task.WhenAll(candidates.Select(c => grains.GetGrain<IOutletGrain>(c.Listing.OutletId).FindBooking(orderId)));
        for (var i = 0; i < candidates.Count; i++)
        {
            if (bookings[i] is { } booking)
            {
                return (candidates[i].Listing, candidates[i].DistanceKm, booking);
            }
        }

        return null;
    }
}
