using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// RouteBatch end to end. Each test has its own patch of the globe with outlets X and Y (about 1 km
/// either side of a point P, one slot each) and Z (100 km south, five slots), each with a certified
/// technician on shift.
/// </summary>
public sealed class RouteBatchTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>About 1 km of latitude.</summary>
    private const double Km = 1 / 111.2;

    private sealed record Area(double Lat, double Lon, string X, string Y, string Z);

    private sealed record BatchAnswer(List<Api.RouteResult> Results, Api.RouteBatchReport Report)
    {
        public Api.RouteResult Of(string jobId) => Results.Single(r => r.JobId == jobId);
    }

    private async Task<Area> NewArea(int capacityX = 1, int capacityY = 1)
    {
        var (lat, lon) = TestArea.Next();
        var area = new Area(lat, lon, Samples.UniqueId("X"), Samples.UniqueId("Y"), Samples.UniqueId("Z"));
        foreach (var (id, at, capacity) in new[] { (area.X, lat, capacityX), (area.Y, lat + (2 * Km), capacityY), (area.Z, lat - (100 * Km), 5) })
        {
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(id, at, lon, capacity: capacity) });
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(id + "-T1", id) });
        }

        return area;
    }

    /// <summary>A job <paramref name="kmNorth"/> km north of P (negative: south), with everything an order needs.</summary>
    private static Api.RouteJob Job(Area area, string jobId, double kmNorth, int priority = 0)
    {
        var order = Samples.Order(area.Lat + (kmNorth * Km), area.Lon);
        return new Api.RouteJob
        {
            JobId = jobId,
            CustomerLocation = order.CustomerLocation,
            RequiredCapability = order.RequiredCapability,
            ServiceMode = order.ServiceMode,
            Priority = priority,
            Customer = order.Customer,
            Product = order.Product,
            FaultDescription = order.FaultDescription,
        };
    }

    private static async Task<BatchAnswer> Route(GrpcChannel channel, Api.RouteBatchStart start, params IEnumerable<Api.RouteJob>[] windows)
    {
        using var call = new Api.DispatchService.DispatchServiceClient(channel).RouteBatch();
        try
        {
            await call.RequestStream.WriteAsync(new Api.RouteBatchRequest { Start = start });
            foreach (var window in windows)
            {
                await call.RequestStream.WriteAsync(new Api.RouteBatchRequest { Jobs = new Api.RouteJobs { Jobs = { window }, EndWindow = true } });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early (refused, bad start): its status comes with the responses.
        }

        var results = new List<Api.RouteResult>();
        Api.RouteBatchReport? report = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            Assert.Null(report); // the report is the last message
            if (message.KindCase == Api.RouteBatchResponse.KindOneofCase.Report)
            {
                report = message.Report;
            }
            else
            {
                results.AddRange(message.Results.Results);
            }
        }

        return new BatchAnswer(results, report ?? throw new InvalidOperationException("no closing report"));
    }

    private Task<BatchAnswer> Route(Api.RouteBatchStart start, params IEnumerable<Api.RouteJob>[] windows) => Route(server.Channel, start, windows);

    private static Api.RouteBatchStart Start(bool dryRun = false, string? batchId = null) => new() { BatchId = batchId ?? Samples.UniqueId("batch"), DryRun = dryRun };

    private async Task<List<string>> OrdersAt(string outletId) =>
        [.. (await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = outletId })).Orders.Select(o => o.OrderId)];

    [Fact]
    public async Task Balances_within_capacity_where_greedy_nearest_would_not_and_books_real_orders()
    {
        var area = await NewArea();

        // A sits between X (0.9 km) and Y (1.1 km); B is just south of X (0.5 km, Y 2.5 km). Greedy in
        // order would give X to A and send B to Y (3.4 km in all); the router gives X to B (1.6 km).
        var answer = await Route(Start(), [Job(area, "A", 0.9), Job(area, "B", -0.5)]);

        Assert.Equal(area.Y, answer.Of("A").OutletId);
        Assert.Equal(area.X, answer.Of("B").OutletId);
        Assert.All(answer.Results, r => Assert.Equal(Api.RouteResultStatus.Assigned, r.Status));
        Assert.All(answer.Results, r => Assert.Equal(r.PlannedOutletId, r.OutletId));

        // Real orders, one per slot: the outlets hold exactly what the plan gave them.
        Assert.Equal([answer.Of("B").OrderId], await OrdersAt(area.X));
        Assert.Equal([answer.Of("A").OrderId], await OrdersAt(area.Y));
        Assert.Empty(await OrdersAt(area.Z));
        var order = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = answer.Of("A").OrderId })).Order;
        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
        Assert.Equal(area.Y, order.Assignment.OutletId);

        Assert.Equal(2, answer.Report.Assigned);
        Assert.Equal(0, answer.Report.Unassigned);
        Assert.Equal(new[] { (area.X, 1), (area.Y, 1) }.Order(), answer.Report.OutletLoads.Select(l => (l.OutletId, l.Assigned)).Order());
        Assert.Equal(answer.Results.Select(r => r.DistanceKm).Average(), answer.Report.MeanDistanceKm, 2);
        Assert.True(answer.Report.NearestMeanDistanceKm < answer.Report.MeanDistanceKm);
    }

    [Fact]
    public async Task Never_exceeds_capacity_and_says_why_a_job_is_left_over()
    {
        var area = await NewArea();
        var jobs = Enumerable.Range(0, 9).Select(i => Job(area, $"J{i}", 0.1 * i)).ToList();

        var answer = await Route(Start(), jobs);

        // 1 + 1 + 5 slots for 9 jobs: two are left over, each saying all capable outlets are full.
        Assert.Equal(7, answer.Report.Assigned);
        Assert.Equal(2, answer.Report.Unassigned);
        Assert.Single(await OrdersAt(area.X));
        Assert.Single(await OrdersAt(area.Y));
        Assert.Equal(5, (await OrdersAt(area.Z)).Count);
        var leftOver = answer.Results.Where(r => r.Status == Api.RouteResultStatus.Unassigned).ToList();
        Assert.All(leftOver, r => Assert.Equal(Api.RouteUnassignedCode.CapacityFull, r.UnassignedCode));
        Assert.All(leftOver, r => Assert.Contains("full today", r.Reason));
        Assert.All(leftOver, r => Assert.NotEmpty(r.OrderId)); // stored as unassigned orders, never lost
        var reason = Assert.Single(answer.Report.UnassignedReasons);
        Assert.Equal((Api.RouteUnassignedCode.CapacityFull, 2), (reason.Code, reason.Count));
    }

    [Fact]
    public async Task Priority_jobs_get_the_capacity_first()
    {
        var area = await NewArea();

        var answer = await Route(Start(dryRun: true), [Job(area, "ordinary-1", 0), Job(area, "ordinary-2", 0.2), Job(area, "urgent", 0.1, priority: 5)]);

        Assert.Equal(area.X, answer.Of("urgent").OutletId);
        Assert.Equal("urgent", answer.Results[0].JobId); // results of a window come priority first
        Assert.Equal(new[] { area.Y, area.Z }.Order(), new[] { answer.Of("ordinary-1").OutletId, answer.Of("ordinary-2").OutletId }.Order());
    }

    [Fact]
    public async Task A_dry_run_books_nothing_and_later_windows_see_what_earlier_ones_planned()
    {
        var area = await NewArea();

        var answer = await Route(Start(dryRun: true), [Job(area, "first", 0)], [Job(area, "second", 0)], [Job(area, "third", 0)]);

        Assert.Equal(3, answer.Report.Windows);
        Assert.Equal([area.X, area.Y, area.Z], new[] { "first", "second", "third" }.Select(j => answer.Of(j).OutletId));
        Assert.All(answer.Results, r => Assert.Empty(r.OrderId));
        Assert.True(answer.Report.DryRun);
        foreach (var outlet in new[] { area.X, area.Y, area.Z })
        {
            Assert.Empty(await OrdersAt(outlet));
        }

        var live = await server.Locator.FindNearestOutletsAsync(new Api.FindNearestOutletsRequest
        {
            Location = new Api.LatLng { Latitude = area.Lat, Longitude = area.Lon }, Capability = "phone.screen", ServiceMode = Api.ServiceMode.CarryIn, Limit = 3,
        });
        Assert.Equal([1, 1, 5], live.Candidates.Select(c => c.CapacityLeftToday));
    }

    [Fact]
    public async Task A_retried_batch_reaches_the_same_orders_and_books_nothing_twice()
    {
        var area = await NewArea();
        var batchId = Samples.UniqueId("batch");
        var jobs = new[] { Job(area, "A", 0.9), Job(area, "B", -0.5), Job(area, "C", -0.1) };

        var first = await Route(Start(batchId: batchId), jobs);
        var again = await Route(Start(batchId: batchId), jobs);

        Assert.Equal(first.Results.Select(r => (r.JobId, r.OrderId, r.OutletId)), again.Results.Select(r => (r.JobId, r.OrderId, r.OutletId)));
        Assert.Equal(3, again.Report.Assigned);
        Assert.Single(await OrdersAt(area.X));
        Assert.Single(await OrdersAt(area.Y));
        Assert.Single(await OrdersAt(area.Z));

        // The same job id with different content is refused for that job only.
        var changed = Job(area, "A", 0.9);
        changed.FaultDescription = "Something else entirely";
        var conflict = await Route(Start(batchId: batchId), [changed, Job(area, "B", -0.5)]);
        Assert.Equal(Api.RouteResultStatus.Rejected, conflict.Of("A").Status);
        Assert.Equal((int)StatusCode.AlreadyExists, conflict.Of("A").RejectionCode);
        Assert.Equal(Api.RouteResultStatus.Assigned, conflict.Of("B").Status);
        Assert.Equal(first.Of("B").OrderId, conflict.Of("B").OrderId);
    }

    [Fact]
    public async Task A_window_reads_live_capacity_so_an_outlet_filled_since_a_dry_run_is_not_planned()
    {
        var area = await NewArea(capacityX: 1, capacityY: 3);
        var jobs = new[] { Job(area, "A", -0.2) };
        var plan = await Route(Start(dryRun: true), jobs);
        Assert.Equal(area.X, plan.Of("A").OutletId);

        // The call center takes X's only slot between the dry run and the real batch.
        await server.Orders.CreateRepairOrderAsync(Samples.Order(area.Lat, area.Lon));

        var booked = await Route(Start(), jobs);
        Assert.Equal(area.Y, booked.Of("A").OutletId);
        Assert.Equal(area.Y, booked.Of("A").PlannedOutletId);
    }

    [Fact]
    public async Task An_order_aimed_at_a_planned_outlet_goes_there_or_falls_back_to_normal_dispatch()
    {
        var area = await NewArea(capacityX: 1, capacityY: 3);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var hq = new Domain.Orders.Actor { Role = Domain.Orders.ActorRole.Headquarters, Id = "test" };
        async Task<Api.RepairOrder> Create(string? preferred)
        {
            var request = Mapping.RepairOrderMapping.ToDomain(Samples.Order(area.Lat, area.Lon));
            var order = await grains.GetGrain<Grains.Orders.IRepairOrderGrain>(Domain.Orders.RepairRequests.OrderIdFor(request.RequestId)).Create(request, hq, preferred);
            return Mapping.RepairOrderMapping.ToProto(order);
        }

        // Aimed at Y although X is nearer: Y gets it.
        Assert.Equal(area.Y, (await Create(area.Y)).Assignment.OutletId);

        // X fills up; an order still aimed at X falls back to normal dispatch: nearest with room, Y.
        Assert.Equal(area.X, (await Create(null)).Assignment.OutletId);
        var fellBack = await Create(area.X);
        Assert.Equal(area.Y, fellBack.Assignment.OutletId);
        Assert.Contains(fellBack.PassedOver, p => p.OutletId == area.X);
    }

    [Fact]
    public async Task Each_bad_job_is_rejected_with_the_field_and_rule_and_the_rest_are_routed()
    {
        var area = await NewArea();
        var farLatitude = Job(area, "lat", 0);
        farLatitude.CustomerLocation.Latitude = 91;
        var noCapability = Job(area, "cap", 0);
        noCapability.RequiredCapability = string.Empty;
        var noMode = Job(area, "mode", 0);
        noMode.ServiceMode = Api.ServiceMode.Unspecified;
        var urgentest = Job(area, "prio", 0, priority: 12);
        var noCustomer = Job(area, "cust", 0);
        noCustomer.Customer = null;
        var badId = Job(area, "bad id!", 0);

        var answer = await Route(Start(), [Job(area, "good", 0), farLatitude, noCapability, noMode, urgentest, noCustomer, badId, Job(area, "good", 0.1)]);

        Assert.Single(answer.Results, r => r.JobId == "good" && r.Status == Api.RouteResultStatus.Assigned);
        var expected = new Dictionary<string, string>
        {
            ["lat"] = "customer_location.latitude: ",
            ["cap"] = "required_capability: ",
            ["mode"] = "service_mode: ",
            ["prio"] = "priority: ",
            ["cust"] = "customer: ",
            ["bad id!"] = "job_id: ",
        };
        foreach (var (jobId, prefix) in expected)
        {
            var result = answer.Of(jobId);
            Assert.Equal(Api.RouteResultStatus.Rejected, result.Status);
            Assert.Equal((int)StatusCode.InvalidArgument, result.RejectionCode);
            Assert.StartsWith(prefix, result.Reason);
        }

        var duplicate = answer.Results.Single(r => r.JobId == "good" && r.Status != Api.RouteResultStatus.Assigned);
        Assert.Equal(Api.RouteResultStatus.Rejected, duplicate.Status);
        Assert.StartsWith("job_id: ", duplicate.Reason);
        Assert.Equal((8, 1, 0, 7), (answer.Report.Jobs, answer.Report.Assigned, answer.Report.Unassigned, answer.Report.Rejected));
    }

    [Fact]
    public async Task A_dry_run_needs_no_customer_details()
    {
        var area = await NewArea();
        var bare = new Api.RouteJob { JobId = "bare", CustomerLocation = new Api.LatLng { Latitude = area.Lat, Longitude = area.Lon }, RequiredCapability = "phone.screen", ServiceMode = Api.ServiceMode.CarryIn };

        var answer = await Route(Start(dryRun: true), [bare]);

        Assert.Equal(area.X, answer.Of("bare").OutletId);
    }

    [Theory]
    [InlineData("", "start.batch_id: ")]
    [InlineData("far-too-long-batch-id-far-too-long-batch-id", "start.batch_id: ")]
    public async Task A_bad_start_is_invalid_argument_naming_the_field(string batchId, string prefix)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Route(new Api.RouteBatchStart { BatchId = batchId }, []));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(prefix, error.Status.Detail);
    }

    [Fact]
    public async Task Jobs_before_start_and_a_second_start_are_invalid_argument()
    {
        using var call = new Api.DispatchService.DispatchServiceClient(server.Channel).RouteBatch();
        try
        {
            await call.RequestStream.WriteAsync(new Api.RouteBatchRequest { Jobs = new Api.RouteJobs() });
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // Ended by the server: the status follows on the response stream.
        }

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("start: ", error.Status.Detail);

        var again = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var second = new Api.DispatchService.DispatchServiceClient(server.Channel).RouteBatch();
            try
            {
                await second.RequestStream.WriteAsync(new Api.RouteBatchRequest { Start = Start(dryRun: true) });
                await second.RequestStream.WriteAsync(new Api.RouteBatchRequest { Start = Start(dryRun: true) });
                await second.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // Ended by the server: the status follows on the response stream.
            }

            while (await second.ResponseStream.MoveNext())
            {
            }
        });
        Assert.Equal(StatusCode.InvalidArgument, again.StatusCode);
        Assert.StartsWith("start: ", again.Status.Detail);
    }

    [Theory]
    [InlineData(Roles.CallCenter)]
    [InlineData(Roles.Outlet)]
    public async Task Only_headquarters_may_route_a_batch(string role)
    {
        var area = await NewArea();
        using var channel = role == Roles.Outlet ? server.ChannelFor(role, area.X) : server.ChannelFor(role);

        var error = await Assert.ThrowsAsync<RpcException>(() => Route(channel, Start(), [Job(area, "A", 0)]));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Empty(await OrdersAt(area.X));
    }
}
