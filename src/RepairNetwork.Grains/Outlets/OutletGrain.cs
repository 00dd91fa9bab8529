using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Orders;

namespace RepairNetwork.Grains.Outlets;

/// <summary>An outlet: its profile and status, its roster, its daily bookings and its job feed.</summary>
public interface IOutletGrain : IGrainWithStringKey
{
    /// <summary>Creates the outlet; an identical retry returns it unchanged, a different profile is ALREADY_EXISTS.</summary>
    Task<OutletListing> Create(OutletProfile profile);

    [ReadOnly]
    Task<OutletListing> Get();

    /// <summary>
    /// Replaces the profile; <paramref name="expectedVersion"/> 0 skips the version check. What
    /// <paramref name="by"/> may change is the domain's rule (OutletProfile.CheckEdit).
    /// </summary>
    Task<OutletListing> Update(OutletProfile profile, long expectedVersion, Domain.Orders.Actor by);

    /// <summary>Opens, pauses or closes the outlet, if <paramref name="by"/> may (OutletStatusRules).</summary>
    Task<OutletListing> SetStatus(OutletStatus status, string reason, Domain.Orders.Actor by);

    /// <summary>Adds or refreshes a technician in the roster; NOT_FOUND when the outlet does not exist.</summary>
    Task UpsertTechnician(TechnicianRecord technician);

    Task RemoveTechnician(string technicianId);

    [ReadOnly]
    Task<ImmutableArray<TechnicianRecord>> ListTechnicians();

    /// <summary>Every capability rule, evaluated live, including capacity left today.</summary>
    [ReadOnly]
    Task<OutletAvailability> CheckAvailability(JobRequirement job);

    /// <summary>
    /// Books one unit of today's capacity for an order if every rule passes. Idempotent per order.
    /// <paramref name="answerBy"/>, when given, is when the offer lapses: the outlet watches it and
    /// tells the order then, so an order needs no timer of its own while it waits for an answer.
    /// <paramref name="offered"/>, when given, is the job's Offered event: stored in the same write as
    /// the booking, so an offer costs the outlet one write instead of two.
    /// </summary>
    Task<BookingResult> TryBook(string orderId, JobRequirement job, DateTimeOffset? answerBy = null, JobEvent? offered = null);

    /// <summary>
    /// The order is no longer waiting for this outlet's answer: stop watching it. With
    /// <paramref name="release"/> (the order is not held here at all, e.g. a booking whose dispatch never
    /// completed) the booking is given back and an outlet that was told of the offer is told it is withdrawn.
    /// </summary>
    Task ForgetOffer(string orderId, bool release);

    /// <summary>The booking this outlet holds for an order, or null; lets an interrupted dispatch resume.</summary>
    [ReadOnly]
    Task<BookingResult?> FindBooking(string orderId);

    /// <summary>Order ids booked here, newest first, starting at <paramref name="skip"/>.</summary>
    [ReadOnly]
    Task<JobFeedPage> ListJobs(int skip, int take);

    /// <summary>Gives back the capacity an order held (declined, lapsed, cancelled). Idempotent.</summary>
    Task ReleaseBooking(string orderId);

    /// <summary>Appends to the outlet's job event feed; idempotent per (order, event key).</summary>
    Task AppendJobEvent(JobEvent jobEvent);

    /// <summary>
    /// Job events after <paramref name="afterSequence"/>; when there are none yet, waits up to
    /// <paramref name="maxWait"/> for one (a long poll that does not block the outlet's other calls).
    /// </summary>
    [AlwaysInterleave]
    Task<JobEventPage> WaitForJobEvents(long afterSequence, int max, TimeSpan maxWait);

    /// <summary>
    /// Puts a technician on an order: the one named (who must be on shift and certified for the job
    /// today) or, when none is named, the least loaded qualifying technician.
    /// </summary>
    Task<string> AssignTechnician(string orderId, string? technicianId, string capability);

    /// <summary>The order no longer occupies its technician (completed, cancelled, declined).</summary>
    Task ReleaseTechnician(string orderId);

    /// <summary>Adds a completion (on time or not) or a rating to the outlet's service score. Idempotent per key.</summary>
    Task RecordServiceOutcome(string key, bool? completedOnTime, int? rating);

    /// <summary>Today's bookings, capacity left and open orders (batch routing, network stats).</summary>
    [ReadOnly]
    Task<OutletLoad> GetLoad();
}

public enum JobEventKind
{
    Offered = 1,
    OfferWithdrawn = 2,
    Declined = 3,
    Cancelled = 4,
    QuoteApproved = 5,
    QuoteDeclined = 6,
    DeadlineMissed = 7,
    ComplaintFiled = 8,
    Escalated = 9,
    Accepted = 10,
    Completed = 11,
    Collected = 12,
}

/// <summary>Something an outlet system must know about one of its jobs; numbered per outlet.</summary>
[GenerateSerializer, Alias("rn.JobEvent"), Immutable]
public sealed record JobEvent
{
    /// <summary>Assigned by the outlet: 1, 2, 3… with no gaps.</summary>
    [Id(0)] public long Sequence { get; init; }

    [Id(1)] public required string OrderId { get; init; }

    [Id(2)] public required JobEventKind Kind { get; init; }

    [Id(3)] public required DateTimeOffset At { get; init; }

    [Id(4)] public string Detail { get; init; } = string.Empty;

    /// <summary>Deduplicates a retried append: the order's audit sequence that caused it.</summary>
    [Id(5)] public required int OrderRevision { get; init; }
}

[GenerateSerializer, Alias("rn.JobEventPage"), Immutable]
public sealed record JobEventPage
{
    [Id(0)] public required ImmutableArray<JobEvent> Events { get; init; }

    /// <summary>The oldest sequence still kept; a reader behind it has missed events and must resync.</summary>
    [Id(1)] public required long FirstRetained { get; init; }

    [Id(2)] public required long LastSequence { get; init; }
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

    /// <summary>The outlet's capacity hint as of this answer, for the asker's index.</summary>
    [Id(4)] public CapacityHint? Hint { get; init; }

    public bool CanTakeJob => Reasons.IsEmpty;

    /// <summary>
    /// Every rule for <paramref name="listing"/> at <paramref name="now"/> given the jobs booked on the
    /// outlet's local date: what the outlet answers live, and what a lookup answers from its index.
    /// </summary>
    public static OutletAvailability Evaluate(OutletListing listing, JobRequirement job, DateTimeOffset now, DateOnly today, int booked, CapacityHint? hint)
    {
        return new OutletAvailability
        {
            Listing = listing,
            Reasons = ReasonsFor(listing, job, today, booked),
            CapacityLeftToday = Math.Max(0, listing.Profile.DailyCapacity - booked),
            OpenNow = listing.Profile.Hours.IsOpenAt(now),
            Hint = hint,
        };
    }

    /// <summary>Why the outlet cannot take the job on its local date <paramref name="today"/>; empty when it can.</summary>
    public static ImmutableArray<Unavailability> ReasonsFor(OutletListing listing, JobRequirement job, DateOnly today, int booked)
    {
        var reasons = DispatchRules.StandingReasons(listing, job, today);
        var capacity = DispatchRules.CapacityReason(booked, listing.Profile.DailyCapacity, today);
        return capacity is null ? reasons : reasons.Add(capacity);
    }
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

    /// <summary>
    /// The newest orders booked here, oldest first: the outlet's job feed after the first
    /// <see cref="JobsArchived"/>, which are in <see cref="IOutletFeedPageGrain"/> pages.
    /// </summary>
    [Id(8)] public List<string> Jobs { get; set; } = [];

    /// <summary>The newest job events, oldest first; older ones are in <see cref="IOutletFeedPageGrain"/> pages.</summary>
    [Id(9)] public List<JobEvent> JobEvents { get; set; } = [];

    [Id(10)] public long LastJobEventSequence { get; set; }

    /// <summary>Active order id → technician working on it.</summary>
    [Id(11)] public Dictionary<string, string> TechnicianOnOrder { get; set; } = new(StringComparer.Ordinal);

    [Id(12)] public ServiceScore Score { get; set; } = ServiceScore.None;

    /// <summary>Outcome keys already counted into the score (order + what), so retries count once.</summary>
    [Id(13)] public HashSet<string> CountedOutcomes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Increases with every booking or release stored: orders the outlet's capacity hints.</summary>
    [Id(14)] public long BookingRevision { get; set; }

    /// <summary>Orders held here and not yet finished, kept from the job events (see OutletLoad.OpenOrders).</summary>
    [Id(15)] public HashSet<string> OpenOrders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Offers waiting for this outlet's answer: order id → when the offer lapses.</summary>
    [Id(16)] public Dictionary<string, DateTimeOffset> AnswersDue { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many of the oldest jobs have moved to pages (whole pages only).</summary>
    [Id(17)] public int JobsArchived { get; set; }

    /// <summary>Job events up to this sequence have moved to pages; 0 when none have.</summary>
    [Id(18)] public long JobEventsArchivedThrough { get; set; }

    /// <summary>The first archived job event (1, unless events were pruned before pages existed).</summary>
    [Id(19)] public long FirstArchivedJobEvent { get; set; }
}

/// <remarks>
/// Collected after 5 idle minutes instead of Orleans' default 15, so that a network of tens of
/// thousands of outlets does not keep every outlet in memory after an import: lookups answer from the
/// index and capacity hints, so only outlets that take bookings or are edited need to be active.
/// </remarks>
[CollectionAgeLimit(Minutes = 5)]
public sealed class OutletGrain(
    [PersistentState("outlet", StorageNames.Repair)] IPersistentState<OutletState> state,
    IOutletIndex index,
    TimeProvider clock,
    IOptions<DispatchOptions> options) : Grain, IOutletGrain, IRemindable
{
    /// <summary>
    /// One durable reminder per outlet while offers wait for its answer, instead of one per order:
    /// it wakes the outlet after a restart, and the outlet tells each order whose offer has lapsed.
    /// </summary>
    public const string AnswersDueReminder = "answers-due";

    /// <summary>Bookings older than this are only kept in the job feed.</summary>
    private const int BookingDaysKept = 7;

    /// <summary>
    /// Jobs and job events kept in the outlet's own state; past this, the oldest move out in whole
    /// pages. Every booking writes this state, so it must not grow with the outlet's history.
    /// </summary>
    public const int FeedEntriesKept = 500;

    /// <summary>Notified when an event is appended; waiting watchers then read it.</summary>
    private readonly ChangeSignal _jobEventAppended = new();

    /// <summary>Whether this activation has made sure the answers-due reminder exists.</summary>
    private bool _watchingAnswers;

    /// <summary>Fires at the next lapse while the outlet is active (the reminder is the durable backstop).</summary>
    private IGrainTimer? _answerTimer;

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

        if (state.State.AnswersDue.Count > 0)
        {
            await WatchAnswers();
            AimAnswerTimer();
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != AnswersDueReminder)
        {
            return;
        }

        if (state.State.AnswersDue.Count == 0)
        {
            await this.UnregisterReminderIfAny(AnswersDueReminder);
            _watchingAnswers = false;
            return;
        }

        TellLapsedOffers();
    }

    /// <summary>Makes sure the durable reminder exists before an answer-due time is stored.</summary>
    private async Task WatchAnswers()
    {
        if (_watchingAnswers)
        {
            return;
        }

        if (await this.GetReminder(AnswersDueReminder) is null)
        {
            var period = options.Value.ServiceLevelCheckPeriod;
            await this.RegisterOrUpdateReminder(AnswersDueReminder, period, period);
        }

        _watchingAnswers = true;
    }

    /// <summary>
    /// Tells every order whose offer here has lapsed (one-way: the order moves the job and then calls
    /// back to release the booking, so the outlet must not wait for it). The order ignores a notice
    /// that is early or stale; the outlet repeats it on each reminder tick until the order answers.
    /// </summary>
    private void TellLapsedOffers()
    {
        var now = clock.GetUtcNow();
        foreach (var (orderId, due) in state.State.AnswersDue)
        {
            if (due <= now)
            {
                GrainFactory.GetGrain<IRepairOrderGrain>(orderId).OfferLapsed(OutletId).Ignore();
            }
        }

        AimAnswerTimer();
    }

    private void AimAnswerTimer()
    {
        var now = clock.GetUtcNow();
        var next = state.State.AnswersDue.Values.Where(due => due > now).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
        if (next == DateTimeOffset.MaxValue)
        {
            _answerTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var wait = next - now + TimeSpan.FromMilliseconds(50);
        if (_answerTimer is null)
        {
            _answerTimer = this.RegisterGrainTimer(() => { TellLapsedOffers(); return Task.CompletedTask; }, wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _answerTimer.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Tells this silo's index at once, and the directory shard (which other silos poll) without
    /// waiting, how many jobs are booked today, so lookups answer capacity without calling this grain.
    /// </summary>
    private void PublishHint()
    {
        var hint = Hint();
        index.ApplyHint(hint);
        GrainFactory.GetGrain<IOutletDirectoryGrain>(OutletDirectoryShards.ShardOf(OutletId)).PublishHint(hint).Ignore();
    }

    private CapacityHint Hint()
    {
        var today = RequireProfile().Hours.LocalDate(clock.GetUtcNow());
        return new CapacityHint
        {
            OutletId = OutletId,
            Revision = state.State.BookingRevision,
            Day = today,
            Booked = state.State.BookedPerDay.GetValueOrDefault(today),
        };
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

    public async Task<OutletListing> Update(OutletProfile profile, long expectedVersion, Domain.Orders.Actor by)
    {
        var existing = RequireProfile();
        OutletProfile.CheckEdit(existing, profile, by);
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

    public async Task<OutletListing> SetStatus(OutletStatus status, string reason, Domain.Orders.Actor by)
    {
        RequireProfile();
        OutletStatusRules.CheckChange(OutletId, state.State.Status, status, by);
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
        return Task.FromResult(OutletAvailability.Evaluate(listing, job, now, today, booked, Hint()));
    }

    public async Task<BookingResult> TryBook(string orderId, JobRequirement job, DateTimeOffset? answerBy = null, JobEvent? offered = null)
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
        state.State.BookingRevision++;
        ForgetBookingsBefore(today.AddDays(-BookingDaysKept));
        if (answerBy is { } due)
        {
            await WatchAnswers();
            state.State.AnswersDue[orderId] = due;
        }

        var eventAdded = offered is not null && AddJobEvent(offered);
        var becameFull = booked + 1 >= listing.Profile.DailyCapacity;
        if (becameFull)
        {
            // Tell the directory, so dispatchers skip this outlet today without asking it.
            listing = await Commit(); // Commit publishes the hint too
        }
        else
        {
            await Save();
            PublishHint();
        }

        if (eventAdded)
        {
            _jobEventAppended.Notify();
        }

        if (answerBy is not null)
        {
            AimAnswerTimer();
        }

        return new BookingResult { Booked = true, LocalDate = today, Reasons = [], Listing = listing };
    }

    public Task<BookingResult?> FindBooking(string orderId) =>
        Task.FromResult(state.State.Profile is not null && state.State.Bookings.TryGetValue(orderId, out var day)
            ? new BookingResult { Booked = true, LocalDate = day, Reasons = [], Listing = Listing() }
            : null);

    public async Task<JobFeedPage> ListJobs(int skip, int take)
    {
        RequireProfile();
        var (archived, jobs) = (state.State.JobsArchived, state.State.Jobs);
        var total = archived + jobs.Count;
        var ids = ImmutableArray.CreateBuilder<string>();
        var pages = new Dictionary<long, ImmutableArray<string>>();
        for (var position = total - skip; position > 0 && ids.Count < take; position--)
        {
            if (position > archived)
            {
                ids.Add(jobs[position - archived - 1]);
                continue;
            }

            var page = IOutletFeedPageGrain.PageOf(position);
            if (!pages.TryGetValue(page, out var entries))
            {
                pages[page] = entries = await FeedPage(IOutletFeedPageGrain.JobsKey(OutletId, page)).GetOrderIds();
            }

            ids.Add(entries[(int)((position - 1) % IOutletFeedPageGrain.Size)]);
        }

        return new JobFeedPage { OrderIds = ids.ToImmutable(), Total = total };
    }

    public async Task ReleaseBooking(string orderId)
    {
        if (state.State.Profile is null)
        {
            return;
        }

        var forgotAnswer = state.State.AnswersDue.Remove(orderId);
        if (!state.State.Bookings.Remove(orderId, out var day))
        {
            if (forgotAnswer)
            {
                await Save();
            }

            return;
        }

        var wasFull = Listing().FullOn is not null;
        state.State.BookedPerDay[day] = Math.Max(0, state.State.BookedPerDay.GetValueOrDefault(day) - 1);
        state.State.BookingRevision++;
        if (wasFull && Listing().FullOn is null)
        {
            await Commit(); // the directory must learn the outlet has room again (and the hint)
            return;
        }

        await Save();
        PublishHint();
    }

    public async Task AppendJobEvent(JobEvent jobEvent)
    {
        RequireProfile();
        if (!AddJobEvent(jobEvent))
        {
            return;
        }

        await Save();
        _jobEventAppended.Notify();
    }

    public async Task ForgetOffer(string orderId, bool release)
    {
        RequireProfile();
        var changed = state.State.AnswersDue.Remove(orderId);
        var withdrawn = release && state.State.OpenOrders.Contains(orderId)
            // The outlet's system was told of an offer that no longer stands.
            && AddJobEvent(new JobEvent { OrderId = orderId, Kind = JobEventKind.OfferWithdrawn, At = clock.GetUtcNow(), Detail = "the offer no longer stands", OrderRevision = 0 });
        if (release && state.State.Bookings.ContainsKey(orderId))
        {
            await ReleaseBooking(orderId); // stores the other changes with it
        }
        else if (changed || withdrawn)
        {
            await Save();
        }

        if (withdrawn)
        {
            _jobEventAppended.Notify();
        }
    }

    /// <summary>Adds the event to the feed (not yet stored); false when the feed already has it (a retry).</summary>
    private bool AddJobEvent(JobEvent jobEvent)
    {
        var events = state.State.JobEvents;
        if (events.Any(e => e.OrderId == jobEvent.OrderId && e.OrderRevision == jobEvent.OrderRevision && e.Kind == jobEvent.Kind))
        {
            return false;
        }

        events.Add(jobEvent with { Sequence = ++state.State.LastJobEventSequence });
        TrackOpenOrder(jobEvent);
        return true;
    }

    public async Task<JobEventPage> WaitForJobEvents(long afterSequence, int max, TimeSpan maxWait)
    {
        RequireProfile();
        if (state.State.LastJobEventSequence <= afterSequence && maxWait > TimeSpan.Zero)
        {
            await _jobEventAppended.WaitAsync(maxWait);
        }

        var events = state.State.JobEvents;
        var firstRetained = state.State.JobEventsArchivedThrough > 0
            ? state.State.FirstArchivedJobEvent
            : events.Count == 0 ? state.State.LastJobEventSequence + 1 : events[0].Sequence;
        var next = Math.Max(afterSequence + 1, firstRetained);
        ImmutableArray<JobEvent> page;
        if (next <= state.State.JobEventsArchivedThrough)
        {
            // A reader that fell behind the events kept in state reads on from the pages, one per call.
            var archived = await FeedPage(IOutletFeedPageGrain.EventsKey(OutletId, IOutletFeedPageGrain.PageOf(next))).GetEvents();
            page = [.. archived.Where(e => e.Sequence > afterSequence).Take(max)];
        }
        else
        {
            page = [.. events.Where(e => e.Sequence > afterSequence).Take(max)];
        }

        return new JobEventPage { Events = page, FirstRetained = firstRetained, LastSequence = state.State.LastJobEventSequence };
    }

    /// <summary>Moves the oldest jobs and job events out in whole pages once they pass <see cref="FeedEntriesKept"/>, then stores the state.</summary>
    private async Task Save()
    {
        var size = IOutletFeedPageGrain.Size;
        var jobs = state.State.Jobs;
        while (jobs.Count > FeedEntriesKept)
        {
            var page = state.State.JobsArchived / size;
            await FeedPage(IOutletFeedPageGrain.JobsKey(OutletId, page)).StoreOrderIds([.. jobs.Take(size)]);
            jobs.RemoveRange(0, size);
            state.State.JobsArchived += size;
        }

        var events = state.State.JobEvents;
        while (events.Count > FeedEntriesKept)
        {
            // A feed pruned before pages existed starts mid-page.
            var first = events[0].Sequence;
            var page = IOutletFeedPageGrain.PageOf(first);
            var take = Math.Min(events.Count, SequencePages.RestOfPage(first, size));
            await FeedPage(IOutletFeedPageGrain.EventsKey(OutletId, page)).StoreEvents([.. events.Take(take)]);
            if (state.State.JobEventsArchivedThrough == 0)
            {
                state.State.FirstArchivedJobEvent = first;
            }

            state.State.JobEventsArchivedThrough = events[take - 1].Sequence;
            events.RemoveRange(0, take);
        }

        await state.WriteOrRollbackAsync(this);
    }

    private IOutletFeedPageGrain FeedPage(string key) => GrainFactory.GetGrain<IOutletFeedPageGrain>(key);

    public async Task<string> AssignTechnician(string orderId, string? technicianId, string capability)
    {
        var profile = RequireProfile();
        var today = profile.Hours.LocalDate(clock.GetUtcNow());
        var qualified = state.State.Roster.Values
            .Select(t => t.Profile)
            .Where(t => t.OnShift && t.Certifications.Any(c => c.Capability == capability && c.IsValidOn(today)))
            .ToList();
        string chosen;
        if (!string.IsNullOrEmpty(technicianId))
        {
            if (!state.State.Roster.ContainsKey(technicianId))
            {
                throw DomainException.NotFound("technician", technicianId);
            }

            chosen = qualified.Any(t => t.TechnicianId == technicianId)
                ? technicianId
                : throw DomainException.Precondition($"technician '{technicianId}' is not on shift with a valid certification for {capability} on {today:yyyy-MM-dd}");
        }
        else
        {
            // Least loaded first; the id breaks ties so the choice is repeatable.
            var load = state.State.TechnicianOnOrder.Values.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            chosen = qualified
                .OrderBy(t => load.GetValueOrDefault(t.TechnicianId))
                .ThenBy(t => t.TechnicianId, StringComparer.Ordinal)
                .Select(t => t.TechnicianId)
                .FirstOrDefault()
                ?? throw DomainException.Precondition($"no technician of outlet '{OutletId}' is on shift with a valid certification for {capability} on {today:yyyy-MM-dd}");
        }

        if (state.State.TechnicianOnOrder.GetValueOrDefault(orderId) != chosen)
        {
            state.State.TechnicianOnOrder[orderId] = chosen;
            await Save();
        }

        return chosen;
    }

    public async Task ReleaseTechnician(string orderId)
    {
        if (state.State.TechnicianOnOrder.Remove(orderId))
        {
            await Save();
        }
    }

    public async Task RecordServiceOutcome(string key, bool? completedOnTime, int? rating)
    {
        RequireProfile();
        if (!state.State.CountedOutcomes.Add(key))
        {
            return;
        }

        var score = state.State.Score;
        if (completedOnTime is { } onTime)
        {
            score = score.WithCompletion(onTime);
        }

        if (rating is { } stars)
        {
            score = score.WithRating(stars);
        }

        state.State.Score = score;
        await Commit(); // the score ranks dispatch candidates, so every silo's index must see it
    }

    public Task<OutletLoad> GetLoad()
    {
        var listing = Listing();
        var today = listing.Profile.Hours.LocalDate(clock.GetUtcNow());
        var booked = state.State.BookedPerDay.GetValueOrDefault(today);
        return Task.FromResult(new OutletLoad
        {
            Listing = listing,
            LocalDate = today,
            BookedToday = booked,
            CapacityLeftToday = Math.Max(0, listing.Profile.DailyCapacity - booked),
            OpenOrders = state.State.OpenOrders.Count,
        });
    }

    private void TrackOpenOrder(JobEvent jobEvent)
    {
        switch (jobEvent.Kind)
        {
            case JobEventKind.Offered or JobEventKind.Accepted:
                state.State.OpenOrders.Add(jobEvent.OrderId);
                break;
            case JobEventKind.OfferWithdrawn or JobEventKind.Declined or JobEventKind.Cancelled or JobEventKind.Collected:
                state.State.OpenOrders.Remove(jobEvent.OrderId);
                break;
        }

        if (jobEvent.Kind is JobEventKind.Accepted or JobEventKind.Declined or JobEventKind.OfferWithdrawn or JobEventKind.Cancelled)
        {
            state.State.AnswersDue.Remove(jobEvent.OrderId); // answered, or no longer the outlet's to answer
        }
    }

    private static ImmutableArray<Unavailability> Evaluate(OutletListing listing, JobRequirement job, DateOnly today, int booked) =>
        OutletAvailability.ReasonsFor(listing, job, today, booked);

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
            Score = state.State.Score,
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
