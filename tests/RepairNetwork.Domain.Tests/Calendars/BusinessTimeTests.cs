using RepairNetwork.Domain.Calendars;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Calendars;

/// <summary>Adding and measuring open time: acceptance windows and business-hours service-level clocks.</summary>
public sealed class BusinessTimeTests
{
    private static readonly TimeSpan TwoHours = TimeSpan.FromHours(2);

    [Fact]
    public void An_offer_made_at_22_30_after_closing_ends_two_open_hours_after_the_09_00_opening()
    {
        var calendar = ChinaOffice();

        var end = calendar.AddOpenTime(Sh(3, 2, 22, 30), TwoHours); // Tuesday night

        Assert.True(end.Found);
        Assert.Equal(Sh(3, 3, 11), end.At);
    }

    [Fact]
    public void An_offer_made_on_Friday_night_ends_on_Monday_in_business_time()
    {
        Assert.Equal(Sh(3, 8, 11), ChinaOffice().AddOpenTime(Sh(3, 5, 22, 30), TwoHours).At);
    }

    [Fact]
    public void An_offer_made_before_closing_carries_the_rest_over_to_the_next_open_day()
    {
        Assert.Equal(Sh(3, 2, 10, 30), ChinaOffice().AddOpenTime(Sh(3, 1, 17, 30), TwoHours).At);
    }

    [Fact]
    public void Open_time_that_runs_out_exactly_at_closing_ends_at_closing()
    {
        Assert.Equal(Sh(3, 1, 18), ChinaOffice().AddOpenTime(Sh(3, 1, 16), TwoHours).At);
    }

    [Fact]
    public void Zero_open_time_ends_where_it_starts_even_when_closed()
    {
        Assert.Equal(Sh(3, 1, 23), ChinaOffice().AddOpenTime(Sh(3, 1, 23), TimeSpan.Zero).At);
    }

    [Fact]
    public void Negative_open_time_is_rejected()
    {
        TestData.AssertInvalid("open_time", () => ChinaOffice().AddOpenTime(Sh(3, 1, 10), TimeSpan.FromMinutes(-1)));
    }

    [Fact]
    public void Open_time_skips_the_lunch_break()
    {
        var calendar = Calendar(Hours(Shanghai, P(DayOfWeek.Monday, 9, 12), P(DayOfWeek.Monday, 13, 18)));

        Assert.Equal(Sh(3, 1, 14), calendar.AddOpenTime(Sh(3, 1, 11), TwoHours).At);
    }

    [Fact]
    public void Open_time_skips_the_Spring_Festival()
    {
        var calendar = Calendar(EveryDay(), null, HolidayCalendars.ChinaNational2027());

        Assert.Equal(Sh(2, 13, 10), calendar.AddOpenTime(Sh(2, 5, 17), TwoHours).At);
    }

    [Fact]
    public void A_business_hours_duration_across_a_weekend_counts_only_open_hours()
    {
        var calendar = ChinaOffice();

        // Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
        Assert.Equal(TwoHours, calendar.OpenTimeBetween(Sh(3, 5, 17), Sh(3, 8, 10)));
        Assert.Equal(Sh(3, 8, 10), calendar.AddOpenTime(Sh(3, 5, 17), TwoHours).At);
    }

    [Fact]
    public void A_business_hours_deadline_across_a_weekend_with_a_make_up_Saturday_counts_the_Saturday()
    {
        var calendar = ChinaOffice(); // 2027-02-20 is a make-up Saturday (works as Friday)

        Assert.Equal(TimeSpan.FromHours(9 + 2), calendar.OpenTimeBetween(Sh(2, 19, 17), Sh(2, 22, 10)));
        Assert.Equal(Sh(2, 20, 10), calendar.AddOpenTime(Sh(2, 19, 17), TwoHours).At);
    }

    [Fact]
    public void Open_time_between_is_zero_when_the_end_is_not_later()
    {
        Assert.Equal(TimeSpan.Zero, ChinaOffice().OpenTimeBetween(Sh(3, 1, 12), Sh(3, 1, 10)));
        Assert.Equal(TimeSpan.Zero, ChinaOffice().OpenTimeBetween(Sh(3, 1, 12), Sh(3, 1, 12)));
    }

    [Fact]
    public void Adding_then_measuring_gives_back_the_amount()
    {
        var calendar = Calendar(OfficeHours(), Own([OutletClosure.Of("stocktake", D(3, 10), D(3, 11))]), HolidayCalendars.ChinaNational2027());
        var start = Sh(1, 29, 16, 45);

        foreach (var hours in new[] { 0.5, 1, 9, 17.25, 40, 200 })
        {
            var amount = TimeSpan.FromHours(hours);
            var end = calendar.AddOpenTime(start, amount).At!.Value;

            Assert.Equal(amount, calendar.OpenTimeBetween(start, end));
            Assert.True(calendar.IsOpenAt(end.AddTicks(-1)));
        }
    }

    [Fact]
    public void An_around_the_clock_outlet_counts_calendar_time()
    {
        var calendar = Calendar(AroundTheClock());

        Assert.Equal(Sh(3, 2, 0, 30), calendar.AddOpenTime(Sh(3, 1, 22, 30), TwoHours).At);
        Assert.Equal(TimeSpan.FromHours(50), calendar.OpenTimeBetween(Sh(3, 1, 22), Sh(3, 4, 0)));
    }

    [Fact]
    public void An_outlet_closed_for_longer_than_the_search_terminates_with_a_clear_result()
    {
        var calendar = Calendar(
            OfficeHours(),
            Own([OutletClosure.Of("renovation", D(1, 1), D(12, 31))]),
            Holidays("long", [Holiday.Of("rebuilding", D(1, 1, 2028), D(12, 31, 2028))]));

        var end = calendar.AddOpenTime(Sh(1, 1, 0), TwoHours);

        Assert.False(end.Found);
        Assert.Null(end.At);
        Assert.StartsWith("not open in the 400 days from 2027-01-01 00:00 (Asia/Shanghai): outlet closure: renovation", end.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void More_open_time_than_the_search_holds_says_how_much_was_found()
    {
        var end = ChinaOffice().AddOpenTime(Sh(3, 1, 9), TimeSpan.FromHours(20), searchDays: 1);

        Assert.False(end.Found);
        Assert.Equal("only 9 h of the 20 h of open time fall in the 1 days from 2027-03-01 09:00 (Asia/Shanghai)", end.Reason);
    }
}
