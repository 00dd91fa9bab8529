using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Domain.Appointments;

/// <summary>
/// How long a job of one capability takes and who may do it, so appointments book real time: a
/// 3-hour TV panel job is not a 20-minute battery swap. A capability without a template has no
/// appointments; its jobs keep the outlet's day count.
/// </summary>
[GenerateSerializer, Alias("rn.JobTemplate"), Immutable]
public sealed record JobTemplate
{
    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaxTravelBuffer = TimeSpan.FromHours(4);

    [Id(0)] public required string Capability { get; init; }

    /// <summary>Standard time of the work.</summary>
    [Id(1)] public required TimeSpan Duration { get; init; }

    /// <summary>The certification a technician needs (the capability itself unless hq says otherwise).</summary>
    [Id(2)] public required string Skill { get; init; }

    /// <summary>Parts the job usually needs; informational, an order names its own.</summary>
    [Id(3)] public required ImmutableArray<PartQuantity> DefaultParts { get; init; }

    /// <summary>On-site work: time kept free after each visit (packing up, parking).</summary>
    [Id(4)] public required TimeSpan TravelBuffer { get; init; }

    /// <summary>Validates; fields are named <c>{field}.duration_minutes</c> and so on.</summary>
    public static JobTemplate Create(string? capability, int durationMinutes, string? skill, IReadOnlyList<PartQuantity>? defaultParts, int travelBufferMinutes, string field)
    {
        var checkedCapability = Identifiers.RequireCapability(capability, $"{field}.capability");
        var duration = TimeSpan.FromMinutes(durationMinutes);
        if (duration < MinDuration || duration > MaxDuration)
        {
            throw DomainException.Invalid($"{field}.duration_minutes", $"must be {MinDuration.TotalMinutes:0}-{MaxDuration.TotalMinutes:0} minutes (got {durationMinutes})");
        }

        var buffer = TimeSpan.FromMinutes(travelBufferMinutes);
        if (buffer < TimeSpan.Zero || buffer > MaxTravelBuffer)
        {
            throw DomainException.Invalid($"{field}.travel_buffer_minutes", $"must be 0-{MaxTravelBuffer.TotalMinutes:0} minutes (got {travelBufferMinutes})");
        }

        return new JobTemplate
        {
            Capability = checkedCapability,
            Duration = duration,
            Skill = string.IsNullOrEmpty(skill) ? checkedCapability : Identifiers.RequireCapability(skill, $"{field}.skill"),
            DefaultParts = Reservations.Lines(defaultParts, $"{field}.default_parts", allowEmpty: true),
            TravelBuffer = buffer,
        };
    }

    /// <summary>The technician time one job takes at a place: the work, plus the buffer after an on-site visit.</summary>
    public TimeSpan TimeBooked(bool onSite) => onSite ? Duration + TravelBuffer : Duration;

    public bool SameAs(JobTemplate other) =>
        Capability == other.Capability && Duration == other.Duration && Skill == other.Skill
        && TravelBuffer == other.TravelBuffer && DefaultParts.SequenceEqual(other.DefaultParts);
}

/// <summary>Headquarters' job templates, one per capability.</summary>
[GenerateSerializer, Alias("rn.JobTemplates"), Immutable]
public sealed record JobTemplates
{
    public const int MaxTemplates = 1000;

    public static readonly JobTemplates None = new() { Templates = ImmutableDictionary<string, JobTemplate>.Empty.WithComparers(StringComparer.Ordinal), Version = 0 };

    [Id(0)] public required ImmutableDictionary<string, JobTemplate> Templates { get; init; }

    /// <summary>Increases with every change; silos copy the templates when it moves.</summary>
    [Id(1)] public required long Version { get; init; }

    public JobTemplate? For(string capability) => Templates.GetValueOrDefault(capability);

    /// <summary>The template a slot search or booking needs; FAILED_PRECONDITION when the capability has none.</summary>
    public JobTemplate Require(string capability, string field) =>
        For(capability) ?? throw DomainException.Precondition(
            $"{field}: '{Identifiers.Truncate(capability)}' has no job template, so it has no appointments (its jobs are booked by day); headquarters sets one with PutJobTemplate (rn templates put)");

    /// <summary>Adds or replaces one; unchanged when identical, so a retry is not a new version.</summary>
    public JobTemplates Put(JobTemplate template)
    {
        if (For(template.Capability) is { } existing && existing.SameAs(template))
        {
            return this;
        }

        if (!Templates.ContainsKey(template.Capability) && Templates.Count >= MaxTemplates)
        {
            throw DomainException.Precondition($"the network has {MaxTemplates} job templates, the most it keeps; delete one first");
        }

        return new JobTemplates { Templates = Templates.SetItem(template.Capability, template), Version = Version + 1 };
    }

    public JobTemplates Delete(string capability) =>
        Templates.ContainsKey(capability) ? new JobTemplates { Templates = Templates.Remove(capability), Version = Version + 1 } : this;
}
