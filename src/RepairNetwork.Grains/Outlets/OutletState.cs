using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Grains.Outlets;

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

    /// <summary>Order id → the technician time booked for it (held while the order is created, then confirmed).</summary>
    [Id(20)] public Dictionary<string, Domain.Appointments.Appointment> Appointments { get; set; } = new(StringComparer.Ordinal);
}
