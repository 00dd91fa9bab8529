using RepairNetwork.Domain;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Grains.Technicians;
using RepairNetwork.Server.Demo;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>The demo network's business time: the CN 2027 calendar put once, and shift patterns added to technicians stored without them.</summary>
public sealed class DemoBusinessTimeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Api.CalendarService.CalendarServiceClient Calendars => new(server.Channel);

    [Fact]
    public async Task The_demo_calendar_is_put_once_and_headquarters_edits_survive_a_reload()
    {
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        await DemoNetworkLoader.PutDemoHolidayCalendar(grains);
        var first = (await Calendars.GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = HolidayCalendars.ChinaNational2027Id })).Calendar;
        var edited = first.Clone();
        edited.Regions.Add("HK");
        var stored = (await Calendars.PutHolidayCalendarAsync(new Api.PutHolidayCalendarRequest { Calendar = edited, ExpectedVersion = first.Version })).Calendar;

        await DemoNetworkLoader.PutDemoHolidayCalendar(grains);

        Assert.Equal(["CN-*"], first.Regions);
        Assert.Equal(7, first.Holidays.Count);
        Assert.Equal(stored, (await Calendars.GetHolidayCalendarAsync(new Api.GetHolidayCalendarRequest { CalendarId = HolidayCalendars.ChinaNational2027Id })).Calendar);
    }

    [Fact]
    public async Task Demo_shifts_are_stable_cover_a_share_of_technicians_and_are_added_to_ones_stored_without()
    {
        var outletId = Samples.UniqueId("DEMO");
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outletId, -46.5, 169.5) });
        var profiles = Enumerable.Range(1, 40)
            .Select(i => TechnicianMapping.ToDomain(Samples.Technician($"{outletId}-T{i:00}", outletId)))
            .ToList();
        var given = profiles.Select(DemoShifts.Give).ToList();

        Assert.Equal(given.Select(p => p.Schedule.Shifts.Length), profiles.Select(DemoShifts.Give).Select(p => p.Schedule.Shifts.Length));
        Assert.InRange(given.Count(p => p.Schedule.HasPattern), 12, 36);
        Assert.Contains(given, p => !p.Schedule.HasPattern);

        // Stored by an earlier load without shifts: the next load adds them; a technician that differs otherwise stays refused.
        var withPattern = given.First(p => p.Schedule.HasPattern);
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var grain = grains.GetGrain<ITechnicianGrain>(withPattern.TechnicianId);
        await grain.Create(profiles[given.IndexOf(withPattern)], Domain.Orders.Actor.Platform);
        await DemoNetworkLoader.CreateOrAddShifts(grain, withPattern);
        await DemoNetworkLoader.CreateOrAddShifts(grain, withPattern);
        var renamed = withPattern with { DisplayName = "Someone Else" };
        var refused = await Assert.ThrowsAsync<DomainException>(() => DemoNetworkLoader.CreateOrAddShifts(grain, renamed));

        var stored = (await server.Technicians.GetTechnicianAsync(new Api.GetTechnicianRequest { TechnicianId = withPattern.TechnicianId })).Technician;
        Assert.Equal(withPattern.Schedule.Shifts.Length, stored.Shifts.Count);
        Assert.Equal(2, stored.Version);
        Assert.Equal(DomainErrorKind.AlreadyExists, refused.Kind);
    }
}
