using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

public sealed class HolidayCalendarTests
{
    private static HolidayCalendar Create(IEnumerable<Holiday>? holidays = null, IEnumerable<MakeUpWorkday>? makeUps = null, string? id = "cn", string? name = "CN") =>
        HolidayCalendar.Create(id, name, holidays ?? [], makeUps ?? [], "calendar");

    [Fact]
    public void The_CN_national_2027_calendar_has_the_traditional_holidays_and_weekend_make_up_days()
    {
        var cn = HolidayCalendars.ChinaNational2027();

        Assert.Equal("cn-national-2027", cn.CalendarId);
        Assert.Equal("CN national 2027", cn.Name);
        Assert.Equal(
            ["New Year's Day", "Spring Festival", "Qingming Festival", "Labour Day", "Dragon Boat Festival", "Mid-Autumn Festival", "National Day"],
            cn.Holidays.Select(h => h.Name));
        Assert.Equal(DateRange.Of(D(2, 6), D(2, 12)), cn.HolidayOn(D(2, 9))!.Dates);
        Assert.Equal(DateRange.Of(D(10, 1), D(10, 7)), cn.HolidayOn(D(10, 1))!.Dates);
        Assert.Equal(DateRange.Of(D(5, 1), D(5, 5)), cn.HolidayOn(D(5, 5))!.Dates);
        Assert.All(cn.MakeUpWorkdays, m => Assert.True(m.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.Equal(DayOfWeek.Monday, cn.MakeUpWorkdayOn(D(1, 31))!.WorksAs);
        Assert.Equal(DayOfWeek.Friday, cn.MakeUpWorkdayOn(D(2, 20))!.WorksAs);
        Assert.Null(cn.HolidayOn(D(2, 13)));
        Assert.Null(cn.MakeUpWorkdayOn(D(2, 13)));
    }

    [Fact]
    public void Entries_are_sorted_by_date_and_names_trimmed()
    {
        var calendar = Create([Holiday.Of(" B ", D(5, 1)), Holiday.Of("A", D(1, 1))], [MakeUpWorkday.Of(D(5, 8), "y"), MakeUpWorkday.Of(D(1, 31), "x")]);

        Assert.Equal(["A", "B"], calendar.Holidays.Select(h => h.Name));
        Assert.Equal([D(1, 31), D(5, 8)], calendar.MakeUpWorkdays.Select(m => m.Date));
    }

    [Fact]
    public void A_make_up_workday_works_as_the_adjacent_weekday_by_default()
    {
        Assert.Equal(DayOfWeek.Friday, MakeUpWorkday.Of(D(2, 20), "make-up").WorksAs);   // Saturday
        Assert.Equal(DayOfWeek.Monday, MakeUpWorkday.Of(D(1, 31), "make-up").WorksAs);   // Sunday
        Assert.Equal(DayOfWeek.Wednesday, MakeUpWorkday.Of(D(1, 31), "make-up", DayOfWeek.Wednesday).WorksAs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    public void The_calendar_id_must_be_an_id(string? id)
    {
        TestData.AssertInvalid("calendar.calendar_id", () => Create(id: id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public void The_calendar_name_is_required(string? name)
    {
        TestData.AssertInvalid("calendar.name", () => Create(name: name));
    }

    [Fact]
    public void A_holiday_name_is_required()
    {
        TestData.AssertInvalid("calendar.holidays[1].name", () => Create([Holiday.Of("A", D(1, 1)), Holiday.Of(" ", D(2, 1))]));
    }

    [Fact]
    public void A_reversed_holiday_is_rejected()
    {
        var ex = TestData.AssertInvalid("calendar.holidays[0].dates", () => Create([Holiday.Of("Spring Festival", D(2, 12), D(2, 6))]));

        Assert.Contains("reversed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_holiday_may_span_a_leap_year_but_not_longer()
    {
        Assert.Equal(366, Create([Holiday.Of("closed 2028", D(1, 1, 2028), D(12, 31, 2028))]).Holidays[0].Dates.Days);
        var ex = TestData.AssertInvalid("calendar.holidays[0].dates", () => Create([Holiday.Of("too long", D(1, 1), D(1, 2, 2028))]));
        Assert.Contains("at most a year", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_holidays_are_rejected_naming_both()
    {
        var ex = TestData.AssertInvalid("calendar.holidays", () => Create([Holiday.Of("National Day", D(10, 1), D(10, 7)), Holiday.Of("Mid-Autumn Festival", D(9, 30), D(10, 1))]));

        Assert.Equal("calendar.holidays: must not overlap: 'Mid-Autumn Festival' (2027-09-30..2027-10-01) and 'National Day' (2027-10-01..2027-10-07)", ex.Message);
    }

    [Fact]
    public void Back_to_back_holidays_are_allowed()
    {
        Assert.Equal(2, Create([Holiday.Of("A", D(10, 1), D(10, 3)), Holiday.Of("B", D(10, 4), D(10, 7))]).Holidays.Length);
    }

    [Fact]
    public void Too_many_entries_are_rejected()
    {
        var holidays = Enumerable.Range(0, HolidayCalendar.MaxHolidays + 1).Select(i => Holiday.Of($"day {i}", D(1, 1).AddDays(i)));
        var makeUps = Enumerable.Range(0, HolidayCalendar.MaxMakeUpWorkdays + 1).Select(i => MakeUpWorkday.Of(D(1, 2).AddDays(7 * i), "make-up"));

        TestData.AssertInvalid("calendar.holidays", () => Create(holidays));
        TestData.AssertInvalid("calendar.make_up_workdays", () => Create(makeUps: makeUps));
    }

    [Fact]
    public void A_make_up_workday_must_be_a_weekend_date()
    {
        var ex = TestData.AssertInvalid("calendar.make_up_workdays[0].date", () => Create(makeUps: [MakeUpWorkday.Of(D(3, 1), "Monday")]));

        Assert.Contains("Monday", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DayOfWeek.Saturday)]
    [InlineData(DayOfWeek.Sunday)]
    [InlineData((DayOfWeek)9)]
    public void A_make_up_workday_must_work_as_a_weekday(DayOfWeek worksAs)
    {
        TestData.AssertInvalid("calendar.make_up_workdays[0].works_as", () => Create(makeUps: [MakeUpWorkday.Of(D(2, 20), "make-up", worksAs)]));
    }

    [Fact]
    public void A_make_up_workday_inside_a_holiday_is_rejected()
    {
        var ex = TestData.AssertInvalid("calendar.make_up_workdays[0].date", () => Create([Holiday.Of("Spring Festival", D(2, 6), D(2, 12))], [MakeUpWorkday.Of(D(2, 7), "make-up")]));

        Assert.Contains("Spring Festival", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_make_up_workday_listed_twice_is_rejected()
    {
        TestData.AssertInvalid("calendar.make_up_workdays", () => Create(makeUps: [MakeUpWorkday.Of(D(2, 20), "a"), MakeUpWorkday.Of(D(2, 20), "b")]));
    }

    [Fact]
    public void A_make_up_workday_name_is_required()
    {
        TestData.AssertInvalid("calendar.make_up_workdays[0].name", () => Create(makeUps: [MakeUpWorkday.Of(D(2, 20), "")]));
    }
}
