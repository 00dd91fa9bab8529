using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A server with small per-call and per-client bounds, so tests can reach them with a handful of objects.</summary>
public sealed class BoundedServerFixture : ServerFixture
{
    public const int MaxScanned = 5;
    public const int OutletStreams = 2;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Lists:MaxOrdersScannedPerCall"] = MaxScanned.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Streams:MaxPerClientByRole:outlet"] = OutletStreams.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>One client cannot hold unbounded work: a list call reads a bounded number of orders, and a client holds a bounded number of streams.</summary>
public sealed class ClientBoundsTests(BoundedServerFixture server) : IClassFixture<BoundedServerFixture>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_list_filter_that_matches_nothing_stops_after_the_scan_bound_with_a_token_to_go_on()
    {
        using var journey = await OrderJourney.Start(server);
        var orders = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            orders.Add((await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId);
        }

        // The oldest order is the only accepted one: it is last in the newest-first feed.
        await journey.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = orders[0] });

        var pages = new List<Api.ListRepairOrdersResponse>();
        var token = string.Empty;
        do
        {
            var page = await journey.Outlet.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = journey.OutletId, Status = Api.RepairOrderStatus.Accepted, PageSize = 10, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0 && pages.Count < 10);

        // 10 orders, at most 5 read a call: two calls, the first empty but with a token, the second finds it.
        Assert.Equal([0, 1], pages.Select(p => p.Orders.Count));
        Assert.NotEmpty(pages[0].NextPageToken);
        Assert.Equal(orders[0], pages[^1].Orders.Single().OrderId);
        Assert.Empty(pages[^1].NextPageToken);
    }

    [Fact]
    public async Task An_outlet_client_holding_its_stream_limit_is_refused_another_until_it_closes_one()
    {
        using var journey = await OrderJourney.Start(server);
        using var channel = server.ChannelFor(Roles.Outlet, journey.OutletId);
        var outlet = new Api.RepairOrderService.RepairOrderServiceClient(channel);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(ReadTimeout);

        var open = new List<AsyncServerStreamingCall<Api.WatchJobsResponse>>();
        for (var i = 0; i < BoundedServerFixture.OutletStreams; i++)
        {
            open.Add(outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: cancel.Token));
        }

        // The first offer reaches both open streams, so both are running on the server.
        await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder());
        foreach (var call in open)
        {
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
        }

        using var extra = outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: cancel.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => extra.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);

        // Another client (headquarters) is not held back by this one's streams.
        using var hq = server.Orders.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: cancel.Token);
        Assert.True(await hq.ResponseStream.MoveNext(cancel.Token));

        open[0].Dispose();
        await WaitUntilStreamOpens(outlet, journey.OutletId, cancel.Token);
        open[1].Dispose();
    }

    /// <summary>The server frees a slot once it sees the cancelled stream end: retry briefly until a new one is admitted.</summary>
    private static async Task WaitUntilStreamOpens(Api.RepairOrderService.RepairOrderServiceClient outlet, string outletId, CancellationToken cancel)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var call = outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = outletId }, cancellationToken: cancel);
            try
            {
                Assert.True(await call.ResponseStream.MoveNext(cancel));
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && attempt < 50)
            {
                await Task.Delay(100, cancel);
            }
        }
    }
}
