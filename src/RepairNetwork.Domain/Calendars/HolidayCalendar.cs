using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Calendars;

/// <summary>Consecutive local dates on which outlets using the calendar are closed, e.g. 2027-02-06..2027-02-12 "Spring Festival".</summary>
[GenerateSerializer, Alias("rn.Holiday"), Immutable]
public sealed record Holiday
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required DateRange Dates { get; init; }

    public static Holiday Of(string name, DateOnly first, DateOnly last) => new() { Name = name, Dates = DateRange.Of(first, last) };

    public static Holiday Of(string name, DateOnly day) => Of(name, day, day);
}

/// <summary>
/// A weekend date that is a working day (Chinese public holidays come with them): outlets open with the
/// weekly hours of <see cref="WorksAs"/>, and technicians work their <see cref="WorksAs"/> shifts.
/// </summary>
[GenerateSerializer, Alias("rn.MakeUpWorkday"), Immutable]
public sealed record MakeUpWorkday
{
    [Id(0)] public required DateOnly Date { get; init; }

    /// <summary>The weekday whose hours apply. Default (<see cref="Of"/> without it): the adjacent weekday, Friday for a Saturday and Monday for a Sunday.</summary>
    [Id(1)] public required DayOfWeek WorksAs { get; init; }

    /// <summary>What the day makes up for, e.g. "Spring Festival make-up day".</summary>
    [Id(2)] public required string Name { get; init; }

    public static MakeUpWorkday Of(DateOnly date, string name, DayOfWeek? worksAs = null) =>
        new() { Date = date, Name = name, WorksAs = worksAs ?? DefaultWorksAs(date) };

    /// <summary>The adjacent weekday: Friday for a Saturday, Monday for a Sunday (and the date's own weekday otherwise).</summary>
    public static DayOfWeek DefaultWorksAs(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => DayOfWeek.Friday,
        DayOfWeek.Sunday => DayOfWeek.Monday,
        var d => d,
    };
}

/// <summary>
/// A holiday calendar kept by headquarters and assigned to outlets (by region or one by one): closed
/// dates and make-up working days. Dates are local to each outlet that uses it.
/// </summary>
[GenerateSerializer, Alias("rn.HolidayCalendar"), Immutable]
public sealed record HolidayCalendar
{
    public const int MaxHolidays = 100;
    public const int MaxMakeUpWorkdays = 100;
    public const int MaxNameLength = 100;

    [Id(0)] public required string CalendarId { get; init; }

    [Id(1)] public required string Name { get; init; }

    /// <summary>Sorted by date; no two share a day.</summary>
    [Id(2)] public required ImmutableArray<Holiday> Holidays { get; init; }

    /// <summary>Sorted by date; none falls within a holiday.</summary>
    [Id(3)] public required ImmutableArray<MakeUpWorkday> MakeUpWorkdays { get; init; }

    /// <summary>
    /// Validates and normalizes (names trimmed, entries sorted). Field names follow the API:
    /// <c>{field}.calendar_id</c>, <c>{field}.name</c>, <c>{field}.holidays[i].name</c>,
    /// <c>{field}.holidays[i].dates</c>, <c>{field}.holidays</c> (overlap, count),
    /// <c>{field}.make_up_workdays[i].date|works_as|name</c>, <c>{field}.make_up_workdays</c>.
    /// </summary>
    public static HolidayCalendar Create(string? calendarId, string? name, IEnumerable<Holiday> holidays, IEnumerable<MakeUpWorkday> makeUpWorkdays, string field)
    {
        var id = Identifiers.RequireId(calendarId, $"{field}.calendar_id");
        var calendarName = Identifiers.RequireText(name, $"{field}.name", MaxNameLength);

        var holidayList = holidays.ToList();
        CalendarRules.RequireCount(holidayList.Count, MaxHolidays, $"{field}.holidays", "holidays");
        var checkedHolidays = holidayList.Select((h, i) => new Holiday
        {
            Name = Identifiers.RequireText(h.Name, $"{field}.holidays[{i}].name", MaxNameLength),
            Dates = CalendarRules.RequireRange(h.Dates, $"{field}.holidays[{i}].dates"),
        });
        var sortedHolidays = CalendarRules.SortedWithoutOverlap(checkedHolidays, h => h.Dates, h => h.Name, $"{field}.holidays");

        var makeUpList = makeUpWorkdays.ToList();
        CalendarRules.RequireCount(makeUpList.Count, MaxMakeUpWorkdays, $"{field}.make_up_workdays", "make-up workdays");
        var checkedMakeUps = new List<MakeUpWorkday>(makeUpList.Count);
        for (var i = 0; i < makeUpList.Count; i++)
        {
            var m = makeUpList[i];
            var itemField = $"{field}.make_up_workdays[{i}]";
            if (m.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                throw DomainException.Invalid($"{itemField}.date", $"{m.Date:yyyy-MM-dd} is a {m.Date.DayOfWeek}: a make-up workday is a Saturday or Sunday that works like a weekday");
            }

            if (!Enum.IsDefined(m.WorksAs) || m.WorksAs is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                throw DomainException.Invalid($"{itemField}.works_as", "must be a weekday, Monday to Friday, whose hours apply that day");
            }

            if (sortedHolidays.FirstOrDefault(h => h.Dates.Contains(m.Date)) is { } clash)
            {
                throw DomainException.Invalid($"{itemField}.date", $"{m.Date:yyyy-MM-dd} falls within holiday '{clash.Name}' ({clash.Dates}): a day cannot be both closed and a make-up workday");
            }

            checkedMakeUps.Add(m with { Name = Identifiers.RequireText(m.Name, $"{itemField}.name", MaxNameLength) });
        }

        var sortedMakeUps = checkedMakeUps.OrderBy(m => m.Date).ToImmutableArray();
        for (var i = 1; i < sortedMakeUps.Length; i++)
        {
            if (sortedMakeUps[i - 1].Date == sortedMakeUps[i].Date)
            {
                throw DomainException.Invalid($"{field}.make_up_workdays", $"lists {sortedMakeUps[i].Date:yyyy-MM-dd} more than once");
            }
        }

        return new HolidayCalendar { CalendarId = id, Name = calendarName, Holidays = sortedHolidays, MakeUpWorkdays = sortedMakeUps };
    }

    /// <summary>The holiday covering a local date, if any (binary search: holidays are sorted and disjoint).</summary>
    public Holiday? HolidayOn(DateOnly date) => CalendarRules.Find(Holidays, date, h => h.Dates);

    public MakeUpWorkday? MakeUpWorkdayOn(DateOnly date) => CalendarRules.Find(MakeUpWorkdays, date, m => DateRange.Day(m.Date));

    public bool SameAs(HolidayCalendar other) =>
        CalendarId == other.CalendarId && Name == other.Name && Holidays.SequenceEqual(other.Holidays) && MakeUpWorkdays.SequenceEqual(other.MakeUpWorkdays);
}

/// <summary>Ready-made holiday calendars for the demo network and tests.</summary>
public static class HolidayCalendars
{
    public const string ChinaNational2027Id = "cn-national-2027";

    /// <summary>
    /// "CN national 2027". DEMO DATA, to be replaced by the State Council's published 2027 schedule:
    /// the official dates were not known when this was written, so these are the traditional holidays on
    /// their 2027 dates (Chinese New Year is 2027-02-06, Dragon Boat 2027-06-09, Mid-Autumn 2027-09-15)
    /// with plausible bridging days and make-up weekend workdays in the usual pattern.
    /// </summary>
    public static HolidayCalendar ChinaNational2027() => HolidayCalendar.Create(
        ChinaNational2027Id,
        "CN national 2027",
        [
            Holiday.Of("New Year's Day", D(1, 1), D(1, 3)),
            Holiday.Of("Spring Festival", D(2, 6), D(2, 12)),
            Holiday.Of("Qingming Festival", D(4, 3), D(4, 5)),
            Holiday.Of("Labour Day", D(5, 1), D(5, 5)),
            Holiday.Of("Dragon Boat Festival", D(6, 9)),
            Holiday.Of("Mid-Autumn Festival", D(9, 15)),
            Holiday.Of("National Day", D(10, 1), D(10, 7)),
        ],
        [
            MakeUpWorkday.Of(D(1, 31), "Spring Festival make-up workday"),
            MakeUpWorkday.Of(D(2, 20), "Spring Festival make-up workday"),
            MakeUpWorkday.Of(D(5, 8), "Labour Day make-up workday"),
            MakeUpWorkday.Of(D(9, 26), "National Day make-up workday"),
            MakeUpWorkday.Of(D(10, 9), "National Day make-up workday"),
        ],
        "holiday_calendar");

    private static DateOnly D(int month, int day) => new(2027, month, day);
}
