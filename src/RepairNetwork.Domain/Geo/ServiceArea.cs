using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.IO.Converters;
using Orleans;

namespace RepairNetwork.Domain.Geo;

/// <summary>
/// Where an outlet makes on-site visits: a GeoJSON Polygon or MultiPolygon in lon/lat degrees.
/// Stored as its GeoJSON text; the parsed geometry is rebuilt on demand.
/// </summary>
[GenerateSerializer, Alias("rn.ServiceArea"), Immutable]
public sealed class ServiceArea : IEquatable<ServiceArea>
{
    public const int MaxGeoJsonLength = 1_000_000;
    public const int MaxVertices = 20_000;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);
    private static readonly JsonSerializerOptions GeoJsonOptions = CreateOptions();

    [NonSerialized]
    private IPreparedGeometry? _prepared;

    private ServiceArea(string geoJson) => GeoJson = geoJson;

    /// <summary>The polygon as GeoJSON, exactly as validated.</summary>
    [Id(0)] public string GeoJson { get; private set; }

    /// <summary>Parses and validates; rejects anything but a valid, non-empty (multi)polygon.</summary>
    public static ServiceArea Parse(string geoJson, string field)
    {
        if (geoJson.Length > MaxGeoJsonLength)
        {
            throw DomainException.Invalid(field, $"must be at most {MaxGeoJsonLength} characters of GeoJSON");
        }

        var geometry = ReadGeometry(geoJson, field);
        if (geometry is not (Polygon or MultiPolygon) || geometry.IsEmpty)
        {
            throw DomainException.Invalid(field, $"must be a GeoJSON Polygon or MultiPolygon (got {geometry.GeometryType})");
        }

        if (geometry.NumPoints > MaxVertices)
        {
            throw DomainException.Invalid(field, $"must have at most {MaxVertices} vertices (got {geometry.NumPoints})");
        }

        foreach (var c in geometry.Coordinates)
        {
            if (!double.IsFinite(c.X) || !double.IsFinite(c.Y) || c.X is < -180 or > 180 || c.Y is < -90 or > 90)
            {
                throw DomainException.Invalid(field, $"coordinate [{c.X}, {c.Y}] is not a [longitude, latitude] pair within [-180, 180] x [-90, 90]");
            }
        }

        if (!geometry.IsValid)
        {
            var error = new NetTopologySuite.Operation.Valid.IsValidOp(geometry).ValidationError;
            throw DomainException.Invalid(field, $"is not a valid polygon: {error?.Message ?? "invalid geometry"} at [{error?.Coordinate?.X}, {error?.Coordinate?.Y}]");
        }

        return new ServiceArea(geoJson) { _prepared = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(geometry) };
    }

    /// <summary>Whether a point lies inside the area or on its boundary.</summary>
    public bool Contains(GeoPoint point)
    {
        _prepared ??= NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(ReadGeometry(GeoJson, "service_area_geojson"));
        return _prepared.Covers(Factory.CreatePoint(new Coordinate(point.Longitude, point.Latitude)));
    }

    public bool Equals(ServiceArea? other) => other is not null && GeoJson == other.GeoJson;

    public override bool Equals(object? obj) => Equals(obj as ServiceArea);

    public override int GetHashCode() => GeoJson.GetHashCode(StringComparison.Ordinal);

    private static Geometry ReadGeometry(string geoJson, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(geoJson, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type))
            {
                throw DomainException.Invalid(field, "must be a GeoJSON object with a \"type\"");
            }

            // Accept a Feature wrapping the polygon: that is what most GIS tools export.
            var geometryElement = type.GetString() == "Feature" && root.TryGetProperty("geometry", out var inner) ? inner : root;
            return geometryElement.Deserialize<Geometry>(GeoJsonOptions)
                ?? throw DomainException.Invalid(field, "holds no geometry");
        }
        catch (JsonException ex)
        {
            throw DomainException.Invalid(field, $"is not valid GeoJSON: {ex.Message}");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw DomainException.Invalid(field, $"is not valid GeoJSON: {ex.Message}");
        }
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(Factory));
        return options;
    }
}
