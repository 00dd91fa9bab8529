using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Warranty;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The API maps these domain enums to their proto enums by number, so a value added on one side only
/// (or renumbered) would reach clients as the wrong value or an unnamed number. Every domain value must
/// have the proto value of the same number and the same name.
/// </summary>
public sealed class EnumMappingTests
{
    public static TheoryData<Type, Type> Pairs() => new()
    {
        { typeof(ActorRole), typeof(Api.ActorRole) },
        { typeof(CustomerCharge), typeof(Api.CustomerCharge) },
        { typeof(Grains.Outlets.JobEventKind), typeof(Api.JobEventKind) },
        { typeof(OrderAction), typeof(Api.OrderAction) },
        { typeof(PartsSupplyMode), typeof(Api.PartsSupplyMode) },
        { typeof(QuoteDecision), typeof(Api.QuoteDecision) },
        { typeof(QuoteLineKind), typeof(Api.QuoteLineKind) },
        { typeof(RepairOrderStatus), typeof(Api.RepairOrderStatus) },
        { typeof(UnavailabilityCode), typeof(Api.UnavailabilityCode) },
        { typeof(WarrantyCoverage), typeof(Api.WarrantyCoverage) },
        { typeof(WarrantyExclusion), typeof(Api.WarrantyExclusion) },
        { typeof(WarrantyRule), typeof(Api.WarrantyRule) },
    };

    /// <summary>Values whose proto name is a deliberate short form of the domain's.</summary>
    private static readonly Dictionary<string, string> ProtoNames = new() { ["ActorRole.Headquarters"] = "Hq" };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_domain_value_has_the_proto_value_of_the_same_number_and_name(Type domain, Type proto)
    {
        var missing = Enum.GetValues(domain).Cast<object>()
            .Select(v => (Name: v.ToString()!, Number: Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)))
            .Where(v => Enum.GetName(proto, v.Number) != ProtoNames.GetValueOrDefault($"{domain.Name}.{v.Name}", v.Name))
            .Select(v => $"{v.Name} = {v.Number} (proto has {Enum.GetName(proto, v.Number) ?? "nothing"})")
            .ToList();

        Assert.True(missing.Count == 0, $"{domain.Name} → {proto.FullName}: {string.Join(", ", missing)}");
    }
}
