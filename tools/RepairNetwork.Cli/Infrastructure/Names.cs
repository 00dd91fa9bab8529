using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>The command-line spelling of the API's enums, both ways.</summary>
internal static partial class Names
{
    public static readonly IReadOnlyDictionary<string, OutletStatus> OutletStatuses = new Dictionary<string, OutletStatus>
    {
        ["open"] = OutletStatus.Open,
        ["paused"] = OutletStatus.Paused,
        ["closed"] = OutletStatus.Closed,
    };

    public static readonly IReadOnlyDictionary<string, ServiceMode> ServiceModes = new Dictionary<string, ServiceMode>
    {
        ["carry-in"] = ServiceMode.CarryIn,
        ["on-site"] = ServiceMode.OnSite,
        ["mail-in"] = ServiceMode.MailIn,
    };

    public static readonly IReadOnlyDictionary<string, RepairOrderStatus> OrderStatuses = new Dictionary<string, RepairOrderStatus>
    {
        ["created"] = RepairOrderStatus.Created,
        ["offered"] = RepairOrderStatus.Offered,
        ["unassigned"] = RepairOrderStatus.Unassigned,
        ["accepted"] = RepairOrderStatus.Accepted,
        ["diagnosed"] = RepairOrderStatus.Diagnosed,
        ["quoted"] = RepairOrderStatus.Quoted,
        ["approved"] = RepairOrderStatus.Approved,
        ["declined"] = RepairOrderStatus.Declined,
        ["repairing"] = RepairOrderStatus.Repairing,
        ["completed"] = RepairOrderStatus.Completed,
        ["collected"] = RepairOrderStatus.Collected,
        ["closed"] = RepairOrderStatus.Closed,
        ["cancelled"] = RepairOrderStatus.Cancelled,
    };

    public static readonly IReadOnlyDictionary<string, StockAdjustmentKind> StockKinds = new Dictionary<string, StockAdjustmentKind>
    {
        ["receive"] = StockAdjustmentKind.Receive,
        ["count"] = StockAdjustmentKind.CountCorrection,
        ["consume"] = StockAdjustmentKind.Consume,
        ["write-off"] = StockAdjustmentKind.DamageWriteOff,
    };

    public static readonly IReadOnlyDictionary<string, WarrantyExclusion> Exclusions = new Dictionary<string, WarrantyExclusion>
    {
        ["user-damage"] = WarrantyExclusion.UserDamage,
        ["unauthorized-disassembly"] = WarrantyExclusion.UnauthorizedDisassembly,
        ["force-majeure"] = WarrantyExclusion.ForceMajeure,
    };

    /// <summary>The order actions <c>ListServiceEvents</c> records.</summary>
    public static readonly IReadOnlyDictionary<string, OrderAction> ServiceActions = new Dictionary<string, OrderAction>
    {
        ["offered"] = OrderAction.Offered,
        ["offer-declined"] = OrderAction.OfferDeclined,
        ["offer-timed-out"] = OrderAction.OfferTimedOut,
        ["escalated"] = OrderAction.Escalated,
        ["response-deadline-missed"] = OrderAction.ResponseDeadlineMissed,
        ["completion-deadline-missed"] = OrderAction.CompletionDeadlineMissed,
        ["complaint-deadline-missed"] = OrderAction.ComplaintDeadlineMissed,
    };

    /// <summary>Currencies without a minor unit; every other amount is shown with two decimals.</summary>
    private static readonly HashSet<string> WholeCurrencies = ["JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"];

    /// <summary>A string option restricted to the keys of <paramref name="choices"/>.</summary>
    public static Option<string> Choice<T>(string name, string description, IReadOnlyDictionary<string, T> choices, bool required = false, string? defaultValue = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            Required = required,
            HelpName = string.Join('|', choices.Keys),
        };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.AcceptOnlyFromAmong([.. choices.Keys]);
        return option;
    }

    /// <summary>The value of a choice option mapped to its enum, or <paramref name="fallback"/> when absent.</summary>
    public static T Parse<T>(IReadOnlyDictionary<string, T> choices, string? value, T fallback) =>
        value is null ? fallback : choices[value];

    public static string Of(OutletStatus status) => Lookup(OutletStatuses, status);

    public static string Of(ServiceMode mode) => Lookup(ServiceModes, mode);

    public static string Of(RepairOrderStatus status) => Lookup(OrderStatuses, status);

    public static string Of(OrderAction action) => Kebab(action);

    public static string Of(ActorRole role) => Kebab(role);

    public static string Of(JobEventKind kind) => Kebab(kind);

    public static string Of(WarrantyCoverage coverage) => Kebab(coverage);

    public static string Of(WarrantyRule rule) => Kebab(rule);

    public static string Of(CustomerCharge charge) => Kebab(charge);

    public static string Of(WarrantyExclusion exclusion) => Lookup(Exclusions, exclusion);

    public static string Of(QuoteDecision decision) => Kebab(decision);

    public static string Of(StockMovementKind kind) => Kebab(kind);

    public static string Of(StockAlertKind kind) => Kebab(kind);

    public static string Of(TransferStatus status) => Kebab(status);

    /// <summary>An amount in minor units with its currency, e.g. 18000 CNY as "180.00 CNY".</summary>
    public static string Money(long minor, string currency)
    {
        var code = string.IsNullOrEmpty(currency) ? "CNY" : currency;
        return WholeCurrencies.Contains(code)
            ? string.Create(CultureInfo.InvariantCulture, $"{minor:N0} {code}")
            : string.Create(CultureInfo.InvariantCulture, $"{minor / 100m:N2} {code}");
    }

    /// <summary>A duration in hours, minutes and seconds, e.g. "48h", "1h30m", "45s" ("0s" when zero or unset).</summary>
    public static string Duration(Google.Protobuf.WellKnownTypes.Duration? duration)
    {
        var span = duration?.ToTimeSpan() ?? TimeSpan.Zero;
        if (span <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        var hours = (long)span.TotalHours;
        if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (span.Minutes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Minutes}m");
        }

        if (span.Seconds > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{span.Seconds}s");
        }

        return text.ToString();
    }

    /// <summary>Parses "2d", "24h", "90m", "1h30m", "45s"; null when the text is not such a duration.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        var match = text is null ? null : DurationPattern().Match(text.Trim());
        if (match is null || !match.Success || match.Length == 0)
        {
            return null;
        }

        long Part(string unit) => match.Groups[unit].Success ? long.Parse(match.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            return TimeSpan.FromDays(Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>A duration option written "24h", "90m", "2d", "1h30m".</summary>
    public static Option<string> DurationOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "duration" };
        option.Validators.Add(result =>
        {
            if (ParseDuration(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"{name} must be a duration such as 24h, 90m, 2d or 1h30m");
            }
        });
        return option;
    }

    /// <summary>Parses an ISO 8601 date or date-time; without an offset it is UTC.</summary>
    public static DateTimeOffset? ParseInstant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant) ? instant : null;

    /// <summary>An option holding an ISO 8601 date or date-time.</summary>
    public static Option<string> InstantOption(string name, string description, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "iso-time", Required = required };
        option.Validators.Add(result =>
        {
            if (ParseInstant(result.GetValueOrDefault<string>()) is null)
            {
                result.AddError($"{name} must be an ISO 8601 date or time, e.g. 2026-11-22 or 2026-11-22T08:00:00Z");
            }
        });
        return option;
    }

    public static string Km(double km) => km.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string Reasons(IEnumerable<UnavailabilityReason> reasons) =>
        string.Join("; ", reasons.Select(r => string.IsNullOrEmpty(r.Message) ? r.Code.ToString() : r.Message));

    /// <summary>An enum value's C# name in lower-case words joined by '-', e.g. OfferTimedOut as "offer-timed-out".</summary>
    private static string Kebab<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }

    [GeneratedRegex("^(?:(?<d>[0-9]{1,5})d)?(?:(?<h>[0-9]{1,6})h)?(?:(?<m>[0-9]{1,8})m)?(?:(?<s>[0-9]{1,10})s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    private static string Lookup<T>(IReadOnlyDictionary<string, T> choices, T value)
        where T : struct, Enum
    {
        foreach (var (name, candidate) in choices)
        {
            if (EqualityComparer<T>.Default.Equals(candidate, value))
            {
                return name;
            }
        }

        return value.ToString().ToLowerInvariant();
    }
}
