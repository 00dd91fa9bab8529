using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Orders;

public sealed class DispatchOptions
{
    /// <summary>Farthest a carry-in customer is sent, in km.</summary>
    public double CarryInMaxDistanceKm { get; set; } = 200;

    /// <summary>Farthest outlet considered for on-site visits (each outlet's own radius or area still applies).</summary>
    public double OnSiteMaxDistanceKm { get; set; } = ServiceModes.MaxOnSiteRadiusKm;

    /// <summary>Farthest mail-in outlet; the whole earth by default, since parcels travel.</summary>
    public double MailInMaxDistanceKm { get; set; } = GreatCircle.MaxDistanceKm;

    /// <summary>Outlets examined per order before it is left unassigned; bounds work per dispatch.</summary>
    public int MaxOutletsExamined { get; set; } = 50;

    /// <summary>How often an order no outlet could take is dispatched again (a durable reminder).</summary>
    public TimeSpan UnassignedRetryPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Passed-over outlets kept on an order, nearest first.</summary>
    public int MaxPassedOverRecorded { get; set; } = 20;

    /// <summary>
    /// How many km of distance an outlet's service quality (rating, on-time rate) may make up. The
    /// best outlet can overtake a worse one at most this much nearer; 0 ranks by distance alone.
    /// </summary>
    public double QualityTieBreakKm { get; set; } = 1.0;

    /// <summary>
    /// How often a due service-level reminder repeats until the order acts on it; each order's
    /// reminder is re-aimed at its next deadline, so this only matters when a tick is missed.
    /// </summary>
    public TimeSpan ServiceLevelCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public double MaxDistanceKm(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => CarryInMaxDistanceKm,
        ServiceMode.OnSite => OnSiteMaxDistanceKm,
        _ => MailInMaxDistanceKm,
    };
}

/// <summary>The outcome of one dispatch: an assignment, or the reason there is none.</summary>
public sealed record DispatchOutcome(Assignment? Assignment, ImmutableArray<PassedOverOutlet> PassedOver, string UnassignedReason);

/// <summary>
/// Sends a job to the nearest capable outlet: candidates come nearest-first from this silo's index,
/// those failing a standing rule are passed over without a call, and the first outlet whose grain
/// books the job wins. The outlet grain re-checks every rule, so a stale index never overbooks.
/// </summary>
public sealed class Dispatcher(IOutletIndex index, IGrainFactory grains, TimeProvider clock, IOptions<DispatchOptions> options)
{
    /// <param name="resuming">
    /// The order was dispatched before and the outcome may not have been saved (a crash, a lost reply):
    /// an outlet may already hold its booking, so that booking is found and kept instead of booking a
    /// second outlet. Costs one read per nearby candidate, on this rare path only.
    /// </param>
    /// <param name="preferredOutletId">
    /// An outlet chosen ahead (a routing batch's plan): booked first if it can still take the job,
    /// otherwise the job is dispatched as usual.
    /// </param>
    public async Task<DispatchOutcome> Dispatch(string orderId, JobRequirement job, bool resuming = false, IReadOnlyCollection<string>? excludedOutlets = null, string? preferredOutletId = null)
    {
        var settings = options.Value;
        var maxKm = settings.MaxDistanceKm(job.Mode);
        var passedOver = ImmutableArray.CreateBuilder<PassedOverOutlet>();
        var examined = 0;
        var now = clock.GetUtcNow();

        excludedOutlets ??= [];
        if (resuming && await FindExistingBooking(orderId, job, maxKm, excludedOutlets) is { } kept)
        {
            return new DispatchOutcome(kept, [], string.Empty);
        }

        if (preferredOutletId is not null && !excludedOutlets.Contains(preferredOutletId) && await TryPreferred(orderId, job, preferredOutletId, maxKm) is { } planned)
        {
            return new DispatchOutcome(planned, [], string.Empty);
        }

        var candidates = DispatchRanking.Rank(index.Current.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(job.Capability), maxKm), settings.QualityTieBreakKm);
        foreach (var (listing, distance) in candidates)
        {
            if (excludedOutlets.Contains(listing.OutletId))
            {
                // Declined this job or let its offer lapse: never offered it again.
                passedOver.Add(new PassedOverOutlet { OutletId = listing.OutletId, DistanceKm = distance, Reasons = [DispatchRules.AlreadyTurnedDown] });
                continue;
            }

            if (++examined > settings.MaxOutletsExamined)
            {
                break;
            }

            var today = listing.Profile.Hours.LocalDate(now);
            var reasons = DispatchRules.StandingReasons(listing, job, today);
            if (reasons.IsEmpty && listing.FullOn == today)
            {
                reasons = [DispatchRules.CapacityReason(listing.Profile.DailyCapacity, listing.Profile.DailyCapacity, today)!];
            }

            if (reasons.IsEmpty)
            {
                var booking = await grains.GetGrain<IOutletGrain>(listing.OutletId).TryBook(orderId, job);
                if (booking.Booked)
                {
                    var assignment = new Assignment
                    {
                        OutletId = listing.OutletId,
                        OutletName = booking.Listing.Profile.Name,
                        DistanceKm = distance,
                        BookedForDate = booking.LocalDate,
                        AssignedAt = clock.GetUtcNow(),
                    };
                    return new DispatchOutcome(assignment, Recorded(passedOver), string.Empty);
                }

                reasons = booking.Reasons;
            }

            passedOver.Add(new PassedOverOutlet { OutletId = listing.OutletId, DistanceKm = distance, Reasons = reasons });
        }

        var reason = passedOver.Count == 0
            ? $"no outlet offering {job.Capability} ({DispatchRules.Describe(job.Mode)}) within {maxKm:0} km"
            : $"none of the {passedOver.Count} nearest outlets offering {job.Capability} within {maxKm:0} km can take the job now; nearest: {passedOver[0].OutletId} at {passedOver[0].DistanceKm:0.0} km ({string.Join("; ", passedOver[0].Reasons.Select(r => r.Message))})";
        return new DispatchOutcome(null, Recorded(passedOver), reason);

        ImmutableArray<PassedOverOutlet> Recorded(ImmutableArray<PassedOverOutlet>.Builder all) =>
            [.. all.Take(settings.MaxPassedOverRecorded)];
    }

    private async Task<Assignment?> TryPreferred(string orderId, JobRequirement job, string outletId, double maxKm)
    {
        if (index.Current.Find(outletId) is not { } listing || !listing.Profile.OffersCapability(job.Capability))
        {
            return null;
        }

        var distance = GreatCircle.DistanceKm(job.CustomerLocation, listing.Profile.Location);
        if (distance > maxKm)
        {
            return null;
        }

        var booking = await grains.GetGrain<IOutletGrain>(outletId).TryBook(orderId, job);
        return booking.Booked
            ? new Assignment { OutletId = outletId, OutletName = booking.Listing.Profile.Name, DistanceKm = distance, BookedForDate = booking.LocalDate, AssignedAt = clock.GetUtcNow() }
            : null;
    }

    private async Task<Assignment?> FindExistingBooking(string orderId, JobRequirement job, double maxKm, IReadOnlyCollection<string> excludedOutlets)
    {
        // The same candidates an earlier attempt could have booked: nearest capable-looking outlets.
        var candidates = index.Current.Nearest(job.CustomerLocation, l => l.Profile.OffersCapability(job.Capability), maxKm)
            .Where(c => !excludedOutlets.Contains(c.Listing.OutletId))
            .Take(options.Value.MaxOutletsExamined)
            .ToList();
        var bookings = await Task.WhenAll(candidates.Select(c => grains.GetGrain<IOutletGrain>(c.Listing.OutletId).FindBooking(orderId)));
        for (var i = 0; i < candidates.Count; i++)
        {
            if (bookings[i] is { } booking)
            {
                return new Assignment
                {
                    OutletId = candidates[i].Listing.OutletId,
                    OutletName = booking.Listing.Profile.Name,
                    DistanceKm = candidates[i].DistanceKm,
                    BookedForDate = booking.LocalDate,
                    AssignedAt = clock.GetUtcNow(),
                };
            }
        }

        return null;
    }
}
