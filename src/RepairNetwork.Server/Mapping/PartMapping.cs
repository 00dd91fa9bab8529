using RepairNetwork.Domain.Parts;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class PartMapping
{
    /// <summary>Fields UpdatePart may change; the SKU names the part and never changes.</summary>
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "category", "compatible_models", "main_part", "unit_price", "discontinued",
    };

    public static CatalogPart ToDomain(Api.Part? part, string field = "part")
    {
        if (part is null)
        {
            throw RpcErrors.Required(field);
        }

        return CatalogParts.Create(
            part.Sku,
            part.Name,
            part.Category,
            part.CompatibleModels,
            part.MainPart,
            part.UnitPrice?.UnitsMinor,
            part.UnitPrice?.CurrencyCode,
            part.Discontinued,
            field);
    }

    public static Api.Part ToProto(CatalogPart part)
    {
        var proto = new Api.Part
        {
            Sku = part.Sku,
            Name = part.Name,
            Category = part.Category,
            MainPart = part.IsMainPart,
            UnitPrice = new Api.Money { CurrencyCode = part.Currency, UnitsMinor = part.UnitPriceMinor },
            Discontinued = part.Discontinued,
            Version = part.Version,
            UpdateTime = CommonMapping.ToProto(part.UpdatedAt),
        };
        proto.CompatibleModels.AddRange(part.CompatibleModels);
        return proto;
    }
}
