using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain;

namespace RepairNetwork.Grains.Outlets;

/// <summary>The job feed: the orders booked here and the job events an outlet system reads, the oldest moved out in pages.</summary>
public sealed partial class OutletGrain
{
    /// <summary>
    /// Jobs and job events kept in the outlet's own state; past this, the oldest move out in whole
    /// pages. Every booking writes this state, so it must not grow with the outlet's history.
    /// </summary>
    public const int FeedEntriesKept = 500;

    /// <summary>Notified when an event is appended; waiting watchers then read it.</summary>
    private readonly ChangeSignal _jobEventAppended = new();

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
}
