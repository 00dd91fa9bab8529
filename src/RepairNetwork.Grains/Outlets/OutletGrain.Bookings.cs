using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Directory;

namespace RepairNetwork.Grains.Outlets;

/// <summary>Daily bookings: screening a job with the live count (<see cref="DispatchPlanner"/>), booking it, giving it back, and the capacity hints lookups read.</summary>
public sealed partial class OutletGrain
{
    /// <summary>Bookings older than this are only kept in the job feed.</summary>
    private const int BookingDaysKept = 7;

    /// <summary>What the planner needs of this outlet for a job now: its listing, business time, service day and the live count booked that day.</summary>
    private OutletInputs Inputs(OutletListing listing, JobRequirement job, DateTimeOffset now) =>
        planner.Inputs(listing, calendars.CalendarOf(listing), job, now, day => state.State.BookedPerDay.GetValueOrDefault(day));

    public Task<OutletAvailability> CheckAvailability(JobRequirement job, ServicePromise? respond = null)
    {
        var now = clock.GetUtcNow();
        return Task.FromResult(OutletAvailability.Evaluate(Inputs(Listing(), job, now), job, now, Hint(), respond));
    }

    public async Task<BookingResult> TryBook(string orderId, JobRequirement job, DateTimeOffset? answerBy = null, JobEvent? offered = null, ServicePromise? respond = null)
    {
        var listing = Listing();
        if (state.State.Bookings.TryGetValue(orderId, out var bookedDay))
        {
            return new BookingResult { Booked = true, LocalDate = bookedDay, Reasons = [], Listing = listing };
        }

        var now = clock.GetUtcNow();
        var appointment = HeldAppointment(orderId, now);
        DateOnly today;
        int booked;
        if (appointment is not null)
        {
            // The time was screened and held when the order was created: the booking is on its day,
            // and the appointment, not the day count, is the outlet's capacity for it.
            today = appointment.LocalDate;
            booked = state.State.BookedPerDay.GetValueOrDefault(today);
            state.State.Appointments[orderId] = appointment with { Confirmed = true };
        }
        else
        {
            var inputs = Inputs(listing, job, now);
            (today, booked) = (inputs.LocalDay, inputs.Booked!.Value);
            var screening = DispatchPlanner.Screen(inputs, job, now, respond);
            if (!screening.CanTakeJob)
            {
                return new BookingResult { Booked = false, LocalDate = today, Reasons = screening.Reasons, Listing = listing };
            }
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
        if (appointment is not null)
        {
            eventAdded |= AddJobEvent(new JobEvent
            {
                OrderId = orderId,
                Kind = JobEventKind.AppointmentBooked,
                At = now,
                Detail = Domain.Orders.RepairOrder.AppointmentDetail(appointment),
                OrderRevision = offered?.OrderRevision ?? 0,
            });
        }

        var becameFull = DispatchRules.IsFull(booked + 1, listing.Profile.DailyCapacity);
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

    public async Task ReleaseBooking(string orderId)
    {
        if (state.State.Profile is null)
        {
            return;
        }

        // A declined, lapsed or cancelled order frees its appointment's time with the booking.
        var forgotAnswer = state.State.AnswersDue.Remove(orderId) | state.State.Appointments.Remove(orderId);
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
            CapacityLeftToday = DispatchRules.CapacityLeft(booked, listing.Profile.DailyCapacity),
            OpenOrders = state.State.OpenOrders.Count,
        });
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
            BookedLater = state.State.BookedPerDay.Where(d => d.Key > today).Sum(d => d.Value),
        };
    }
}
