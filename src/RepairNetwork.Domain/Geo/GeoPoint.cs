using Orleans;

namespace RepairNetwork.Domain.Geo;

/// <summary>A WGS84 position in degrees.</summary>
[GenerateSerializer, Alias("rn.GeoPoint"), Immutable]
public readonly record struct GeoPoint
{
    public GeoPoint(double latitude, double longitude)
    {
        Latitude = latitude;
        Longitude = longitude;
    }

    [Id(0)] public double Latitude { get; init; }

    [Id(1)] public double Longitude { get; init; }

    /// <summary>Validates a position coming from outside; <paramref name="field"/> names it in errors.</summary>
    public static GeoPoint Create(double latitude, double longitude, string field)
    {
        if (!double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw DomainException.Invalid($"{field}.latitude", $"must be a number within [-90, 90] (got {latitude})");
        }

        if (!double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw DomainException.Invalid($"{field}.longitude", $"must be a number within [-180, 180] (got {longitude})");
        }

        return new GeoPoint(latitude, longitude);
    }

    public override string ToString() => $"{Latitude:0.#####},{Longitude:0.#####}";
}
