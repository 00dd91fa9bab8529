using RepairNetwork.Domain.Dispatch;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class TechnicianChoiceTests
{
    private const string Screen = "phone.screen";
    private static readonly DateOnly Today = new(2026, 11, 18);

    private static readonly Technicians.TechnicianProfile[] Roster =
    [
        Technician("t-b", "OUT", onShift: true, (Screen, Today)),
        Technician("t-a", "OUT", onShift: true, (Screen, Today)),
        Technician("t-off", "OUT", onShift: false, (Screen, Today)),
        Technician("t-expired", "OUT", onShift: true, (Screen, Today.AddDays(-1))),
    ];

    private static string Choose(string? named, Func<string, int>? load = null, DateOnly? day = null) =>
        TechnicianChoice.Choose("OUT", Roster, load ?? (_ => 0), named, Screen, day ?? Today);

    [Fact]
    public void The_least_loaded_qualifying_technician_is_chosen_the_id_breaking_ties()
    {
        Assert.Equal("t-a", Choose(null));
        Assert.Equal("t-b", Choose(null, id => id == "t-a" ? 2 : 1));
    }

    [Fact]
    public void A_technician_on_leave_or_off_their_shift_days_on_the_booked_day_is_not_chosen()
    {
        var calendar = new Domain.Calendars.BusinessCalendar(WeekdayHours());
        var onLeave = Roster[1] with { Schedule = Domain.Calendars.TechnicianSchedule.Create([], [Domain.Calendars.LeavePeriod.Of("annual leave", Today, Today)], "technician") };
        var weekendsOnly = Roster[0] with
        {
            Schedule = Domain.Calendars.TechnicianSchedule.Create([Domain.Calendars.ShiftPeriod.Of(DayOfWeek.Saturday, 9, 18), Domain.Calendars.ShiftPeriod.Of(DayOfWeek.Sunday, 9, 18)], [], "technician"),
        };

        // 2026-11-18 is a Wednesday: t-a is on leave, t-b works weekends only.
        var nobody = Assert.Throws<DomainException>(() => TechnicianChoice.Choose("OUT", [onLeave, weekendsOnly], _ => 0, null, Screen, Today, calendar));
        Assert.Contains("2026-11-18 (Asia/Shanghai)", nobody.Message, StringComparison.Ordinal);
        Assert.Throws<DomainException>(() => TechnicianChoice.Choose("OUT", [onLeave, weekendsOnly], _ => 0, "t-a", Screen, Today, calendar));
        Assert.Equal("t-b", TechnicianChoice.Choose("OUT", [onLeave, Roster[0]], _ => 0, null, Screen, Today, calendar));
    }

    [Fact]
    public void Off_shift_and_expired_technicians_never_qualify()
    {
        var error = Assert.Throws<DomainException>(() => Choose("t-off"));
        Assert.Equal(DomainErrorKind.FailedPrecondition, error.Kind);
        Assert.Throws<DomainException>(() => Choose("t-expired"));
        // The day after every certification's last valid day, nobody qualifies.
        var nobody = Assert.Throws<DomainException>(() => Choose(null, day: Today.AddDays(1)));
        Assert.Equal(DomainErrorKind.FailedPrecondition, nobody.Kind);
        Assert.Contains("2026-11-19", nobody.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_technician_must_be_on_the_roster()
    {
        Assert.Equal(DomainErrorKind.NotFound, Assert.Throws<DomainException>(() => Choose("t-unknown")).Kind);
        Assert.Equal("t-b", Choose("t-b", _ => 99));
    }
}
