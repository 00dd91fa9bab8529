using RepairNetwork.Domain.Calendars;
using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Technicians;

/// <summary>A certification for one capability, valid up to and including <see cref="ExpiresOn"/>.</summary>
[GenerateSerializer, Alias("rn.Certification"), Immutable]
public sealed record Certification
{
    [Id(0)] public required string Capability { get; init; }

    [Id(1)] public required DateOnly ExpiresOn { get; init; }

    /// <summary>Who granted it (a headquarters client, or "platform" for imports and the demo); empty for certifications stored before this was kept.</summary>
    [Id(2)] public string CertifiedBy { get; init; } = string.Empty;

    /// <summary>When it was granted or last changed; null for certifications stored before this was kept.</summary>
    [Id(3)] public DateTimeOffset? CertifiedAt { get; init; }

    public bool IsValidOn(DateOnly day) => day <= ExpiresOn;

    /// <summary>The same grant (capability and expiry), whoever recorded it and when.</summary>
    public bool SameGrantAs(Certification other) => Capability == other.Capability && ExpiresOn == other.ExpiresOn;
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

    /// <summary>Available for work at all; false takes the technician off every shift until set back.</summary>
    [Id(4)] public required bool OnShift { get; init; }

    /// <summary>
    /// When the technician works: weekly shifts and leave. Technicians stored before schedules existed
    /// read back with none, which means "whenever the outlet is open".
    /// </summary>
    [Id(5)] public TechnicianSchedule Schedule { get; init; } = TechnicianSchedule.WhenOutletOpen;

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
        && OnShift == other.OnShift && SameCertifications(Certifications, other.Certifications)
        && Schedule.SameAs(other.Schedule);

    /// <summary>
    /// Who may change what, and the record of who certified: certifications are one of the dispatch
    /// rules, so headquarters grants them; an outlet registers its technicians and keeps their names and
    /// shifts current, but cannot certify them (nor move them to another outlet). Returns
    /// <paramref name="proposed"/> with each certification's provenance: kept where the grant is
    /// unchanged, <paramref name="by"/> and <paramref name="now"/> where it is new or changed.
    /// </summary>
    public static TechnicianProfile Edit(TechnicianProfile? current, TechnicianProfile proposed, Orders.Actor by, DateTimeOffset now)
    {
        var kept = current?.Certifications ?? [];
        if (by.Role is not (Orders.ActorRole.Headquarters or Orders.ActorRole.Platform))
        {
            if (by.Role != Orders.ActorRole.Outlet || by.Id != proposed.OutletId || (current is not null && current.OutletId != by.Id))
            {
                throw DomainException.Forbidden("an outlet may register and edit only its own technicians, and cannot move them to another outlet");
            }

            if (!SameCertifications(kept, proposed.Certifications))
            {
                throw DomainException.Forbidden("certifications are granted by headquarters; an outlet may set a technician's display_name, on_shift, shifts and leave");
            }
        }

        return proposed with
        {
            Certifications = [.. proposed.Certifications.Select(c =>
                kept.FirstOrDefault(k => k.SameGrantAs(c)) is { } same ? same : c with { CertifiedBy = by.Id, CertifiedAt = now })],
        };
    }

    private static bool SameCertifications(ImmutableArray<Certification> a, ImmutableArray<Certification> b) =>
        a.Length == b.Length && a.Zip(b).All(p => p.First.SameGrantAs(p.Second));
}
