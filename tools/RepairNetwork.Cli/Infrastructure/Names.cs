using System.CommandLine;
using System.Globalization;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>The command-line spelling of the API's enums, both ways.</summary>
internal static class Names
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

    public static string Km(double km) => km.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp is null ? "-" : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string Reasons(IEnumerable<UnavailabilityReason> reasons) =>
        string.Join("; ", reasons.Select(r => string.IsNullOrEmpty(r.Message) ? r.Code.ToString() : r.Message));

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
