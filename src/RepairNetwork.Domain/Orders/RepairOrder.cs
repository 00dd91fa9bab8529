using RepairNetwork.Domain.Calendars;
using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Warranty;

namespace RepairNetwork.Domain.Orders;

/// <summary>Where a repair order stands (see README, "Order lifecycle", for the diagram).</summary>
public enum RepairOrderStatus
{
    /// <summary>Stored, no outlet holds it yet: before the first offer and between offers.</summary>
    Created = 1,
    /// <summary>Booked at an outlet that has not yet accepted; the acceptance window runs.</summary>
    Offered = 2,
    /// <summary>No outlet could take it; headquarters sees it in the escalation queue.</summary>
    Unassigned = 3,
    Accepted = 4,
    Diagnosed = 5,
    /// <summary>A quote waits for the customer's consent; no work goes on meanwhile.</summary>
    Quoted = 6,
    Approved = 7,
    /// <summary>The customer declined the quote: the product goes back unrepaired.</summary>
    Declined = 8,
    Repairing = 9,
    Completed = 10,
    Collected = 11,
    Closed = 12,
    Cancelled = 13,
}

[GenerateSerializer, Alias("rn.Customer"), Immutable]
public sealed record Customer
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string Phone { get; init; }

    [Id(2)] public required string Address { get; init; }
}

[GenerateSerializer, Alias("rn.Product"), Immutable]
public sealed record Product
{
    [Id(0)] public required string Category { get; init; }

    [Id(1)] public required string Model { get; init; }

    [Id(2)] public required string SerialNumber { get; init; }

    [Id(3)] public required DateOnly PurchaseDate { get; init; }
}

/// <summary>Everything the caller asks for when opening an order; compared to recognise retries.</summary>
[GenerateSerializer, Alias("rn.RepairRequest"), Immutable]
public sealed record RepairRequest
{
    [Id(0)] public required string RequestId { get; init; }

    [Id(1)] public required Customer Customer { get; init; }

    [Id(2)] public required Product Product { get; init; }

    [Id(3)] public required string FaultDescription { get; init; }

    [Id(4)] public required JobRequirement Job { get; init; }

    /// <summary>Spare parts the repair is known to need, one line per SKU in SKU order; empty when not known.</summary>
    public ImmutableArray<PartQuantity> RequiredParts
    {
        get => _requiredParts.IsDefault ? [] : _requiredParts; // orders stored before parts existed have none
        init => _requiredParts = value;
    }

    [Id(5)] private ImmutableArray<PartQuantity> _requiredParts = [];

    /// <summary>The slot the customer chose (<see cref="Appointments.SlotIds"/>), booked with the order; null without one.</summary>
    [Id(6)] public string? SlotId { get; init; }

    // Compared by content: ImmutableArray's own equality compares array references, and a retried
    // request must be recognised as the same request.
    public bool Equals(RepairRequest? other) =>
        other is not null
        && RequestId == other.RequestId
        && Customer == other.Customer
        && Product == other.Product
        && FaultDescription == other.FaultDescription
        && Job == other.Job
        && SlotId == other.SlotId
        && RequiredParts.AsSpan().SequenceEqual(other.RequiredParts.AsSpan());

    public override int GetHashCode() => HashCode.Combine(RequestId, Customer, Product, FaultDescription, Job, RequiredParts.Length);
}

/// <summary>The outlet an order is booked at.</summary>
[GenerateSerializer, Alias("rn.Assignment"), Immutable]
public sealed record Assignment
{
    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required string OutletName { get; init; }

    [Id(2)] public required double DistanceKm { get; init; }

    [Id(3)] public required DateOnly BookedForDate { get; init; }

    [Id(4)] public required DateTimeOffset AssignedAt { get; init; }

    /// <summary>How the order's required parts are held for it; null when it names none.</summary>
    [Id(5)] public PartsSupply? Parts { get; init; }

    /// <summary>Why the dispatcher chose this outlet, in words an agent can read out.</summary>
    [Id(6)] public string Explanation { get; init; } = string.Empty;
}

public enum PartsSupplyMode
{
    /// <summary>The chosen outlet held every part from its own stock.</summary>
    ReservedInStock = 1,

    /// <summary>A sibling outlet holds the parts and sends them to the chosen outlet by a transfer.</summary>
    Transfer = 2,
}

/// <summary>Where the parts for an assigned order are held.</summary>
[GenerateSerializer, Alias("rn.PartsSupply"), Immutable]
public sealed record PartsSupply
{
    [Id(0)] public required PartsSupplyMode Mode { get; init; }

    /// <summary>The outlet whose stock holds the parts: the assigned one, or the transfer's source.</summary>
    [Id(1)] public required string HeldAtOutletId { get; init; }

    /// <summary>For a transfer: its id, requested as part of the dispatch.</summary>
    [Id(2)] public string TransferId { get; init; } = string.Empty;

    /// <summary>For a transfer: distance between the source and the assigned outlet, in km.</summary>
    [Id(3)] public double TransferDistanceKm { get; init; }
}

/// <summary>An outlet the dispatcher examined and did not choose, and why.</summary>
[GenerateSerializer, Alias("rn.PassedOverOutlet"), Immutable]
public sealed record PassedOverOutlet
{
    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required double DistanceKm { get; init; }

    [Id(2)] public required ImmutableArray<Unavailability> Reasons { get; init; }
}

/// <summary>
/// The repair order aggregate: the after-sales process as a state machine. Every step is a method
/// that checks the current status, appends to the audit trail and returns the new order; a step
/// retried after it took effect returns the order unchanged, so callers can retry safely.
/// </summary>
[GenerateSerializer, Alias("rn.RepairOrder"), Immutable]
public sealed record RepairOrder
{
    [Id(0)] public required string OrderId { get; init; }

    [Id(1)] public required RepairRequest Request { get; init; }

    [Id(2)] public required RepairOrderStatus Status { get; init; }

    /// <summary>The outlet holding the order (offered to or working on it); null while none does.</summary>
    [Id(3)] public Assignment? Assignment { get; init; }

    /// <summary>
    /// The outlet the order belongs to now, and so the only outlet that may read it (customer data
    /// included), watch it or work it; null while no outlet holds it. An outlet that was offered the
    /// order and declined it, or let the offer lapse, no longer holds it.
    /// </summary>
    public string? HoldingOutletId => Assignment?.OutletId;

    [Id(4)] public ImmutableArray<PassedOverOutlet> PassedOver { get; init; } = [];

    [Id(5)] public string UnassignedReason { get; init; } = string.Empty;

    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The category's policy as it was when the order was created: the promise made.</summary>
    [Id(7)] public CategoryPolicy? Policy { get; init; }

    [Id(8)] public WarrantyDecision? Warranty { get; init; }

    /// <summary>An outlet must have accepted by then.</summary>
    [Id(9)] public DateTimeOffset ResponseDueAt { get; init; }

    /// <summary>The repair must be completed by then.</summary>
    [Id(10)] public DateTimeOffset CompletionDueAt { get; init; }

    /// <summary>When the current offer lapses if the outlet neither accepts nor declines.</summary>
    [Id(11)] public DateTimeOffset? OfferExpiresAt { get; init; }

    /// <summary>Outlets that declined the job or let the offer lapse; they are not offered it again.</summary>
    [Id(12)] public ImmutableArray<string> ExcludedOutlets { get; init; } = [];

    [Id(13)] public Diagnosis? Diagnosis { get; init; }

    /// <summary>The latest quote; earlier ones stay in the audit trail.</summary>
    [Id(14)] public Quote? Quote { get; init; }

    [Id(15)] public string TechnicianId { get; init; } = string.Empty;

    [Id(16)] public Loaner? Loaner { get; init; }

    [Id(17)] public RepairRecord? RepairRecord { get; init; }

    [Id(18)] public Feedback? Feedback { get; init; }

    [Id(19)] public ImmutableArray<Complaint> Complaints { get; init; } = [];

    [Id(20)] public ImmutableArray<AuditEntry> Audit { get; init; } = [];

    /// <summary>Headquarters must act: no outlet left, or a deadline missed.</summary>
    [Id(21)] public bool Escalated { get; init; }

    [Id(22)] public DateTimeOffset? AcceptedAt { get; init; }

    [Id(23)] public bool ResponseDeadlineMissed { get; init; }

    [Id(24)] public bool CompletionDeadlineMissed { get; init; }

    /// <summary>Which status the order was in when cancelled, for the outlet's records.</summary>
    [Id(25)] public string CancelReason { get; init; } = string.Empty;

    /// <summary>
    /// The technician's time booked for the order, if any. Its window's start is the response deadline:
    /// the outlet must have accepted before the customer is due.
    /// </summary>
    [Id(26)] public Appointments.Appointment? Appointment { get; init; }

    /// <summary>Grows with every change; watchers resume from it.</summary>
    public int Revision => Audit.Length;

    public bool IsFinished => Status is RepairOrderStatus.Closed or RepairOrderStatus.Cancelled;

    /// <summary>Completed on time, once completed; null before.</summary>
    public bool? CompletedOnTime => RepairRecord is { } r ? r.CompletedAt <= CompletionDueAt : null;

    public static RepairOrder Receive(string orderId, RepairRequest request, DateTimeOffset now) =>
        Receive(orderId, request, CategoryPolicy.Default(request.Product.Category), Actor.Platform, now);

    /// <summary>
    /// Receives an order whose slot is already held at the outlet (<see cref="Appointments.SlotPlanner.Book"/>):
    /// the appointment is the response promise, so the outlet must accept before its window starts.
    /// </summary>
    public static RepairOrder Receive(string orderId, RepairRequest request, CategoryPolicy policy, Actor by, DateTimeOffset now, Appointments.Appointment? appointment)
    {
        var order = Receive(orderId, request, policy, by, now);
        return appointment is null
            ? order
            : (order with { Appointment = appointment, ResponseDueAt = appointment.WindowStart })
                .Record(by, now, OrderAction.AppointmentBooked, RepairOrderStatus.Created, AppointmentDetail(appointment), appointment.OutletId);
    }

    public static RepairOrder Receive(string orderId, RepairRequest request, CategoryPolicy policy, Actor by, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (request.Product.PurchaseDate > today.AddDays(1))
        {
            // One day of slack: the customer's local date may be ahead of UTC.
            throw DomainException.Invalid("product.purchase_date", $"must not be in the future (got {request.Product.PurchaseDate:yyyy-MM-dd})");
        }

        var warranty = WarrantyRules.AtCreation(policy, request.Product.PurchaseDate, today);
        var order = new RepairOrder
        {
            OrderId = orderId,
            Request = request,
            Status = RepairOrderStatus.Created,
            CreatedAt = now,
            Policy = policy,
            Warranty = warranty,
            ResponseDueAt = now + policy.ResponseWithinFor(request.Job.Mode),
            CompletionDueAt = now + policy.CompletionWithinFor(request.Job.Mode),
        };
        return order.Record(by, now, OrderAction.Created, RepairOrderStatus.Created, warranty.Explanation);
    }

    public CategoryPolicy EffectivePolicy => Policy ?? CategoryPolicy.Default(Request.Product.Category);

    // ---- dispatch -------------------------------------------------------------------------

    /// <summary>
    /// Offers the order to the outlet that booked it; the outlet has the acceptance window to answer,
    /// counted in its open hours (<paramref name="outletTime"/>; null: around the clock). Under a
    /// business-hours policy the response and completion deadlines are computed on this outlet's hours.
    /// </summary>
    public RepairOrder Offer(Assignment assignment, IEnumerable<PassedOverOutlet> passedOver, DateTimeOffset now, BusinessCalendar? outletTime = null)
    {
        if (Status == RepairOrderStatus.Offered && Assignment?.OutletId == assignment.OutletId)
        {
            return this;
        }

        RequireStatus("offer", RepairOrderStatus.Created, RepairOrderStatus.Unassigned);
        var answerBy = AnswerBy(now, EffectivePolicy.AcceptanceWindow, outletTime);
        return (this with
        {
            Assignment = assignment,
            PassedOver = [.. passedOver],
            UnassignedReason = string.Empty,
            OfferExpiresAt = answerBy,
            ResponseDueAt = ResponseDeadlineMissed ? ResponseDueAt : Appointment?.WindowStart ?? ResponsePromise.DueAt(outletTime),
            CompletionDueAt = CompletionDeadlineMissed ? CompletionDueAt : CompletionPromise.DueAt(outletTime),
        }).Record(Actor.Platform, now, OrderAction.Offered, RepairOrderStatus.Offered,
            OfferDetail(assignment.OutletId, assignment.DistanceKm, answerBy, outletTime), assignment.OutletId);
    }

    /// <summary>
    /// When an offer made at <paramref name="offeredAt"/> lapses: the acceptance window counted only
    /// while the outlet is open, so an offer made after closing waits for the morning (22:30 + 2 h at an
    /// outlet opening at 09:00 ends at 11:00). Around the clock when the outlet's hours are unknown or it
    /// does not open within the search horizon (it would not have been offered the job then).
    /// </summary>
    public static DateTimeOffset AnswerBy(DateTimeOffset offeredAt, TimeSpan window, BusinessCalendar? outletTime) =>
        new ServicePromise { From = offeredAt, Within = window, Clock = ServiceClock.BusinessHours }.DueAt(outletTime);

    /// <summary>The response promise: from creation, in calendar time or in the outlet's open hours as the policy says.</summary>
    public ServicePromise ResponsePromise => new() { From = CreatedAt, Within = EffectivePolicy.ResponseWithinFor(Request.Job.Mode), Clock = EffectivePolicy.Clock };

    /// <summary>The completion promise, counted like the response promise.</summary>
    public ServicePromise CompletionPromise => new() { From = CreatedAt, Within = EffectivePolicy.CompletionWithinFor(Request.Job.Mode), Clock = EffectivePolicy.Clock };

    /// <summary>The audit detail of an offer; the outlet's Offered job event carries the same words.</summary>
    public static string OfferDetail(string outletId, double distanceKm, DateTimeOffset answerBy, BusinessCalendar? outletTime = null) =>
        $"offered to {outletId} at {distanceKm:0.0} km; answer by {(outletTime is null ? $"{answerBy:yyyy-MM-dd HH:mm} UTC" : outletTime.Describe(answerBy))}";

    /// <summary>
    /// No outlet could take it (again). When an outlet had it before (declined, timed out), the job has
    /// run out of outlets: it escalates to headquarters.
    /// </summary>
    public RepairOrder MarkUnassigned(string reason, IEnumerable<PassedOverOutlet> passedOver, DateTimeOffset now)
    {
        RequireStatus("leave unassigned", RepairOrderStatus.Created, RepairOrderStatus.Unassigned);
        if (Status == RepairOrderStatus.Unassigned)
        {
            // A periodic retry that found nothing: refresh the reason, no new trail entry.
            return this with { PassedOver = [.. passedOver], UnassignedReason = reason };
        }

        var unassigned = (this with { Assignment = null, PassedOver = [.. passedOver], UnassignedReason = reason, OfferExpiresAt = null })
            .Record(Actor.Platform, now, OrderAction.Unassigned, RepairOrderStatus.Unassigned, reason);
        return unassigned.Escalate(now, ExcludedOutlets.IsEmpty
            ? $"no outlet can take the job: {reason}"
            : $"no outlet left after {ExcludedOutlets.Length} declined or let the offer lapse: {reason}");
    }

    public RepairOrder Accept(Actor by, DateTimeOffset now)
    {
        if (Status != RepairOrderStatus.Offered && AcceptedAt is not null && Assignment is { } held && RequireOwnOutletMatches(by, held.OutletId))
        {
            return this; // retried after it took effect
        }

        RequireStatus("accept", RepairOrderStatus.Offered);
        RequireHoldingOutlet(by, "accept");
        return (this with { AcceptedAt = now, OfferExpiresAt = null })
            .Record(by, now, OrderAction.Accepted, RepairOrderStatus.Accepted, string.Empty, Assignment!.OutletId);
    }

    /// <summary>The outlet turns the job down; it goes back to dispatch, never to this outlet again.</summary>
    /// <param name="outletId">
    /// Whose offer is declined: the outlet itself for outlet callers; for headquarters optional, but
    /// naming it makes a retried decline recognisable once the job has moved to the next outlet.
    /// </param>
    public RepairOrder DeclineOffer(Actor by, string reason, DateTimeOffset now, string? outletId = null)
    {
        var decliner = by.Role == ActorRole.Outlet ? by.Id : outletId;
        if (decliner is not null && ExcludedOutlets.Contains(decliner) && Assignment?.OutletId != decliner)
        {
            return this; // that outlet's decline already took effect
        }

        RequireStatus("decline", RepairOrderStatus.Offered);
        RequireHoldingOutlet(by, "decline");
        if (decliner is not null && Assignment!.OutletId != decliner)
        {
            throw DomainException.Precondition($"cannot decline order {OrderId} for {decliner}: it is offered to {Assignment.OutletId}");
        }

        return ReleaseOffer(by, now, OrderAction.OfferDeclined, reason);
    }

    /// <summary>The acceptance window lapsed; a timer calls this, so an early call is a no-op.</summary>
    public RepairOrder ExpireOffer(DateTimeOffset now)
    {
        if (Status != RepairOrderStatus.Offered || OfferExpiresAt is not { } expires || now < expires)
        {
            return this;
        }

        return ReleaseOffer(Actor.Platform, now, OrderAction.OfferTimedOut, $"no answer within the {EffectivePolicy.AcceptanceWindow.TotalHours:0.##} h acceptance window");
    }

    private RepairOrder ReleaseOffer(Actor by, DateTimeOffset now, OrderAction action, string reason)
    {
        var outletId = Assignment!.OutletId;
        var released = (this with { Assignment = null, OfferExpiresAt = null, ExcludedOutlets = ExcludedOutlets.Add(outletId) })
            .Record(by, now, action, RepairOrderStatus.Created, reason, outletId);
        // The slot was that outlet's time: it is freed with the offer, and the order goes on without one.
        return released.FreeAppointment(Actor.Platform, now, $"the slot at {outletId} is freed: {reason}");
    }

    // ---- appointments -----------------------------------------------------------------------

    /// <summary>The audit detail of a booked appointment; the outlet's job event says the same.</summary>
    public static string AppointmentDetail(Appointments.Appointment appointment) =>
        $"{Appointments.SlotIds.ModeName(appointment.Mode)} {appointment.Describe()} with technician {appointment.TechnicianId}";

    /// <summary>The audit detail of a moved appointment; the outlet's job event says the same.</summary>
    public static string RescheduleDetail(Appointments.Appointment from, Appointments.Appointment to) =>
        $"from {from.Describe()} to {AppointmentDetail(to)}";

    /// <summary>
    /// The appointment moved to another window of the same outlet (booked there by
    /// <see cref="Appointments.SlotPlanner.Move"/>). Before the repair starts only; headquarters, the call
    /// center or the outlet holding the order. Moving to the window it has is a no-op.
    /// </summary>
    public RepairOrder Reschedule(Actor by, Appointments.Appointment moved, DateTimeOffset now)
    {
        var current = RequireAppointment("reschedule the appointment of", by);
        if (current.WindowStart == moved.WindowStart && current.TechnicianId == moved.TechnicianId)
        {
            return this;
        }

        return (this with { Appointment = moved, ResponseDueAt = AwaitsResponse && !ResponseDeadlineMissed ? moved.WindowStart : ResponseDueAt })
            .Record(by, now, OrderAction.AppointmentRescheduled, Status, RescheduleDetail(current, moved), moved.OutletId);
    }

    /// <summary>Checks <see cref="Reschedule"/> would be allowed, before the outlet moves any time.</summary>
    public Appointments.Appointment RequireAppointment(string action, Actor by)
    {
        RequireStatus(action, RepairOrderStatus.Offered, RepairOrderStatus.Accepted, RepairOrderStatus.Diagnosed, RepairOrderStatus.Quoted, RepairOrderStatus.Approved);
        var appointment = Appointment ?? throw DomainException.Precondition($"cannot {action} order {OrderId}: it has no appointment");
        RequireHoldingOutlet(by, action);
        return appointment;
    }

    /// <summary>The customer's appointment is cancelled; the order stays with its outlet. A second cancel is a no-op.</summary>
    public RepairOrder CancelAppointment(Actor by, string reason, DateTimeOffset now)
    {
        if (Appointment is null)
        {
            return this;
        }

        RequireAppointment("cancel the appointment of", by);
        return FreeAppointment(by, now, reason);
    }

    private RepairOrder FreeAppointment(Actor by, DateTimeOffset now, string reason)
    {
        if (Appointment is not { } appointment)
        {
            return this;
        }

        // Without a slot the response promise is the category's again (counted from creation).
        return (this with { Appointment = null, ResponseDueAt = ResponseDeadlineMissed ? ResponseDueAt : ResponsePromise.DueAt(null) })
            .Record(by, now, OrderAction.AppointmentCancelled, Status, $"{appointment.Describe()} cancelled: {reason}", appointment.OutletId);
    }

    // ---- at the outlet ----------------------------------------------------------------------

    public RepairOrder AssignTechnician(Actor by, string technicianId, DateTimeOffset now)
    {
        if (TechnicianId == technicianId)
        {
            return this;
        }

        CheckTechnicianCanBeAssigned(by);
        return (this with { TechnicianId = technicianId })
            .Record(by, now, OrderAction.TechnicianAssigned, Status, technicianId, Assignment!.OutletId);
    }

    /// <summary>
    /// Throws what <see cref="AssignTechnician"/> would for <paramref name="by"/>, before any technician
    /// is chosen: lets the caller refuse before reserving one at the outlet.
    /// </summary>
    public void CheckTechnicianCanBeAssigned(Actor by)
    {
        RequireStatus("assign a technician to", RepairOrderStatus.Accepted, RepairOrderStatus.Diagnosed, RepairOrderStatus.Quoted, RepairOrderStatus.Approved, RepairOrderStatus.Repairing);
        RequireHoldingOutlet(by, "assign a technician to");
    }

    /// <summary>Records the findings and the warranty decision they lead to (decided by the caller with <see cref="WarrantyRules.AtDiagnosis"/>).</summary>
    public RepairOrder Diagnose(Actor by, Diagnosis diagnosis, WarrantyDecision warranty, DateTimeOffset now)
    {
        if (Status == RepairOrderStatus.Diagnosed && Diagnosis is { } done && done.SameAs(diagnosis))
        {
            return this;
        }

        RequireStatus("diagnose", RepairOrderStatus.Accepted);
        RequireHoldingOutlet(by, "diagnose");
        return (this with { Diagnosis = diagnosis, Warranty = warranty })
            .Record(by, now, OrderAction.Diagnosed, RepairOrderStatus.Diagnosed, $"{warranty.Coverage}: {warranty.Explanation}", Assignment!.OutletId);
    }

    /// <summary>
    /// Submits an itemized quote. Allowed after diagnosis and, as a change of plan or cost, while the
    /// repair is under way: either way work stops until the customer approves.
    /// </summary>
    public RepairOrder SubmitQuote(Actor by, Quote quote, DateTimeOffset now)
    {
        if (Status == RepairOrderStatus.Quoted && Quote is { } pending && pending.SameOffer(quote))
        {
            return this;
        }

        RequireStatus("quote", RepairOrderStatus.Diagnosed, RepairOrderStatus.Approved, RepairOrderStatus.Repairing);
        RequireHoldingOutlet(by, "quote");
        var versioned = quote with { Version = (Quote?.Version ?? 0) + 1, QuotedAt = now, Decision = QuoteDecision.Pending, DecidedAt = null, DecisionNote = string.Empty };
        var detail = $"quote v{versioned.Version}: total {Money(versioned.TotalMinor, versioned.Currency)}, customer pays {Money(versioned.CustomerPaysMinor, versioned.Currency)}";
        return (this with { Quote = versioned })
            .Record(by, now, OrderAction.Quoted, RepairOrderStatus.Quoted, Status == RepairOrderStatus.Diagnosed ? detail : $"change during repair, {detail}{Reasoned(quote.Reason)}", Assignment!.OutletId);
    }

    /// <summary>The customer consents to quote <paramref name="quoteVersion"/> (recorded by the call center or headquarters).</summary>
    public RepairOrder ApproveQuote(Actor by, int quoteVersion, string note, DateTimeOffset now)
    {
        if (Quote is { Decision: QuoteDecision.Approved } approved && approved.Version == quoteVersion)
        {
            return this;
        }

        RequireStatus("approve a quote of", RepairOrderStatus.Quoted);
        RequireCurrentQuote(quoteVersion);
        var decided = Quote! with { Decision = QuoteDecision.Approved, DecidedAt = now, DecisionNote = note };
        return (this with { Quote = decided })
            .Record(by, now, OrderAction.QuoteApproved, RepairOrderStatus.Approved, $"quote v{quoteVersion} approved{Reasoned(note)}", Assignment?.OutletId ?? string.Empty);
    }

    /// <summary>The customer refuses the quote: no repair; the product is returned.</summary>
    public RepairOrder DeclineQuote(Actor by, int quoteVersion, string note, DateTimeOffset now)
    {
        if (Quote is { Decision: QuoteDecision.Declined } declined && declined.Version == quoteVersion)
        {
            return this;
        }

        RequireStatus("decline a quote of", RepairOrderStatus.Quoted);
        RequireCurrentQuote(quoteVersion);
        var decided = Quote! with { Decision = QuoteDecision.Declined, DecidedAt = now, DecisionNote = note };
        return (this with { Quote = decided })
            .Record(by, now, OrderAction.QuoteDeclined, RepairOrderStatus.Declined, $"quote v{quoteVersion} declined{Reasoned(note)}", Assignment?.OutletId ?? string.Empty);
    }

    /// <summary>
    /// Starts (or resumes after an approved change) the repair. Work the customer pays for needs an
    /// approved quote; free warranty work can start straight after diagnosis.
    /// </summary>
    public RepairOrder StartRepair(Actor by, DateTimeOffset now)
    {
        if (Status == RepairOrderStatus.Repairing)
        {
            return this;
        }

        CheckRepairCanStart(by);
        if (string.IsNullOrEmpty(TechnicianId))
        {
            throw DomainException.Precondition($"order {OrderId} has no technician: assign one first");
        }

        return Record(by, now, OrderAction.RepairStarted, RepairOrderStatus.Repairing, $"technician {TechnicianId}", Assignment!.OutletId);
    }

    /// <summary>
    /// Throws what <see cref="StartRepair"/> would for <paramref name="by"/>, except for a missing
    /// technician: lets the caller refuse before putting a technician on a repair that cannot start.
    /// </summary>
    public void CheckRepairCanStart(Actor by)
    {
        RequireStatus("start repairing", RepairOrderStatus.Diagnosed, RepairOrderStatus.Approved);
        RequireHoldingOutlet(by, "start repairing");
        if (Status == RepairOrderStatus.Diagnosed && Warranty is { NeedsQuote: true } warranty)
        {
            throw DomainException.Precondition($"order {OrderId} is {warranty.Coverage} ({warranty.Rule}): the customer pays, so an itemized quote must be approved before work starts");
        }
    }

    public RepairOrder IssueLoaner(Actor by, string sku, DateTimeOffset now)
    {
        if (Loaner is not null)
        {
            return this;
        }

        RequireStatus("lend a loaner for", RepairOrderStatus.Accepted, RepairOrderStatus.Diagnosed, RepairOrderStatus.Quoted, RepairOrderStatus.Approved, RepairOrderStatus.Repairing);
        return (this with { Loaner = new Loaner { Sku = sku, IssuedAt = now } })
            .Record(by, now, OrderAction.LoanerIssued, Status, $"loaner {sku}: expected repair time {Diagnosis?.ExpectedRepairTime.TotalHours:0.#} h exceeds {EffectivePolicy.LoanerThreshold.TotalHours:0.#} h", Assignment?.OutletId ?? string.Empty);
    }

    /// <summary>Whether a loaner should be offered: a long repair, a category with loaners, none lent yet.</summary>
    public bool WantsLoaner =>
        Loaner is null && Diagnosis is { } d && EffectivePolicy.LoanerSku.Length > 0 && d.ExpectedRepairTime > EffectivePolicy.LoanerThreshold;

    /// <summary>
    /// Completes the repair with its record. Parts the customer pays for must be on the approved
    /// quote, in at most the approved quantity: anything more is a change that needs new consent.
    /// </summary>
    public RepairOrder Complete(Actor by, RepairRecord record, DateTimeOffset now)
    {
        if (RepairRecord is { } done && done.SameWork(record) && Status is RepairOrderStatus.Completed or RepairOrderStatus.Collected or RepairOrderStatus.Closed)
        {
            return this;
        }

        RequireStatus("complete", RepairOrderStatus.Repairing);
        RequireHoldingOutlet(by, "complete");
        var policy = EffectivePolicy;
        foreach (var part in record.PartsReplaced)
        {
            if (Warranty is { } w && w.Covers(part.Sku, policy))
            {
                continue;
            }

            var approved = Quote is { Decision: QuoteDecision.Approved } q
                ? q.Lines.Where(l => l.Kind == QuoteLineKind.Part && l.Sku == part.Sku).Sum(l => l.Quantity)
                : 0;
            if (part.Quantity > approved)
            {
                throw DomainException.Precondition($"part {part.Sku} x{part.Quantity} is not covered by the warranty and the approved quote allows {approved}: submit a new quote for the customer's consent first");
            }
        }

        var onTime = now <= CompletionDueAt ? "on time" : $"late (due {CompletionDueAt:yyyy-MM-dd HH:mm} UTC)";
        var parts = record.PartsReplaced.IsEmpty ? "no parts" : string.Join(", ", record.PartsReplaced.Select(p => $"{p.Sku} x{p.Quantity}"));
        return (this with { RepairRecord = record with { CompletedAt = now } })
            .Record(by, now, OrderAction.Completed, RepairOrderStatus.Completed, $"{onTime}; {parts}", Assignment!.OutletId);
    }

    /// <summary>The customer has the product back: repaired, or unrepaired after declining the quote.</summary>
    public RepairOrder Collect(Actor by, DateTimeOffset now)
    {
        if (Status is RepairOrderStatus.Collected or RepairOrderStatus.Closed)
        {
            return this;
        }

        RequireStatus("hand over", RepairOrderStatus.Completed, RepairOrderStatus.Declined);
        RequireHoldingOutlet(by, "hand over");
        var collected = Record(by, now, OrderAction.Collected, RepairOrderStatus.Collected, Status == RepairOrderStatus.Declined ? "returned unrepaired: quote declined" : string.Empty, Assignment!.OutletId);
        return Loaner is { ReturnedAt: null } loaner
            ? (collected with { Loaner = loaner with { ReturnedAt = now } }).Record(by, now, OrderAction.LoanerReturned, RepairOrderStatus.Collected, loaner.Sku, Assignment!.OutletId)
            : collected;
    }

    public RepairOrder Close(Actor by, DateTimeOffset now)
    {
        if (Status == RepairOrderStatus.Closed)
        {
            return this;
        }

        RequireStatus("close", RepairOrderStatus.Collected);
        if (Complaints.Any(c => c.IsOpen))
        {
            throw DomainException.Precondition($"order {OrderId} has an open complaint: resolve it before closing");
        }

        return Record(by, now, OrderAction.Closed, RepairOrderStatus.Closed, string.Empty, Assignment?.OutletId ?? string.Empty);
    }

    /// <summary>Cancels an order before the repair starts; once work has begun it must be completed or declined.</summary>
    public RepairOrder Cancel(Actor by, string reason, DateTimeOffset now)
    {
        if (Status == RepairOrderStatus.Cancelled)
        {
            return this;
        }

        RequireStatus("cancel", RepairOrderStatus.Created, RepairOrderStatus.Offered, RepairOrderStatus.Unassigned, RepairOrderStatus.Accepted, RepairOrderStatus.Diagnosed, RepairOrderStatus.Quoted, RepairOrderStatus.Approved);
        return (this with { CancelReason = reason, OfferExpiresAt = null, Appointment = null })
            .Record(by, now, OrderAction.Cancelled, RepairOrderStatus.Cancelled, reason, Assignment?.OutletId ?? string.Empty);
    }

    // ---- follow-up --------------------------------------------------------------------------

    public RepairOrder Rate(Actor by, int rating, string comment, DateTimeOffset now)
    {
        if (Feedback is { } given)
        {
            return given.Rating == rating && given.Comment == comment
                ? this
                : throw DomainException.AlreadyExists($"order {OrderId} was already rated {given.Rating}");
        }

        RequireStatus("rate", RepairOrderStatus.Collected, RepairOrderStatus.Closed);
        if (rating is < 1 or > 5)
        {
            throw DomainException.Invalid("rating", "must be 1-5");
        }

        return (this with { Feedback = new Feedback { Rating = rating, Comment = comment, At = now } })
            .Record(by, now, OrderAction.Rated, Status, $"{rating}/5", Assignment?.OutletId ?? string.Empty);
    }

    public RepairOrder FileComplaint(Actor by, string complaintId, string text, DateTimeOffset now)
    {
        if (Complaints.FirstOrDefault(c => c.ComplaintId == complaintId) is { } existing)
        {
            return existing.Text == text
                ? this
                : throw DomainException.AlreadyExists($"complaint '{complaintId}' was already filed with a different text");
        }

        RequireStatus("file a complaint about", Enum.GetValues<RepairOrderStatus>().Where(s => s != RepairOrderStatus.Created).ToArray());
        var respondBy = now + EffectivePolicy.ComplaintResponseWithin;
        var complaint = new Complaint { ComplaintId = complaintId, Text = text, FiledAt = now, RespondBy = respondBy };
        return (this with { Complaints = Complaints.Add(complaint) })
            .Record(by, now, OrderAction.ComplaintFiled, Status, $"{complaintId}: answer by {respondBy:yyyy-MM-dd HH:mm} UTC", Assignment?.OutletId ?? string.Empty);
    }

    public RepairOrder ResolveComplaint(Actor by, string complaintId, string resolution, DateTimeOffset now)
    {
        var complaint = Complaints.FirstOrDefault(c => c.ComplaintId == complaintId)
            ?? throw DomainException.NotFound("complaint", complaintId);
        if (!complaint.IsOpen)
        {
            return complaint.Resolution == resolution
                ? this
                : throw DomainException.Precondition($"complaint '{complaintId}' is already resolved");
        }

        var late = now > complaint.RespondBy ? " (late)" : string.Empty;
        return (this with { Complaints = Complaints.Replace(complaint, complaint with { Resolution = resolution, ResolvedAt = now }) })
            .Record(by, now, OrderAction.ComplaintResolved, Status, $"{complaintId}{late}: {resolution}", Assignment?.OutletId ?? string.Empty);
    }

    // ---- service-level timers -----------------------------------------------------------------

    /// <summary>When the order's timers next need to look at it; null when nothing is pending.</summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            var due = new List<DateTimeOffset>();
            if (OfferExpiresAt is { } offer)
            {
                due.Add(offer);
            }

            if (!ResponseDeadlineMissed && AwaitsResponse)
            {
                due.Add(ResponseDueAt);
            }

            if (!CompletionDeadlineMissed && AwaitsCompletion)
            {
                due.Add(CompletionDueAt);
            }

            due.AddRange(Complaints.Where(c => c.IsOpen && !c.Overdue).Select(c => c.RespondBy));
            return due.Count == 0 ? null : due.Min();
        }
    }

    private bool AwaitsResponse => Status is RepairOrderStatus.Created or RepairOrderStatus.Offered or RepairOrderStatus.Unassigned;

    private bool AwaitsCompletion => Status is RepairOrderStatus.Created or RepairOrderStatus.Offered or RepairOrderStatus.Unassigned
        or RepairOrderStatus.Accepted or RepairOrderStatus.Diagnosed or RepairOrderStatus.Approved or RepairOrderStatus.Repairing;

    /// <summary>
    /// Records every promise missed by <paramref name="now"/> and escalates it to headquarters. Only
    /// deadlines; the acceptance window is handled by <see cref="ExpireOffer"/>, which moves the job.
    /// A quote waiting for the customer does not count against the outlet, but the deadline stands.
    /// </summary>
    public RepairOrder RecordMissedDeadlines(DateTimeOffset now)
    {
        var order = this;
        if (!ResponseDeadlineMissed && AwaitsResponse && now >= ResponseDueAt)
        {
            order = (order with { ResponseDeadlineMissed = true })
                .Record(Actor.Platform, now, OrderAction.ResponseDeadlineMissed, Status, $"no outlet accepted by {ResponseDueAt:yyyy-MM-dd HH:mm} UTC", Assignment?.OutletId ?? string.Empty)
                .Escalate(now, "response deadline missed");
        }

        if (!CompletionDeadlineMissed && AwaitsCompletion && now >= CompletionDueAt)
        {
            order = (order with { CompletionDeadlineMissed = true })
                .Record(Actor.Platform, now, OrderAction.CompletionDeadlineMissed, Status, $"not completed by {CompletionDueAt:yyyy-MM-dd HH:mm} UTC", Assignment?.OutletId ?? string.Empty)
                .Escalate(now, "completion deadline missed");
        }

        foreach (var complaint in order.Complaints.Where(c => c.IsOpen && !c.Overdue && now >= c.RespondBy))
        {
            order = (order with { Complaints = order.Complaints.Replace(complaint, complaint with { Overdue = true }) })
                .Record(Actor.Platform, now, OrderAction.ComplaintDeadlineMissed, Status, $"{complaint.ComplaintId} unanswered since {complaint.RespondBy:yyyy-MM-dd HH:mm} UTC", Assignment?.OutletId ?? string.Empty)
                .Escalate(now, $"complaint {complaint.ComplaintId} unanswered");
        }

        return order;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private RepairOrder Escalate(DateTimeOffset now, string why) =>
        (this with { Escalated = true }).Record(Actor.Platform, now, OrderAction.Escalated, Status, why, Assignment?.OutletId ?? string.Empty);

    private RepairOrder Record(Actor by, DateTimeOffset now, OrderAction action, RepairOrderStatus to, string detail, string outletId = "") =>
        this with
        {
            Status = to,
            Audit = Audit.Add(new AuditEntry { Sequence = Audit.Length + 1, At = now, By = by, Action = action, From = Status, To = to, Detail = detail, OutletId = outletId }),
        };

    private void RequireStatus(string action, params RepairOrderStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw DomainException.Precondition($"cannot {action} order {OrderId}: it is {Status}, not {string.Join(" or ", allowed)}");
        }
    }

    private void RequireHoldingOutlet(Actor by, string action)
    {
        if (Assignment is null)
        {
            throw DomainException.Precondition($"cannot {action} order {OrderId}: no outlet holds it");
        }

        if (!RequireOwnOutletMatches(by, Assignment.OutletId))
        {
            throw DomainException.Precondition($"cannot {action} order {OrderId}: it is held by another outlet");
        }
    }

    private static bool RequireOwnOutletMatches(Actor by, string outletId) => by.Role != ActorRole.Outlet || by.Id == outletId;

    private void RequireCurrentQuote(int quoteVersion)
    {
        if (Quote is null || Quote.Version != quoteVersion)
        {
            throw DomainException.Precondition($"quote v{quoteVersion} is not the current quote of order {OrderId} (current: v{Quote?.Version ?? 0}); read the order again");
        }
    }

    private static string Reasoned(string text) => string.IsNullOrEmpty(text) ? string.Empty : $": {text}";

    private static string Money(long minor, string currency) =>
        $"{currency} {(minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}";
}
