using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Warranty;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Locator;

/// <summary>One outlet in a locator answer.</summary>
public sealed record LocatedOutlet(OutletAvailability Availability, double DistanceKm);

/// <summary>
/// The locator's answer and the index version that produced it; <paramref name="Examined"/> outlets were
/// looked at, and <paramref name="Bounded"/> says the search stopped at its bound before finding enough.
/// </summary>
public sealed record LocatorResult(ImmutableArray<LocatedOutlet> Outlets, long IndexVersion, int Examined = 0, bool Bounded = false);

/// <summary>An outlet holding available stock of a part, and how far it is.</summary>
public sealed record PartAtOutlet(OutletListing Listing, double DistanceKm, int Available);

/// <summary>Outlets with the part, nearest first, and how many outlets were examined to find them.</summary>
public sealed record PartSearchResult(ImmutableArray<PartAtOutlet> Outlets, int Examined, bool Bounded, long IndexVersion);

/// <summary>
/// Answers "nearest service points" from this silo's index alone, in the order dispatch would try
/// them and screened as dispatch screens them (<see cref="DispatchPlanner"/>): the outlets' standing
/// rules from their listings, capacity left today from the capacity hints the outlets publish after every
/// booking and release. Only an outlet whose hint this silo does not have (not yet heard from since
/// this silo or the outlet's directory shard started) is asked for its live state. Dispatch does not
/// rely on this: the outlet re-checks every rule when it books.
/// </summary>
public sealed class OutletLocator(IOutletIndex index, IGrainFactory grains, TimeProvider clock, DispatchPlanner planner, IHolidayCalendarCache calendars, Telemetry.RepairNetworkMetrics metrics)
{
    /// <summary>
    /// A lookup has no order yet, so "can it respond in time" is judged against the brand's standard
    /// response time from now (<see cref="CategoryPolicy.ResponseWithin"/>'s default, 24 h).
    /// </summary>
    public static ServicePromise LookupPromise(DateTimeOffset now) => new() { From = now, Within = StandardResponseWithin };

    // Read once: building a policy per lookup would allocate on the hot path for a constant.
    private static readonly TimeSpan StandardResponseWithin = CategoryPolicy.Default("any").ResponseWithin;

    /// <summary>Bounds the work of an available-only search in a network where most outlets are busy.</summary>
    public const int MaxExaminedForAvailableOnly = 200;

    public async Task<LocatorResult> FindNearest(JobRequirement job, int limit, double maxDistanceKm, bool availableOnly)
    {
        using var timing = metrics.TimeLookup(availableOnly);
        var snapshot = index.Current;
        var now = clock.GetUtcNow();
        var respond = LookupPromise(now);
        // The caller's distance bound, but dispatch's order: the first outlet that can take the job is where it would go.
        var nearest = planner.Ranked(snapshot, job, maxDistanceKm);
        if (!availableOnly)
        {
            var answers = new LocatedOutlet[limit];
            var count = 0;
            List<(int Slot, NearbyOutlet Candidate)>? unknown = null;
            foreach (var candidate in nearest)
            {
                if (FromHint(candidate, job, now, respond) is { } located)
                {
                    answers[count] = located;
                }
                else
                {
                    (unknown ??= []).Add((count, candidate));
                }

                if (++count == limit)
                {
                    break;
                }
            }

            if (unknown is not null)
            {
                var confirmed = await Confirm([.. unknown.Select(u => u.Candidate)], job, respond);
                for (var i = 0; i < unknown.Count; i++)
                {
                    answers[unknown[i].Slot] = confirmed[i];
                }
            }

            return new LocatorResult(ImmutableArray.Create(answers, 0, count), snapshot.Version, count, false);
        }

        // Outlets failing a standing rule or full by their hint are skipped without a call; those
        // without a hint are confirmed live, a round at a time, until enough can take the job.
        var found = ImmutableArray.CreateBuilder<LocatedOutlet>();
        var round = new List<(NearbyOutlet Candidate, LocatedOutlet? Answer)>();
        var examined = 0;
        var exhausted = false;
        using var candidatesLeft = nearest.GetEnumerator();
        while (found.Count < limit && examined < MaxExaminedForAvailableOnly && !exhausted)
        {
            round.Clear();
            var unconfirmed = new List<NearbyOutlet>();
            while (found.Count + round.Count < limit && examined < MaxExaminedForAvailableOnly)
            {
                if (!candidatesLeft.MoveNext())
                {
                    exhausted = true;
                    break;
                }

                examined++;
                var candidate = candidatesLeft.Current;
                if (FromHint(candidate, job, now, respond) is { } located)
                {
                    if (located.Availability.CanTakeJob)
                    {
                        round.Add((candidate, located));
                    }

                    continue;
                }

                if (DispatchPlanner.Screen(planner.Inputs(candidate.Listing, calendars.CalendarOf(candidate.Listing), job, now), job, now, respond).CanTakeJob)
                {
                    round.Add((candidate, null));
                    unconfirmed.Add(candidate);
                }
            }

            var confirmed = unconfirmed.Count == 0 ? [] : await Confirm(unconfirmed, job, respond);
            var next = 0;
            foreach (var (_, answer) in round)
            {
                var located = answer ?? confirmed[next++];
                if (located.Availability.CanTakeJob && found.Count < limit)
                {
                    found.Add(located);
                }
            }
        }

        // Bounded only when it stopped at its bound with outlets left unexamined: with exactly the bound in
        // reach, every outlet was looked at.
        var bounded = found.Count < limit && !exhausted && examined >= MaxExaminedForAvailableOnly && candidatesLeft.MoveNext();
        return new LocatorResult(found.ToImmutable(), snapshot.Version, examined, bounded);
    }

    /// <summary>The candidate's availability from its listing and capacity hint, or null without a usable hint.</summary>
    /// <remarks>A hint counts one day; a job whose service day is another (after closing, before a holiday) is confirmed live.</remarks>
    private LocatedOutlet? FromHint(NearbyOutlet candidate, JobRequirement job, DateTimeOffset now, ServicePromise respond)
    {
        var listing = candidate.Listing;
        if (index.Hint(listing.OutletId) is not { } hint)
        {
            return null;
        }

        var inputs = planner.Inputs(listing, calendars.CalendarOf(listing), job, now);
        return hint.BookedOn(inputs.LocalDay) is { } booked
            ? new LocatedOutlet(OutletAvailability.Evaluate(inputs with { Booked = booked }, job, now, null, respond), candidate.DistanceKm)
            : null;
    }

    /// <summary>Outlets whose stock a part search asks at once.</summary>
    public const int PartSearchBatch = 16;

    /// <summary>Bounds the work of a part search: at most this many outlets' stock is asked.</summary>
    public const int MaxExaminedForPart = 200;

    /// <summary>
    /// The nearest outlets (not closed) with available stock of <paramref name="sku"/>: candidates come
    /// nearest-first from this silo's index and their inventories are asked in parallel batches until
    /// <paramref name="limit"/> have stock or <see cref="MaxExaminedForPart"/> were asked.
    /// </summary>
    public async Task<PartSearchResult> FindPart(GeoPoint location, string sku, int limit, double maxDistanceKm)
    {
        var snapshot = index.Current;
        using var candidates = snapshot.Nearest(location, DispatchRules.MaySupplyParts, maxDistanceKm).GetEnumerator();
        var found = ImmutableArray.CreateBuilder<PartAtOutlet>();
        var batch = new List<NearbyOutlet>(PartSearchBatch);
        var examined = 0;
        var exhausted = false;
        ImmutableArray<string> skus = [sku];
        while (found.Count < limit && examined < MaxExaminedForPart)
        {
            batch.Clear();
            while (batch.Count < PartSearchBatch && examined < MaxExaminedForPart)
            {
                if (!candidates.MoveNext())
                {
                    exhausted = true;
                    break;
                }

                examined++;
                batch.Add(candidates.Current);
            }

            if (batch.Count == 0)
            {
                break;
            }

            var levels = await Task.WhenAll(batch.Select(c => grains.GetGrain<IOutletInventoryGrain>(c.Listing.OutletId).Get(skus)));
            for (var i = 0; i < batch.Count && found.Count < limit; i++)
            {
                var available = levels[i].Levels.FirstOrDefault(l => l.Sku == sku)?.Available ?? 0;
                if (available > 0)
                {
                    found.Add(new PartAtOutlet(batch[i].Listing, batch[i].DistanceKm, available));
                }
            }

            if (exhausted)
            {
                break;
            }
        }

        // As for lookups: bounded only when outlets in reach were left unexamined, not at exactly the bound.
        var bounded = found.Count < limit && !exhausted && examined >= MaxExaminedForPart && candidates.MoveNext();
        return new PartSearchResult(found.ToImmutable(), examined, bounded, snapshot.Version);
    }

    /// <summary>Asks the outlets themselves, in parallel, and keeps the hints they answer with.</summary>
    private async Task<LocatedOutlet[]> Confirm(IReadOnlyList<NearbyOutlet> candidates, JobRequirement job, ServicePromise respond) =>
        await Task.WhenAll(candidates.Select(async c =>
        {
            var availability = await grains.GetGrain<IOutletGrain>(c.Listing.OutletId).CheckAvailability(job, respond);
            if (availability.Hint is { } hint)
            {
                index.ApplyHint(hint);
            }

            return new LocatedOutlet(availability, c.DistanceKm);
        }));
}
