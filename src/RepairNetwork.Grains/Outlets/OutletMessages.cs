using System.Collections.Immutable;
using Orleans;
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
    /// The planner's screening of the outlet at <paramref name="now"/>: what the outlet answers live,
    /// and what a lookup answers from its index and the outlet's capacity hint.
    /// </summary>
    public static OutletAvailability Evaluate(in OutletInputs outlet, JobRequirement job, DateTimeOffset now, CapacityHint? hint)
    {
        var screening = DispatchPlanner.Screen(outlet, job, now);
        return new OutletAvailability
        {
            Listing = outlet.Listing,
            Reasons = screening.Reasons,
            CapacityLeftToday = screening.CapacityLeft,
            OpenNow = screening.OpenNow,
            Hint = hint,
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
