using Grpc.Core;
using RepairNetwork.Domain.Orders;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// Appointments through the API, as a call-center agent and an outlet use them: slots found near a
/// customer, an order created with one books it atomically, one slot is booked once under any
/// concurrency, rescheduling and cancelling free time exactly once, a decline or lapse frees the
/// slot, and the technician's day plan follows. Times are Asia/Shanghai (UTC+8); 2026-11-18 is a
/// Wednesday. Each test starts its own server (its own clock and templates).
/// </summary>
public sealed class AppointmentTests
{
    private const double KmPerDegreeLat = 111.2;

    [Fact]
    public async Task Carry_in_slots_start_at_opening_every_30_minutes_and_say_their_zone()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "SLOTS", lat + (1 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 45);

        var found = await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn, limit: 3);

        Assert.Equal(
            [("2026-11-18", "09:00-09:30"), ("2026-11-18", "09:30-10:00"), ("2026-11-18", "10:00-10:30")],
            found.Slots.Select(s => (s.LocalDate, s.LocalWindow)));
        var first = found.Slots[0];
        Assert.Equal((outlet, "Asia/Shanghai", 1, 45), (first.OutletId, first.TimeZone, first.TechniciansAvailable, first.DurationMinutes));
        Assert.Equal(Local(11, 18, 9, 0), first.StartTime.ToDateTimeOffset());
        Assert.Equal($"{outlet}@2026-11-18T01:00Z/carry-in", first.SlotId);
    }

    [Fact]
    public async Task Fifty_concurrent_bookings_of_one_slot_book_exactly_one_and_the_others_leave_no_order_behind()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        await WeekdayOutlet(server, "RACE", lat + (1 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 45);
        var slot = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots[0];

        var requests = Enumerable.Range(0, 50).Select(_ => WithSlot(Samples.Order(lat, lon), slot.SlotId)).ToList();
        var outcomes = await Task.WhenAll(requests.Select(async r =>
        {
            try
            {
                (Api.RepairOrder? Order, RpcException? Error) ok = ((await server.Orders.CreateRepairOrderAsync(r)).Order, null);
                return ok;
            }
            catch (RpcException ex)
            {
                (Api.RepairOrder? Order, RpcException? Error) refused = (null, ex);
                return refused;
            }
        }));

        var booked = Assert.Single(outcomes, o => o.Order is not null).Order!;
        Assert.Equal((slot.SlotId, Api.RepairOrderStatus.Offered), (booked.Appointment.SlotId, booked.Status));
        var refused = outcomes.Where(o => o.Order is null).Select(o => o.Error!).ToList();
        Assert.Equal(49, refused.Count);
        Assert.All(refused, ex =>
        {
            Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
            Assert.StartsWith("slot_id: the slot 09:00-09:30 on 2026-11-18 (Asia/Shanghai)", ex.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("next free: 2026-11-18 09:30-10:00 (Asia/Shanghai)", ex.Status.Detail, StringComparison.Ordinal);
        });

        // Nothing half-booked: the refused requests created no order.
        foreach (var request in requests.Where(r => r.RequestId != booked.RequestId).Take(5))
        {
            var missing = await Assert.ThrowsAsync<RpcException>(async () =>
                await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = RepairRequests.OrderIdFor(request.RequestId) }));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }

        // The slot is gone from the search; the next one is offered.
        var after = await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn);
        Assert.DoesNotContain(after.Slots, s => s.SlotId == slot.SlotId);
        Assert.Equal("09:30-10:00", after.Slots[0].LocalWindow);
    }

    [Fact]
    public async Task A_retried_create_with_a_slot_returns_the_same_order_and_books_the_time_once()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        await WeekdayOutlet(server, "RETRY", lat + (1 / KmPerDegreeLat), lon, technicians: 2);
        await PutTemplate(server, "phone.screen", 45);
        var slot = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots[0];
        Assert.Equal(2, slot.TechniciansAvailable);

        var request = WithSlot(Samples.Order(lat, lon), slot.SlotId);
        var first = (await server.Orders.CreateRepairOrderAsync(request)).Order;
        var retried = (await server.Orders.CreateRepairOrderAsync(request)).Order;

        Assert.Equal((first.OrderId, first.Appointment), (retried.OrderId, retried.Appointment));
        var same = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots[0];
        Assert.Equal((slot.SlotId, 1), (same.SlotId, same.TechniciansAvailable));
        // The appointment is the response promise: the outlet must accept before the customer comes.
        Assert.Equal(Local(11, 18, 9, 0), first.ResponseDueTime.ToDateTimeOffset());
        Assert.Contains(first.AuditTrail, a => a.Action == Api.OrderAction.AppointmentBooked && a.Detail.Contains("2026-11-18 09:00-09:30 (Asia/Shanghai)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rescheduling_and_cancelling_free_the_time_exactly_once_keep_the_order_and_reach_the_job_feed()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "MOVE", lat + (1 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 30);
        var slots = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots;
        var (nine, ten) = (slots[0], slots[2]);
        var order = (await server.Orders.CreateRepairOrderAsync(WithSlot(Samples.Order(lat, lon), nine.SlotId))).Order;
        var appointments = new Api.AppointmentService.AppointmentServiceClient(server.ChannelFor("outlet", outlet));

        var moved = (await appointments.RescheduleAppointmentAsync(new Api.RescheduleAppointmentRequest { OrderId = order.OrderId, SlotId = ten.SlotId })).Order;
        var movedAgain = (await appointments.RescheduleAppointmentAsync(new Api.RescheduleAppointmentRequest { OrderId = order.OrderId, SlotId = ten.SlotId })).Order;

        Assert.Equal((ten.SlotId, Local(11, 18, 10, 0)), (moved.Appointment.SlotId, moved.ResponseDueTime.ToDateTimeOffset()));
        Assert.Equal(moved.Revision, movedAgain.Revision);
        var afterMove = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots.Select(s => s.SlotId).ToList();
        Assert.Contains(nine.SlotId, afterMove);
        Assert.DoesNotContain(ten.SlotId, afterMove);

        // Another customer takes 09:00 now that it is free.
        var other = (await server.Orders.CreateRepairOrderAsync(WithSlot(Samples.Order(lat, lon), nine.SlotId))).Order;
        Assert.Equal(nine.SlotId, other.Appointment.SlotId);

        var cancelled = (await appointments.CancelAppointmentAsync(new Api.CancelAppointmentRequest { OrderId = order.OrderId, Reason = "customer will call back" })).Order;
        var cancelledAgain = (await appointments.CancelAppointmentAsync(new Api.CancelAppointmentRequest { OrderId = order.OrderId, Reason = "customer will call back" })).Order;

        Assert.Null(cancelled.Appointment);
        Assert.Equal((Api.RepairOrderStatus.Offered, outlet), (cancelled.Status, cancelled.Assignment.OutletId));
        Assert.Equal(cancelled.Revision, cancelledAgain.Revision);
        Assert.Single(cancelled.AuditTrail, a => a.Action == Api.OrderAction.AppointmentCancelled);
        var afterCancel = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots.Select(s => s.SlotId).ToList();
        Assert.Contains(ten.SlotId, afterCancel);
        Assert.DoesNotContain(nine.SlotId, afterCancel);

        var feed = await ReadJobs(server, outlet, 6);
        Assert.Equal(
            [
                (order.OrderId, Api.JobEventKind.Offered),
                (order.OrderId, Api.JobEventKind.AppointmentBooked),
                (order.OrderId, Api.JobEventKind.AppointmentRescheduled),
                (other.OrderId, Api.JobEventKind.Offered),
                (other.OrderId, Api.JobEventKind.AppointmentBooked),
                (order.OrderId, Api.JobEventKind.AppointmentCancelled),
            ],
            feed.Select(e => (e.OrderId, e.Kind)));
        Assert.Contains("from 2026-11-18 09:00-09:30 (Asia/Shanghai) to carry-in 2026-11-18 10:00-10:30 (Asia/Shanghai)", feed[2].Detail, StringComparison.Ordinal);
        Assert.Equal("2026-11-18 10:00-10:30 (Asia/Shanghai) cancelled: customer will call back", feed[5].Detail);
    }

    [Fact]
    public async Task A_declined_offer_frees_its_slot_for_the_next_customer()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "DECL", lat + (1 / KmPerDegreeLat), lon);
        var farther = await WeekdayOutlet(server, "DECL-B", lat + (3 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 30);
        var slot = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots.First(s => s.OutletId == outlet);
        var order = (await server.Orders.CreateRepairOrderAsync(WithSlot(Samples.Order(lat, lon), slot.SlotId))).Order;
        Assert.Equal(outlet, order.Assignment.OutletId);
        Assert.Equal($"the customer's appointment is at {outlet}, 1.0 km away", order.Assignment.Explanation);

        var outletOrders = new Api.RepairOrderService.RepairOrderServiceClient(server.ChannelFor("outlet", outlet));
        var declined = (await outletOrders.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = order.OrderId, Reason = "no screens" })).Order;

        Assert.Null(declined.Appointment);
        Assert.Contains(declined.AuditTrail, a => a.Action == Api.OrderAction.AppointmentCancelled && a.Detail.Contains("no screens", StringComparison.Ordinal));
        // Without its slot the order is dispatched as any other: to the next outlet, by its day count.
        Assert.Equal((Api.RepairOrderStatus.Offered, farther), (declined.Status, declined.Assignment.OutletId));
        Assert.Contains((await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots, s => s.SlotId == slot.SlotId);
    }

    [Fact]
    public async Task A_lapsed_offer_frees_its_slot()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        await WeekdayOutlet(server, "LAPSE", lat + (1 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 30);
        var afternoon = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn, limit: 50)).Slots.Single(s => (s.LocalDate, s.LocalWindow) == ("2026-11-18", "14:00-14:30"));
        var order = (await server.Orders.CreateRepairOrderAsync(WithSlot(Samples.Order(lat, lon), afternoon.SlotId))).Order;
        // Offered before opening: the 2 h acceptance window runs 09:00-11:00.
        Assert.Equal(Local(11, 18, 11, 0), order.OfferExpireTime.ToDateTimeOffset());

        server.Clock.SetUtcNow(Local(11, 18, 11, 0));
        var lapsed = order;
        for (var attempt = 0; attempt < 100 && lapsed.Appointment is not null; attempt++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50, TestContext.Current.CancellationToken);
            lapsed = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
        }

        Assert.Null(lapsed.Appointment);
        Assert.Contains(lapsed.AuditTrail, a => a.Action == Api.OrderAction.OfferTimedOut);
        Assert.Contains((await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn, limit: 50)).Slots, s => s.SlotId == afternoon.SlotId);
    }

    [Fact]
    public async Task On_site_windows_allow_for_travel_from_the_outlet_and_from_the_previous_visit_and_the_day_plan_shows_it()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "VISIT", lat, lon, change: o => o.ServiceModes.OnSite = new Api.OnSiteService { RadiusKm = 50 });
        await PutTemplate(server, "phone.screen", 60, bufferMinutes: 15);

        // 10 km north: 13 road km at 30 km/h is 26 minutes from the outlet.
        var north = (lat + (10 / KmPerDegreeLat), lon);
        var first = (await FindSlots(server, north.Item1, north.Item2, Api.ServiceMode.OnSite)).Slots[0];
        Assert.Equal(("09:00-11:00", Api.ServiceMode.OnSite), (first.LocalWindow, first.ServiceMode));
        var visit1 = (await server.Orders.CreateRepairOrderAsync(WithSlot(OnSite(Samples.Order(north.Item1, north.Item2)), first.SlotId))).Order;
        Assert.Equal(Local(11, 18, 9, 26), visit1.Appointment.PlannedStartTime.ToDateTimeOffset());
        Assert.Equal(Local(11, 18, 10, 41), visit1.Appointment.PlannedEndTime.ToDateTimeOffset()); // 60 min work + 15 min buffer

        // 10 km south: 20 km from the first visit (26 + 26 = 52 min by road), so the 09:00-11:00 window cannot be kept.
        var south = (lat - (10 / KmPerDegreeLat), lon);
        var next = (await FindSlots(server, south.Item1, south.Item2, Api.ServiceMode.OnSite)).Slots[0];
        Assert.Equal("10:00-12:00", next.LocalWindow);
        var visit2 = (await server.Orders.CreateRepairOrderAsync(WithSlot(OnSite(Samples.Order(south.Item1, south.Item2)), next.SlotId))).Order;
        Assert.Equal(Local(11, 18, 11, 33), visit2.Appointment.PlannedStartTime.ToDateTimeOffset());

        var plan = await new Api.AppointmentService.AppointmentServiceClient(server.ChannelFor("outlet", outlet))
            .GetTechnicianDayPlanAsync(new Api.GetTechnicianDayPlanRequest { OutletId = outlet, TechnicianId = outlet + "-T1", Date = "2026-11-18" });
        Assert.Equal(("Asia/Shanghai", 9 * 60, 150), (plan.TimeZone, plan.ScheduledMinutes, plan.BookedMinutes));
        Assert.Equal([(visit1.OrderId, 26), (visit2.OrderId, 52)], plan.Visits.Select(v => (v.OrderId, v.TravelMinutes)));
        Assert.Equal([13.0, 26.0], plan.Visits.Select(v => Math.Round(v.TravelKm)));
    }

    [Fact]
    public async Task A_search_says_why_nearer_outlets_have_no_slots_and_offers_the_farther_ones()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var near = await WeekdayOutlet(server, "NOCERT", lat + (1 / KmPerDegreeLat), lon, technician: t => t.Certifications[0].Capability = "phone.battery");
        var paused = await WeekdayOutlet(server, "PAUSED", lat + (2 / KmPerDegreeLat), lon);
        await server.Outlets.SetOutletStatusAsync(new Api.SetOutletStatusRequest { OutletId = paused, Status = Api.OutletStatus.Paused, Reason = "stocktake" });
        var far = await WeekdayOutlet(server, "FAR", lat + (4 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 45);

        var found = await Polling.Eventually(() => FindSlots(server, lat, lon, Api.ServiceMode.CarryIn), f => f.OutletsWithoutSlots.Count == 2);

        Assert.All(found.Slots, s => Assert.Equal(far, s.OutletId));
        Assert.Equal([near, paused], found.OutletsWithoutSlots.Select(w => w.OutletId));
        Assert.Equal("no technician certified for 'phone.screen'", found.OutletsWithoutSlots[0].Reason);
        Assert.Contains("paused", found.OutletsWithoutSlots[1].Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, found.OutletsExamined);
    }

    [Fact]
    public async Task Bad_slots_and_ranges_are_refused_naming_the_field_and_the_rule()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var outlet = await WeekdayOutlet(server, "BAD", lat + (1 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 45);
        var appointments = new Api.AppointmentService.AppointmentServiceClient(server.Channel);

        async Task<RpcException> Create(string slotId, Action<Api.CreateRepairOrderRequest>? change = null)
        {
            var request = WithSlot(Samples.Order(lat, lon), slotId);
            change?.Invoke(request);
            return await Assert.ThrowsAsync<RpcException>(async () => await server.Orders.CreateRepairOrderAsync(request));
        }

        var past = await Create($"{outlet}@2026-11-17T01:00Z/carry-in");
        Assert.Equal(StatusCode.InvalidArgument, past.StatusCode);
        Assert.StartsWith("slot_id: the slot starting 2026-11-17 09:00 (Asia/Shanghai) is in the past", past.Status.Detail, StringComparison.Ordinal);

        var evening = await Create($"{outlet}@2026-11-18T12:00Z/carry-in"); // 20:00 local
        Assert.Equal(StatusCode.FailedPrecondition, evening.StatusCode);
        Assert.StartsWith("slot_id: 2026-11-18 20:00 (Asia/Shanghai) is outside", evening.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("09:00-18:00", evening.Status.Detail, StringComparison.Ordinal);

        var misaligned = await Create($"{outlet}@2026-11-18T01:10Z/carry-in");
        Assert.Equal(StatusCode.InvalidArgument, misaligned.StatusCode);
        Assert.Contains("is not a slot start", misaligned.Status.Detail, StringComparison.Ordinal);

        var garbage = await Create("tomorrow at ten");
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
        Assert.StartsWith("slot_id: ", garbage.Status.Detail, StringComparison.Ordinal);

        var unknownOutlet = await Create("NO-SUCH-OUTLET@2026-11-18T01:00Z/carry-in");
        Assert.Equal(StatusCode.NotFound, unknownOutlet.StatusCode);

        var wrongMode = await Create($"{outlet}@2026-11-18T01:00Z/on-site");
        Assert.Equal(StatusCode.InvalidArgument, wrongMode.StatusCode);
        Assert.Contains("service_mode is carry-in", wrongMode.Status.Detail, StringComparison.Ordinal);

        var noTemplate = await Assert.ThrowsAsync<RpcException>(async () => await appointments.FindSlotsAsync(Query(lat, lon, Api.ServiceMode.CarryIn, "tv.panel")));
        Assert.Equal(StatusCode.FailedPrecondition, noTemplate.StatusCode);
        Assert.StartsWith("capability: 'tv.panel' has no job template", noTemplate.Status.Detail, StringComparison.Ordinal);

        var tooLong = Query(lat, lon, Api.ServiceMode.CarryIn);
        (tooLong.FromDate, tooLong.ToDate) = ("2026-11-18", "2026-12-19");
        var range = await Assert.ThrowsAsync<RpcException>(async () => await appointments.FindSlotsAsync(tooLong));
        Assert.Equal(StatusCode.InvalidArgument, range.StatusCode);
        Assert.StartsWith("to_date: the range may cover at most 31 days", range.Status.Detail, StringComparison.Ordinal);

        var mailIn = await Assert.ThrowsAsync<RpcException>(async () => await appointments.FindSlotsAsync(Query(lat, lon, Api.ServiceMode.MailIn)));
        Assert.Equal(StatusCode.InvalidArgument, mailIn.StatusCode);
        Assert.StartsWith("service_mode: ", mailIn.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outlets_cannot_search_slots_or_move_another_outlets_appointment()
    {
        await using var server = await Server(Local(11, 18, 8, 0));
        var (lat, lon) = TestArea.Next();
        var mine = await WeekdayOutlet(server, "MINE", lat + (1 / KmPerDegreeLat), lon);
        var theirs = await WeekdayOutlet(server, "THEIRS", lat + (30 / KmPerDegreeLat), lon);
        await PutTemplate(server, "phone.screen", 45);
        var slots = (await FindSlots(server, lat, lon, Api.ServiceMode.CarryIn)).Slots;
        var order = (await server.Orders.CreateRepairOrderAsync(WithSlot(Samples.Order(lat, lon), slots[0].SlotId))).Order;
        Assert.Equal(mine, order.Assignment.OutletId);
        var other = new Api.AppointmentService.AppointmentServiceClient(server.ChannelFor("outlet", theirs));

        var search = await Assert.ThrowsAsync<RpcException>(async () => await other.FindSlotsAsync(Query(lat, lon, Api.ServiceMode.CarryIn)));
        var move = await Assert.ThrowsAsync<RpcException>(async () => await other.RescheduleAppointmentAsync(new Api.RescheduleAppointmentRequest { OrderId = order.OrderId, SlotId = slots[1].SlotId }));
        var plan = await Assert.ThrowsAsync<RpcException>(async () => await other.GetTechnicianDayPlanAsync(new Api.GetTechnicianDayPlanRequest { OutletId = mine, TechnicianId = mine + "-T1" }));

        Assert.Equal([StatusCode.PermissionDenied, StatusCode.PermissionDenied, StatusCode.PermissionDenied], new[] { search.StatusCode, move.StatusCode, plan.StatusCode });
        var unchanged = (await server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = order.OrderId })).Order;
        Assert.Equal(slots[0].SlotId, unchanged.Appointment.SlotId);
    }

    // --- helpers ---

    private static DateTimeOffset Local(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    /// <summary>A server of its own whose clock reads exactly <paramref name="at"/> once started.</summary>
    private static async Task<ServerFixture> Server(DateTimeOffset at)
    {
        var server = ServerFixture.StartingAt(at - TimeSpan.FromMinutes(1));
        await server.InitializeAsync();
        server.Clock.SetUtcNow(at);
        return server;
    }

    /// <summary>An outlet open Monday to Friday 09:00-18:00 in Shanghai, with certified technicians working whenever it is open.</summary>
    private static async Task<string> WeekdayOutlet(ServerFixture server, string prefix, double lat, double lon, Action<Api.Outlet>? change = null, Action<Api.Technician>? technician = null, int technicians = 1)
    {
        var id = Samples.UniqueId(prefix);
        var outlet = Samples.Outlet(id, lat, lon);
        outlet.OpeningHours.Periods.Clear();
        outlet.OpeningHours.Periods.AddRange(new[] { Api.DayOfWeek.Monday, Api.DayOfWeek.Tuesday, Api.DayOfWeek.Wednesday, Api.DayOfWeek.Thursday, Api.DayOfWeek.Friday }
            .Select(d => new Api.OpeningPeriod { Day = d, Opens = "09:00", Closes = "18:00" }));
        change?.Invoke(outlet);
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet });
        for (var i = 1; i <= technicians; i++)
        {
            var tech = Samples.Technician($"{id}-T{i}", id);
            technician?.Invoke(tech);
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = tech });
        }

        return id;
    }

    private static async Task PutTemplate(ServerFixture server, string capability, int minutes, int bufferMinutes = 0) =>
        await new Api.AppointmentService.AppointmentServiceClient(server.Channel).PutJobTemplateAsync(new Api.PutJobTemplateRequest
        {
            Template = new Api.JobTemplate { Capability = capability, DurationMinutes = minutes, TravelBufferMinutes = bufferMinutes },
        });

    private static Api.FindSlotsRequest Query(double lat, double lon, Api.ServiceMode mode, string capability = "phone.screen", int limit = 10) => new()
    {
        Location = new Api.LatLng { Latitude = lat, Longitude = lon },
        Capability = capability,
        ServiceMode = mode,
        PageSize = limit,
    };

    private static async Task<Api.FindSlotsResponse> FindSlots(ServerFixture server, double lat, double lon, Api.ServiceMode mode, int limit = 10) =>
        await new Api.AppointmentService.AppointmentServiceClient(server.Channel).FindSlotsAsync(Query(lat, lon, mode, limit: limit));

    private static Api.CreateRepairOrderRequest WithSlot(Api.CreateRepairOrderRequest request, string slotId)
    {
        request.SlotId = slotId;
        return request;
    }

    private static Api.CreateRepairOrderRequest OnSite(Api.CreateRepairOrderRequest request)
    {
        request.ServiceMode = Api.ServiceMode.OnSite;
        return request;
    }

    private static async Task<List<Api.JobEvent>> ReadJobs(ServerFixture server, string outletId, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var client = new Api.RepairOrderService.RepairOrderServiceClient(server.ChannelFor("outlet", outletId));
        using var call = client.WatchJobs(new Api.WatchJobsRequest { OutletId = outletId }, cancellationToken: timeout.Token);
        var events = new List<Api.JobEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            events.Add(call.ResponseStream.Current.Event);
        }

        return events;
    }
}
