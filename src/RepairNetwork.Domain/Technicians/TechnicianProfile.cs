using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Technicians;

/// <summary>A certification for one capability, valid up to and including <see cref="ExpiresOn"/>.</summary>
[GenerateSerializer, Alias("rn.Certification"), Immutable]
public sealed record Certification
{
    [Id(0)] public required string Capability { get; init; }

    [Id(1)] public required DateOnly ExpiresOn { get; init; }

    public bool IsValidOn(DateOnly day) => day <= ExpiresOn;
}

/// <summary>A technician of one outlet.</summary>
[GenerateSerializer, Alias("rn.TechnicianProfile"), Immutable]
public sealed record TechnicianProfile
{
    public const int MaxCertifications = 200;

    [Id(0)] public required string TechnicianId { get; init; }

    [Id(1)] public required string OutletId { get; init; }

    [Id(2)] public required string DisplayName { get; init; }

    /// <summary>One per capability, sorted by capability.</summary>
    [Id(3)] public required ImmutableArray<Certification> Certifications { get; init; }

    [Id(4)] public required bool OnShift { get; init; }

    public static TechnicianProfile Create(string? technicianId, string? outletId, string? displayName, IEnumerable<Certification> certifications, bool onShift, string field)
    {
        var list = certifications.ToList();
        if (list.Count > MaxCertifications)
        {
            throw DomainException.Invalid($"{field}.certifications", $"must list at most {MaxCertifications} certifications (got {list.Count})");
        }

        for (var i = 0; i < list.Count; i++)
        {
            Identifiers.RequireCapability(list[i].Capability, $"{field}.certifications[{i}].capability");
        }

        var duplicate = list.GroupBy(c => c.Capability).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw DomainException.Invalid($"{field}.certifications", $"lists '{duplicate.Key}' more than once");
        }

        return new TechnicianProfile
        {
            TechnicianId = Identifiers.RequireId(technicianId, $"{field}.technician_id"),
            OutletId = Identifiers.RequireId(outletId, $"{field}.outlet_id"),
            DisplayName = Identifiers.RequireText(displayName, $"{field}.display_name", 200),
            Certifications = list.OrderBy(c => c.Capability, StringComparer.Ordinal).ToImmutableArray(),
            OnShift = onShift,
        };
    }

    /// <summary>Whether this technician can do the capability's work on the given local day.</summary>
    public bool CanWorkOn(string capability, DateOnly day) =>
        OnShift && Certifications.Any(c => c.Capability == capability && c.IsValidOn(day));

    public bool SameAs(TechnicianProfile other) =>
        TechnicianId == other.TechnicianId && OutletId == other.OutletId && DisplayName == other.DisplayName
        && OnShift == other.OnShift && Certifications.SequenceEqual(other.Certifications);
}
