using System.Collections.Immutable;
using System.Globalization;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Calendars;

/// <summary>Which rule decided a local day's hours, highest precedence last.</summary>
public enum DayKind
{
    /// <summary>The weekly hours of the day (none published that weekday = closed).</summary>
    Weekly,

    /// <summary>No weekly hours are published at all: open around the clock.</summary>
    AroundTheClock,

    /// <summary>A make-up workday of a holiday calendar: the weekly hours of <see cref="DaySchedule.WorksAs"/>.</summary>
    MakeUpWorkday,

    /// <summary>A holiday of a holiday calendar: closed.</summary>
    Holiday,

    /// <summary>The outlet's special hours for the date (none = closed).</summary>
    SpecialHours,

    /// <summary>The outlet's own closure: closed.</summary>
    OutletClosure,
}

/// <summary>One local day of one outlet: its hours and the rule that set them.</summary>
public sealed record DaySchedule
{
    public required DateOnly Date { get; init; }

    public required DayKind Kind { get; init; }

    /// <summary>The weekday whose weekly hours and technician shifts apply: the date's own, or a make-up workday's.</summary>
    public required DayOfWeek WorksAs { get; init; }

    /// <summary>Open from midnight to midnight (the outlet publishes no weekly hours).</summary>
    public required bool AllDay { get; init; }

    /// <summary>Local periods, sorted; empty when closed or <see cref="AllDay"/>.</summary>
    public required ImmutableArray<TimePeriod> Periods { get; init; }

    /// <summary>The holiday's or make-up workday's name, or the closure's or special hours' reason; empty for weekly days.</summary>
    public required string Name { get; init; }

    public bool IsClosed => !AllDay && Periods.IsEmpty;

    /// <summary>What to tell a person about the day, e.g. "Spring Festival" or "outlet closure: stocktake".</summary>
    public string Describe() => Kind switch
    {
        DayKind.Holiday => Name,
        DayKind.OutletClosure => $"outlet closure: {Name}",
        DayKind.SpecialHours => IsClosed ? $"special hours: {Name} (closed)" : $"special hours: {Name}",
        DayKind.MakeUpWorkday => $"{Name} (works as {WorksAs})",
        _ => IsClosed ? "outside opening hours" : "regular hours",
    };

    internal bool IsNamedException => Kind is DayKind.Holiday or DayKind.OutletClosure or DayKind.SpecialHours;
}

/// <summary>When an outlet is next open, and why it is closed until then.</summary>
public sealed record OpeningInfo
{
    public required bool OpenNow { get; init; }

    /// <summary>The asked instant when open now; the next opening otherwise; null when none within the search.</summary>
    public required DateTimeOffset? OpensAt { get; init; }

    /// <summary>When open now: the end of this open stretch; null when it lasts beyond the search.</summary>
    public DateTimeOffset? OpenUntil { get; init; }

    /// <summary>Empty when open now, e.g. "closed until 2027-02-13 09:00 (Asia/Shanghai): Spring Festival".</summary>
    public required string Reason { get; init; }

    public bool Found => OpensAt is not null;
}

/// <summary>The instant an amount of open time has passed, or why it cannot be found within the search.</summary>
public sealed record OpenTimeEnd
{
    public required DateTimeOffset? At { get; init; }

    /// <summary>Empty when found.</summary>
    public required string Reason { get; init; }

    public bool Found => At is not null;
}

/// <summary>The local date a job is booked on at an outlet, and why it is not today.</summary>
public sealed record ServiceDay
{
    public required DateOnly? Date { get; init; }

    public required bool IsToday { get; init; }

    /// <summary>Empty when today; otherwise why not today (and why later days were passed over), naming dates with their zone.</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// When service time starts that day (now, when it already runs): an upper bound for when the outlet
    /// can next answer, which spares dispatch a second search in the common case.
    /// </summary>
    public DateTimeOffset? StartsAt { get; init; }

    public bool Found => Date is not null;
}

/// <summary>
/// The business time of one outlet: its weekly <see cref="OpeningHours"/> in its IANA zone, the holiday
/// calendars assigned to it, and its own closures and special hours. Pure and immutable: instants are
/// passed in, results are UTC instants or local dates in the outlet's zone.
/// <para>
/// Precedence for a local date, highest first: an outlet closure (closed) &gt; the outlet's special hours
/// for the date (those periods, or closed) &gt; a holiday of any assigned calendar (closed; a holiday wins
/// over another calendar's make-up workday) &gt; a make-up workday (the weekly hours of its
/// <see cref="MakeUpWorkday.WorksAs"/> weekday) &gt; the weekly hours. An outlet that publishes no weekly
/// periods is open around the clock on every day the rules above do not close or replace.
/// </para>
/// Results are instants with offset zero. Local times are mapped to instants by <see cref="LocalTimes.ToInstant"/> (gap: when it ends; overlap:
/// first occurrence). Searches forward stop after a bounded number of days and say so.
/// </summary>
public sealed class BusinessCalendar
{
    public const int DefaultSearchDays = 400;

    /// <summary>Ranges asked of <see cref="OpenIntervals"/> and <see cref="OpenTimeBetween"/> may span at most ten years.</summary>
    public const int MaxRangeDays = 3660;

    private static readonly ImmutableArray<TimePeriod> Closed = [];
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private readonly ImmutableArray<TimePeriod>[] _weekly = new ImmutableArray<TimePeriod>[7];
    private readonly bool _aroundTheClock;

    public BusinessCalendar(OpeningHours hours, IEnumerable<HolidayCalendar>? holidayCalendars = null, OutletCalendar? outletCalendar = null)
    {
        Hours = hours;
        HolidayCalendars = holidayCalendars?.ToImmutableArray() ?? [];
        OutletCalendar = outletCalendar ?? OutletCalendar.Empty;
        _aroundTheClock = hours.Periods.IsDefaultOrEmpty;
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            _weekly[(int)day] = _aroundTheClock
                ? Closed
                : [.. hours.Periods.Where(p => p.Day == day).OrderBy(p => p.Opens).Select(p => new TimePeriod { Opens = p.Opens, Closes = p.Closes })];
        }
    }

    public OpeningHours Hours { get; }

    public ImmutableArray<HolidayCalendar> HolidayCalendars { get; }

    public OutletCalendar OutletCalendar { get; }

    public string TimeZoneId => Hours.TimeZoneId;

    public TimeZoneInfo Zone => Hours.TimeZone;

    public DateOnly LocalDate(DateTimeOffset at) => LocalTimes.LocalDate(Zone, at);

    /// <summary>"2027-02-13 (Asia/Shanghai)".</summary>
    public string Describe(DateOnly date) => $"{date:yyyy-MM-dd} ({TimeZoneId})";

    /// <summary>"2027-02-13 09:00 (Asia/Shanghai)": the instant's wall-clock time in the outlet's zone.</summary>
    public string Describe(DateTimeOffset at) => $"{LocalTimes.ToLocal(Zone, at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({TimeZoneId})";

    /// <summary>The hours of a local date and the rule that set them (see the precedence above).</summary>
    public DaySchedule DayOn(DateOnly date)
    {
        if (OutletCalendar.ClosureOn(date) is { } closure)
        {
            return Schedule(date, DayKind.OutletClosure, date.DayOfWeek, Closed, closure.Reason);
        }

        if (OutletCalendar.SpecialHoursOn(date) is { } special)
        {
            return Schedule(date, DayKind.SpecialHours, date.DayOfWeek, special.IsClosed ? Closed : special.Periods, special.Reason);
        }

        MakeUpWorkday? makeUp = null;
        foreach (var calendar in HolidayCalendars)
        {
            if (calendar.HolidayOn(date) is { } holiday)
            {
                return Schedule(date, DayKind.Holiday, date.DayOfWeek, Closed, holiday.Name);
            }

            makeUp ??= calendar.MakeUpWorkdayOn(date);
        }

        if (makeUp is not null)
        {
            return Weekly(date, DayKind.MakeUpWorkday, makeUp.WorksAs, makeUp.Name);
        }

        return Weekly(date, _aroundTheClock ? DayKind.AroundTheClock : DayKind.Weekly, date.DayOfWeek, string.Empty);
    }

    /// <summary>The open intervals of a local date as UTC instants, sorted (periods that touch are not joined here).</summary>
    public ImmutableArray<OpenInterval> OpenIntervalsOn(DateOnly date) => [.. Intervals(DayOn(date))];

    public bool IsOpenAt(DateTimeOffset at)
    {
        // The local-to-instant mapping never goes backwards, so only the instant's own local day can hold it.
        foreach (var interval in Intervals(DayOn(LocalDate(at))))
        {
            if (interval.Contains(at))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The open stretches between two instants, clipped to [from, to), touching periods joined (also across midnight).</summary>
    public ImmutableArray<OpenInterval> OpenIntervals(DateTimeOffset from, DateTimeOffset to)
    {
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        if (to <= from)
        {
            return [];
        }

        var first = LocalDate(from).AddDays(-1);
        var days = LocalDate(to).DayNumber - first.DayNumber + 2;
        if (days > MaxRangeDays)
        {
            throw DomainException.Invalid("to", $"must be at most {MaxRangeDays} days after from");
        }

        var result = ImmutableArray.CreateBuilder<OpenInterval>();
        foreach (var interval in Stream(first, days))
        {
            var start = interval.Start > from ? interval.Start : from;
            var end = interval.End < to ? interval.End : to;
            if (start < end)
            {
                result.Add(new OpenInterval(start, end));
            }
        }

        return result.ToImmutable();
    }

    /// <summary>Open time elapsed between two instants (zero when <paramref name="to"/> is not later): the "business hours" clock.</summary>
    public TimeSpan OpenTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        foreach (var interval in OpenIntervals(from, to))
        {
            total += interval.Duration;
        }

        return total;
    }

    /// <summary>Whether the outlet is open at <paramref name="at"/>, else when it next opens and why it is closed until then.</summary>
    public OpeningInfo NextOpening(DateTimeOffset at, int searchDays = DefaultSearchDays)
    {
        at = at.ToUniversalTime();
        var first = LocalDate(at).AddDays(-1);
        var days = RequireSearchDays(searchDays) + 2;
        var searchEnd = LocalTimes.ToInstant(Zone, first.AddDays(days), TimeSpan.Zero);
        foreach (var interval in Stream(first, days))
        {
            if (interval.End <= at)
            {
                continue;
            }

            if (interval.Start <= at)
            {
                return new OpeningInfo { OpenNow = true, OpensAt = at, OpenUntil = interval.End < searchEnd ? interval.End : null, Reason = string.Empty };
            }

            return new OpeningInfo { OpenNow = false, OpensAt = interval.Start, Reason = $"closed until {Describe(interval.Start)}: {ClosedBecause(LocalDate(at), LocalDate(interval.Start))}" };
        }

        return new OpeningInfo
        {
            OpenNow = false,
            OpensAt = null,
            Reason = $"not open in the {searchDays} days from {Describe(at)}: {ClosedBecause(LocalDate(at), LocalDate(at).AddDays(searchDays))}",
        };
    }

    /// <summary>
    /// The first instant from <paramref name="at"/> at which the outlet is open and, when
    /// <paramref name="technicians"/> is given, at least one of them is working (null = the outlet's
    /// opening alone; empty = never): whether a job can be started before a response deadline. When not
    /// now, the reason names why, e.g. "closed until 2027-02-13 09:00 (Asia/Shanghai): Spring Festival" or
    /// "no technician scheduled until 2027-03-04 09:00 (Asia/Shanghai)". <see cref="OpeningInfo.OpenUntil"/>
    /// is the end of that day's stretch of service.
    /// </summary>
    public OpeningInfo NextServiceTime(DateTimeOffset at, IReadOnlyCollection<TechnicianSchedule>? technicians, int searchDays = DefaultSearchDays)
    {
        if (technicians is null)
        {
            return NextOpening(at, searchDays);
        }

        at = at.ToUniversalTime();
        var today = LocalDate(at);
        for (var i = 0; i < RequireSearchDays(searchDays); i++)
        {
            var day = DayOn(today.AddDays(i));
            var open = LocalTimes.Union(Intervals(day));
            foreach (var window in LocalTimes.Union(technicians.SelectMany(t => t.WorkingIntervals(this, day, open))))
            {
                if (window.End <= at)
                {
                    continue;
                }

                if (window.Start <= at)
                {
                    return new OpeningInfo { OpenNow = true, OpensAt = at, OpenUntil = window.End, Reason = string.Empty };
                }

                var outletOpening = NextOpening(at, i + 1);
                var reason = outletOpening.OpensAt == window.Start
                    ? outletOpening.Reason
                    : $"no technician scheduled until {Describe(window.Start)}";
                return new OpeningInfo { OpenNow = false, OpensAt = window.Start, Reason = reason };
            }
        }

        return new OpeningInfo
        {
            OpenNow = false,
            OpensAt = null,
            Reason = $"no technician scheduled while open in the {searchDays} days from {Describe(at)}",
        };
    }

    /// <summary>
    /// The instant at which <paramref name="openTime"/> of the outlet's open time has passed since
    /// <paramref name="start"/> (e.g. a 2 h acceptance window from 22:30 at an outlet opening at 09:00 ends
    /// at 11:00 the next open day). Time while closed does not count; an amount that ends exactly at closing
    /// ends then. Zero is <paramref name="start"/> itself.
    /// </summary>
    public OpenTimeEnd AddOpenTime(DateTimeOffset start, TimeSpan openTime, int searchDays = DefaultSearchDays)
    {
        start = start.ToUniversalTime();
        if (openTime < TimeSpan.Zero)
        {
            throw DomainException.Invalid("open_time", $"must not be negative (got {openTime})");
        }

        if (openTime == TimeSpan.Zero)
        {
            return new OpenTimeEnd { At = start, Reason = string.Empty };
        }

        var remaining = openTime;
        foreach (var interval in Stream(LocalDate(start).AddDays(-1), RequireSearchDays(searchDays) + 1))
        {
            if (interval.End <= start)
            {
                continue;
            }

            var from = interval.Start > start ? interval.Start : start;
            var available = interval.End - from;
            if (remaining <= available)
            {
                return new OpenTimeEnd { At = from + remaining, Reason = string.Empty };
            }

            remaining -= available;
        }

        var found = openTime - remaining;
        return new OpenTimeEnd
        {
            At = null,
            Reason = found == TimeSpan.Zero
                ? $"not open in the {searchDays} days from {Describe(start)}: {ClosedBecause(LocalDate(start), LocalDate(start).AddDays(searchDays))}"
                : $"only {Amount(found)} of the {Amount(openTime)} of open time fall in the {searchDays} days from {Describe(start)}",
        };
    }

    /// <summary>
    /// The outlet's first local day on which a job can still be served, from <paramref name="now"/>: a day
    /// qualifies when it has service time (open, and, when <paramref name="technicians"/> is given, at least
    /// one of them working) and its service time, from now or from when it starts, still runs longer than
    /// <paramref name="cutOff"/> before it ends. Today therefore qualifies until <paramref name="cutOff"/>
    /// before its last closing (or its last technician's shift end). <paramref name="technicians"/> null =
    /// no technician rule; empty = nobody can serve.
    /// </summary>
    public ServiceDay FindServiceDay(DateTimeOffset now, TimeSpan cutOff, IReadOnlyCollection<TechnicianSchedule>? technicians = null, int searchDays = DefaultSearchDays)
    {
        now = now.ToUniversalTime();
        if (cutOff < TimeSpan.Zero)
        {
            throw DomainException.Invalid("cut_off", $"must not be negative (got {cutOff})");
        }

        var today = LocalDate(now);
        var skipped = new List<(DateOnly First, DateOnly Last, string Why)>();
        for (var i = 0; i < RequireSearchDays(searchDays); i++)
        {
            var date = today.AddDays(i);
            var day = DayOn(date);
            var open = LocalTimes.Union(Intervals(day));
            var service = technicians is null
                ? open
                : LocalTimes.Union(technicians.SelectMany(t => t.WorkingIntervals(this, day, open)));
            var earliest = i == 0 ? now : (service.Count > 0 ? service[0].Start : now);
            if (service.Count > 0 && earliest < service[^1].End - cutOff && service[^1].End > now)
            {
                var starts = service[^1].Start;
                for (var k = 0; k < service.Count; k++)
                {
                    if (service[k].End > now)
                    {
                        starts = service[k].Start > now ? service[k].Start : now;
                        break;
                    }
                }

                return i == 0
                    ? new ServiceDay { Date = date, IsToday = true, Reason = string.Empty, StartsAt = starts }
                    : new ServiceDay { Date = date, IsToday = false, Reason = Passed(skipped), StartsAt = starts };
            }

            string why;
            if (open.Count == 0)
            {
                why = $"closed: {day.Describe()}";
            }
            else if (service.Count == 0)
            {
                why = "no technician scheduled";
            }
            else
            {
                var end = service[^1].End;
                why = $"too late: service ends at {LocalTimes.ToLocal(Zone, end):HH\\:mm} and jobs are taken until {Minutes(cutOff)} before";
            }

            if (i > 1 && skipped[^1].Why == why)
            {
                skipped[^1] = skipped[^1] with { Last = date };
            }
            else
            {
                skipped.Add((date, date, why));
            }
        }

        return new ServiceDay { Date = null, IsToday = false, Reason = $"no service day in the {searchDays} days from {Describe(today)}; {Passed(skipped)}" };
    }

    internal List<OpenInterval> Intervals(DaySchedule day)
    {
        var result = new List<OpenInterval>(Math.Max(1, day.Periods.Length));
        if (day.AllDay)
        {
            Add(result, day.Date, TimeSpan.Zero, Day);
        }
        else
        {
            foreach (var p in day.Periods)
            {
                Add(result, day.Date, p.Opens.ToTimeSpan(), p.Closes.ToTimeSpan());
            }
        }

        return result;
    }

    internal List<OpenInterval> Intervals(DateOnly date, IEnumerable<TimePeriod> periods)
    {
        var result = new List<OpenInterval>();
        foreach (var p in periods)
        {
            Add(result, date, p.Opens.ToTimeSpan(), p.Closes.ToTimeSpan());
        }

        return result;
    }

    private void Add(List<OpenInterval> result, DateOnly date, TimeSpan opens, TimeSpan closes)
    {
        var start = LocalTimes.ToInstant(Zone, date, opens);
        var end = LocalTimes.ToInstant(Zone, date, closes);
        if (start < end)
        {
            result.Add(new OpenInterval(start, end));
        }
    }

    /// <summary>Open intervals of consecutive local days, in order, touching ones joined (the last may be cut by the search end).</summary>
    private IEnumerable<OpenInterval> Stream(DateOnly first, int days)
    {
        OpenInterval? pending = null;
        for (var i = 0; i < days; i++)
        {
            foreach (var interval in Intervals(DayOn(first.AddDays(i))))
            {
                if (pending is { } p && interval.Start <= p.End)
                {
                    pending = interval.End > p.End ? p with { End = interval.End } : p;
                    continue;
                }

                if (pending is { } done)
                {
                    yield return done;
                }

                pending = interval;
            }
        }

        if (pending is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The named closures (holidays, outlet closures, special hours) between two local dates, else "outside opening hours".</summary>
    private string ClosedBecause(DateOnly from, DateOnly to)
    {
        var names = new List<string>();
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            var day = DayOn(date);
            if (day.IsNamedException && !names.Contains(day.Describe()))
            {
                names.Add(day.Describe());
            }
        }

        return names.Count switch
        {
            0 => "outside opening hours",
            <= 3 => string.Join(", ", names),
            _ => $"{string.Join(", ", names.Take(3))} and {names.Count - 3} more",
        };
    }

    private DaySchedule Weekly(DateOnly date, DayKind kind, DayOfWeek worksAs, string name) =>
        Schedule(date, kind, worksAs, _weekly[(int)worksAs], name, allDay: _aroundTheClock);

    private static DaySchedule Schedule(DateOnly date, DayKind kind, DayOfWeek worksAs, ImmutableArray<TimePeriod> periods, string name, bool allDay = false) =>
        new() { Date = date, Kind = kind, WorksAs = worksAs, AllDay = allDay, Periods = periods, Name = name };

    private static int RequireSearchDays(int searchDays) =>
        searchDays is >= 1 and <= MaxRangeDays ? searchDays : throw DomainException.Invalid("search_days", $"must be 1 to {MaxRangeDays} (got {searchDays})");

    /// <summary>"today 2027-02-06 (Asia/Shanghai): closed: Spring Festival; 2027-02-07..2027-02-12 (Asia/Shanghai): closed: Spring Festival".</summary>
    private string Passed(List<(DateOnly First, DateOnly Last, string Why)> skipped)
    {
        var lines = skipped.Select((s, i) =>
            $"{(i == 0 ? "today " : string.Empty)}{DateRange.Of(s.First, s.Last)} ({TimeZoneId}): {s.Why}").ToList();
        return lines.Count <= 4 ? string.Join("; ", lines) : $"{string.Join("; ", lines.Take(4))}; and {lines.Count - 4} more";
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes % 60 == 0 && span.TotalMinutes >= 60
        ? $"{span.TotalHours:0.##} h"
        : $"{span.TotalMinutes:0.##} min";

    private static string Amount(TimeSpan span) => span.TotalMinutes < 60 ? $"{span.TotalMinutes:0.##} min" : $"{span.TotalHours:0.##} h";
}
