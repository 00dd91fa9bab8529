using System.Collections.Immutable;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Warranty;

/// <summary>Validation of the policies headquarters configures.</summary>
public static class CategoryPolicies
{
    public const int MaxWholeUnitMonths = 120;
    public const int MaxMainPartMonths = 240;
    public const int MaxMainPartSkus = 500;
    public const int MaxWindowDays = 90;
    public const string DefaultCurrency = "CNY";

    public static readonly TimeSpan MinServiceTime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxServiceTime = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxLoanerThreshold = TimeSpan.FromDays(90);

    private static readonly CategoryPolicy Defaults = CategoryPolicy.Default("default");

    /// <summary>
    /// Checks every field and builds the policy; errors name the field as in the API ("policy.…").
    /// </summary>
    /// <remarks>
    /// A zero <paramref name="responseWithin"/>, <paramref name="completionWithin"/>,
    /// <paramref name="acceptanceWindow"/> or <paramref name="complaintResponseWithin"/> means "use the
    /// default" (<see cref="CategoryPolicy"/>'s initial value), because an unset protobuf duration
    /// arrives as zero. In a mode override zero means "keep the category's time", like null.
    /// <paramref name="loanerThreshold"/> has no such default: zero is a real value (always offer a loaner).
    /// Empty <paramref name="currency"/> means <see cref="DefaultCurrency"/>. <see cref="CategoryPolicy.Version"/>
    /// is left 0 for the caller to set.
    /// </remarks>
    public static CategoryPolicy Create(
        string? category,
        int wholeUnitMonths,
        int mainPartMonths,
        IEnumerable<string>? mainPartSkus,
        int returnDays,
        int exchangeDays,
        TimeSpan responseWithin,
        TimeSpan completionWithin,
        IReadOnlyDictionary<ServiceMode, ServiceLevelOverride>? modeOverrides,
        TimeSpan acceptanceWindow,
        TimeSpan complaintResponseWithin,
        TimeSpan loanerThreshold,
        string? loanerSku,
        string? currency,
        ServiceClock clock = ServiceClock.Calendar)
    {
        Identifiers.RequireCapability(category, "policy.category");

        if (wholeUnitMonths is < 0 or > MaxWholeUnitMonths)
        {
            throw DomainException.Invalid("policy.whole_unit_months", $"must be within [0, {MaxWholeUnitMonths}] months (got {wholeUnitMonths})");
        }

        if (mainPartMonths < wholeUnitMonths || mainPartMonths > MaxMainPartMonths)
        {
            throw DomainException.Invalid("policy.main_part_months", $"must be within [{wholeUnitMonths}, {MaxMainPartMonths}] months: at least whole_unit_months (got {mainPartMonths})");
        }

        var skus = CheckMainPartSkus(mainPartSkus);

        if (returnDays is < 0 or > MaxWindowDays)
        {
            throw DomainException.Invalid("policy.return_days", $"must be within [0, {MaxWindowDays}] days (got {returnDays})");
        }

        if (exchangeDays < returnDays || exchangeDays > MaxWindowDays)
        {
            throw DomainException.Invalid("policy.exchange_days", $"must be within [{returnDays}, {MaxWindowDays}] days: at least return_days (got {exchangeDays})");
        }

        var response = ServiceTime(responseWithin, Defaults.ResponseWithin, "policy.response_within");
        var completion = ServiceTime(completionWithin, Defaults.CompletionWithin, "policy.completion_within");
        if (completion < response)
        {
            throw DomainException.Invalid("policy.completion_within", $"must be at least response_within ({response}) (got {completion})");
        }

        var overrides = CheckOverrides(modeOverrides, response, completion);

        var acceptance = acceptanceWindow == TimeSpan.Zero ? Defaults.AcceptanceWindow : acceptanceWindow;
        if (acceptance < MinServiceTime || acceptance > response)
        {
            throw DomainException.Invalid("policy.acceptance_window", $"must be within [{MinServiceTime}, response_within {response}] (got {acceptance})");
        }

        // An offer that may outlast a mode's response time would break that promise before the job moves on.
        foreach (var (mode, o) in overrides.OrderBy(p => p.Key))
        {
            if (o.ResponseWithin is { } r && acceptance > r)
            {
                throw DomainException.Invalid("policy.acceptance_window", $"must be at most the {Wire(mode)} response_within override {r} (got {acceptance})");
            }
        }

        var complaint = ServiceTime(complaintResponseWithin, Defaults.ComplaintResponseWithin, "policy.complaint_response_within");

        if (loanerThreshold < TimeSpan.Zero || loanerThreshold > MaxLoanerThreshold)
        {
            throw DomainException.Invalid("policy.loaner_threshold", $"must be within [0, {MaxLoanerThreshold}] (got {loanerThreshold})");
        }

        var loaner = string.IsNullOrEmpty(loanerSku) ? string.Empty : Identifiers.RequireId(loanerSku, "policy.loaner_sku");

        var checkedCurrency = string.IsNullOrEmpty(currency) ? DefaultCurrency : currency;
        if (checkedCurrency.Length != 3 || !checkedCurrency.All(char.IsAsciiLetterUpper))
        {
            throw DomainException.Invalid("policy.currency_code", $"must be an ISO 4217 code of 3 upper-case letters, e.g. CNY (got '{Identifiers.Truncate(checkedCurrency)}')");
        }

        return new CategoryPolicy
        {
            Category = category!,
            WholeUnitMonths = wholeUnitMonths,
            MainPartMonths = mainPartMonths,
            MainPartSkus = skus,
            ReturnDays = returnDays,
            ExchangeDays = exchangeDays,
            ResponseWithin = response,
            CompletionWithin = completion,
            ModeOverrides = overrides,
            AcceptanceWindow = acceptance,
            ComplaintResponseWithin = complaint,
            LoanerThreshold = loanerThreshold,
            LoanerSku = loaner,
            Currency = checkedCurrency,
            Clock = Enum.IsDefined(clock) ? clock : throw DomainException.Invalid("policy.service_clock", $"must be SERVICE_CLOCK_CALENDAR or SERVICE_CLOCK_BUSINESS_HOURS (got {(int)clock})"),
        };
    }

    private static ImmutableArray<string> CheckMainPartSkus(IEnumerable<string>? mainPartSkus)
    {
        const string field = "policy.main_part_skus";
        var list = mainPartSkus?.ToList() ?? [];
        if (list.Count > MaxMainPartSkus)
        {
            throw DomainException.Invalid(field, $"must list at most {MaxMainPartSkus} SKUs (got {list.Count})");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            // The field stays "policy.main_part_skus"; the message says which entry.
            if (!Identifiers.IsValidId(list[i]))
            {
                throw DomainException.Invalid(field, $"[{i}] '{Identifiers.Truncate(list[i] ?? string.Empty)}' is not a SKU: use 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
            }

            if (!seen.Add(list[i]))
            {
                throw DomainException.Invalid(field, $"[{i}] '{list[i]}' is listed twice");
            }
        }

        return [.. list];
    }

    /// <summary>Zero and null both keep the category's time, so they are stored as null; empty overrides are dropped.</summary>
    private static ImmutableDictionary<ServiceMode, ServiceLevelOverride> CheckOverrides(
        IReadOnlyDictionary<ServiceMode, ServiceLevelOverride>? modeOverrides, TimeSpan response, TimeSpan completion)
    {
        const string field = "policy.mode_overrides";
        var result = ImmutableDictionary.CreateBuilder<ServiceMode, ServiceLevelOverride>();
        foreach (var (mode, o) in (modeOverrides ?? ImmutableDictionary<ServiceMode, ServiceLevelOverride>.Empty).OrderBy(p => p.Key))
        {
            if (!Enum.IsDefined(mode))
            {
                throw DomainException.Invalid(field, $"{(int)mode} is not a service mode");
            }

            var r = o?.ResponseWithin is { } rv && rv != TimeSpan.Zero ? rv : (TimeSpan?)null;
            var c = o?.CompletionWithin is { } cv && cv != TimeSpan.Zero ? cv : (TimeSpan?)null;
            if (r is { } rr && (rr < MinServiceTime || rr > MaxServiceTime))
            {
                throw DomainException.Invalid(field, $"{Wire(mode)}.response_within must be within [{MinServiceTime}, {MaxServiceTime}] (got {rr})");
            }

            if (c is { } cc && (cc < MinServiceTime || cc > MaxServiceTime))
            {
                throw DomainException.Invalid(field, $"{Wire(mode)}.completion_within must be within [{MinServiceTime}, {MaxServiceTime}] (got {cc})");
            }

            var effectiveResponse = r ?? response;
            var effectiveCompletion = c ?? completion;
            if (effectiveCompletion < effectiveResponse)
            {
                throw DomainException.Invalid(field, $"{Wire(mode)}: completion_within {effectiveCompletion} must be at least response_within {effectiveResponse}");
            }

            if (r is not null || c is not null)
            {
                result[mode] = new ServiceLevelOverride { ResponseWithin = r, CompletionWithin = c };
            }
        }

        return result.ToImmutable();
    }

    private static TimeSpan ServiceTime(TimeSpan value, TimeSpan defaultValue, string field)
    {
        var time = value == TimeSpan.Zero ? defaultValue : value;
        if (time < MinServiceTime || time > MaxServiceTime)
        {
            throw DomainException.Invalid(field, $"must be within [{MinServiceTime}, {MaxServiceTime}] (got {time})");
        }

        return time;
    }

    private static string Wire(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => "carry_in",
        ServiceMode.OnSite => "on_site",
        ServiceMode.MailIn => "mail_in",
        _ => ((int)mode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
