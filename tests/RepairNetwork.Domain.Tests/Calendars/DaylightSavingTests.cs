using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

/// <summary>
/// Europe/Berlin springs forward on 2027-03-28 (02:00 CET -> 03:00 CEST, at 01:00 UTC) and falls back on
/// 2027-10-31 (03:00 CEST -> 02:00 CET, at 01:00 UTC); America/New_York on 2027-03-14 (at 07:00 UTC) and
/// 2027-11-07 (at 06:00 UTC). Instants here are written in UTC.
/// </summary>
public sealed class DaylightSavingTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    [Theory]
    [InlineData(1, 59, 0, 59)]
    [InlineData(2, 0, 1, 0)]
    [InlineData(2, 30, 1, 0)]
    [InlineData(3, 0, 1, 0)]
    [InlineData(3, 1, 1, 1)]
    public void A_local_time_in_the_spring_forward_gap_maps_to_the_end_of_the_gap(int hour, int minute, int utcHour, int utcMinute)
    {
        Assert.Equal(Utc(3, 28, utcHour, utcMinute), LocalTimes.ToInstant(Zone(Berlin), D(3, 28), new TimeSpan(hour, minute, 0)));
    }

    [Theory]
    [InlineData(1, 59, 23, 59, 30)]
    [InlineData(2, 0, 0, 0, 31)]
    [InlineData(2, 30, 0, 30, 31)]
    [InlineData(3, 0, 2, 0, 31)]
    public void A_local_time_in_the_fall_back_overlap_maps_to_its_first_occurrence(int hour, int minute, int utcHour, int utcMinute, int utcDay)
    {
        Assert.Equal(Utc(10, utcDay, utcHour, utcMinute), LocalTimes.ToInstant(Zone(Berlin), D(10, 31), new TimeSpan(hour, minute, 0)));
    }

    [Fact]
    public void New_York_gap_and_overlap_follow_the_same_rule()
    {
        Assert.Equal(Utc(3, 14, 7), LocalTimes.ToInstant(Zone(NewYork), D(3, 14), new TimeSpan(2, 30, 0)));
        Assert.Equal(Utc(11, 7, 5, 30), LocalTimes.ToInstant(Zone(NewYork), D(11, 7), new TimeSpan(1, 30, 0)));
    }

    [Fact]
    public void An_around_the_clock_day_lasts_23_hours_in_spring_and_25_in_autumn()
    {
        var berlin = Calendar(AroundTheClock(Berlin));
        var newYork = Calendar(AroundTheClock(NewYork));

        Assert.Equal([new OpenInterval(Utc(3, 27, 23), Utc(3, 28, 22))], berlin.OpenIntervalsOn(D(3, 28)));
        Assert.Equal([new OpenInterval(Utc(10, 30, 22), Utc(10, 31, 23))], berlin.OpenIntervalsOn(D(10, 31)));
        Assert.Equal(TimeSpan.FromHours(23), newYork.OpenIntervalsOn(D(3, 14)).Single().Duration);
        Assert.Equal(TimeSpan.FromHours(25), newYork.OpenIntervalsOn(D(11, 7)).Single().Duration);
    }

    [Fact]
    public void An_around_the_clock_outlet_is_open_through_both_changes_without_a_hole()
    {
        var berlin = Calendar(AroundTheClock(Berlin));

        Assert.Equal(TimeSpan.FromHours(6), berlin.OpenTimeBetween(Utc(3, 27, 22), Utc(3, 28, 4)));
        Assert.Equal(TimeSpan.FromHours(6), berlin.OpenTimeBetween(Utc(10, 30, 22), Utc(10, 31, 4)));
        Assert.True(berlin.IsOpenAt(Utc(10, 31, 1, 30))); // the second 02:30
        Assert.Single(berlin.OpenIntervals(Utc(10, 30, 0), Utc(11, 2, 0)));
    }

    [Fact]
    public void A_period_opening_in_the_gap_opens_when_the_clocks_have_jumped()
    {
        var calendar = Calendar(Hours(Berlin, P(DayOfWeek.Sunday, 2, 4, opensMinute: 30)));

        Assert.Equal([new OpenInterval(Utc(3, 28, 1), Utc(3, 28, 2))], calendar.OpenIntervalsOn(D(3, 28)));
        Assert.Equal(TimeSpan.FromMinutes(90), calendar.OpenIntervalsOn(D(3, 21)).Single().Duration);
    }

    [Fact]
    public void A_period_wholly_inside_the_gap_is_closed_that_day()
    {
        var calendar = Calendar(Hours(Berlin, P(DayOfWeek.Sunday, 2, 2, opensMinute: 10, closesMinute: 50)));

        Assert.Empty(calendar.OpenIntervalsOn(D(3, 28)));
        Assert.Equal(Utc(4, 4, 0, 10), calendar.NextOpening(Utc(3, 27, 12)).OpensAt); // 02:10 CEST a week later
    }

    [Fact]
    public void A_period_closing_in_the_overlap_closes_at_the_first_occurrence()
    {
        var calendar = Calendar(Hours(Berlin, P(DayOfWeek.Sunday, 1, 2, closesMinute: 30), P(DayOfWeek.Sunday, 3, 4)));

        Assert.Equal([new OpenInterval(Utc(10, 30, 23), Utc(10, 31, 0, 30)), new OpenInterval(Utc(10, 31, 2), Utc(10, 31, 3))], calendar.OpenIntervalsOn(D(10, 31)));
        Assert.True(calendar.IsOpenAt(Utc(10, 31, 0, 15)));  // first 02:15 (CEST)
        Assert.False(calendar.IsOpenAt(Utc(10, 31, 1, 15))); // second 02:15 (CET)
    }

    [Fact]
    public void A_period_opening_in_the_overlap_opens_at_the_first_occurrence()
    {
        var calendar = Calendar(Hours(Berlin, P(DayOfWeek.Sunday, 2, 4, opensMinute: 30)));

        Assert.Equal([new OpenInterval(Utc(10, 31, 0, 30), Utc(10, 31, 3))], calendar.OpenIntervalsOn(D(10, 31)));
    }

    [Fact]
    public void Weekly_hours_keep_their_wall_clock_time_across_the_change()
    {
        var calendar = Calendar(OfficeHours(Berlin));

        Assert.True(calendar.IsOpenAt(Utc(3, 26, 8)));   // Friday 09:00 CET
        Assert.False(calendar.IsOpenAt(Utc(3, 29, 6, 59)));
        Assert.True(calendar.IsOpenAt(Utc(3, 29, 7)));   // Monday 09:00 CEST
        var next = calendar.NextOpening(Utc(3, 27, 12));
        Assert.Equal(Utc(3, 29, 7), next.OpensAt);
        Assert.Equal("closed until 2027-03-29 09:00 (Europe/Berlin): outside opening hours", next.Reason);
        Assert.Equal(Utc(11, 1, 8), calendar.NextOpening(Utc(10, 30, 12)).OpensAt); // Monday 09:00 CET
    }

    [Fact]
    public void Business_time_across_the_spring_weekend_counts_wall_clock_open_hours()
    {
        var calendar = Calendar(OfficeHours(Berlin));

        // Friday 17:00 CET + 2 h: one hour on Friday, then Monday 09:00-10:00 CEST.
        Assert.Equal(Utc(3, 29, 8), calendar.AddOpenTime(Utc(3, 26, 16), TimeSpan.FromHours(2)).At);
        Assert.Equal(TimeSpan.FromHours(2), calendar.OpenTimeBetween(Utc(3, 26, 16), Utc(3, 29, 8)));
    }

    [Fact]
    public void Business_time_across_the_New_York_changes()
    {
        var weekends = Calendar(Hours(NewYork, P(DayOfWeek.Saturday, 9, 18), P(DayOfWeek.Sunday, 9, 18)));

        // Saturday 17:00 EST + 2 h = Sunday 10:00 EDT.
        Assert.Equal(Utc(3, 14, 14), weekends.AddOpenTime(Utc(3, 13, 22), TimeSpan.FromHours(2)).At);
        // Saturday 17:00 EDT + 2 h = Sunday 10:00 EST.
        Assert.Equal(Utc(11, 7, 15), weekends.AddOpenTime(Utc(11, 6, 21), TimeSpan.FromHours(2)).At);
    }

    [Fact]
    public void A_change_at_midnight_moves_the_start_of_the_day_and_leaves_no_hole()
    {
        // America/Santiago: 2027-09-05 00:00 -04 becomes 01:00 -03 (04:00 UTC); 2027-04-04 00:00 -03 becomes 2027-04-03 23:00 -04 (03:00 UTC).
        var santiago = Calendar(AroundTheClock("America/Santiago"));

        Assert.Equal([new OpenInterval(Utc(9, 4, 4), Utc(9, 5, 4))], santiago.OpenIntervalsOn(D(9, 4)));
        Assert.Equal([new OpenInterval(Utc(9, 5, 4), Utc(9, 6, 3))], santiago.OpenIntervalsOn(D(9, 5)));
        Assert.Equal([new OpenInterval(Utc(4, 3, 3), Utc(4, 4, 4))], santiago.OpenIntervalsOn(D(4, 3)));
        Assert.Equal(D(9, 5), santiago.LocalDate(Utc(9, 5, 4)));
        Assert.Equal(D(4, 3), santiago.LocalDate(Utc(4, 4, 3, 30))); // the second 23:30
    }

    [Fact]
    public void A_technician_shift_across_the_change_lasts_its_real_length()
    {
        var calendar = Calendar(AroundTheClock(NewYork));
        var early = Shifts(ShiftPeriod.Of(DayOfWeek.Sunday, 1, 4));

        // 01:00 EST (06:00 UTC) to 04:00 EDT (08:00 UTC): two hours worked on the short night.
        Assert.Equal([new OpenInterval(Utc(3, 14, 6), Utc(3, 14, 8))], early.WorkingIntervalsOn(calendar, D(3, 14)));
        Assert.True(early.IsWorkingAt(calendar, Utc(3, 14, 7, 30)));
        Assert.False(early.IsWorkingAt(calendar, Utc(3, 14, 8)));
    }
}
