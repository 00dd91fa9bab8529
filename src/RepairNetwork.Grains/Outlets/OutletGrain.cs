using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Orders;

namespace RepairNetwork.Grains.Outlets;

/// <summary>
/// An outlet: this file holds what every concern shares (activation, the listing the directory
/// publishes, storing and publishing a change); the rest is split by concern: profile, roster,
/// bookings, job feed, offer watch. It gathers the inputs of dispatch and books; the rules are the
/// domain's (<see cref="DispatchPlanner"/>).
/// </summary>
/// <remarks>
/// Collected after 5 idle minutes instead of Orleans' default 15, so that a network of tens of
/// thousands of outlets does not keep every outlet in memory after an import: lookups answer from the
/// index and capacity hints, so only outlets that take bookings or are edited need to be active.
/// </remarks>
[CollectionAgeLimit(Minutes = 5)]
public sealed partial class OutletGrain(
    [PersistentState("outlet", StorageNames.Repair)] IPersistentState<OutletState> state,
    IOutletIndex index,
    TimeProvider clock,
    IOptions<DispatchOptions> options,
    DispatchPlanner planner,
    Calendars.IHolidayCalendarCache calendars,
    Domain.Appointments.AppointmentPolicy appointmentPolicy) : Grain, IOutletGrain, IRemindable
{
    // Fields, so that every part of the class sees the same captured parameters.
    private readonly IPersistentState<OutletState> state = state;
    private readonly IOutletIndex index = index;
    private readonly TimeProvider clock = clock;
    private readonly IOptions<DispatchOptions> options = options;
    private readonly DispatchPlanner planner = planner;
    private readonly Calendars.IHolidayCalendarCache calendars = calendars;
    private readonly Domain.Appointments.AppointmentPolicy appointmentPolicy = appointmentPolicy;

    /// <summary>The roster folded for the index; rebuilt only after a change is committed.</summary>
    private ImmutableArray<Certification>? _onShiftCertifications;
    private ImmutableArray<ScheduledTechnician>? _scheduled;

    private string OutletId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Re-announce on activation so the directory converges even if an earlier publish was lost.
        if (state.State.Profile is not null)
        {
            await Publish();
        }

        if (state.State.AnswersDue.Count > 0)
        {
            await WatchAnswers();
            AimAnswerTimer();
        }
    }

    private OutletProfile RequireProfile() =>
        state.State.Profile ?? throw DomainException.NotFound("outlet", OutletId);

    private OutletListing Listing()
    {
        var profile = RequireProfile();
        var today = profile.Hours.LocalDate(clock.GetUtcNow());
        var full = DispatchRules.IsFull(state.State.BookedPerDay.GetValueOrDefault(today), profile.DailyCapacity);
        return new OutletListing
        {
            Profile = profile,
            Status = state.State.Status,
            OnShiftCertifications = _onShiftCertifications ??= OutletListing.SummarizeOnShift(state.State.Roster.Values.Select(t => t.Profile)),
            Scheduled = _scheduled ??= OutletListing.ScheduleOnShift(state.State.Roster.Values.Select(t => t.Profile)),
            FullOn = full ? today : null,
            Score = state.State.Score,
            Version = state.State.Version,
            UpdatedAt = state.State.UpdatedAt,
        };
    }

    /// <summary>Persists a change that the directory must hear about, then publishes it.</summary>
    private async Task<OutletListing> Commit()
    {
        _onShiftCertifications = null;
        _scheduled = null;
        state.State.Version++;
        state.State.UpdatedAt = clock.GetUtcNow();
        await Save();
        return await Publish();
    }

    private async Task<OutletListing> Publish()
    {
        var listing = Listing();
        await GrainFactory.GetGrain<IOutletDirectoryGrain>(OutletDirectoryShards.ShardOf(OutletId)).Publish(listing);
        index.Apply([listing]);
        PublishHint();
        return listing;
    }
}
