using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Domain.Appointments;

/// <summary>The dates a slot search covers: explicit, or from each outlet's own today.</summary>
[GenerateSerializer, Alias("rn.SlotRange"), Immutable]
public sealed record SlotRange
{
    /// <summary>First local date; null: the outlet's today.</summary>
    [Id(0)] public DateOnly? From { get; init; }

    /// <summary>Last local date; null: <see cref="AppointmentPolicy.DefaultRangeDays"/> from the first.</summary>
    [Id(1)] public DateOnly? To { get; init; }

    /// <summary>Validates the caller's dates (fields <c>from_date</c>, <c>to_date</c>); <paramref name="now"/> judges "in the past".</summary>
    public static SlotRange Create(DateOnly? from, DateOnly? to, DateTimeOffset now, AppointmentPolicy policy)
    {
        // The earliest local date anywhere on earth right now (UTC-12): older dates are past everywhere.
        var earliestToday = DateOnly.FromDateTime(now.UtcDateTime.AddHours(-12));
        if (to is { } last && last < earliestToday)
        {
            throw DomainException.Invalid("to_date", $"{last:yyyy-MM-dd} is in the past; slots are searched from today on");
        }

        if (from is { } first && to is { } end)
        {
            if (end < first)
            {
                throw DomainException.Invalid("to_date", $"must not be before from_date ({end:yyyy-MM-dd} < {first:yyyy-MM-dd})");
            }

            var days = end.DayNumber - first.DayNumber + 1;
            if (days > policy.MaxRangeDays)
            {
                throw DomainException.Invalid("to_date", $"the range may cover at most {policy.MaxRangeDays} days ({first:yyyy-MM-dd} to {end:yyyy-MM-dd} is {days})");
            }
        }

        if (from is { } start && start.DayNumber > earliestToday.DayNumber + 400)
        {
            throw DomainException.Invalid("from_date", $"must be within 400 days (got {start:yyyy-MM-dd})");
        }

        return new SlotRange { From = from, To = to };
    }

    /// <summary>The dates at one outlet, whose today is <paramref name="today"/>; never before it, at most the policy's maximum.</summary>
    public (DateOnly First, DateOnly Last) At(DateOnly today, AppointmentPolicy policy)
    {
        var first = From is { } f && f > today ? f : today;
        var last = To ?? (From ?? today).AddDays(policy.DefaultRangeDays - 1);
        var cap = (From ?? today).AddDays(policy.MaxRangeDays - 1);
        return (first, last < cap ? last : cap);
    }
}

/// <summary>What slot planning needs of one outlet: its place, business time, roster and the appointments it holds.</summary>
public sealed record OutletAgenda
{
    public required string OutletId { get; init; }

    public required string OutletName { get; init; }

    public required GeoPoint Location { get; init; }

    public required BusinessCalendar Calendar { get; init; }

    public required IReadOnlyList<TechnicianProfile> Technicians { get; init; }

    /// <summary>Appointments still taking time (<see cref="Appointment.IsActive"/>).</summary>
    public required IReadOnlyCollection<Appointment> Booked { get; init; }
}

/// <summary>A slot search or booking: the job, where, how, and now.</summary>
public sealed record SlotQuery
{
    public required JobTemplate Template { get; init; }

    public required ServiceMode Mode { get; init; }

    /// <summary>The customer.</summary>
    public required GeoPoint Location { get; init; }

    public required DateTimeOffset Now { get; init; }
}

/// <summary>One slot an outlet can offer, with the technician who would take it.</summary>
[GenerateSerializer, Alias("rn.SlotOption"), Immutable]
public sealed record SlotOption
{
    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required ServiceMode Mode { get; init; }

    [Id(2)] public required DateTimeOffset WindowStart { get; init; }

    [Id(3)] public required DateTimeOffset WindowEnd { get; init; }

    [Id(4)] public required DateOnly LocalDate { get; init; }

    [Id(5)] public required string LocalWindow { get; init; }

    [Id(6)] public required string TimeZoneId { get; init; }

    [Id(7)] public required int TechniciansAvailable { get; init; }

    /// <summary>The technician a booking now would take, and when the work would start.</summary>
    [Id(8)] public required string TechnicianId { get; init; }

    [Id(9)] public required DateTimeOffset PlannedStart { get; init; }

    public string SlotId => SlotIds.Format(OutletId, Mode, WindowStart);

    /// <summary>e.g. "2026-12-03 16:00-18:00 (Asia/Shanghai)".</summary>
    public string Describe() => $"{LocalDate:yyyy-MM-dd} {LocalWindow} ({TimeZoneId})";
}

/// <summary>An outlet's answer to a slot search: its earliest slots, or why it has none.</summary>
[GenerateSerializer, Alias("rn.OutletSlots"), Immutable]
public sealed record OutletSlots
{
    [Id(0)] public required ImmutableArray<SlotOption> Slots { get; init; }

    /// <summary>Why there are none, in words an agent can read out; empty when there are slots.</summary>
    [Id(1)] public required string Reason { get; init; }
}

/// <summary>
/// Bookable time, the one place its rules live. A technician's bookable time on a day is their working
/// time (shifts within the outlet's open hours, none on leave or holidays: <see cref="TechnicianSchedule"/>)
/// less their appointments. Windows start at each open period's start and every
/// <see cref="AppointmentPolicy.StepFor"/> after, and must end within the period. A technician can take
/// a window when the job can start inside it: after the previous appointment ends plus travel from
/// there (the outlet at the start of a working stretch), finishing (with the on-site buffer) and
/// travelling on to the next appointment before it starts, within the working stretch. The work
/// starts at the earliest such moment.
/// </summary>
public static class SlotPlanner
{
    /// <summary>
    /// Which dispatch refusals also bar appointments: the outlet's standing rules (paused, closed, mode,
    /// area, capability, turned down, parts). Not the day count, the service day or the response
    /// promise: an appointment books time on its own day and is itself the promise; technicians are
    /// judged per day by the slots themselves.
    /// </summary>
    public static bool BarsAppointments(Dispatch.UnavailabilityCode code) => code is not (
        Dispatch.UnavailabilityCode.CapacityFullToday or Dispatch.UnavailabilityCode.NoServiceDay
        or Dispatch.UnavailabilityCode.CannotRespondInTime or Dispatch.UnavailabilityCode.NoCertifiedTechnicianOnShift);

    /// <summary>Appointments are for carry-in and on-site work; a parcel has no time to keep.</summary>
    public static void RequireMode(ServiceMode mode, string field)
    {
        if (mode is not (ServiceMode.CarryIn or ServiceMode.OnSite))
        {
            throw DomainException.Invalid(field, "appointments are for carry-in (drop-off slots) or on-site (arrival windows) work; mail-in has none");
        }
    }

    /// <summary>
    /// What an agent is offered from several outlets' answers (<paramref name="distancesKm"/> in the same
    /// order): earliest first, then nearest, at most <paramref name="max"/> ("today 16:00 at A, 3.2 km;
    /// tomorrow 10:00 at B, 1.1 km"). With several outlets offering, none fills the answer alone (each
    /// keeps at least <see cref="AppointmentPolicy.SlotsPerOutlet"/>); a lone outlet may.
    /// </summary>
    /// <returns>Each slot with the index of the outlet whose answer it came from.</returns>
    public static ImmutableArray<(SlotOption Slot, int Outlet)> Offer(IReadOnlyList<OutletSlots> answers, IReadOnlyList<double> distancesKm, int max, AppointmentPolicy policy)
    {
        var offering = answers.Count(a => !a.Slots.IsEmpty);
        var perOutlet = offering <= 1 ? max : Math.Max(policy.SlotsPerOutlet, max / offering);
        return [.. answers.SelectMany((a, i) => a.Slots.Take(perOutlet).Select(s => (Slot: s, Outlet: i)))
            .OrderBy(x => x.Slot.WindowStart).ThenBy(x => distancesKm[x.Outlet]).Take(max)];
    }

    /// <summary>The earliest slots of one outlet within <paramref name="range"/>, at most <paramref name="max"/>.</summary>
    public static OutletSlots Find(OutletAgenda outlet, SlotQuery query, SlotRange range, int max, AppointmentPolicy policy)
    {
        var (first, last) = range.At(outlet.Calendar.LocalDate(query.Now), policy);
        var slots = Search(outlet, query, first, last, max, policy, outlet.Booked);
        return slots.Count > 0
            ? new OutletSlots { Slots = [.. slots], Reason = string.Empty }
            : new OutletSlots { Slots = [], Reason = WhyNone(outlet, query, first, last, policy) };
    }

    /// <summary>
    /// Books the window starting at <paramref name="windowStart"/> for an order: the technician who can
    /// start earliest (then the one with the least booked that day). Refusals name the field
    /// <paramref name="field"/>: a past slot or one that is no slot start is INVALID_ARGUMENT; outside
    /// the outlet's hours, or taken, FAILED_PRECONDITION with the next free slots.
    /// </summary>
    public static Appointment Book(OutletAgenda outlet, SlotQuery query, string orderId, DateTimeOffset windowStart, AppointmentPolicy policy, string field)
    {
        var calendar = outlet.Calendar;
        var described = calendar.Describe(windowStart);
        if (windowStart < query.Now)
        {
            throw DomainException.Invalid(field, $"the slot starting {described} is in the past (now {calendar.Describe(query.Now)})");
        }

        var date = calendar.LocalDate(windowStart);
        var windows = Windows(calendar, date, query.Mode, policy).ToList();
        if (!windows.Any(w => w.Start == windowStart))
        {
            var day = calendar.DayOn(date);
            if (!calendar.OpenIntervalsOn(date).Any(i => i.Contains(windowStart)))
            {
                throw DomainException.Precondition(
                    $"{field}: {described} is outside {outlet.OutletName}'s opening hours ({DescribeHours(day)} on {date:yyyy-MM-dd}, {calendar.TimeZoneId})");
            }

            throw DomainException.Invalid(field,
                $"{described} is not a slot start: {SlotIds.ModeName(query.Mode)} slots at {outlet.OutletId} start at {string.Join(", ", windows.Take(4).Select(w => Appointment.Window(calendar, w.Start, w.End)))}… that day; use one FindSlots returned");
        }

        var window = windows.First(w => w.Start == windowStart);
        var option = Evaluate(outlet, query, date, window, policy, outlet.Booked);
        if (option is null && Evaluate(outlet, query, date, window, policy, Array.Empty<Appointment>()) is null)
        {
            // Never free, not taken: say why rather than "no longer free".
            var skill = query.Template.Skill;
            var working = outlet.Technicians.Any(t => t.CanWorkOn(skill, date)
                && t.Schedule.WorkingIntervalsOn(calendar, date).Any(i => i.Start < window.End && i.End > window.Start));
            throw DomainException.Precondition(
                $"{field}: the slot {Appointment.Window(calendar, window.Start, window.End)} on {date:yyyy-MM-dd} ({calendar.TimeZoneId}) at {outlet.OutletId} cannot be booked: " +
                (working
                    ? $"a job of {Minutes(query.Template.Duration)} would not end within the working time of the technicians at work then"
                    : $"no technician certified for '{skill}' works then"));
        }

        if (option is null)
        {
            var next = Search(outlet, query, date, date.AddDays(policy.DefaultRangeDays - 1), 3, policy, outlet.Booked);
            var alternatives = next.Count == 0
                ? $"none in the {policy.DefaultRangeDays} days from {date:yyyy-MM-dd}"
                : string.Join("; ", next.Select(s => $"{s.Describe()} as {s.SlotId}"));
            throw DomainException.Precondition($"{field}: the slot {Appointment.Window(calendar, window.Start, window.End)} on {date:yyyy-MM-dd} ({calendar.TimeZoneId}) at {outlet.OutletId} is no longer free; next free: {alternatives}");
        }

        return new Appointment
        {
            OrderId = orderId,
            OutletId = outlet.OutletId,
            TechnicianId = option.TechnicianId,
            Mode = query.Mode,
            WindowStart = window.Start,
            WindowEnd = window.End,
            PlannedStart = option.PlannedStart,
            PlannedEnd = option.PlannedStart + query.Template.TimeBooked(query.Mode == ServiceMode.OnSite),
            Location = WorkPlace(outlet, query),
            TimeZoneId = calendar.TimeZoneId,
            LocalDate = date,
            LocalWindow = option.LocalWindow,
            HeldAt = query.Now,
            Confirmed = false,
        };
    }

    /// <summary>
    /// Moves an appointment to another window of the same outlet: its own time does not count as taken,
    /// and nothing changes when the new window cannot be booked (the exception says why).
    /// </summary>
    public static Appointment Move(OutletAgenda outlet, SlotQuery query, Appointment current, DateTimeOffset windowStart, AppointmentPolicy policy, string field)
    {
        if (current.WindowStart == windowStart)
        {
            return current;
        }

        var others = outlet with { Booked = [.. outlet.Booked.Where(a => a.OrderId != current.OrderId)] };
        return Book(others, query, current.OrderId, windowStart, policy, field) with { Confirmed = current.Confirmed };
    }

    /// <summary>Where the work happens: the customer's place on site, otherwise the outlet.</summary>
    public static GeoPoint WorkPlace(OutletAgenda outlet, SlotQuery query) => query.Mode == ServiceMode.OnSite ? query.Location : outlet.Location;

    /// <summary>A technician's appointments on a local date, in order, with the travel before each.</summary>
    public static ImmutableArray<PlannedVisit> DayPlan(OutletAgenda outlet, string technicianId, DateOnly date, AppointmentPolicy policy)
    {
        var visits = ImmutableArray.CreateBuilder<PlannedVisit>();
        var from = outlet.Location;
        foreach (var appointment in outlet.Booked.Where(a => a.TechnicianId == technicianId && a.LocalDate == date).OrderBy(a => a.PlannedStart))
        {
            visits.Add(new PlannedVisit { Appointment = appointment, TravelKm = from == appointment.Location ? 0 : policy.RoadKm(from, appointment.Location), Travel = policy.Travel(from, appointment.Location) });
            from = appointment.Location;
        }

        return visits.ToImmutable();
    }

    /// <summary>Minutes a technician works on a local date (their schedule within the outlet's hours).</summary>
    public static TimeSpan ScheduledTime(OutletAgenda outlet, TechnicianProfile technician, DateOnly date) =>
        technician.Schedule.WorkingIntervalsOn(outlet.Calendar, date).Aggregate(TimeSpan.Zero, (sum, i) => sum + i.Duration);

    private static List<SlotOption> Search(OutletAgenda outlet, SlotQuery query, DateOnly first, DateOnly last, int max, AppointmentPolicy policy, IReadOnlyCollection<Appointment> booked)
    {
        var found = new List<SlotOption>();
        for (var date = first; date <= last && found.Count < max; date = date.AddDays(1))
        {
            List<TechnicianDay>? technicians = null;
            foreach (var window in Windows(outlet.Calendar, date, query.Mode, policy))
            {
                if (window.Start < query.Now)
                {
                    continue;
                }

                technicians ??= DayOf(outlet, query, date, booked);
                if (technicians.Count == 0)
                {
                    break; // nobody who can do the job works that day
                }

                if (Evaluate(outlet, query, date, window, policy, technicians) is { } option)
                {
                    found.Add(option);
                    if (found.Count == max)
                    {
                        break;
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The windows offered on a local date: from each open period's start, every step, ending within the period.</summary>
    private static IEnumerable<OpenInterval> Windows(BusinessCalendar calendar, DateOnly date, ServiceMode mode, AppointmentPolicy policy)
    {
        var length = policy.WindowFor(mode);
        var step = policy.StepFor(mode);
        foreach (var open in calendar.OpenIntervalsOn(date))
        {
            for (var start = open.Start; start + length <= open.End; start += step)
            {
                yield return new OpenInterval(start, start + length);
            }
        }
    }

    /// <summary>One technician's day as the windows of that day are judged: working time, appointments in order, time booked.</summary>
    private sealed record TechnicianDay(string TechnicianId, ImmutableArray<OpenInterval> Working, List<Appointment> Appointments, TimeSpan Booked);

    /// <summary>The day of every technician who can do the job on <paramref name="date"/>, worked out once for all its windows.</summary>
    private static List<TechnicianDay> DayOf(OutletAgenda outlet, SlotQuery query, DateOnly date, IReadOnlyCollection<Appointment> booked)
    {
        var days = new List<TechnicianDay>();
        foreach (var technician in outlet.Technicians)
        {
            if (!technician.CanWorkOn(query.Template.Skill, date))
            {
                continue;
            }

            var working = technician.Schedule.WorkingIntervalsOn(outlet.Calendar, date);
            if (working.IsEmpty)
            {
                continue;
            }

            var theirs = booked.Where(a => a.TechnicianId == technician.TechnicianId).OrderBy(a => a.PlannedStart).ToList();
            var load = theirs.Where(a => a.LocalDate == date).Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Block.Duration);
            days.Add(new TechnicianDay(technician.TechnicianId, working, theirs, load));
        }

        return days;
    }

    private static SlotOption? Evaluate(OutletAgenda outlet, SlotQuery query, DateOnly date, OpenInterval window, AppointmentPolicy policy, IReadOnlyCollection<Appointment> booked) =>
        Evaluate(outlet, query, date, window, policy, DayOf(outlet, query, date, booked));

    private static SlotOption? Evaluate(OutletAgenda outlet, SlotQuery query, DateOnly date, OpenInterval window, AppointmentPolicy policy, List<TechnicianDay> technicians)
    {
        var place = WorkPlace(outlet, query);
        var need = query.Template.TimeBooked(query.Mode == ServiceMode.OnSite);
        var available = 0;
        (DateTimeOffset Start, TimeSpan Booked, string Id)? best = null;
        foreach (var day in technicians)
        {
            if (EarliestStart(day.Working, day.Appointments, outlet.Location, place, window, need, policy) is not { } start)
            {
                continue;
            }

            available++;
            if (best is not { } b || start < b.Start || (start == b.Start && (day.Booked < b.Booked || (day.Booked == b.Booked && string.CompareOrdinal(day.TechnicianId, b.Id) < 0))))
            {
                best = (start, day.Booked, day.TechnicianId);
            }
        }

        return best is not { } chosen ? null : new SlotOption
        {
            OutletId = outlet.OutletId,
            Mode = query.Mode,
            WindowStart = window.Start,
            WindowEnd = window.End,
            LocalDate = date,
            LocalWindow = Appointment.Window(outlet.Calendar, window.Start, window.End),
            TimeZoneId = outlet.Calendar.TimeZoneId,
            TechniciansAvailable = available,
            TechnicianId = chosen.Id,
            PlannedStart = chosen.Start,
        };
    }

    /// <summary>
    /// The earliest moment in <paramref name="window"/> a technician can start a job of <paramref name="need"/>
    /// at <paramref name="place"/>, walking the gaps between their appointments within each working stretch.
    /// </summary>
    private static DateTimeOffset? EarliestStart(IReadOnlyList<OpenInterval> working, IReadOnlyList<Appointment> appointments, GeoPoint outletPlace, GeoPoint place, OpenInterval window, TimeSpan need, AppointmentPolicy policy)
    {
        foreach (var stretch in working)
        {
            if (stretch.End <= window.Start || stretch.Start >= window.End)
            {
                continue;
            }

            var freeFrom = stretch.Start;
            var from = outletPlace;
            foreach (var next in appointments.Where(a => a.PlannedEnd > stretch.Start && a.PlannedStart < stretch.End).Append(null))
            {
                var gapEnd = next?.PlannedStart ?? stretch.End;
                var onward = next is null ? TimeSpan.Zero : policy.Travel(place, next.Location);
                var start = Max(window.Start, freeFrom + policy.Travel(from, place));
                if (start < window.End && start + need + onward <= gapEnd)
                {
                    return start;
                }

                if (next is null)
                {
                    break;
                }

                freeFrom = Max(freeFrom, next.PlannedEnd);
                from = next.Location;
            }
        }

        return null;
    }

    /// <summary>Why an outlet has no slot in the range, most basic reason first.</summary>
    private static string WhyNone(OutletAgenda outlet, SlotQuery query, DateOnly first, DateOnly last, AppointmentPolicy policy)
    {
        var calendar = outlet.Calendar;
        var dates = first == last ? $"on {first:yyyy-MM-dd}" : $"from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}";
        var zone = calendar.TimeZoneId;
        if (last < first)
        {
            return $"the dates asked for are before today at {outlet.OutletId} ({first:yyyy-MM-dd}, {zone})";
        }

        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays).ToList();
        if (days.All(d => calendar.DayOn(d).IsClosed))
        {
            var why = days.Select(d => calendar.DayOn(d).Describe()).Distinct().ToList();
            return $"{outlet.OutletName} is closed {dates} ({zone}): {(why.Count <= 3 ? string.Join(", ", why) : $"{string.Join(", ", why.Take(3))} and {why.Count - 3} more")}";
        }

        var skill = query.Template.Skill;
        var certified = days
            .Any(d => outlet.Technicians.Any(t => t.CanWorkOn(skill, d) && t.Schedule.IsWorkingOn(calendar, d)));
        if (!certified)
        {
            return outlet.Technicians.Any(t => t.CanWorkOn(skill, first) || t.CanWorkOn(skill, last))
                ? $"no technician certified for '{skill}' works {dates} ({zone})"
                : $"no technician certified for '{skill}'";
        }

        if (Search(outlet, query, first, last, 1, policy, []) is { Count: 0 })
        {
            if (Search(outlet, query with { Now = DateTimeOffset.MinValue }, first, last, 1, policy, []) is { Count: > 0 })
            {
                return $"no slot {dates} starts after now ({calendar.Describe(query.Now)})";
            }

            return query.Mode == ServiceMode.OnSite
                ? $"a visit of {Minutes(query.Template.Duration)} with {Minutes(policy.Travel(outlet.Location, query.Location))} of travel from the outlet ({policy.RoadKm(outlet.Location, query.Location):0.0} km by road) fits no technician's working time {dates} ({zone})"
                : $"a job of {Minutes(query.Template.Duration)} fits no technician's working time after a drop-off slot {dates} ({zone})";
        }

        return $"fully booked {dates} ({zone})";
    }

    private static string Minutes(TimeSpan time) => $"{time.TotalMinutes:0} min";

    private static string DescribeHours(DaySchedule day) => day.IsClosed ? $"closed: {day.Describe()}" : day.AllDay ? "open all day" : string.Join(", ", day.Periods);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>One visit of a technician's day, with the travel to it from the previous stop.</summary>
[GenerateSerializer, Alias("rn.PlannedVisit"), Immutable]
public sealed record PlannedVisit
{
    [Id(0)] public required Appointment Appointment { get; init; }

    [Id(1)] public required double TravelKm { get; init; }

    [Id(2)] public required TimeSpan Travel { get; init; }
}
