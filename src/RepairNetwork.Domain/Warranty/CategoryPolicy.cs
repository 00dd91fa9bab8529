using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Warranty;

/// <summary>
/// Headquarters' after-sales policy for one product category: the warranty card's terms and the
/// service-level promises. Orders take a copy when they are created, so a later policy change never
/// rewrites a promise already made to a customer.
/// </summary>
[GenerateSerializer, Alias("rn.CategoryPolicy"), Immutable]
public sealed record CategoryPolicy
{
    /// <summary>Product category, e.g. "phone"; same syntax as a capability word.</summary>
    [Id(0)] public required string Category { get; init; }

    /// <summary>Whole-unit warranty from the purchase date, in months.</summary>
    [Id(1)] public int WholeUnitMonths { get; init; } = 12;

    /// <summary>Main-part warranty from the purchase date, in months; at least the whole-unit months.</summary>
    [Id(2)] public int MainPartMonths { get; init; } = 36;

    /// <summary>SKUs of this category's main parts (e.g. mainboard, display panel, compressor).</summary>
    [Id(3)] public ImmutableArray<string> MainPartSkus { get; init; } = [];

    /// <summary>Days after purchase in which a quality fault entitles the customer to a return.</summary>
    [Id(4)] public int ReturnDays { get; init; } = 7;

    /// <summary>Days after purchase in which a quality fault entitles the customer to an exchange.</summary>
    [Id(5)] public int ExchangeDays { get; init; } = 15;

    /// <summary>An outlet must accept (respond to) an order within this time of its creation.</summary>
    [Id(6)] public TimeSpan ResponseWithin { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The repair must be completed within this time of the order's creation.</summary>
    [Id(7)] public TimeSpan CompletionWithin { get; init; } = TimeSpan.FromHours(48);

    /// <summary>Per service mode overrides of <see cref="ResponseWithin"/> and <see cref="CompletionWithin"/>.</summary>
    [Id(8)] public ImmutableDictionary<ServiceMode, ServiceLevelOverride> ModeOverrides { get; init; } = ImmutableDictionary<ServiceMode, ServiceLevelOverride>.Empty;

    /// <summary>How long an offered outlet has to accept or decline before the job moves on.</summary>
    [Id(9)] public TimeSpan AcceptanceWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>A complaint must be answered within this time.</summary>
    [Id(10)] public TimeSpan ComplaintResponseWithin { get; init; } = TimeSpan.FromHours(72);

    /// <summary>A loaner is offered when the expected repair time exceeds this.</summary>
    [Id(11)] public TimeSpan LoanerThreshold { get; init; } = TimeSpan.FromHours(48);

    /// <summary>The stock SKU of this category's loaner devices; empty when the category has none.</summary>
    [Id(12)] public string LoanerSku { get; init; } = string.Empty;

    /// <summary>ISO 4217 currency of quotes, e.g. "CNY".</summary>
    [Id(13)] public string Currency { get; init; } = "CNY";

    /// <summary>Incremented by every change headquarters makes.</summary>
    [Id(14)] public long Version { get; init; }

    /// <summary>
    /// How response and completion times are counted. Policies stored before this existed read back as
    /// calendar time, the only clock there was.
    /// </summary>
    [Id(15)] public ServiceClock Clock { get; init; } = ServiceClock.Calendar;

    public TimeSpan ResponseWithinFor(ServiceMode mode) =>
        ModeOverrides.TryGetValue(mode, out var o) && o.ResponseWithin is { } r ? r : ResponseWithin;

    public TimeSpan CompletionWithinFor(ServiceMode mode) =>
        ModeOverrides.TryGetValue(mode, out var o) && o.CompletionWithin is { } c ? c : CompletionWithin;

    public bool IsMainPart(string sku) => MainPartSkus.Contains(sku, StringComparer.Ordinal);

    /// <summary>
    /// Same terms, compared by content and ignoring <see cref="Version"/>: recognises a repeated or
    /// retried change. (Record equality would compare the SKU list and the overrides by reference.)
    /// </summary>
    public bool SameTerms(CategoryPolicy other) =>
        this with { MainPartSkus = other.MainPartSkus, ModeOverrides = other.ModeOverrides, Version = other.Version } == other
        && MainPartSkus.SequenceEqual(other.MainPartSkus, StringComparer.Ordinal)
        && ModeOverrides.Count == other.ModeOverrides.Count
        && ModeOverrides.All(o => other.ModeOverrides.TryGetValue(o.Key, out var theirs) && theirs == o.Value);

    /// <summary>The brand's standard terms, used for a category headquarters has not configured.</summary>
    public static CategoryPolicy Default(string category) => new() { Category = category };
}

/// <summary>How service-level times are counted.</summary>
public enum ServiceClock
{
    /// <summary>Around the clock: nights, weekends and holidays count.</summary>
    Calendar = 0,

    /// <summary>
    /// Only while the assigned outlet is open (its hours, holidays and closures): a promise is not
    /// missed while the outlet is shut. Deadlines are computed on the outlet the order is offered to.
    /// </summary>
    BusinessHours = 1,
}

/// <summary>Service-level times for one service mode; null keeps the category's default.</summary>
[GenerateSerializer, Alias("rn.ServiceLevelOverride"), Immutable]
public sealed record ServiceLevelOverride
{
    [Id(0)] public TimeSpan? ResponseWithin { get; init; }

    [Id(1)] public TimeSpan? CompletionWithin { get; init; }
}
