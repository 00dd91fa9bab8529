using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class OutletApi(IGrainFactory grains, IOutletIndex index, Grains.Catalog.CapabilityCatalogCache catalog) : Api.OutletService.OutletServiceBase
{
    private const string PageKind = "outlets";

    public override async Task<Api.CreateOutletResponse> CreateOutlet(Api.CreateOutletRequest request, ServerCallContext context)
    {
        var profile = OutletMapping.ToDomain(request.Outlet);
        catalog.Current.RequireCapabilities(profile.Capabilities, "outlet.capabilities");
        await RequireHolidayCalendars(request.Outlet, "outlet");
        var listing = await Outlet(profile.OutletId).Create(profile);
        return new Api.CreateOutletResponse { Outlet = OutletMapping.ToProto(listing) };
    }

    public override async Task<Api.GetOutletResponse> GetOutlet(Api.GetOutletRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.OutletId, "outlet_id");
        return new Api.GetOutletResponse { Outlet = OutletMapping.ToProto(await Outlet(id).Get()) };
    }

    public override async Task<Api.UpdateOutletResponse> UpdateOutlet(Api.UpdateOutletRequest request, ServerCallContext context)
    {
        if (request.Outlet is null)
        {
            throw RpcErrors.Required("outlet");
        }

        var id = Identifiers.RequireId(request.Outlet.OutletId, "outlet.outlet_id");
        var paths = CommonMapping.UpdatePaths(request.UpdateMask, OutletMapping.UpdatableFields);

        var grain = Outlet(id);
        var updated = await MaskedUpdate.Apply(
            request.Outlet,
            paths,
            request.ExpectedVersion,
            grain.Get,
            current => current.Version,
            OutletMapping.ToProto,
            async (merged, version) =>
            {
                var profile = OutletMapping.ToDomain(merged);
                if (paths.Contains("capabilities"))
                {
                    // Only when capabilities change: an outlet stored before the catalog was tightened stays editable.
                    catalog.Current.RequireCapabilities(profile.Capabilities, "outlet.capabilities");
                }

                await RequireHolidayCalendars(merged, "outlet");
                return await grain.Update(profile, version, CallerContext.Actor(context));
            });
        return new Api.UpdateOutletResponse { Outlet = OutletMapping.ToProto(updated) };
    }

    public override Task<Api.ListOutletsResponse> ListOutlets(Api.ListOutletsRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var after = CommonMapping.DecodePageToken(request.PageToken, PageKind);
        var status = request.Status == Api.OutletStatus.Unspecified ? (Domain.Outlets.OutletStatus?)null : OutletMapping.ToDomain(request.Status, "status");
        var capability = string.IsNullOrEmpty(request.Capability) ? null : Identifiers.RequireCapability(request.Capability, "capability");
        var region = string.IsNullOrEmpty(request.Region) ? null : Identifiers.RequireId(request.Region, "region");

        var page = index.Current.InIdOrder(after)
            .Where(l => (status is null || l.Status == status)
                && (capability is null || l.Profile.OffersCapability(capability))
                && (region is null || string.Equals(l.Profile.Region, region, StringComparison.Ordinal)))
            .Take(pageSize + 1)
            .ToList();
        var response = new Api.ListOutletsResponse();
        response.Outlets.AddRange(page.Take(pageSize).Select(OutletMapping.ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, page[pageSize - 1].OutletId);
        }

        return Task.FromResult(response);
    }

    public override async Task<Api.SetOutletStatusResponse> SetOutletStatus(Api.SetOutletStatusRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.OutletId, "outlet_id");
        var status = OutletMapping.ToDomain(request.Status, "status");
        var reason = Identifiers.OptionalText(request.Reason, "reason", 500);
        return new Api.SetOutletStatusResponse { Outlet = OutletMapping.ToProto(await Outlet(id).SetStatus(status, reason, CallerContext.Actor(context))) };
    }

    /// <summary>
    /// Every holiday calendar assigned one by one must exist. Asked of the calendars grain, not this
    /// silo's copy, which may be a poll behind a calendar headquarters has just put through another silo.
    /// </summary>
    private async Task RequireHolidayCalendars(Api.Outlet outlet, string field)
    {
        if (outlet.HolidayCalendarIds.Count == 0)
        {
            return;
        }

        var known = (await grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key).List()).Calendars.Select(c => c.CalendarId).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < outlet.HolidayCalendarIds.Count; i++)
        {
            if (!known.Contains(outlet.HolidayCalendarIds[i]))
            {
                throw RpcErrors.InvalidArgument($"{field}.holiday_calendar_ids[{i}]", $"no holiday calendar '{outlet.HolidayCalendarIds[i]}' exists; headquarters creates it with PutHolidayCalendar first");
            }
        }
    }

    private IOutletGrain Outlet(string id) => grains.GetGrain<IOutletGrain>(id);
}
