using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;

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
    Task<OutletAvailability> CheckAvailability(JobRequirement job, ServicePromise? respond = null);

    /// <summary>
    /// Books one unit of the capacity of the job's service day (today, or the outlet's next day with
    /// service time: see <see cref="DispatchPlanner.Inputs"/>) if every rule passes. Idempotent per order.
    /// <paramref name="respond"/>, when given, is the order's response promise: the outlet refuses a job
    /// it cannot answer in time.
    /// <paramref name="answerBy"/>, when given, is when the offer lapses: the outlet watches it and
    /// tells the order then, so an order needs no timer of its own while it waits for an answer.
    /// <paramref name="offered"/>, when given, is the job's Offered event: stored in the same write as
    /// the booking, so an offer costs the outlet one write instead of two.
    /// </summary>
    Task<BookingResult> TryBook(string orderId, JobRequirement job, DateTimeOffset? answerBy = null, JobEvent? offered = null, ServicePromise? respond = null);

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

    /// <summary>The outlet's earliest slots for a job, or why it has none (its standing refusal, or <see cref="Domain.Appointments.SlotPlanner"/>'s reason).</summary>
    [ReadOnly]
    Task<Domain.Appointments.OutletSlots> FindSlots(Appointments.SlotSearch search);

    /// <summary>
    /// Holds a technician's time for an order being created (FAILED_PRECONDITION with the next free
    /// slots when taken). The hold becomes the order's booking when the order is offered here
    /// (<see cref="TryBook"/>), and lapses if the order never comes. Idempotent per order.
    /// </summary>
    Task<Domain.Appointments.Appointment> HoldAppointment(string orderId, Appointments.AppointmentRequest request);

    /// <summary>Moves an order's appointment to another window, atomically: the old time stays booked if the new one cannot be.</summary>
    Task<Domain.Appointments.Appointment> MoveAppointment(string orderId, Appointments.AppointmentRequest request, int orderRevision);

    /// <summary>Frees an order's appointment; false when it had none here (a retry). <paramref name="detail"/> is the order's audit detail, which the job event repeats.</summary>
    Task<bool> CancelAppointment(string orderId, string detail, int orderRevision);

    /// <summary>A technician's appointments on a local date (null: today), in order, with travel.</summary>
    [ReadOnly]
    Task<Appointments.TechnicianDayPlan> GetDayPlan(string technicianId, DateOnly? date);

    /// <summary>Today's bookings, capacity left and open orders (batch routing, network stats).</summary>
    [ReadOnly]
    Task<OutletLoad> GetLoad();
}
