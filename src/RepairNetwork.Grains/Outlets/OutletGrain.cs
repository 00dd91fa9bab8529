using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Directory;

namespace RepairNetwork.Grains.Outlets;

/// <summary>An outlet: its profile and status, its roster, its daily bookings and its job feed.</summary>
public interface IOutletGrain : IGrainWithStringKey
{
    /// <summary>Creates the outlet; an identical retry returns it unchanged, a different profile is ALREADY_EXISTS.</summary>
    Task<OutletListing> Create(OutletProfile profile);

    [ReadOnly]
    Task<OutletListing> Get();

    /// <summary>Replaces the profile; <paramref name="expectedVersion"/> 0 skips the version check.</summary>
    Task<OutletListing> Update(OutletProfile profile, long expectedVersion);

    Task<OutletListing> SetStatus(OutletStatus status, string reason);

    /// <summary>Adds or refreshes a technician in the roster; NOT_FOUND when the outlet does not exist.</summary>
    Task UpsertTechnician(TechnicianRecord technician);

    Task RemoveTechnician(string technicianId);

    [ReadOnly]
    Task<ImmutableArray<TechnicianRecord>> ListTechnicians();

    /// <summary>Every capability rule, evaluated live, including capacity left today.</summary>
    [ReadOnly]
    Task<OutletAvailability> CheckAvailability(JobRequirement job);

    /// <summary>Books one unit of today's capacity for an order if every rule passes. Idempotent per order.</summary>
    Task<BookingResult> TryBook(string orderId, JobRequirement job);

    /// <summary>The booking this outlet holds for an order, or null; lets an interrupted dispatch resume.</summary>
    [ReadOnly]
    Task<BookingResult?> FindBooking(string orderId);

    /// <summary>Order ids booked here, newest first, starting at <paramref name="skip"/>.</summary>
    [ReadOnly]
    Task<JobFeedPage> ListJobs(int skip, int take);
}

[GenerateSerializer, Alias("rn.TechnicianRecord"), Immutable]
public sealed record TechnicianRecord
{
    [Id(0)] public required TechnicianProfile Profile { get; init; }

    [Id(1)] public required long Version { get; init; }
}

[GenerateSerializer, Alias("rn.OutletAvailability"), Immutable]
public sealed record OutletAvailability
{
    [Id(0)] public required OutletListing Listing { get; init; }

    [Id(1)] public required ImmutableArray<Unavailability> Reasons { get; init; }

    [Id(2)] public required int CapacityLeftToday { get; init; }

    [Id(3)] public required bool OpenNow { get; init; }

    public bool CanTakeJob => Reasons.IsEmpty;
}

[GenerateSerializer, Alias("rn.BookingResult"), Immutable]
public sealed record BookingResult
{
    [Id(0)] public required bool Booked { get; init; }

    [Id(1)] public required DateOnly LocalDate { get; init; }

    [Id(2)] public required ImmutableArray<Unavailability> Reasons { get; init; }

    [Id(3)] public required OutletListing Listing { get; init; }
}

[GenerateSerializer, Alias("rn.JobFeedPage"), Immutable]
public sealed record JobFeedPage
{
    [Id(0)] public required ImmutableArray<string> OrderIds { get; init; }

    /// <summary>How many jobs the outlet has in all.</summary>
    [Id(1)] public required int Total { get; init; }
}

[GenerateSerializer, Alias("rn.OutletState")]
public sealed class OutletState
{
    [Id(0)] public OutletProfile? Profile { get; set; }

    [Id(1)] public OutletStatus Status { get; set; } = OutletStatus.Open;

    [Id(2)] public string StatusReason { get; set; } = string.Empty;

    [Id(3)] public long Version { get; set; }

    [Id(4)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(5)] public Dictionary<string, TechnicianRecord> Roster { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Order id → the outlet local date whose capacity it uses; recent days only.</summary>
    [Id(6)] public Dictionary<string, DateOnly> Bookings { get; set; } = new(StringComparer.Ordinal);

    [Id(7)] public Dictionary<DateOnly, int> BookedPerDay { get; set; } = [];

    /// <summary>Every order ever booked here, oldest first: the outlet's job feed.</summary>
    [Id(8)] public List<string> Jobs { get; set; } = [];
}

public sealed class OutletGrain(
    [PersistentState("outlet", StorageNames.Repair)] IPersistentState<OutletState> state,
    IOutletIndex index,
    TimeProvider clock) : Grain, IOutletGrain
{
    /// <summary>Bookings older than this are only kept in the job feed.</summary>
    private const int BookingDaysKept = 7;

    /// <summary>The roster folded for the index; rebuilt only after a change is committed.</summary>
    private ImmutableArray<Certification>? _onShiftCertifications;

    private string OutletId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Re-announce on activation so the directory converges even if an earlier publish was lost.
        if (state.State.Profile is not null)
        {
            await Publish();
        }
    }

    public async Task<OutletListing> Create(OutletProfile profile)
    {
        if (profile.OutletId != OutletId)
        {
            throw DomainException.Invalid("outlet.outlet_id", "does not match the addressed outlet");
        }

        if (state.State.Profile is { } existing)
        {
            if (!existing.SameAs(profile))
            {
                throw DomainException.AlreadyExists($"outlet '{OutletId}' already exists with a different profile");
            }

            await Publish();
            return Listing();
        }

        state.State.Profile = profile;
        state.State.Status = OutletStatus.Open;
        return await Commit();
    }

    public Task<OutletListing> Get() => Task.FromResult(Listing());

    public async Task<OutletListing> Update(OutletProfile profile, long expectedVersion)
    {
        var existing = RequireProfile();
        if (expectedVersion != 0 && expectedVersion != state.State.Version)
        {
            throw DomainException.Precondition($"outlet '{OutletId}' is at version {state.State.Version}, not the expected {expectedVersion}; read it again and retry");
        }

        if (existing.SameAs(profile))
        {
            return Listing();
        }

        state.State.Profile = profile;
        return await Commit();
    }

    public async Task<OutletListing> SetStatus(OutletStatus status, string reason)
    {
        RequireProfile();
        if (state.State.Status == status)
        {
            return Listing();
        }

        state.State.Status = status;
        state.State.StatusReason = reason;
        return await Commit();
    }

    public async Task UpsertTechnician(TechnicianRecord technician)
    {
        RequireProfile();
        var id = technician.Profile.TechnicianId;
        if (state.State.Roster.TryGetValue(id, out var current) && current.Version >= technician.Version)
        {
            return;
        }

        state.State.Roster[id] = technician;
        await Commit();
    }

    public async Task RemoveTechnician(string technicianId)
    {
        if (state.State.Profile is null || !state.State.Roster.Remove(technicianId))
        {
            return;
        }

        await Commit();
    }

    public Task<ImmutableArray<TechnicianRecord>> ListTechnicians()
    {
        RequireProfile();
        return Task.FromResult(state.State.Roster.Values.OrderBy(t => t.Profile.TechnicianId, StringComparer.Ordinal).ToImmutableArray());
    }

    public Task<OutletAvailability> CheckAvailability(JobRequirement job)
    {
        var listing = Listing();
        var now = clock.GetUtcNow();
        var today = listing.Profile.Hours.LocalDate(now);
        var booked = state.State.BookedPerDay.GetValueOrDefault(today);
        var reasons = Evaluate(listing, job, today, booked);
        return Task.FromResult(new OutletAvailability
        {
            Listing = listing,
            Reasons = reasons,
            CapacityLeftToday = Math.Max(0, listing.Profile.DailyCapacity - booked),
            OpenNow = listing.Profile.Hours.IsOpenAt(now),
        });
    }

    public async Task<BookingResult> TryBook(string orderId, JobRequirement job)
    {
        var listing = Listing();
        if (state.State.Bookings.TryGetValue(orderId, out var bookedDay))
        {
            return new BookingResult { Booked = true, LocalDate = bookedDay, Reasons = [], Listing = listing };
        }

        var today = listing.Profile.Hours.LocalDate(clock.GetUtcNow());
        var booked = state.State.BookedPerDay.GetValueOrDefault(today);
        var reasons = Evaluate(listing, job, today, booked);
        if (!reasons.IsEmpty)
        {
            return new BookingResult { Booked = false, LocalDate = today, Reasons = reasons, Listing = listing };
        }

        state.State.Bookings[orderId] = today;
        state.State.BookedPerDay[today] = booked + 1;
        state.State.Jobs.Add(orderId);
        ForgetBookingsBefore(today.AddDays(-BookingDaysKept));
        var becameFull = booked + 1 >= listing.Profile.DailyCapacity;
        if (becameFull)
        {
            // Tell the directory, so dispatchers skip this outlet today without asking it.
            return new BookingResult { Booked = true, LocalDate = today, Reasons = [], Listing = await Commit() };
        }

        await state.WriteOrRollbackAsync(this);
        return new BookingResult { Booked = true, LocalDate = today, Reasons = [], Listing = listing };
    }

    public Task<BookingResult?> FindBooking(string orderId) =>
        Task.FromResult(state.State.Profile is not null && state.State.Bookings.TryGetValue(orderId, out var day)
            ? new BookingResult { Booked = true, LocalDate = day, Reasons = [], Listing = Listing() }
            : null);

    public Task<JobFeedPage> ListJobs(int skip, int take)
    {
        RequireProfile();
        var jobs = state.State.Jobs;
        return Task.FromResult(new JobFeedPage { OrderIds = OrderFeeds.NewestFirst(jobs, skip, take), Total = jobs.Count });
    }

    private static ImmutableArray<Unavailability> Evaluate(OutletListing listing, JobRequirement job, DateOnly today, int booked)
    {
        var reasons = DispatchRules.StandingReasons(listing, job, today);
        var capacity = DispatchRules.CapacityReason(booked, listing.Profile.DailyCapacity, today);
        return capacity is null ? reasons : reasons.Add(capacity);
    }

    private void ForgetBookingsBefore(DateOnly cutoff)
    {
        foreach (var day in state.State.BookedPerDay.Keys.Where(d => d < cutoff).ToList())
        {
            state.State.BookedPerDay.Remove(day);
        }

        foreach (var order in state.State.Bookings.Where(b => b.Value < cutoff).Select(b => b.Key).ToList())
        {
            state.State.Bookings.Remove(order);
        }
    }

    private OutletProfile RequireProfile() =>
        state.State.Profile ?? throw DomainException.NotFound("outlet", OutletId);

    private OutletListing Listing()
    {
        var profile = RequireProfile();
        var today = profile.Hours.LocalDate(clock.GetUtcNow());
        var full = state.State.BookedPerDay.GetValueOrDefault(today) >= profile.DailyCapacity;
        return new OutletListing
        {
            Profile = profile,
            Status = state.State.Status,
            OnShiftCertifications = _onShiftCertifications ??= OutletListing.SummarizeOnShift(state.State.Roster.Values.Select(t => t.Profile)),
            FullOn = full ? today : null,
            Version = state.State.Version,
            UpdatedAt = state.State.UpdatedAt,
        };
    }

    /// <summary>Persists a change that the directory must hear about, then publishes it.</summary>
    private async Task<OutletListing> Commit()
    {
        _onShiftCertifications = null;
        state.State.Version++;
        state.State.UpdatedAt = clock.GetUtcNow();
        await state.WriteOrRollbackAsync(this);
        return await Publish();
    }

    private async Task<OutletListing> Publish()
    {
        var listing = Listing();
        await GrainFactory.GetGrain<IOutletDirectoryGrain>(OutletDirectoryShards.ShardOf(OutletId)).Publish(listing);
        index.Apply([listing]);
        return listing;
    }
}
