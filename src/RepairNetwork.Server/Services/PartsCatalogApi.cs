using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Parts;
using RepairNetwork.Grains.Parts;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class PartsCatalogApi(IGrainFactory grains) : Api.PartsCatalogService.PartsCatalogServiceBase
{
    private const string PageKind = "parts";

    /// <summary>
    /// Parts one ListParts call reads at most: a filter that matches little returns a short page with a
    /// token rather than reading the whole catalog in one call.
    /// </summary>
    private const int MaxPartsReadPerPage = CommonMapping.MaxPageSize;

    public override async Task<Api.CreatePartResponse> CreatePart(Api.CreatePartRequest request, ServerCallContext context)
    {
        var part = PartMapping.ToDomain(request.Part);
        return new Api.CreatePartResponse { Part = PartMapping.ToProto(await Part(part.Sku).Create(part)) };
    }

    public override async Task<Api.GetPartResponse> GetPart(Api.GetPartRequest request, ServerCallContext context)
    {
        var sku = Identifiers.RequireId(request.Sku, "sku");
        return new Api.GetPartResponse { Part = PartMapping.ToProto(await Part(sku).Get()) };
    }

    public override async Task<Api.UpdatePartResponse> UpdatePart(Api.UpdatePartRequest request, ServerCallContext context)
    {
        if (request.Part is null)
        {
            throw RpcErrors.Required("part");
        }

        var sku = Identifiers.RequireId(request.Part.Sku, "part.sku");
        var paths = CommonMapping.UpdatePaths(request.UpdateMask, PartMapping.UpdatableFields);

        var grain = Part(sku);
        var updated = await MaskedUpdate.Apply(
            request.Part,
            paths,
            request.ExpectedVersion,
            () => grain.Get(),
            current => current.Version,
            PartMapping.ToProto,
            (merged, version) => grain.Upsert(PartMapping.ToDomain(merged), version));
        return new Api.UpdatePartResponse { Part = PartMapping.ToProto(updated) };
    }

    public override async Task<Api.ListPartsResponse> ListParts(Api.ListPartsRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var position = CommonMapping.DecodePageToken(request.PageToken, PageKind);
        var category = string.IsNullOrEmpty(request.Category) ? null : Identifiers.RequireCapability(request.Category, "category");
        var model = string.IsNullOrWhiteSpace(request.CompatibleModel) ? null : Identifiers.RequireText(request.CompatibleModel, "compatible_model", CatalogParts.MaxModelLength);

        // The catalog grain gives SKUs in order; each part is read from its own grain, and the filters
        // are confirmed on the part itself (the catalog's category is an index, the part's is the truth).
        var catalog = grains.GetGrain<IPartsCatalogGrain>(PartsCatalogGrain.CatalogKey);
        var found = new List<CatalogPart>(pageSize);
        var read = 0;
        var more = true;
        while (more && found.Count < pageSize && read < MaxPartsReadPerPage)
        {
            var want = model is null ? pageSize - found.Count : pageSize;
            var batch = await catalog.List(position, Math.Min(want, MaxPartsReadPerPage - read), category);
            var parts = await Task.WhenAll(batch.Skus.Select(Find));
            more = batch.More;
            for (var i = 0; i < parts.Length; i++)
            {
                if (found.Count == pageSize)
                {
                    more = true;
                    break;
                }

                position = batch.Skus[i];
                read++;
                if (parts[i] is { } part && (category is null || part.Category == category) && (model is null || part.FitsModel(model)))
                {
                    found.Add(part);
                }
            }
        }

        var response = new Api.ListPartsResponse();
        response.Parts.AddRange(found.Select(PartMapping.ToProto));
        if (more && position is not null)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, position);
        }

        return response;
    }

    /// <summary>The part, or null for a SKU listed whose part was never stored (its create failed half-way).</summary>
    private async Task<CatalogPart?> Find(string sku)
    {
        try
        {
            return await Part(sku).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return null;
        }
    }

    private IPartGrain Part(string sku) => grains.GetGrain<IPartGrain>(sku);
}
