using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

/// <summary>The calendar records go into grain state and across grain calls as they are.</summary>
public sealed class CalendarSerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    [Fact]
    public void A_holiday_calendar_round_trips()
    {
        var cn = HolidayCalendars.ChinaNational2027();

        Assert.True(RoundTrip(cn).SameAs(cn));
    }

    [Fact]
    public void An_outlet_calendar_round_trips()
    {
        var own = Own([OutletClosure.Of("stocktake", D(3, 10), D(3, 11))], [SpecialHours.Of(D(5, 1), "short day", TimePeriod.Of(9, 0, 12, 0)), SpecialHours.Of(D(5, 2), "closed")]);

        Assert.True(RoundTrip(own).SameAs(own));
    }

    [Fact]
    public void A_technician_schedule_round_trips()
    {
        var schedule = OnLeave("annual leave", D(3, 2), D(3, 4), ShiftPeriod.Of(DayOfWeek.Monday, 9, 15), ShiftPeriod.Of(DayOfWeek.Saturday, 10, 14));

        var back = RoundTrip(schedule);

        Assert.Equal(schedule.Shifts, back.Shifts);
        Assert.Equal(schedule.Leave, back.Leave);
        Assert.True(back.SameAs(schedule));
        Assert.False(back.SameAs(TechnicianSchedule.WhenOutletOpen));
    }
}
