using RepairNetwork.Domain;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Grains.Calendars;

namespace RepairNetwork.Grains.Tests;

/// <summary>A cluster of its own: filling the network to the cap must not refuse other tests' calendars.</summary>
public sealed class HolidayCalendarLimitTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task The_network_holds_at_most_100_calendars_and_existing_ones_can_still_change()
    {
        var calendars = fixture.Grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key);
        for (var i = (await calendars.List()).Calendars.Length; i < HolidayCalendarsGrain.MaxCalendars; i++)
        {
            await calendars.Put(Calendar($"cap-{i:000}", "Filler"), [], expectedVersion: 0);
        }

        var refused = await Assert.ThrowsAsync<DomainException>(() => calendars.Put(Calendar("cap-one-too-many", "Extra"), [], expectedVersion: 0));
        var existing = (await calendars.List()).Calendars[0];
        var changed = await calendars.Put(Calendar(existing.CalendarId, "Renamed"), existing.Regions, expectedVersion: 0);

        Assert.Equal(DomainErrorKind.FailedPrecondition, refused.Kind);
        Assert.Equal(existing.Version + 1, changed.Version);
        Assert.Equal(HolidayCalendarsGrain.MaxCalendars, (await calendars.List()).Calendars.Length);
    }

    private static HolidayCalendar Calendar(string id, string name) =>
        HolidayCalendar.Create(id, name, [Holiday.Of("Test Day", new DateOnly(2026, 11, 20))], [], "calendar");
}
