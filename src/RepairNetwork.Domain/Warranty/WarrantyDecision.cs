using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Warranty;

/// <summary>Whether the warranty card pays for the repair.</summary>
public enum WarrantyCoverage
{
    InWarranty = 1,
    OutOfWarranty = 2,
    Excluded = 3,
}

/// <summary>The rule of the warranty card that decided the coverage.</summary>
public enum WarrantyRule
{
    /// <summary>Quality fault within the return window: the customer may return the product.</summary>
    ReturnWindow = 1,
    /// <summary>Quality fault within the exchange window: the customer may exchange the product.</summary>
    ExchangeWindow = 2,
    /// <summary>Within the whole-unit warranty.</summary>
    WholeUnitWarranty = 3,
    /// <summary>Past the whole-unit warranty, within the main-part warranty: main parts are covered, other parts are not.</summary>
    MainPartWarranty = 4,
    /// <summary>Past every warranty period.</summary>
    WarrantyExpired = 5,
    /// <summary>Exclusion found at diagnosis: damage caused by the user.</summary>
    UserDamage = 6,
    /// <summary>Exclusion found at diagnosis: opened or repaired by someone not authorized.</summary>
    UnauthorizedDisassembly = 7,
    /// <summary>Exclusion found at diagnosis: flood, fire, lightning and other force majeure.</summary>
    ForceMajeure = 8,
}

/// <summary>An exclusion a technician can find at diagnosis.</summary>
public enum WarrantyExclusion
{
    UserDamage = 1,
    UnauthorizedDisassembly = 2,
    ForceMajeure = 3,
}

/// <summary>What the customer pays for.</summary>
public enum CustomerCharge
{
    /// <summary>Nothing: the warranty pays.</summary>
    Nothing = 1,
    /// <summary>Parts that are not main parts, and the labour for them; main parts are covered.</summary>
    NonMainParts = 2,
    /// <summary>All parts and labour, by an itemized quote the customer must approve.</summary>
    Everything = 3,
}

/// <summary>What a technician found, as far as the warranty is concerned.</summary>
[GenerateSerializer, Alias("rn.DiagnosisFindings"), Immutable]
public sealed record DiagnosisFindings
{
    /// <summary>The fault is a manufacturing (quality) fault, not wear or damage.</summary>
    [Id(0)] public required bool QualityFault { get; init; }

    /// <summary>Exclusions found; empty when none.</summary>
    [Id(1)] public ImmutableArray<WarrantyExclusion> Exclusions { get; init; } = [];

    /// <summary>SKUs the repair needs to replace.</summary>
    [Id(2)] public ImmutableArray<string> PartSkus { get; init; } = [];
}

/// <summary>The warranty decision for an order, with the rule that decided it and why.</summary>
[GenerateSerializer, Alias("rn.WarrantyDecision"), Immutable]
public sealed record WarrantyDecision
{
    [Id(0)] public required WarrantyCoverage Coverage { get; init; }

    [Id(1)] public required WarrantyRule Rule { get; init; }

    [Id(2)] public required CustomerCharge CustomerPays { get; init; }

    /// <summary>A sentence a call-center agent can read to the customer.</summary>
    [Id(3)] public required string Explanation { get; init; }

    /// <summary>Last day of the whole-unit warranty.</summary>
    [Id(4)] public required DateOnly WholeUnitUntil { get; init; }

    /// <summary>Last day of the main-part warranty.</summary>
    [Id(5)] public required DateOnly MainPartUntil { get; init; }

    /// <summary>The date the decision was made for (the outlet's or customer's local date).</summary>
    [Id(6)] public required DateOnly DecidedOn { get; init; }

    /// <summary>True when a quote the customer approves is needed before work can go on.</summary>
    public bool NeedsQuote => CustomerPays != CustomerCharge.Nothing;

    /// <summary>Whether the warranty pays for a part under this decision.</summary>
    public bool Covers(string sku, CategoryPolicy policy) => CustomerPays switch
    {
        CustomerCharge.Nothing => true,
        CustomerCharge.NonMainParts => policy.IsMainPart(sku),
        _ => false,
    };
}
