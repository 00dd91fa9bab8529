using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;

namespace RepairNetwork.Grains.Appointments;

/// <summary>A slot in a search answer, with its outlet and distance from the customer.</summary>
public sealed record FoundSlot(SlotOption Slot, OutletListing Listing, double DistanceKm);

/// <summary>An outlet examined without a slot to offer, and why.</summary>
public sealed record OutletWithoutSlot(OutletListing Listing, double DistanceKm, string Reason);

/// <summary>A slot search's answer.</summary>
public sealed record SlotSearchResult(ImmutableArray<FoundSlot> Slots, ImmutableArray<OutletWithoutSlot> WithoutSlots, int OutletsExamined);

/// <summary>
/// Finds slots as lookups find outlets: candidates in dispatch's order from this silo's index, the
/// outlets' standing rules judged from their listings without a call, and only the nearest few that
/// pass (<see cref="AppointmentPolicy.OutletsAsked"/>) asked for their live time, in parallel. No
/// central grain is on the path; the job templates come from this silo's copy.
/// </summary>
public sealed class SlotFinder(IOutletIndex index, IGrainFactory grains, TimeProvider clock, DispatchPlanner planner, IHolidayCalendarCache calendars, JobTemplatesCache templates, AppointmentPolicy policy)
{
    /// <summary>Bounds the outlets looked at when the nearest ones keep failing standing rules.</summary>
    public const int MaxExamined = 200;

    public async Task<SlotSearchResult> Find(JobRequirement job, SlotRange range, int max)
    {
        SlotPlanner.RequireMode(job.Mode, "service_mode");
        var template = templates.Current.Require(job.Capability, "capability");
        var now = clock.GetUtcNow();
        var asked = new List<NearbyOutlet>(policy.OutletsAsked);
        var without = new List<OutletWithoutSlot>();
        var examined = 0;
        foreach (var candidate in planner.Ranked(index.Current, job))
        {
            if (asked.Count == policy.OutletsAsked || examined == MaxExamined)
            {
                break;
            }

            examined++;
            var listing = candidate.Listing;
            var screening = DispatchPlanner.Screen(planner.Inputs(listing, calendars.CalendarOf(listing), job, now), job, now);
            if (screening.Reasons.FirstOrDefault(r => SlotPlanner.BarsAppointments(r.Code)) is { } refusal)
            {
                without.Add(new OutletWithoutSlot(listing, candidate.DistanceKm, refusal.Message));
                continue;
            }

            asked.Add(candidate);
        }

        var search = new SlotSearch { Job = job, Template = template, Range = range, Max = max };
        var answers = await Task.WhenAll(asked.Select(c => grains.GetGrain<IOutletGrain>(c.Listing.OutletId).FindSlots(search)));
        for (var i = 0; i < asked.Count; i++)
        {
            if (answers[i].Slots.IsEmpty)
            {
                without.Add(new OutletWithoutSlot(asked[i].Listing, asked[i].DistanceKm, answers[i].Reason));
            }
        }

        var offered = SlotPlanner.Offer(answers, [.. asked.Select(c => c.DistanceKm)], max, policy);
        return new SlotSearchResult(
            [.. offered.Select(o => new FoundSlot(o.Slot, asked[o.Outlet].Listing, asked[o.Outlet].DistanceKm))],
            [.. without.OrderBy(w => w.DistanceKm)],
            examined);
    }
}
