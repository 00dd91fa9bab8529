using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Grains.Appointments;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class AppointmentMapping
{
    public static JobTemplate ToDomain(Api.JobTemplate template) => JobTemplate.Create(
        template.Capability,
        template.DurationMinutes,
        template.Skill,
        [.. template.DefaultParts.Select(p => PartQuantity.Of(p.Sku, p.Quantity))],
        template.TravelBufferMinutes,
        "template");

    public static Api.JobTemplate ToProto(JobTemplate template) => new()
    {
        Capability = template.Capability,
        DurationMinutes = (int)template.Duration.TotalMinutes,
        Skill = template.Skill,
        DefaultParts = { template.DefaultParts.Select(p => new Api.RequiredPart { Sku = p.Sku, Quantity = p.Quantity }) },
        TravelBufferMinutes = (int)template.TravelBuffer.TotalMinutes,
    };

    public static Api.AppointmentSlot ToProto(FoundSlot found, JobTemplate template) => new()
    {
        SlotId = found.Slot.SlotId,
        OutletId = found.Listing.OutletId,
        OutletName = found.Listing.Profile.Name,
        DistanceKm = Math.Round(found.DistanceKm, 3),
        StartTime = CommonMapping.ToProto(found.Slot.WindowStart),
        EndTime = CommonMapping.ToProto(found.Slot.WindowEnd),
        TimeZone = found.Slot.TimeZoneId,
        LocalDate = CommonMapping.ToText(found.Slot.LocalDate),
        LocalWindow = found.Slot.LocalWindow,
        TechniciansAvailable = found.Slot.TechniciansAvailable,
        ServiceMode = CommonMapping.ToProto(found.Slot.Mode),
        DurationMinutes = (int)template.Duration.TotalMinutes,
    };

    public static Api.OutletWithoutSlots ToProto(OutletWithoutSlot without) => new()
    {
        OutletId = without.Listing.OutletId,
        OutletName = without.Listing.Profile.Name,
        DistanceKm = Math.Round(without.DistanceKm, 3),
        Reason = without.Reason,
    };

    public static Api.Appointment ToProto(Appointment appointment) => new()
    {
        SlotId = appointment.SlotId,
        OutletId = appointment.OutletId,
        TechnicianId = appointment.TechnicianId,
        ServiceMode = CommonMapping.ToProto(appointment.Mode),
        StartTime = CommonMapping.ToProto(appointment.WindowStart),
        EndTime = CommonMapping.ToProto(appointment.WindowEnd),
        PlannedStartTime = CommonMapping.ToProto(appointment.PlannedStart),
        PlannedEndTime = CommonMapping.ToProto(appointment.PlannedEnd),
        TimeZone = appointment.TimeZoneId,
        LocalDate = CommonMapping.ToText(appointment.LocalDate),
        LocalWindow = appointment.LocalWindow,
    };

    public static Api.GetTechnicianDayPlanResponse ToProto(TechnicianDayPlan plan) => new()
    {
        TechnicianId = plan.TechnicianId,
        Date = CommonMapping.ToText(plan.Date),
        TimeZone = plan.TimeZoneId,
        ScheduledMinutes = (int)plan.Scheduled.TotalMinutes,
        BookedMinutes = (int)plan.Booked.TotalMinutes,
        Visits =
        {
            plan.Visits.Select(v => new Api.PlannedVisit
            {
                OrderId = v.Appointment.OrderId,
                Appointment = ToProto(v.Appointment),
                Location = CommonMapping.ToProto(v.Appointment.Location),
                TravelKm = Math.Round(v.TravelKm, 3),
                TravelMinutes = (int)v.Travel.TotalMinutes,
            }),
        },
    };
}
