using Orleans;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// How many jobs an outlet had booked on its local <see cref="Day"/> when its bookings last changed.
/// The outlet publishes one after every booking and release (and when it activates); indexes keep the
/// highest <see cref="Revision"/> per outlet, so lookups can answer capacity without asking the outlet.
/// A hint is advice: booking still re-checks capacity in the outlet itself.
/// </summary>
[GenerateSerializer, Alias("rn.CapacityHint"), Immutable]
public sealed record CapacityHint
{
    [Id(0)] public required string OutletId { get; init; }

    /// <summary>The outlet's booking revision: increases with every booking or release it stores.</summary>
    [Id(1)] public required long Revision { get; init; }

    /// <summary>The outlet's local date when the hint was made.</summary>
    [Id(2)] public required DateOnly Day { get; init; }

    /// <summary>Jobs booked on <see cref="Day"/>.</summary>
    [Id(3)] public required int Booked { get; init; }

    /// <summary>
    /// Jobs booked on days after <see cref="Day"/> (a job's service day may be a later day: after the
    /// cut-off, or while the outlet is closed). Hints made before service days existed carry 0.
    /// </summary>
    [Id(4)] public int BookedLater { get; init; }

    /// <summary>
    /// Jobs booked on <paramref name="localDay"/>: the count for the hint's own day; none for a later
    /// day when nothing was booked after <see cref="Day"/> (a booking then would have made a newer hint);
    /// otherwise unknown (an earlier day, or a later one with bookings ahead), for the outlet to answer.
    /// </summary>
    public int? BookedOn(DateOnly localDay) =>
        localDay == Day ? Booked : localDay > Day && BookedLater == 0 ? 0 : null;
}
