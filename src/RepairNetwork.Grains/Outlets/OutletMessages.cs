using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Grains.Outlets;

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
    AppointmentBooked = 13,
    AppointmentRescheduled = 14,
    AppointmentCancelled = 15,
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

    /// <summary>The local day the job would be booked on (its service day); null when it has none.</summary>
    [Id(5)] public DateOnly? ServiceDay { get; init; }

    /// <summary>When the outlet next opens, when it is closed now.</summary>
    [Id(6)] public DateTimeOffset? NextOpenAt { get; init; }

    /// <summary>Why it is closed now ("closed until ... (zone): Spring Festival"); empty when open.</summary>
    [Id(7)] public string ClosedReason { get; init; } = string.Empty;

    public bool CanTakeJob => Reasons.IsEmpty;

    /// <summary>
    /// The planner's screening of the outlet at <paramref name="now"/>: what the outlet answers live,
    /// and what a lookup answers from its index and the outlet's capacity hint.
    /// </summary>
    public static OutletAvailability Evaluate(in OutletInputs outlet, JobRequirement job, DateTimeOffset now, CapacityHint? hint, ServicePromise? respond = null)
    {
        var screening = DispatchPlanner.Screen(outlet, job, now, respond);
        var opening = screening.OpenNow ? null : outlet.Time?.Calendar.NextOpening(now);
        return new OutletAvailability
        {
            Listing = outlet.Listing,
            Reasons = screening.Reasons,
            CapacityLeftToday = screening.CapacityLeft,
            OpenNow = screening.OpenNow,
            Hint = hint,
            ServiceDay = outlet.Time is { } time ? time.ServiceDay.Date : outlet.LocalDay,
            NextOpenAt = opening?.OpensAt,
            ClosedReason = opening?.Reason ?? string.Empty,
        };
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
