using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Grains.Appointments;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

/// <summary>Job templates, slot search, and moving or cancelling an order's appointment; the rules are the domain's.</summary>
public sealed class AppointmentApi(
    IGrainFactory grains,
    JobTemplatesCache templates,
    SlotFinder slots,
    AppointmentPolicy policy,
    TimeProvider clock,
    Grains.Catalog.CapabilityCatalogCache catalog) : Api.AppointmentService.AppointmentServiceBase
{
    public override async Task<Api.PutJobTemplateResponse> PutJobTemplate(Api.PutJobTemplateRequest request, ServerCallContext context)
    {
        var template = AppointmentMapping.ToDomain(request.Template ?? throw Errors.RpcErrors.Required("template"));
        catalog.Current.RequireCapability(template.Capability, "template.capability");
        catalog.Current.RequireCapability(template.Skill, "template.skill");
        var stored = await Templates().Put(template);
        // This silo books with the new template at once; other silos within a poll.
        await templates.SyncOnce();
        return new Api.PutJobTemplateResponse { Template = AppointmentMapping.ToProto(stored) };
    }

    public override async Task<Api.ListJobTemplatesResponse> ListJobTemplates(Api.ListJobTemplatesRequest request, ServerCallContext context)
    {
        var all = await Templates().Get();
        return new Api.ListJobTemplatesResponse
        {
            Templates = { all.Templates.Values.OrderBy(t => t.Capability, StringComparer.Ordinal).Select(AppointmentMapping.ToProto) },
        };
    }

    public override async Task<Api.DeleteJobTemplateResponse> DeleteJobTemplate(Api.DeleteJobTemplateRequest request, ServerCallContext context)
    {
        var deleted = await Templates().Delete(Identifiers.RequireCapability(request.Capability, "capability"));
        await templates.SyncOnce();
        return new Api.DeleteJobTemplateResponse { Deleted = deleted };
    }

    public override async Task<Api.FindSlotsResponse> FindSlots(Api.FindSlotsRequest request, ServerCallContext context)
    {
        var job = new JobRequirement
        {
            CustomerLocation = CommonMapping.ToDomain(request.Location, "location"),
            Capability = catalog.Current.RequireCapability(request.Capability, "capability"),
            Mode = CommonMapping.ToDomain(request.ServiceMode, "service_mode"),
        };
        var range = SlotRange.Create(OptionalDate(request.FromDate, "from_date"), OptionalDate(request.ToDate, "to_date"), clock.GetUtcNow(), policy);
        var max = request.PageSize switch
        {
            0 => AppointmentPolicy.DefaultSlots,
            >= 1 and <= AppointmentPolicy.MaxSlots => request.PageSize,
            _ => throw Errors.RpcErrors.InvalidArgument("page_size", $"must be 1-{AppointmentPolicy.MaxSlots} (0 means {AppointmentPolicy.DefaultSlots})"),
        };
        var result = await slots.Find(job, range, max);
        var template = templates.Current.Require(job.Capability, "capability");
        return new Api.FindSlotsResponse
        {
            Slots = { result.Slots.Select(s => AppointmentMapping.ToProto(s, template)) },
            OutletsWithoutSlots = { result.WithoutSlots.Select(AppointmentMapping.ToProto) },
            OutletsExamined = result.OutletsExamined,
        };
    }

    public override async Task<Api.RescheduleAppointmentResponse> RescheduleAppointment(Api.RescheduleAppointmentRequest request, ServerCallContext context)
    {
        var order = await Order(request.OrderId).RescheduleAppointment(CallerContext.Actor(context), request.SlotId);
        return new Api.RescheduleAppointmentResponse { Order = RepairOrderMapping.ToProto(order) };
    }

    public override async Task<Api.CancelAppointmentResponse> CancelAppointment(Api.CancelAppointmentRequest request, ServerCallContext context)
    {
        var reason = LifecycleMapping.Reason(request.Reason);
        var order = await Order(request.OrderId).CancelAppointment(CallerContext.Actor(context), reason);
        return new Api.CancelAppointmentResponse { Order = RepairOrderMapping.ToProto(order) };
    }

    public override async Task<Api.GetTechnicianDayPlanResponse> GetTechnicianDayPlan(Api.GetTechnicianDayPlanRequest request, ServerCallContext context)
    {
        var outletId = Identifiers.RequireId(request.OutletId, "outlet_id");
        var technicianId = Identifiers.RequireId(request.TechnicianId, "technician_id");
        var plan = await grains.GetGrain<IOutletGrain>(outletId).GetDayPlan(technicianId, OptionalDate(request.Date, "date"));
        return AppointmentMapping.ToProto(plan);
    }

    private static DateOnly? OptionalDate(string? text, string field) => string.IsNullOrEmpty(text) ? null : CommonMapping.ToDate(text, field);

    private IJobTemplatesGrain Templates() => grains.GetGrain<IJobTemplatesGrain>(JobTemplatesGrain.Key);

    private IRepairOrderGrain Order(string orderId) => grains.GetGrain<IRepairOrderGrain>(Identifiers.RequireId(orderId, "order_id"));
}
