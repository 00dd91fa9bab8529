using RepairNetwork.Domain.Geo;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class ServiceAreaTests
{
    private const string Field = "outlet.service_area_geojson";

    private const string Square = """{"type":"Polygon","coordinates":[[[121.0,31.0],[122.0,31.0],[122.0,32.0],[121.0,32.0],[121.0,31.0]]]}""";

    [Fact]
    public void A_polygon_is_accepted_and_kept_as_given()
    {
        var area = ServiceArea.Parse(Square, Field);

        Assert.Equal(Square, area.GeoJson);
    }

    [Fact]
    public void A_polygon_contains_points_inside_and_on_its_boundary_but_not_outside()
    {
        var area = ServiceArea.Parse(Square, Field);

        Assert.True(area.Contains(new GeoPoint(31.5, 121.5)));
        Assert.True(area.Contains(new GeoPoint(31.0, 121.5)));   // on the southern edge
        Assert.True(area.Contains(new GeoPoint(32.0, 122.0)));   // a corner
        Assert.False(area.Contains(new GeoPoint(32.01, 121.5)));
        Assert.False(area.Contains(new GeoPoint(31.5, 120.99)));
    }

    [Fact]
    public void Coordinates_are_read_as_longitude_then_latitude()
    {
        // Longitudes 10-11 east, latitudes 50-51 north (around Frankfurt).
        var area = ServiceArea.Parse("""{"type":"Polygon","coordinates":[[[10,50],[11,50],[11,51],[10,51],[10,50]]]}""", Field);

        Assert.True(area.Contains(new GeoPoint(latitude: 50.5, longitude: 10.5)));
        Assert.False(area.Contains(new GeoPoint(latitude: 10.5, longitude: 50.5)));
    }

    [Fact]
    public void A_hole_in_a_polygon_is_not_part_of_the_area()
    {
        var area = ServiceArea.Parse(
            """{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}""",
            Field);

        Assert.True(area.Contains(new GeoPoint(2, 2)));
        Assert.False(area.Contains(new GeoPoint(5, 5)));
    }

    [Fact]
    public void A_multipolygon_contains_points_in_any_of_its_parts()
    {
        var area = ServiceArea.Parse(
            """{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[10,10],[11,10],[11,11],[10,11],[10,10]]]]}""",
            Field);

        Assert.True(area.Contains(new GeoPoint(0.5, 0.5)));
        Assert.True(area.Contains(new GeoPoint(10.5, 10.5)));
        Assert.False(area.Contains(new GeoPoint(5, 5)));
    }

    [Fact]
    public void A_feature_wrapping_a_polygon_is_accepted()
    {
        var area = ServiceArea.Parse(
            """{"type":"Feature","properties":{"name":"Pudong"},"geometry":""" + Square + "}",
            Field);

        Assert.True(area.Contains(new GeoPoint(31.5, 121.5)));
        Assert.False(area.Contains(new GeoPoint(30.5, 121.5)));
    }

    [Fact]
    public void An_area_restored_from_its_geojson_text_answers_the_same()
    {
        var parsed = ServiceArea.Parse(Square, Field);
        var copy = ServiceArea.Parse(parsed.GeoJson, Field);

        Assert.Equal(parsed, copy);
        Assert.Equal(parsed.GetHashCode(), copy.GetHashCode());
        Assert.True(copy.Contains(new GeoPoint(31.5, 121.5)));
    }

    public static TheoryData<string, string> Rejected => new()
    {
        { "{", "malformed JSON" },
        { "", "empty text" },
        { "not json at all", "plain text" },
        { "[]", "a JSON array" },
        { "42", "a JSON number" },
        { """{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""", "no type" },
        { """{"type":"Point","coordinates":[121.5,31.5]}""", "a Point" },
        { """{"type":"LineString","coordinates":[[0,0],[1,1]]}""", "a LineString" },
        { """{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,1]}}""", "a Feature wrapping a Point" },
        { """{"type":"Polygon","coordinates":[]}""", "an empty polygon" },
        { """{"type":"Polygon","coordinates":[[[0,0],[10,10],[10,0],[0,10],[0,0]]]}""", "a self-intersecting bow-tie" },
        { """{"type":"Polygon","coordinates":[[[181,0],[182,0],[182,1],[181,1],[181,0]]]}""", "longitude above 180" },
        { """{"type":"Polygon","coordinates":[[[-181,0],[-179,0],[-179,1],[-181,0]]]}""", "longitude below -180" },
        { """{"type":"Polygon","coordinates":[[[0,89],[1,89],[1,91],[0,89]]]}""", "latitude above 90" },
        { """{"type":"Polygon","coordinates":[[[0,-91],[1,-89],[0,-89],[0,-91]]]}""", "latitude below -90" },
        { """{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "an unclosed ring" },
        { """{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""", "a ring too short to enclose anything" },
        { """{"type":"MultiPolygon","coordinates":[[[[0,0],[2,0],[2,2],[0,2],[0,0]]],[[[1,1],[3,1],[3,3],[1,3],[1,1]]]]}""", "overlapping multipolygon parts" },
        { """{"type":"Polygon","coordinates":"nope"}""", "coordinates of the wrong shape" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Anything_but_a_valid_polygon_is_rejected_as_an_invalid_argument_naming_the_field(string geoJson, string what)
    {
        var ex = Record.Exception(() => ServiceArea.Parse(geoJson, Field));

        Assert.True(
            ex is DomainException { Kind: DomainErrorKind.InvalidArgument, Field: Field },
            $"{what} should be rejected as InvalidArgument on {Field} but got {ex?.ToString() ?? "no exception"}");
        Assert.StartsWith(Field + ":", ex!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_polygon_with_more_than_the_vertex_limit_is_rejected()
    {
        var ring = Enumerable.Range(0, ServiceArea.MaxVertices + 1)
            .Select(i => 2 * Math.PI * i / (ServiceArea.MaxVertices + 1))
            .Select(a => FormattableString.Invariant($"[{Math.Cos(a):0.#########},{Math.Sin(a):0.#########}]"))
            .ToList();
        ring.Add(ring[0]);
        var geoJson = $$"""{"type":"Polygon","coordinates":[[{{string.Join(",", ring)}}]]}""";

        var ex = AssertInvalid(Field, () => ServiceArea.Parse(geoJson, Field));
        Assert.Contains("vertices", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GeoJson_longer_than_the_size_limit_is_rejected()
    {
        var geoJson = Square + new string(' ', ServiceArea.MaxGeoJsonLength);

        AssertInvalid(Field, () => ServiceArea.Parse(geoJson, Field));
    }
}
