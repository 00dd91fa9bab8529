using Orleans;
using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Outlets;

/// <summary>An outlet's live load: today's bookings against its capacity, and the orders it holds.</summary>
[GenerateSerializer, Alias("rn.OutletLoad"), Immutable]
public sealed record OutletLoad
{
    [Id(0)] public required OutletListing Listing { get; init; }

    /// <summary>The outlet's local date the daily figures are for.</summary>
    [Id(1)] public required DateOnly LocalDate { get; init; }

    [Id(2)] public required int BookedToday { get; init; }

    [Id(3)] public required int CapacityLeftToday { get; init; }

    /// <summary>Orders offered to or accepted by the outlet and not yet collected, cancelled, declined or withdrawn.</summary>
    [Id(4)] public required int OpenOrders { get; init; }
}
