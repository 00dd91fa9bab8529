using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Warranty;

namespace RepairNetwork.Domain.Orders;

/// <summary>Who made a step: the role of the caller and its identity (outlet id, user, "system").</summary>
[GenerateSerializer, Alias("rn.Actor"), Immutable]
public sealed record Actor
{
    [Id(0)] public required ActorRole Role { get; init; }

    /// <summary>The outlet id for outlets; the token subject for people and tools; "platform" for timers.</summary>
    [Id(1)] public required string Id { get; init; }

    public static Actor Platform { get; } = new() { Role = ActorRole.Platform, Id = "platform" };

    public override string ToString() => $"{Role.ToString().ToLowerInvariant()}:{Id}";
}

public enum ActorRole
{
    /// <summary>The platform itself: timers, dispatch.</summary>
    Platform = 1,
    Headquarters = 2,
    CallCenter = 3,
    Outlet = 4,
}

/// <summary>What happened to an order; one per audit entry.</summary>
public enum OrderAction
{
    Created = 1,
    Offered = 2,
    OfferDeclined = 3,
    OfferTimedOut = 4,
    Escalated = 5,
    Accepted = 6,
    TechnicianAssigned = 7,
    Diagnosed = 8,
    Quoted = 9,
    QuoteApproved = 10,
    QuoteDeclined = 11,
    RepairStarted = 12,
    LoanerIssued = 13,
    Completed = 14,
    Collected = 15,
    Closed = 16,
    Cancelled = 17,
    Rated = 18,
    ComplaintFiled = 19,
    ComplaintResolved = 20,
    ResponseDeadlineMissed = 21,
    CompletionDeadlineMissed = 22,
    ComplaintDeadlineMissed = 23,
    Unassigned = 24,
    LoanerReturned = 25,
    AppointmentBooked = 26,
    AppointmentRescheduled = 27,
    AppointmentCancelled = 28,
}

/// <summary>One line of the audit trail: who did what, when, and why.</summary>
[GenerateSerializer, Alias("rn.AuditEntry"), Immutable]
public sealed record AuditEntry
{
    /// <summary>1-based position in the order's trail.</summary>
    [Id(0)] public required int Sequence { get; init; }

    [Id(1)] public required DateTimeOffset At { get; init; }

    [Id(2)] public required Actor By { get; init; }

    [Id(3)] public required OrderAction Action { get; init; }

    [Id(4)] public required RepairOrderStatus From { get; init; }

    [Id(5)] public required RepairOrderStatus To { get; init; }

    /// <summary>The why or the what: a decline reason, the outlet offered, the quote total…</summary>
    [Id(6)] public string Detail { get; init; } = string.Empty;

    /// <summary>The outlet the step concerns, when there is one (the order may since have moved on).</summary>
    [Id(7)] public string OutletId { get; init; } = string.Empty;
}

/// <summary>What the technician found at diagnosis.</summary>
[GenerateSerializer, Alias("rn.Diagnosis"), Immutable]
public sealed record Diagnosis
{
    [Id(0)] public required DiagnosisFindings Findings { get; init; }

    [Id(1)] public required string Notes { get; init; }

    /// <summary>How long the outlet expects the repair to take, from diagnosis to completion.</summary>
    [Id(2)] public required TimeSpan ExpectedRepairTime { get; init; }

    /// <summary>Same findings, compared by content: recognises a retried diagnosis.</summary>
    public bool SameAs(Diagnosis other) =>
        Notes == other.Notes && ExpectedRepairTime == other.ExpectedRepairTime
        && Findings.QualityFault == other.Findings.QualityFault
        && Findings.Exclusions.SequenceEqual(other.Findings.Exclusions)
        && Findings.PartSkus.SequenceEqual(other.Findings.PartSkus);
}

public enum QuoteLineKind
{
    Labour = 1,
    Part = 2,
}

/// <summary>One priced line of a quote; prices in minor currency units.</summary>
[GenerateSerializer, Alias("rn.QuoteLine"), Immutable]
public sealed record QuoteLine
{
    [Id(0)] public required QuoteLineKind Kind { get; init; }

    [Id(1)] public required string Description { get; init; }

    /// <summary>The part's SKU for part lines; empty for labour.</summary>
    [Id(2)] public string Sku { get; init; } = string.Empty;

    [Id(3)] public required int Quantity { get; init; }

    [Id(4)] public required long UnitPriceMinor { get; init; }

    /// <summary>The warranty pays this line, so the customer does not.</summary>
    [Id(5)] public required bool CoveredByWarranty { get; init; }

    public long TotalMinor => Quantity * UnitPriceMinor;
}

public enum QuoteDecision
{
    Pending = 1,
    Approved = 2,
    Declined = 3,
}

/// <summary>An itemized quote; each new quote for the same order gets the next version.</summary>
[GenerateSerializer, Alias("rn.Quote"), Immutable]
public sealed record Quote
{
    [Id(0)] public required int Version { get; init; }

    [Id(1)] public required ImmutableArray<QuoteLine> Lines { get; init; }

    [Id(2)] public required string Currency { get; init; }

    [Id(3)] public required DateTimeOffset QuotedAt { get; init; }

    [Id(4)] public QuoteDecision Decision { get; init; } = QuoteDecision.Pending;

    [Id(5)] public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Who gave or refused the customer's consent, and any words the customer gave.</summary>
    [Id(6)] public string DecisionNote { get; init; } = string.Empty;

    [Id(7)] public string Reason { get; init; } = string.Empty;

    public long TotalMinor => Lines.Sum(l => l.TotalMinor);

    public long CustomerPaysMinor => Lines.Where(l => !l.CoveredByWarranty).Sum(l => l.TotalMinor);

    /// <summary>Same content, ignoring when it was made and what was decided: recognises a retried quote.</summary>
    public bool SameOffer(Quote other) => Lines.SequenceEqual(other.Lines) && Currency == other.Currency && Reason == other.Reason;
}

/// <summary>A part fitted in the repair.</summary>
[GenerateSerializer, Alias("rn.ReplacedPart"), Immutable]
public sealed record ReplacedPart
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required int Quantity { get; init; }
}

/// <summary>The repair certificate: what was done, by whom, with which genuine parts.</summary>
[GenerateSerializer, Alias("rn.RepairRecord"), Immutable]
public sealed record RepairRecord
{
    [Id(0)] public required string WorkDone { get; init; }

    [Id(1)] public required string TechnicianId { get; init; }

    [Id(2)] public required ImmutableArray<ReplacedPart> PartsReplaced { get; init; }

    [Id(3)] public required DateTimeOffset CompletedAt { get; init; }

    public bool SameWork(RepairRecord other) =>
        WorkDone == other.WorkDone && TechnicianId == other.TechnicianId && PartsReplaced.SequenceEqual(other.PartsReplaced);
}

/// <summary>A loaner device lent to the customer for a long repair.</summary>
[GenerateSerializer, Alias("rn.Loaner"), Immutable]
public sealed record Loaner
{
    [Id(0)] public required string Sku { get; init; }

    [Id(1)] public required DateTimeOffset IssuedAt { get; init; }

    [Id(2)] public DateTimeOffset? ReturnedAt { get; init; }
}

/// <summary>The customer's rating after collection.</summary>
[GenerateSerializer, Alias("rn.Feedback"), Immutable]
public sealed record Feedback
{
    [Id(0)] public required int Rating { get; init; }

    [Id(1)] public required string Comment { get; init; }

    [Id(2)] public required DateTimeOffset At { get; init; }
}

/// <summary>A customer complaint with its own response deadline.</summary>
[GenerateSerializer, Alias("rn.Complaint"), Immutable]
public sealed record Complaint
{
    [Id(0)] public required string ComplaintId { get; init; }

    [Id(1)] public required string Text { get; init; }

    [Id(2)] public required DateTimeOffset FiledAt { get; init; }

    [Id(3)] public required DateTimeOffset RespondBy { get; init; }

    [Id(4)] public string Resolution { get; init; } = string.Empty;

    [Id(5)] public DateTimeOffset? ResolvedAt { get; init; }

    [Id(6)] public bool Overdue { get; init; }

    public bool IsOpen => ResolvedAt is null;
}
