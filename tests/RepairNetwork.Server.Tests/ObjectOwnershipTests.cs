using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// An outlet sees and changes only what is its own now, judged on the stored object rather than on
/// what the request names: orders it gave up, a status headquarters set, its profile's time zone, its
/// technicians' certifications. Each case is a hole an outlet token could use before.
/// </summary>
public sealed class ObjectOwnershipTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_outlet_that_declined_an_order_no_longer_lists_it_or_its_customer()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var (first, second) = (journey.OutletIds[0], journey.OutletIds[1]);
        var declined = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId;
        var kept = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId;
        await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = declined, Reason = "no technician free" });

        var moved = (await journey.Hq.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = declined })).Order;
        Assert.Equal(second, moved.Assignment.OutletId);

        var firstSees = await journey.Outlet.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = first });
        Assert.Equal([kept], firstSees.Orders.Select(o => o.OrderId));

        // Headquarters still sees every job the outlet was offered; the outlet now holding it sees it too.
        var hqSees = await journey.Hq.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = first });
        Assert.Contains(declined, hqSees.Orders.Select(o => o.OrderId));
        var secondSees = await journey.OutletClient(second).ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = second });
        Assert.Equal([declined], secondSees.Orders.Select(o => o.OrderId));
    }

    [Fact]
    public async Task An_outlet_that_declined_an_order_keeps_its_history_as_job_events_without_customer_data()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var declined = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId;
        await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = declined, Reason = "no technician free" });

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(ReadTimeout);
        using var call = journey.Outlet.WatchJobs(new Api.WatchJobsRequest { OutletId = journey.OutletId }, cancellationToken: cancel.Token);
        var kinds = new List<Api.JobEventKind>();
        while (kinds.Count < 2 && await call.ResponseStream.MoveNext(cancel.Token))
        {
            Assert.Equal(declined, call.ResponseStream.Current.Event.OrderId);
            Assert.DoesNotContain("Zhang San", call.ResponseStream.Current.Event.ToString(), StringComparison.Ordinal);
            kinds.Add(call.ResponseStream.Current.Event.Kind);
        }

        Assert.Equal([Api.JobEventKind.Offered, Api.JobEventKind.Declined], kinds);
    }

    [Fact]
    public async Task An_outlet_watching_an_order_is_cut_off_with_permission_denied_once_it_declines_it()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var orderId = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId;

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(ReadTimeout);
        using var watch = journey.Outlet.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = orderId }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(journey.OutletId, watch.ResponseStream.Current.Order.Assignment.OutletId);

        await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = orderId, Reason = "no technician free" });

        // Nothing after the decline reaches the outlet: not the order moving on, not its customer.
        var after = new List<Api.RepairOrder>();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext(cancel.Token))
            {
                after.Add(watch.ResponseStream.Current.Order);
            }
        });
        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Empty(after);
    }

    [Fact]
    public async Task Headquarters_watching_the_same_order_keeps_receiving_it_after_the_outlet_declines()
    {
        using var journey = await OrderJourney.Start(server, outlets: 2);
        var orderId = (await journey.CallCenter.CreateRepairOrderAsync(journey.NewOrder())).Order.OrderId;

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(ReadTimeout);
        using var watch = journey.Hq.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = orderId }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        await journey.Outlet.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = orderId, Reason = "no technician free" });

        while (await watch.ResponseStream.MoveNext(cancel.Token))
        {
            if (watch.ResponseStream.Current.Order.Assignment?.OutletId == journey.OutletIds[1])
            {
                return;
            }
        }

        Assert.Fail("headquarters' stream ended before the order moved to the second outlet");
    }

    [Fact]
    public async Task An_outlet_closed_by_headquarters_cannot_reopen_or_pause_itself()
    {
        var outletId = await NewOutlet();
        using var channel = server.ChannelFor(Roles.Outlet, outletId);
        var own = new Api.OutletService.OutletServiceClient(channel);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = Api.OutletStatus.Closed, Reason = "contract ended" });

        foreach (var status in new[] { Api.OutletStatus.Open, Api.OutletStatus.Paused })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => own.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = status }).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
            Assert.Contains("closed by headquarters", refused.Status.Detail, StringComparison.Ordinal);
        }

        var stored = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet;
        Assert.Equal(Api.OutletStatus.Closed, stored.Status);
    }

    [Fact]
    public async Task An_outlet_switches_itself_between_open_and_paused_including_out_of_a_pause_headquarters_set()
    {
        var outletId = await NewOutlet();
        using var channel = server.ChannelFor(Roles.Outlet, outletId);
        var own = new Api.OutletService.OutletServiceClient(channel);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = Api.OutletStatus.Paused, Reason = "audit" });

        var opened = (await own.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = Api.OutletStatus.Open })).Outlet;
        var paused = (await own.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = Api.OutletStatus.Paused, Reason = "stocktake" })).Outlet;
        var closing = await Assert.ThrowsAsync<RpcException>(() => own.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = outletId, Status = Api.OutletStatus.Closed }).ResponseAsync);

        Assert.Equal(Api.OutletStatus.Open, opened.Status);
        Assert.Equal(Api.OutletStatus.Paused, paused.Status);
        Assert.Equal(StatusCode.PermissionDenied, closing.StatusCode);
    }

    [Fact]
    public async Task An_outlet_may_change_its_opening_hours_but_not_their_time_zone()
    {
        var outletId = await NewOutlet();
        using var channel = server.ChannelFor(Roles.Outlet, outletId);
        var own = new Api.OutletService.OutletServiceClient(channel);
        var hours = new Api.OpeningHours
        {
            TimeZone = "Asia/Shanghai",
            Periods = { new Api.OpeningPeriod { Day = Api.DayOfWeek.Wednesday, Opens = "10:00", Closes = "20:00" } },
        };

        var updated = (await own.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = outletId, OpeningHours = hours }, UpdateMask = new FieldMask { Paths = { "opening_hours" } } })).Outlet;
        Assert.Equal("10:00", updated.OpeningHours.Periods.Single().Opens);

        // A zone twelve hours away would hand the outlet a fresh local day of capacity.
        hours.TimeZone = "America/New_York";
        var refused = await Assert.ThrowsAsync<RpcException>(() => own.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = outletId, OpeningHours = hours }, UpdateMask = new FieldMask { Paths = { "opening_hours" } } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("opening_hours.time_zone", refused.Status.Detail, StringComparison.Ordinal);

        var stored = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = outletId })).Outlet;
        Assert.Equal("Asia/Shanghai", stored.OpeningHours.TimeZone);

        // Headquarters may move it (an outlet registered in the wrong zone).
        var moved = (await server.Outlets.UpdateOutletAsync(new Api.UpdateOutletRequest { Outlet = new Api.Outlet { OutletId = outletId, OpeningHours = hours }, UpdateMask = new FieldMask { Paths = { "opening_hours" } } })).Outlet;
        Assert.Equal("America/New_York", moved.OpeningHours.TimeZone);
    }

    [Fact]
    public async Task An_outlet_cannot_certify_its_own_technicians_and_headquarters_certification_records_who_and_when()
    {
        var outletId = await NewOutlet();
        using var channel = server.ChannelFor(Roles.Outlet, outletId);
        var own = new Api.TechnicianService.TechnicianServiceClient(channel);

        // Registering a technician already certified is certifying them.
        var selfCertified = await Assert.ThrowsAsync<RpcException>(() => own.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outletId + "-T9", outletId) }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, selfCertified.StatusCode);

        var uncertified = Samples.Technician(outletId + "-T2", outletId);
        uncertified.Certifications.Clear();
        var created = (await own.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = uncertified })).Technician;
        Assert.Empty(created.Certifications);

        var certify = new Api.Technician { TechnicianId = created.TechnicianId, Certifications = { new Api.Certification { Capability = "phone.screen", ExpiresOn = "2027-06-30" } } };
        var refused = await Assert.ThrowsAsync<RpcException>(() => own.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = certify, UpdateMask = new FieldMask { Paths = { "certifications" } } }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Empty((await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = created.TechnicianId })).Technician.Certifications);

        var certified = (await server.Technicians.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest { Technician = certify, UpdateMask = new FieldMask { Paths = { "certifications" } } })).Technician;
        var grant = Assert.Single(certified.Certifications);
        Assert.Equal("test-hq-", grant.CertifiedBy);
        Assert.Equal(server.Clock.GetUtcNow(), grant.CertifiedAt.ToDateTimeOffset());

        // The outlet still keeps names and shifts current, and that leaves the grant as it was.
        var renamed = (await own.UpdateTechnicianAsync(new Api.UpdateTechnicianRequest
        {
            Technician = new Api.Technician { TechnicianId = created.TechnicianId, DisplayName = "Wang Fang", OnShift = false },
            UpdateMask = new FieldMask { Paths = { "display_name", "on_shift" } },
        })).Technician;
        Assert.Equal("Wang Fang", renamed.DisplayName);
        Assert.Equal(grant, Assert.Single(renamed.Certifications));
    }

    private async Task<string> NewOutlet()
    {
        var (lat, lon) = TestArea.Next();
        var outletId = Samples.UniqueId("OWN");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, lat, lon) });
        return outletId;
    }
}
