using Orleans;

namespace RepairNetwork.Domain.Outlets;

/// <summary>The service modes an outlet offers.</summary>
[GenerateSerializer, Alias("rn.ServiceModes"), Immutable]
public sealed record ServiceModes
{
    public const double MaxOnSiteRadiusKm = 500;

    [Id(0)] public bool CarryIn { get; init; }

    [Id(1)] public bool MailIn { get; init; }

    [Id(2)] public bool OnSite { get; init; }

    /// <summary>On-site radius in km; 0 when only the service area applies.</summary>
    [Id(3)] public double OnSiteRadiusKm { get; init; }

    public static ServiceModes Create(bool carryIn, bool mailIn, bool onSite, double onSiteRadiusKm, bool hasServiceArea, string field)
    {
        if (!double.IsFinite(onSiteRadiusKm) || onSiteRadiusKm is < 0 or > MaxOnSiteRadiusKm)
        {
            throw DomainException.Invalid($"{field}.on_site.radius_km", $"must be within [0, {MaxOnSiteRadiusKm}] km (got {onSiteRadiusKm})");
        }

        if (onSite && onSiteRadiusKm == 0 && !hasServiceArea)
        {
            throw DomainException.Invalid($"{field}.on_site.radius_km", "must be greater than 0 when the outlet has no service_area_geojson: on-site visits need a radius or an area");
        }

        if (!carryIn && !mailIn && !onSite)
        {
            throw DomainException.Invalid(field, "must offer at least one of carry_in, mail_in or on_site");
        }

        return new ServiceModes { CarryIn = carryIn, MailIn = mailIn, OnSite = onSite, OnSiteRadiusKm = onSite ? onSiteRadiusKm : 0 };
    }

    public bool Offers(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => CarryIn,
        ServiceMode.MailIn => MailIn,
        ServiceMode.OnSite => OnSite,
        _ => false,
    };
}
