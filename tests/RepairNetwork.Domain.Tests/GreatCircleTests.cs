using RepairNetwork.Domain.Geo;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class GreatCircleTests
{
    [Fact]
    public void Shanghai_to_Beijing_is_about_1067_km()
    {
        var distance = GreatCircle.DistanceKm(Shanghai, Beijing);

        Assert.InRange(distance, 1067 * 0.99, 1067 * 1.01);
    }

    [Theory]
    [InlineData(51.5074, -0.1278, 48.8566, 2.3522, 343.5)] // London - Paris
    [InlineData(40.7128, -74.0060, 51.5074, -0.1278, 5570)] // New York - London
    [InlineData(-33.8688, 151.2093, -36.8485, 174.7633, 2155)] // Sydney - Auckland
    [InlineData(0, 0, 0, 90, 10007.5)] // a quarter of the equator
    [InlineData(0, 0, 90, 0, 10007.5)] // equator to north pole
    public void Known_city_pairs_are_within_one_percent_of_their_published_distance(double lat1, double lon1, double lat2, double lon2, double expectedKm)
    {
        var distance = GreatCircle.DistanceKm(new GeoPoint(lat1, lon1), new GeoPoint(lat2, lon2));

        Assert.InRange(distance, expectedKm * 0.99, expectedKm * 1.01);
    }

    [Theory]
    [InlineData(31.22222, 121.45806)]
    [InlineData(90, 0)]
    [InlineData(-90, 123)]
    [InlineData(0, 180)]
    public void A_point_is_zero_km_from_itself(double lat, double lon)
    {
        var point = new GeoPoint(lat, lon);

        Assert.Equal(0, GreatCircle.DistanceKm(point, point), 9);
    }

    [Fact]
    public void The_same_meridian_crossing_at_plus_and_minus_180_is_zero_km_apart()
    {
        Assert.Equal(0, GreatCircle.DistanceKm(new GeoPoint(10, 180), new GeoPoint(10, -180)), 6);
    }

    [Fact]
    public void Points_either_side_of_the_antimeridian_are_close_not_half_the_world_apart()
    {
        var distance = GreatCircle.DistanceKm(new GeoPoint(0, 179.95), new GeoPoint(0, -179.95));

        Assert.InRange(distance, 11.0, 11.3); // 0.1 degree of equator is about 11.12 km
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(31.22222, 121.45806)]
    [InlineData(89.5, -179.9)]
    [InlineData(-45, 60)]
    public void Antipodal_points_are_half_the_circumference_apart(double lat, double lon)
    {
        var antipode = new GeoPoint(-lat, lon > 0 ? lon - 180 : lon + 180);

        var distance = GreatCircle.DistanceKm(new GeoPoint(lat, lon), antipode);

        Assert.InRange(distance, 20015 * 0.999, 20015 * 1.001);
        // Haversine loses a little precision right at the antipode; a metre is far below what matters.
        Assert.InRange(distance, GreatCircle.MaxDistanceKm - 0.001, GreatCircle.MaxDistanceKm);
    }

    [Fact]
    public void Distance_is_symmetric()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var a = RandomPoint(random);
            var b = RandomPoint(random);

            Assert.Equal(GreatCircle.DistanceKm(a, b), GreatCircle.DistanceKm(b, a), 9);
        }
    }

    [Fact]
    public void Distance_matches_the_distance_travelled_along_a_great_circle()
    {
        // Ties DistanceKm to an independent formula: walking d km from a point ends d km away.
        var random = new Random(11);
        for (var i = 0; i < 1000; i++)
        {
            var start = RandomPoint(random);
            var travelled = random.NextDouble() * 20000;

            var end = Destination(start, random.NextDouble() * 360, travelled);

            Assert.Equal(travelled, GreatCircle.DistanceKm(start, end), 6);
        }
    }

    [Theory]
    [InlineData(0, 0, 1)]
    [InlineData(0, 0, 100)]
    [InlineData(31.22222, 121.45806, 16)]
    [InlineData(31.22222, 121.45806, 3000)]
    [InlineData(0, 179.9, 50)]
    [InlineData(0, -179.9, 50)]
    [InlineData(-60, 179.9, 1000)]
    [InlineData(65, -179.99, 400)]
    [InlineData(0, 180, 10)]
    [InlineData(0, -180, 10)]
    [InlineData(89.5, 0, 10)]
    [InlineData(89.5, 179.9, 50)]
    [InlineData(89.5, 45, 60)] // reaches over the pole
    [InlineData(89.5, -120, 500)]
    [InlineData(-89.5, 179.9, 50)]
    [InlineData(-89.5, 10, 200)]
    [InlineData(90, 0, 5)]
    [InlineData(-90, 0, 5)]
    [InlineData(75, 100, 2500)]
    [InlineData(10, 20, 9000)]
    [InlineData(10, 20, 15000)]
    [InlineData(10, 20, GreatCircle.MaxDistanceKm)]
    public void Every_point_within_the_radius_lies_in_one_of_the_bounding_boxes(double lat, double lon, double radiusKm)
    {
        var center = new GeoPoint(lat, lon);
        var boxes = GreatCircle.BoundingBoxes(center, radiusKm);
        var random = new Random((int)((lat * 1000) + (lon * 10) + radiusKm));

        for (var i = 0; i < 20_000; i++)
        {
            // Half the samples hug the rim, where a box that is too small fails first.
            var distance = i % 2 == 0 ? random.NextDouble() * radiusKm : radiusKm * (1 - 1e-9 - (random.NextDouble() * 1e-6));
            var point = Destination(center, random.NextDouble() * 360, distance);
            Assert.True(GreatCircle.DistanceKm(center, point) <= radiusKm * (1 + 1e-9));

            Assert.True(
                boxes.Any(b => b.MinLon <= point.Longitude && point.Longitude <= b.MaxLon && b.MinLat <= point.Latitude && point.Latitude <= b.MaxLat),
                $"{point} is {GreatCircle.DistanceKm(center, point):0.###} km from {center} but outside every box: {string.Join("; ", boxes)}");
        }
    }

    [Fact]
    public void A_small_circle_on_the_equator_has_one_tight_box()
    {
        var boxes = GreatCircle.BoundingBoxes(new GeoPoint(0, 10), 100);

        var box = Assert.Single(boxes);
        var halfWidthDegrees = 100 / GreatCircle.EarthRadiusKm * 180 / Math.PI; // about 0.899
        Assert.Equal(10 - halfWidthDegrees, box.MinLon, 6);
        Assert.Equal(10 + halfWidthDegrees, box.MaxLon, 6);
        Assert.Equal(-halfWidthDegrees, box.MinLat, 6);
        Assert.Equal(halfWidthDegrees, box.MaxLat, 6);
    }

    [Fact]
    public void A_circle_at_high_latitude_has_a_box_wider_in_longitude_than_in_latitude()
    {
        var box = Assert.Single(GreatCircle.BoundingBoxes(new GeoPoint(60, 10), 100));

        // At 60 degrees a degree of longitude is half as long, so the box is about twice as wide.
        Assert.InRange((box.MaxLon - box.MinLon) / (box.MaxLat - box.MinLat), 1.95, 2.05);
    }

    [Theory]
    [InlineData(179.9)]
    [InlineData(-179.9)]
    public void A_circle_crossing_the_antimeridian_is_split_into_two_boxes_each_side(double lon)
    {
        var boxes = GreatCircle.BoundingBoxes(new GeoPoint(0, lon), 50);

        Assert.Equal(2, boxes.Count);
        Assert.Contains(boxes, b => b.MaxLon == 180 && b.MinLon > 179);
        Assert.Contains(boxes, b => b.MinLon == -180 && b.MaxLon < -179);
    }

    [Fact]
    public void A_circle_covering_a_pole_gets_the_full_longitude_range_up_to_the_pole()
    {
        var box = Assert.Single(GreatCircle.BoundingBoxes(new GeoPoint(89.5, 30), 100));

        Assert.Equal(-180, box.MinLon);
        Assert.Equal(180, box.MaxLon);
        Assert.Equal(90, box.MaxLat);
        Assert.InRange(box.MinLat, 88.5, 88.7);
    }
}
