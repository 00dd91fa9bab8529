using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class TechnicianMapping
{
    public static readonly IReadOnlySet<string> UpdatableFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "display_name", "outlet_id", "certifications", "on_shift",
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
        return TechnicianProfile.Create(technician.TechnicianId, technician.OutletId, technician.DisplayName, certifications, technician.OnShift, field);
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
        return technician;
    }
}
