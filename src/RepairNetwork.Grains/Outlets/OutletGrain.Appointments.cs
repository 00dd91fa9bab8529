using Orleans;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Appointments;

namespace RepairNetwork.Grains.Outlets;

/// <summary>
/// Appointments: the outlet's technicians' booked time. Every booking, move and release of one
/// outlet's time goes through this grain, one call at a time, so no technician's time is booked twice
/// whatever the concurrency and wherever the callers run. The rules are the domain's (<see cref="SlotPlanner"/>).
/// </summary>
public sealed partial class OutletGrain
{
    /// <summary>Appointments that ended longer ago than this are dropped from state.</summary>
    private static readonly TimeSpan AppointmentsKept = TimeSpan.FromDays(BookingDaysKept);

    public Task<OutletSlots> FindSlots(SlotSearch search)
    {
        var now = clock.GetUtcNow();
        var query = Query(search.Job, search.Template, now);
        var standing = StandingRefusal(search.Job, now);
        return Task.FromResult(standing is not null
            ? new OutletSlots { Slots = [], Reason = standing.Message }
            : SlotPlanner.Find(TimeOf(now), query, search.Range, search.Max, appointmentPolicy));
    }

    public async Task<Appointment> HoldAppointment(string orderId, AppointmentRequest request)
    {
        var now = clock.GetUtcNow();
        if (state.State.Appointments.TryGetValue(orderId, out var held) && held.IsActive(now, appointmentPolicy))
        {
            return held; // a retried create: the time is already the order's
        }

        if (StandingRefusal(request.Job, now) is { } refusal)
        {
            throw DomainException.Precondition($"slot_id: {OutletId} cannot take this job: {refusal.Message}");
        }

        if (planner.PlannedCandidate(Listing(), request.Job) is null)
        {
            // Dispatch would never send the customer there (see DispatchPlanner.Reach).
            throw DomainException.Precondition($"slot_id: {OutletId} is beyond the {planner.Reach(request.Job.Mode):0} km a {SlotIds.ModeName(request.Job.Mode)} customer is sent");
        }

        var appointment = SlotPlanner.Book(TimeOf(now), Query(request.Job, request.Template, now), orderId, request.WindowStart, appointmentPolicy, "slot_id");
        ForgetOldAppointments(now);
        state.State.Appointments[orderId] = appointment;
        await Save();
        return appointment;
    }

    public async Task<Appointment> MoveAppointment(string orderId, AppointmentRequest request, int orderRevision)
    {
        var now = clock.GetUtcNow();
        if (!state.State.Appointments.TryGetValue(orderId, out var current))
        {
            throw DomainException.Precondition($"order {orderId} has no appointment at {OutletId}");
        }

        var moved = SlotPlanner.Move(TimeOf(now), Query(request.Job, request.Template, now), current, request.WindowStart, appointmentPolicy, "slot_id");
        if (moved == current)
        {
            return current;
        }

        state.State.Appointments[orderId] = moved;
        var added = AddJobEvent(new JobEvent
        {
            OrderId = orderId,
            Kind = JobEventKind.AppointmentRescheduled,
            At = now,
            Detail = RepairOrder.RescheduleDetail(current, moved),
            OrderRevision = orderRevision,
        });
        await Save();
        if (added)
        {
            _jobEventAppended.Notify();
        }

        return moved;
    }

    public async Task<bool> CancelAppointment(string orderId, string detail, int orderRevision)
    {
        if (!state.State.Appointments.Remove(orderId))
        {
            return false;
        }

        var added = AddJobEvent(new JobEvent
        {
            OrderId = orderId,
            Kind = JobEventKind.AppointmentCancelled,
            At = clock.GetUtcNow(),
            Detail = detail,
            OrderRevision = orderRevision,
        });
        await Save();
        if (added)
        {
            _jobEventAppended.Notify();
        }

        return true;
    }

    public Task<TechnicianDayPlan> GetDayPlan(string technicianId, DateOnly? date)
    {
        var now = clock.GetUtcNow();
        var technician = state.State.Roster.TryGetValue(technicianId, out var record)
            ? record.Profile
            : throw DomainException.NotFound("technician", $"{technicianId} at outlet {OutletId}");
        var outlet = TimeOf(now);
        var day = date ?? outlet.Calendar.LocalDate(now);
        var visits = SlotPlanner.DayPlan(outlet, technicianId, day, appointmentPolicy);
        return Task.FromResult(new TechnicianDayPlan
        {
            TechnicianId = technicianId,
            Date = day,
            TimeZoneId = outlet.Calendar.TimeZoneId,
            Visits = visits,
            Scheduled = SlotPlanner.ScheduledTime(outlet, technician, day),
            Booked = visits.Aggregate(TimeSpan.Zero, (sum, v) => sum + v.Appointment.Block.Duration),
        });
    }

    /// <summary>The appointment held for an order, still taking time; null when there is none.</summary>
    private Appointment? HeldAppointment(string orderId, DateTimeOffset now) =>
        state.State.Appointments.TryGetValue(orderId, out var held) && held.IsActive(now, appointmentPolicy) ? held : null;

    /// <summary>The outlet's standing refusal of a job (paused, mode, area, capability…), which bars appointments too.</summary>
    private Unavailability? StandingRefusal(JobRequirement job, DateTimeOffset now) =>
        DispatchPlanner.Screen(Inputs(Listing(), job, now), job, now).Reasons.FirstOrDefault(r => SlotPlanner.BarsAppointments(r.Code));

    private static SlotQuery Query(JobRequirement job, JobTemplate template, DateTimeOffset now) =>
        new() { Template = template, Mode = job.Mode, Location = job.CustomerLocation, Now = now };

    private OutletAgenda TimeOf(DateTimeOffset now)
    {
        var listing = Listing();
        return new OutletAgenda
        {
            OutletId = OutletId,
            OutletName = listing.Profile.Name,
            Location = listing.Profile.Location,
            Calendar = calendars.CalendarOf(listing),
            Technicians = [.. state.State.Roster.Values.Select(t => t.Profile)],
            Booked = [.. state.State.Appointments.Values.Where(a => a.IsActive(now, appointmentPolicy))],
        };
    }

    /// <summary>Drops lapsed holds and appointments long past, so the state stays the size of the outlet's real bookings.</summary>
    private void ForgetOldAppointments(DateTimeOffset now)
    {
        foreach (var old in state.State.Appointments.Where(a => !a.Value.IsActive(now, appointmentPolicy) || a.Value.PlannedEnd < now - AppointmentsKept).Select(a => a.Key).ToList())
        {
            state.State.Appointments.Remove(old);
        }
    }
}
