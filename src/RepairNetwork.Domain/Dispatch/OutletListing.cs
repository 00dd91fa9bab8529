using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>
/// What every silo's outlet index knows about an outlet: its profile, status, which capabilities its
/// on-shift technicians are certified for, and the day it is known to be full. Live capacity is
/// still confirmed with the outlet itself before a job is booked.
/// </summary>
[GenerateSerializer, Alias("rn.OutletListing"), Immutable]
public sealed record OutletListing
{
    [Id(0)] public required OutletProfile Profile { get; init; }

    [Id(1)] public required OutletStatus Status { get; init; }

    /// <summary>Per capability, the latest expiry among on-shift technicians; sorted by capability.</summary>
    [Id(2)] public required ImmutableArray<Certification> OnShiftCertifications { get; init; }

    /// <summary>Outlet local date on which capacity ran out, if any; a hint that saves a grain call.</summary>
    [Id(3)] public DateOnly? FullOn { get; init; }

    /// <summary>The outlet's own version; an index keeps the highest it has seen.</summary>
    [Id(4)] public required long Version { get; init; }

    [Id(5)] public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Customer ratings and on-time completions so far; a dispatch tie-breaker.</summary>
    [Id(6)] public ServiceScore Score { get; init; } = ServiceScore.None;

    public string OutletId => Profile.OutletId;

    /// <summary>Folds a roster into the per-capability certification summary the index needs.</summary>
    public static ImmutableArray<Certification> SummarizeOnShift(IEnumerable<TechnicianProfile> roster) =>
        roster.Where(t => t.OnShift)
            .SelectMany(t => t.Certifications)
            .GroupBy(c => c.Capability, StringComparer.Ordinal)
            .Select(g => new Certification { Capability = g.Key, ExpiresOn = g.Max(c => c.ExpiresOn) })
            .OrderBy(c => c.Capability, StringComparer.Ordinal)
            .ToImmutableArray();

    public bool HasOnShiftCertification(string capability, DateOnly day) =>
        OnShiftCertifications.Any(c => c.Capability == capability && c.IsValidOn(day));
}
