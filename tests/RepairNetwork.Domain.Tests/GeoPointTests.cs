using RepairNetwork.Domain.Geo;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class GeoPointTests
{
    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(90.0001)]
    [InlineData(-90.0001)]
    [InlineData(1e300)]
    public void A_latitude_outside_minus_90_to_90_is_rejected_naming_the_latitude_field(double latitude)
    {
        var ex = AssertInvalid("location.latitude", () => GeoPoint.Create(latitude, 0, "location"));

        Assert.StartsWith("location.latitude:", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(180.0001)]
    [InlineData(-180.0001)]
    public void A_longitude_outside_minus_180_to_180_is_rejected_naming_the_longitude_field(double longitude)
    {
        AssertInvalid("location.longitude", () => GeoPoint.Create(0, longitude, "location"));
    }

    [Fact]
    public void The_field_prefix_is_whatever_the_caller_passes()
    {
        AssertInvalid("customer_location.latitude", () => GeoPoint.Create(double.NaN, 0, "customer_location"));
        AssertInvalid("customer_location.longitude", () => GeoPoint.Create(0, 200, "customer_location"));
    }

    [Theory]
    [InlineData(90, 180)]
    [InlineData(-90, -180)]
    [InlineData(0, 0)]
    [InlineData(31.22222, 121.45806)]
    public void Coordinates_on_and_within_the_limits_are_accepted_unchanged(double latitude, double longitude)
    {
        var point = GeoPoint.Create(latitude, longitude, "location");

        Assert.Equal(latitude, point.Latitude);
        Assert.Equal(longitude, point.Longitude);
    }

    [Fact]
    public void A_point_prints_as_latitude_comma_longitude()
    {
        Assert.Equal("31.22222,121.45806", new GeoPoint(31.22222, 121.45806).ToString());
    }
}
