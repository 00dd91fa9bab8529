using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Technicians;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class TechnicianApi(IGrainFactory grains, Grains.Catalog.CapabilityCatalogCache catalog) : Api.TechnicianService.TechnicianServiceBase
{
    private const string PageKind = "technicians";

    public override async Task<Api.CreateTechnicianResponse> CreateTechnician(Api.CreateTechnicianRequest request, ServerCallContext context)
    {
        var profile = TechnicianMapping.ToDomain(request.Technician);
        catalog.Current.RequireCapabilities([.. profile.Certifications.Select(c => c.Capability)], "technician.certifications");
        var record = await Technician(profile.TechnicianId).Create(profile, CallerContext.Actor(context));
        return new Api.CreateTechnicianResponse { Technician = TechnicianMapping.ToProto(record) };
    }

    public override async Task<Api.GetTechnicianResponse> GetTechnician(Api.GetTechnicianRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.TechnicianId, "technician_id");
        return new Api.GetTechnicianResponse { Technician = TechnicianMapping.ToProto(await Technician(id).Get()) };
    }

    public override async Task<Api.ListTechniciansResponse> ListTechnicians(Api.ListTechniciansRequest request, ServerCallContext context)
    {
        var outletId = Identifiers.RequireId(request.OutletId, "outlet_id");
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var after = CommonMapping.DecodePageToken(request.PageToken, PageKind);
        var roster = await grains.GetGrain<IOutletGrain>(outletId).ListTechnicians();
        var page = roster
            .Where(t => after is null || string.CompareOrdinal(t.Profile.TechnicianId, after) > 0)
            .Take(pageSize + 1)
            .ToList();
        var response = new Api.ListTechniciansResponse();
        response.Technicians.AddRange(page.Take(pageSize).Select(TechnicianMapping.ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, page[pageSize - 1].Profile.TechnicianId);
        }

        return response;
    }

    public override async Task<Api.UpdateTechnicianResponse> UpdateTechnician(Api.UpdateTechnicianRequest request, ServerCallContext context)
    {
        if (request.Technician is null)
        {
            throw RpcErrors.Required("technician");
        }

        var id = Identifiers.RequireId(request.Technician.TechnicianId, "technician.technician_id");
        var paths = CommonMapping.UpdatePaths(request.UpdateMask, TechnicianMapping.UpdatableFields);

        var grain = Technician(id);
        var updated = await MaskedUpdate.Apply(
            request.Technician,
            paths,
            expectedVersion: 0,
            grain.Get,
            current => current.Version,
            TechnicianMapping.ToProto,
            (merged, version) => grain.Update(TechnicianMapping.ToDomain(merged), version, CallerContext.Actor(context)));
        return new Api.UpdateTechnicianResponse { Technician = TechnicianMapping.ToProto(updated) };
    }

    private ITechnicianGrain Technician(string id) => grains.GetGrain<ITechnicianGrain>(id);
}
