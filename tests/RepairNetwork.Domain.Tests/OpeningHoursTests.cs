using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class OpeningHoursTests
{
    private const string TimeZoneField = "hours.time_zone";
    private const string PeriodsField = "hours.periods";

    private static OpeningPeriod Period(DayOfWeek day, int opensHour, int closesHour, int closesMinute = 0) =>
        new() { Day = day, Opens = new TimeOnly(opensHour, 0), Closes = new TimeOnly(closesHour, closesMinute) };

    private static OpeningHours Hours(params OpeningPeriod[] periods) => OpeningHours.Create(ShanghaiZone, periods, "hours");

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/Argentina/Buenos_Aires")]
    [InlineData("UTC")]
    public void An_IANA_time_zone_is_accepted(string zone)
    {
        var hours = OpeningHours.Create(zone, [Period(DayOfWeek.Monday, 9, 17)], "hours");

        Assert.Equal(zone, hours.TimeZoneId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_time_zone_is_required(string? zone)
    {
        AssertInvalid(TimeZoneField, () => OpeningHours.Create(zone, [], "hours"));
    }

    [Theory]
    [InlineData("China Standard Time")]
    [InlineData("W. Europe Standard Time")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Asia/Shanghai ")]
    [InlineData("../../etc/passwd")]
    [InlineData("+08:00")]
    public void A_Windows_style_or_unknown_time_zone_is_rejected(string zone)
    {
        var ex = AssertInvalid(TimeZoneField, () => OpeningHours.Create(zone, [], "hours"));

        Assert.Contains("IANA", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_time_zone_is_rejected()
    {
        AssertInvalid(TimeZoneField, () => OpeningHours.Create("Asia/" + new string('x', 100), [], "hours"));
    }

    [Fact]
    public void The_local_date_follows_the_outlet_time_zone_across_midnight()
    {
        var shanghai = Hours();
        var utc = OpeningHours.Create("UTC", [], "hours");
        var instant = new DateTimeOffset(2025, 3, 1, 16, 30, 0, TimeSpan.Zero); // 00:30 on 2 March in Shanghai

        Assert.Equal(new DateOnly(2025, 3, 2), shanghai.LocalDate(instant));
        Assert.Equal(new DateOnly(2025, 3, 1), utc.LocalDate(instant));
        Assert.Equal(new DateOnly(2025, 3, 1), shanghai.LocalDate(instant.AddHours(-1))); // 23:30 on 1 March in Shanghai
    }

    [Fact]
    public void The_local_date_does_not_depend_on_the_offset_the_instant_was_written_in()
    {
        var shanghai = Hours();
        var utcInstant = new DateTimeOffset(2025, 12, 31, 17, 0, 0, TimeSpan.Zero);
        var sameInstantInNewYork = utcInstant.ToOffset(TimeSpan.FromHours(-5));

        Assert.Equal(new DateOnly(2026, 1, 1), shanghai.LocalDate(utcInstant));
        Assert.Equal(new DateOnly(2026, 1, 1), shanghai.LocalDate(sameInstantInNewYork));
    }

    [Fact]
    public void An_outlet_is_open_from_the_opening_minute_up_to_but_not_including_closing()
    {
        var hours = Hours(Period(DayOfWeek.Monday, 9, 18));
        var mondayNineShanghai = new DateTimeOffset(2025, 3, 3, 1, 0, 0, TimeSpan.Zero); // Monday 09:00 +08:00

        Assert.False(hours.IsOpenAt(mondayNineShanghai.AddMinutes(-1)));
        Assert.True(hours.IsOpenAt(mondayNineShanghai));
        Assert.True(hours.IsOpenAt(mondayNineShanghai.AddHours(5)));
        Assert.True(hours.IsOpenAt(mondayNineShanghai.AddHours(9).AddSeconds(-1)));
        Assert.False(hours.IsOpenAt(mondayNineShanghai.AddHours(9)));
        Assert.False(hours.IsOpenAt(mondayNineShanghai.AddDays(1))); // Tuesday 09:00
    }

    [Fact]
    public void Opening_hours_use_the_local_weekday_not_the_UTC_one()
    {
        var hours = Hours(Period(DayOfWeek.Monday, 0, 2));
        var sundayEveningUtc = new DateTimeOffset(2025, 3, 2, 17, 0, 0, TimeSpan.Zero); // Monday 01:00 in Shanghai

        Assert.Equal(DayOfWeek.Sunday, sundayEveningUtc.DayOfWeek);
        Assert.True(hours.IsOpenAt(sundayEveningUtc));
        Assert.False(hours.IsOpenAt(sundayEveningUtc.AddDays(1)));
    }

    [Fact]
    public void A_lunch_break_between_two_periods_is_closed()
    {
        var hours = Hours(Period(DayOfWeek.Friday, 14, 18), Period(DayOfWeek.Friday, 9, 12));
        var fridayMidnightShanghai = new DateTimeOffset(2025, 3, 7, 0, 0, 0, TimeSpan.FromHours(8));

        Assert.True(hours.IsOpenAt(fridayMidnightShanghai.AddHours(10)));
        Assert.False(hours.IsOpenAt(fridayMidnightShanghai.AddHours(13)));
        Assert.True(hours.IsOpenAt(fridayMidnightShanghai.AddHours(15)));
    }

    [Fact]
    public void Periods_are_stored_monday_first_then_by_opening_time()
    {
        var hours = Hours(Period(DayOfWeek.Sunday, 10, 12), Period(DayOfWeek.Monday, 14, 16), Period(DayOfWeek.Monday, 9, 12));

        Assert.Equal(
            [(DayOfWeek.Monday, 9), (DayOfWeek.Monday, 14), (DayOfWeek.Sunday, 10)],
            hours.Periods.Select(p => (p.Day, p.Opens.Hour)));
    }

    [Fact]
    public void Overlapping_periods_on_the_same_day_are_rejected_in_any_order()
    {
        AssertInvalid(PeriodsField, () => Hours(Period(DayOfWeek.Monday, 9, 12), Period(DayOfWeek.Monday, 11, 14)));
        AssertInvalid(PeriodsField, () => Hours(Period(DayOfWeek.Monday, 11, 14), Period(DayOfWeek.Monday, 9, 12)));
        AssertInvalid(PeriodsField, () => Hours(Period(DayOfWeek.Monday, 9, 18), Period(DayOfWeek.Monday, 10, 11)));
    }

    [Fact]
    public void Back_to_back_periods_and_the_same_hours_on_different_days_are_allowed()
    {
        var hours = Hours(Period(DayOfWeek.Monday, 9, 12), Period(DayOfWeek.Monday, 12, 14), Period(DayOfWeek.Tuesday, 9, 12));

        Assert.Equal(3, hours.Periods.Length);
    }

    [Theory]
    [InlineData(9, 9)]
    [InlineData(18, 9)]
    public void A_period_that_closes_at_or_before_it_opens_is_rejected(int opens, int closes)
    {
        var ex = AssertInvalid(PeriodsField, () => Hours(Period(DayOfWeek.Wednesday, opens, closes)));

        Assert.Contains("Wednesday", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_most_four_periods_a_day_on_average_are_allowed()
    {
        var periods = Enum.GetValues<DayOfWeek>().SelectMany(d => Enumerable.Range(0, 4).Select(i => Period(d, i * 5, (i * 5) + 4))).ToList();

        Assert.Equal(28, Hours([.. periods]).Periods.Length);
        AssertInvalid(PeriodsField, () => Hours([.. periods, Period(DayOfWeek.Monday, 21, 22)]));
    }

    [Fact]
    public void The_field_prefix_names_the_rejected_field()
    {
        AssertInvalid("outlet.hours.time_zone", () => OpeningHours.Create("Nowhere/Land", [], "outlet.hours"));
        AssertInvalid("outlet.hours.periods", () => OpeningHours.Create(ShanghaiZone, [Period(DayOfWeek.Monday, 9, 9)], "outlet.hours"));
    }
}
