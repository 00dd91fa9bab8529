using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

public sealed class NetworkStatsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Api.NetworkService.NetworkServiceClient Network => new(server.Channel);

    [Fact]
    public async Task Shows_load_capacity_open_orders_and_service_record_per_outlet_and_region_paged()
    {
        using var journey = await OrderJourney.Start(server, outlets: 3);
        var region = Samples.UniqueId("R");
        foreach (var id in journey.OutletIds)
        {
            await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = id, Region = region }, UpdateMask = new FieldMask { Paths = { "region" } } });
        }

        var collected = await journey.OrderAt(Stage.Collected);
        await journey.CallCenter.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = collected.OrderId, Rating = 4, Comment = "good" });
        await journey.OrderAt(Stage.Accepted);
        await journey.OrderAt(Stage.Offered);

        var first = await Network.GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { Region = region, PageSize = 2 });

        var totals = first.Totals;
        Assert.Equal((3, 3, 30L, 3L, 27L, 2L), (totals.Outlets, totals.OpenOutlets, totals.DailyCapacity, totals.BookedToday, totals.CapacityLeftToday, totals.OpenOrders));
        Assert.Equal((1L, 4.0, 1L, 1.0), (totals.Ratings, totals.AverageRating, totals.Completions, totals.OnTimeRate));
        Assert.Equal(0.1, totals.Load, 6);
        Assert.Equal(region, Assert.Single(first.Regions).Region);
        Assert.Equal(totals.BookedToday, first.Regions[0].BookedToday);

        var ordered = journey.OutletIds.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ordered.Take(2), first.Outlets.Select(o => o.OutletId));
        Assert.NotEmpty(first.NextPageToken);
        var second = await Network.GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { Region = region, PageSize = 2, PageToken = first.NextPageToken });
        Assert.Equal(ordered.Skip(2), second.Outlets.Select(o => o.OutletId));
        Assert.Empty(second.NextPageToken);
        Assert.Null(second.Totals); // totals and regions come with the first page only
        Assert.Empty(second.Regions);

        var busy = first.Outlets.Concat(second.Outlets).Single(o => o.OutletId == journey.OutletId);
        Assert.Equal((region, 10, 3, 7, 2, 1, 4.0, 1, 1.0), (busy.Region, busy.DailyCapacity, busy.BookedToday, busy.CapacityLeftToday, busy.OpenOrders, busy.Ratings, busy.AverageRating, busy.Completions, busy.OnTimeRate));
        Assert.Equal("2026-11-18", busy.LocalDate);
        Assert.Equal(Api.OutletStatus.Open, busy.Status);
    }

    [Fact]
    public async Task Without_a_region_every_outlet_counts_and_regions_are_listed()
    {
        var (lat, lon) = TestArea.Next();
        var region = Samples.UniqueId("R");
        var outlet = Samples.Outlet(Samples.UniqueId("S"), lat, lon);
        outlet.Region = region;
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet });

        var stats = await Network.GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { PageSize = 500 });

        Assert.True(stats.Totals.Outlets >= 1);
        Assert.Equal(stats.Totals.Outlets, stats.Regions.Sum(r => r.Outlets));
        Assert.Equal(1, stats.Regions.Single(r => r.Region == region).Outlets);
    }

    [Theory]
    [InlineData("page_size", 501, "", "")]
    [InlineData("page_size", -1, "", "")]
    [InlineData("region", 0, "not a region!", "")]
    [InlineData("page_token", 0, "", "bm90LW91cnM")]
    public async Task Bad_input_is_invalid_argument_naming_the_field(string field, int pageSize, string region, string pageToken)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Network.GetNetworkStatsAsync(new Api.GetNetworkStatsRequest { PageSize = pageSize, Region = region, PageToken = pageToken }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field + ": ", error.Status.Detail);
    }

    [Theory]
    [InlineData(Roles.CallCenter)]
    [InlineData(Roles.Outlet)]
    public async Task Only_headquarters_sees_the_network(string role)
    {
        using var channel = role == Roles.Outlet ? server.ChannelFor(role, "CN-ANY-0001") : server.ChannelFor(role);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Api.NetworkService.NetworkServiceClient(channel).GetNetworkStatsAsync(new Api.GetNetworkStatsRequest()).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
