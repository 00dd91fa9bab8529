namespace RepairNetwork.Domain.Geo;

/// <summary>Distances on a spherical earth (mean radius), which is what "nearest" means to a customer.</summary>
public static class GreatCircle
{
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Half the earth's circumference: no two points are farther apart.</summary>
    public const double MaxDistanceKm = Math.PI * EarthRadiusKm;

    private const double DegreesToRadians = Math.PI / 180.0;

    /// <summary>Haversine distance in km; numerically stable for short and long distances alike.</summary>
    public static double DistanceKm(GeoPoint a, GeoPoint b)
    {
        var lat1 = a.Latitude * DegreesToRadians;
        var lat2 = b.Latitude * DegreesToRadians;
        var sinHalfDLat = Math.Sin((lat2 - lat1) / 2);
        var sinHalfDLon = Math.Sin((b.Longitude - a.Longitude) * DegreesToRadians / 2);
        var h = (sinHalfDLat * sinHalfDLat) + (Math.Cos(lat1) * Math.Cos(lat2) * sinHalfDLon * sinHalfDLon);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(h)));
    }

    /// <summary>
    /// Longitude/latitude boxes (min lon, min lat, max lon, max lat) that together cover every point
    /// within <paramref name="radiusKm"/> of <paramref name="center"/>. Two boxes when the circle
    /// crosses the antimeridian; the full longitude range when it covers a pole.
    /// </summary>
    public static IReadOnlyList<(double MinLon, double MinLat, double MaxLon, double MaxLat)> BoundingBoxes(GeoPoint center, double radiusKm)
    {
        var angular = radiusKm / EarthRadiusKm;
        var latRad = center.Latitude * DegreesToRadians;
        var minLat = (latRad - angular) / DegreesToRadians;
        var maxLat = (latRad + angular) / DegreesToRadians;

        if (angular >= Math.PI || minLat <= -90 || maxLat >= 90)
        {
            return [(-180, Math.Max(minLat, -90), 180, Math.Min(maxLat, 90))];
        }

        // Widest longitude extent of a spherical cap, reached at the tangent latitude.
        var deltaLon = Math.Asin(Math.Min(1.0, Math.Sin(angular) / Math.Cos(latRad))) / DegreesToRadians;
        var minLon = center.Longitude - deltaLon;
        var maxLon = center.Longitude + deltaLon;

        if (minLon < -180)
        {
            return [(minLon + 360, minLat, 180, maxLat), (-180, minLat, maxLon, maxLat)];
        }

        if (maxLon > 180)
        {
            return [(minLon, minLat, 180, maxLat), (-180, minLat, maxLon - 360, maxLat)];
        }

        return [(minLon, minLat, maxLon, maxLat)];
    }
}
