using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

public sealed class OutletCalendarTests
{
    private const string Field = "outlet_calendar";

    [Fact]
    public void Closures_and_special_hours_are_sorted_by_date()
    {
        var calendar = Own(
            [OutletClosure.Of("renovation", D(6, 1), D(6, 30)), OutletClosure.Of("stocktake", D(3, 10), D(3, 11))],
            [SpecialHours.Of(D(5, 2), "b"), SpecialHours.Of(D(5, 1), "a", TimePeriod.Of(14, 0, 18, 0), TimePeriod.Of(9, 0, 12, 0))]);

        Assert.Equal(["stocktake", "renovation"], calendar.Closures.Select(c => c.Reason));
        Assert.Equal([D(5, 1), D(5, 2)], calendar.SpecialHours.Select(s => s.Date));
        Assert.Equal([9, 14], calendar.SpecialHours[0].Periods.Select(p => p.Opens.Hour));
        Assert.Equal("renovation", calendar.ClosureOn(D(6, 15))!.Reason);
        Assert.Null(calendar.ClosureOn(D(6, 1).AddDays(-1)));
    }

    [Fact]
    public void A_reversed_closure_is_rejected()
    {
        TestData.AssertInvalid($"{Field}.closures[0].dates", () => Own([OutletClosure.Of("stocktake", D(3, 11), D(3, 10))]));
    }

    [Fact]
    public void A_closure_longer_than_a_year_is_rejected()
    {
        var ex = TestData.AssertInvalid($"{Field}.closures[0].dates", () => Own([OutletClosure.Of("renovation", D(1, 1), D(1, 2, 2028))]));

        Assert.Contains("at most a year (366 days)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_closures_are_rejected()
    {
        TestData.AssertInvalid($"{Field}.closures", () => Own([OutletClosure.Of("stocktake", D(3, 10), D(3, 11)), OutletClosure.Of("renovation", D(3, 11), D(3, 20))]));
    }

    [Fact]
    public void A_closure_needs_a_reason()
    {
        TestData.AssertInvalid($"{Field}.closures[0].reason", () => Own([OutletClosure.Of("", D(3, 10), D(3, 11))]));
    }

    [Fact]
    public void Too_many_closures_are_rejected()
    {
        var closures = Enumerable.Range(0, OutletCalendar.MaxClosures + 1).Select(i => OutletClosure.Of("x", D(1, 1).AddDays(i), D(1, 1).AddDays(i)));

        TestData.AssertInvalid($"{Field}.closures", () => Own(closures));
    }

    [Fact]
    public void Special_hours_periods_follow_the_opening_period_rules()
    {
        TestData.AssertInvalid($"{Field}.special_hours[0].periods", () => Own(special: [SpecialHours.Of(D(5, 1), "late", TimePeriod.Of(20, 0, 2, 0))]));
        TestData.AssertInvalid($"{Field}.special_hours[0].periods", () => Own(special: [SpecialHours.Of(D(5, 1), "x", TimePeriod.Of(9, 0, 12, 0), TimePeriod.Of(11, 0, 14, 0))]));
    }

    [Fact]
    public void Special_hours_listed_twice_for_a_date_are_rejected()
    {
        TestData.AssertInvalid($"{Field}.special_hours", () => Own(special: [SpecialHours.Of(D(5, 1), "a"), SpecialHours.Of(D(5, 1), "b", TimePeriod.Of(9, 0, 12, 0))]));
    }

    [Fact]
    public void Special_hours_need_a_reason()
    {
        TestData.AssertInvalid($"{Field}.special_hours[0].reason", () => Own(special: [SpecialHours.Of(D(5, 1), " ")]));
    }

    [Fact]
    public void Special_hours_inside_a_closure_are_allowed_and_the_closure_wins()
    {
        var own = Own([OutletClosure.Of("renovation", D(5, 1), D(5, 3))], [SpecialHours.Of(D(5, 2), "open day", TimePeriod.Of(9, 0, 12, 0))]);

        Assert.Equal(DayKind.OutletClosure, Calendar(OfficeHours(), own).DayOn(D(5, 2)).Kind);
    }
}
