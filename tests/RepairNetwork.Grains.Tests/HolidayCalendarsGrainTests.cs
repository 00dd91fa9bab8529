using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Grains.Calendars;

namespace RepairNetwork.Grains.Tests;

/// <summary>The network's holiday calendars: versions, the change feed every silo polls, the cap, and the silo's copy.</summary>
public sealed class HolidayCalendarsGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private IHolidayCalendarsGrain Calendars => fixture.Grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key);

    [Fact]
    public async Task Changes_since_a_version_give_the_whole_set_once_and_an_identical_put_is_no_change()
    {
        var id = "cal-" + Guid.NewGuid().ToString("N")[..8];
        var stored = await Calendars.Put(Calendar(id, "First"), ["T-1"], expectedVersion: 0);
        var set = await Calendars.List();

        var again = await Calendars.Put(Calendar(id, "First"), ["T-1"], expectedVersion: 0);
        var unchanged = await Calendars.ChangesSince(set.Version);
        var changes = await Calendars.ChangesSince(set.Version - 1);

        Assert.Equal(1, stored.Version);
        Assert.True(stored.Calendar.SameAs(again.Calendar));
        Assert.Equal(stored.Version, again.Version);
        Assert.Null(unchanged);
        Assert.NotNull(changes);
        Assert.Equal(set.Version, changes.Version);
        Assert.Contains(changes.Calendars, c => c.CalendarId == id);

        var renamed = await Calendars.Put(Calendar(id, "Second"), ["T-1"], expectedVersion: 1);
        Assert.Equal(2, renamed.Version);
        Assert.Equal(set.Version + 1, (await Calendars.List()).Version);
        var stale = await Assert.ThrowsAsync<DomainException>(() => Calendars.Put(Calendar(id, "Third"), ["T-1"], expectedVersion: 1));
        Assert.Equal(DomainErrorKind.FailedPrecondition, stale.Kind);
    }

    [Fact]
    public async Task The_silos_copy_follows_the_stored_set_within_a_poll()
    {
        var id = "cal-" + Guid.NewGuid().ToString("N")[..8];
        await Calendars.Put(Calendar(id, "Polled"), ["T-2"], expectedVersion: 0);
        var version = (await Calendars.List()).Version;
        var cache = fixture.Cluster.Primary is InProcessSiloHandle silo
            ? silo.ServiceProvider.GetRequiredService<IHolidayCalendarCache>()
            : throw new InvalidOperationException("the cluster has no in-process silo");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (cache.Version < version && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(cache.Version >= version, $"the silo's copy is at {cache.Version}, the stored set at {version}");
        Assert.Contains(cache.All, c => c.CalendarId == id);
    }

    private static HolidayCalendar Calendar(string id, string name) =>
        HolidayCalendar.Create(id, name, [Holiday.Of("Test Day", new DateOnly(2026, 11, 20))], [], "calendar");
}
