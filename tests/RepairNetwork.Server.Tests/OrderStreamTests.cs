using Grpc.Core;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The two server streams: an outlet system's job feed, which a reconnecting client resumes without
/// gap or duplicate, and one order's changes as a call-center screen follows them. Every read has a
/// timeout, so a stream that stalls fails the test instead of hanging the suite.
/// </summary>
public sealed class OrderStreamTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_reconnecting_outlet_system_receives_exactly_the_job_events_it_missed_in_sequence_order()
    {
        using var journey = await OrderJourney.Start(server);
        var outlet = journey.Outlet;
        var offered = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            offered.Add((await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId);
        }

        // The outlet system handles two events, then its connection drops.
        List<Api.JobEvent> handled;
        using (var connection = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            connection.CancelAfter(ReadTimeout);
            using var call = outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: connection.Token);
            handled = await Read(call.ResponseStream, 2, connection.Token);
            await connection.CancelAsync();
        }

        Assert.Equal([(1L, offered[0], Api.JobEventKind.Offered), (2L, offered[1], Api.JobEventKind.Offered)], handled.Select(Summary));

        // Meanwhile more jobs are offered, and the outlet's staff act on two of them at the counter.
        offered.Add((await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId);
        offered.Add((await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId);
        await outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = offered[0] });
        await outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = offered[1], Reason = "no screen in stock" });

        using var resumed = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        resumed.CancelAfter(ReadTimeout);
        using var again = outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId, AfterSequence = handled[^1].Sequence }, cancellationToken: resumed.Token);
        var missed = await Read(again.ResponseStream, 6, resumed.Token);

        Assert.Equal(
            [
                (3L, offered[2], Api.JobEventKind.Offered),
                (4L, offered[3], Api.JobEventKind.Offered),
                (5L, offered[4], Api.JobEventKind.Offered),
                (6L, offered[5], Api.JobEventKind.Offered),
                (7L, offered[0], Api.JobEventKind.Accepted),
                (8L, offered[1], Api.JobEventKind.Declined),
            ],
            missed.Select(Summary));
        Assert.Equal("no screen in stock", missed[^1].Detail);
        await AssertNothingMoreWithin(again.ResponseStream, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_job_event_that_happens_while_the_outlet_system_is_connected_arrives_on_the_open_stream()
    {
        using var journey = await OrderJourney.Start(server);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        connection.CancelAfter(ReadTimeout);
        using var call = journey.Outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: connection.Token);
        var next = call.ResponseStream.MoveNext(connection.Token);

        var order = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order;

        Assert.True(await next);
        Assert.Equal((1L, order.OrderId, Api.JobEventKind.Offered), Summary(call.ResponseStream.Current.Event));
        Assert.Equal(order.AuditTrail.Single(e => e.Action == Api.OrderAction.Offered).Detail, call.ResponseStream.Current.Event.Detail);
    }

    [Fact]
    public async Task A_call_center_watcher_gets_the_current_order_at_once_and_then_every_change_in_order()
    {
        using var journey = await OrderJourney.Start(server);
        var order = await journey.OrderAt(Stage.Offered);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(ReadTimeout);
        using var watch = journey.CallCenter.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = order.OrderId }, cancellationToken: timeout.Token);
        var stream = watch.ResponseStream;

        Assert.True(await stream.MoveNext(timeout.Token));
        Assert.Equal(order, stream.Current.Order);

        var accepted = (await journey.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.True(await stream.MoveNext(timeout.Token));
        Assert.Equal(accepted, stream.Current.Order);
        Assert.Equal(Api.RepairOrderStatus.Accepted, stream.Current.Order.Status);

        var diagnosed = (await journey.Outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = order.OrderId, Diagnosis = journey.Diagnosis() })).Order;
        Assert.True(await stream.MoveNext(timeout.Token));
        Assert.Equal(diagnosed, stream.Current.Order);
        Assert.Equal(Api.RepairOrderStatus.Diagnosed, stream.Current.Order.Status);
        Assert.Equal(Enumerable.Range(order.Revision, 3), new[] { order.Revision, accepted.Revision, diagnosed.Revision });

        // A second screen that already shows the accepted order starts after it.
        using var resumed = journey.CallCenter.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = order.OrderId, AfterRevision = accepted.Revision }, cancellationToken: timeout.Token);
        Assert.True(await resumed.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(diagnosed, resumed.ResponseStream.Current.Order);

        // A retried step changes nothing, so watchers hear nothing.
        await journey.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = order.OrderId });
        await AssertNothingMoreWithin(stream, TimeSpan.FromSeconds(1));
    }

    private static (long Sequence, string OrderId, Api.JobEventKind Kind) Summary(Api.JobEvent e) => (e.Sequence, e.OrderId, e.Kind);

    private static async Task<List<Api.JobEvent>> Read(IAsyncStreamReader<Api.WatchJobsResponse> stream, int count, CancellationToken token)
    {
        var events = new List<Api.JobEvent>();
        while (events.Count < count)
        {
            Assert.True(await stream.MoveNext(token), $"the stream ended after {events.Count} of {count} events");
            events.Add(stream.Current.Event);
        }

        return events;
    }

    /// <summary>Waits a little for another message; the stream must stay open and send nothing.</summary>
    private static async Task AssertNothingMoreWithin<T>(IAsyncStreamReader<T> stream, TimeSpan wait)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        quiet.CancelAfter(wait);
        try
        {
            var more = await stream.MoveNext(quiet.Token);
            Assert.Fail(more ? $"unexpected message: {stream.Current}" : "the stream ended");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && quiet.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
        }
    }
}
