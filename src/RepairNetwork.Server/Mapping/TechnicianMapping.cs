using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class TechnicianMapping
{
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "display_name", "outlet_id", "certifications", "on_shift", "shifts", "leave",
    };

    public static TechnicianProfile ToDomain(Api.Technician? technician, string field = "technician")
    {
        if (technician is null)
        {
            throw RpcErrors.Required(field);
        }

        var certifications = technician.Certifications.Select((c, i) => new Certification
        {
            Capability = c.Capability,
            ExpiresOn = CommonMapping.ToDate(c.ExpiresOn, $"{field}.certifications[{i}].expires_on"),
        });
        var shifts = technician.Shifts.Select((s, i) => new ShiftPeriod
        {
            Day = OutletMapping.ToDomain(s.Day, $"{field}.shifts[{i}].day"),
            Starts = OutletMapping.ToTime(s.Opens, $"{field}.shifts[{i}].opens"),
            Ends = OutletMapping.ToTime(s.Closes, $"{field}.shifts[{i}].closes"),
        });
        var leave = technician.Leave.Select((l, i) => new LeavePeriod
        {
            Dates = DateRanges.Create(
                CommonMapping.ToDate(l.FirstDay, $"{field}.leave[{i}].first_day"),
                CommonMapping.ToDate(l.LastDay, $"{field}.leave[{i}].last_day"),
                $"{field}.leave[{i}].last_day"),
            Reason = l.Reason,
        });
        return TechnicianProfile.Create(technician.TechnicianId, technician.OutletId, technician.DisplayName, certifications, technician.OnShift, field) with
        {
            Schedule = TechnicianSchedule.Create(shifts, leave, field),
        };
    }

    public static Api.Technician ToProto(TechnicianRecord record)
    {
        var profile = record.Profile;
        var technician = new Api.Technician
        {
            TechnicianId = profile.TechnicianId,
            OutletId = profile.OutletId,
            DisplayName = profile.DisplayName,
            OnShift = profile.OnShift,
            Version = record.Version,
        };
        technician.Certifications.AddRange(profile.Certifications.Select(c => new Api.Certification
        {
            Capability = c.Capability,
            ExpiresOn = CommonMapping.ToText(c.ExpiresOn),
            CertifiedBy = c.CertifiedBy,
            CertifiedAt = c.CertifiedAt is { } at ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at) : null,
        }));
        technician.Shifts.AddRange(profile.Schedule.Shifts.Select(s => new Api.OpeningPeriod
        {
            Day = OutletMapping.ToProto(s.Day),
            Opens = OutletMapping.ToText(s.Starts),
            Closes = OutletMapping.ToText(s.Ends),
        }));
        technician.Leave.AddRange(profile.Schedule.Leave.Select(l => new Api.LeavePeriod
        {
            FirstDay = CommonMapping.ToText(l.Dates.First),
            LastDay = CommonMapping.ToText(l.Dates.Last),
            Reason = l.Reason,
        }));
        return technician;
    }
}
