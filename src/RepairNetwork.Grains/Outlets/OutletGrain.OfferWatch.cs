using Orleans;
using Orleans.Runtime;
using RepairNetwork.Grains.Orders;

namespace RepairNetwork.Grains.Outlets;

/// <summary>Offers waiting for the outlet's answer: one reminder and one timer per outlet tell each order when its offer lapses.</summary>
public sealed partial class OutletGrain
{
    /// <summary>
    /// One durable reminder per outlet while offers wait for its answer, instead of one per order:
    /// it wakes the outlet after a restart, and the outlet tells each order whose offer has lapsed.
    /// </summary>
    public const string AnswersDueReminder = "answers-due";

    /// <summary>Whether this activation has made sure the answers-due reminder exists.</summary>
    private bool _watchingAnswers;

    /// <summary>Fires at the next lapse while the outlet is active (the reminder is the durable backstop).</summary>
    private IGrainTimer? _answerTimer;

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

    public async Task ForgetOffer(string orderId, bool release)
    {
        RequireProfile();
        var changed = state.State.AnswersDue.Remove(orderId);
        var withdrawn = release && state.State.OpenOrders.Contains(orderId)
            // The outlet's system was told of an offer that no longer stands.
            && AddJobEvent(new JobEvent { OrderId = orderId, Kind = JobEventKind.OfferWithdrawn, At = clock.GetUtcNow(), Detail = "the offer no longer stands", OrderRevision = 0 });
        if (release && (state.State.Bookings.ContainsKey(orderId) || state.State.Appointments.ContainsKey(orderId)))
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
}
