using RepairNetwork.Domain.Calendars;
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

    /// <summary>
    /// The on-shift technicians' certifications and schedules, so the service day and "can it respond
    /// in time" are judged on when a certified technician works. Default (listings stored before
    /// schedules existed): judged on <see cref="OnShiftCertifications"/> alone.
    /// </summary>
    [Id(7)] public ImmutableArray<ScheduledTechnician> Scheduled { get; init; }

    public string OutletId => Profile.OutletId;

    /// <summary>The on-shift technicians with their schedules; sorted by technician id.</summary>
    public static ImmutableArray<ScheduledTechnician> ScheduleOnShift(IEnumerable<TechnicianProfile> roster) =>
        [.. roster.Where(t => t.OnShift).OrderBy(t => t.TechnicianId, StringComparer.Ordinal)
            .Select(t => new ScheduledTechnician { Certifications = t.Certifications, Schedule = t.Schedule })];

    /// <summary>
    /// The schedules of the on-shift technicians certified for <paramref name="capability"/> on
    /// <paramref name="day"/>; null when none has a pattern or leave (they work whenever the outlet is
    /// open, so only the outlet's hours matter), or when the listing predates schedules.
    /// </summary>
    public IReadOnlyCollection<TechnicianSchedule>? SchedulesFor(string capability, DateOnly day)
    {
        if (Scheduled.IsDefaultOrEmpty)
        {
            return null;
        }

        List<TechnicianSchedule>? schedules = null;
        var anyRestricted = false;
        foreach (var technician in Scheduled)
        {
            if (technician.Certifications.Any(c => c.Capability == capability && c.IsValidOn(day)))
            {
                (schedules ??= []).Add(technician.Schedule);
                anyRestricted |= technician.Schedule.HasPattern || !technician.Schedule.Leave.IsDefaultOrEmpty;
            }
        }

        return schedules is null ? [] : anyRestricted ? schedules : null;
    }

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

/// <summary>An on-shift technician as the index knows it: what they are certified for and when they work.</summary>
[GenerateSerializer, Alias("rn.ScheduledTechnician"), Immutable]
public sealed record ScheduledTechnician
{
    [Id(0)] public required ImmutableArray<Certification> Certifications { get; init; }

    [Id(1)] public required TechnicianSchedule Schedule { get; init; }
}
