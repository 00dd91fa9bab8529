using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn outlets schedule|closures|special-hours</c> and <c>rn technician shifts</c>: an outlet's days
/// and the business time an outlet keeps itself. Every date is local to the outlet's zone.
/// </summary>
internal static class BusinessTimeCommands
{
    public static Command Schedule(CliApp app)
    {
        var id = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var from = new Option<string>("--from") { Description = "First day, YYYY-MM-DD in the outlet's zone (default: its today)" };
        var days = new Option<int>("--days") { Description = "Number of days, 1-62 (default 14)" };
        var command = new Command("schedule", "Show an outlet's days: hours, and what decided them (holiday, closure, special hours, make-up workday)") { id, from, days };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new CalendarService.CalendarServiceClient(app.Channel(r));
            var schedule = await client.GetOutletScheduleAsync(
                new GetOutletScheduleRequest { OutletId = r.GetRequiredValue(id), FirstDay = r.GetValue(from) ?? string.Empty, Days = r.GetValue(days) },
                CliApp.Call(ct));
            PrintSchedule(schedule);
            return 0;
        }));
        return command;
    }

    public static Command Closures(CliApp app)
    {
        var id = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var add = new Option<string[]>("--add") { Description = "Close FIRST..LAST:REASON or DAY:REASON, e.g. 2027-03-01..2027-03-02:stocktake (repeatable)", HelpName = "range:reason" };
        var remove = new Option<string[]>("--remove") { Description = "Remove the closure starting on this day (repeatable)", HelpName = "first-day" };
        var command = new Command("closures", "Show, add or remove an outlet's own closures (the outlet or headquarters)") { id, add, remove };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var outlet = await ChangeOutlet(app, r, r.GetRequiredValue(id), "closures", o =>
            {
                var removed = r.GetValue(remove) ?? [];
                Require(removed.All(day => o.Closures.Any(c => c.FirstDay == day)), $"--remove: no closure starts on {string.Join(", ", removed.Where(day => o.Closures.All(c => c.FirstDay != day)))}");
                var kept = o.Closures.Where(c => !removed.Contains(c.FirstDay)).ToList();
                kept.AddRange((r.GetValue(add) ?? []).Select(a => BusinessTimeInput.DatedReason(a, "--add")).Select(a => new OutletClosure { FirstDay = a.First, LastDay = a.Last, Reason = a.Reason }));
                o.Closures.Clear();
                o.Closures.AddRange(kept);
            }, ct);
            var table = Tables.New("Dates", "Reason");
            foreach (var closure in outlet.Closures)
            {
                table.Row(BusinessTimeInput.Range(closure.FirstDay, closure.LastDay), closure.Reason);
            }

            Tables.PageFooter(table, outlet.Closures.Count, "closure", "closures", string.Empty);
            Tables.Line($"dates are local to {outlet.OpeningHours?.TimeZone}");
            return 0;
        }));
        return command;
    }

    public static Command SpecialHours(CliApp app)
    {
        var id = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var set = new Option<string[]>("--set") { Description = "Hours on a date: 'DATE HH:MM-HH:MM[,HH:MM-HH:MM]:REASON' or 'DATE closed:REASON' (repeatable; replaces that date's)", HelpName = "special" };
        var remove = new Option<string[]>("--remove") { Description = "Remove the special hours of this date (repeatable)", HelpName = "date" };
        var command = new Command("special-hours", "Show, set or remove an outlet's hours on given dates, which replace its weekly hours (and holidays) that day") { id, set, remove };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var outlet = await ChangeOutlet(app, r, r.GetRequiredValue(id), "special_hours", o =>
            {
                var given = (r.GetValue(set) ?? []).Select(s => BusinessTimeInput.Special(s, "--set")).ToList();
                var removed = r.GetValue(remove) ?? [];
                var kept = o.SpecialHours.Where(s => !removed.Contains(s.Date) && given.All(g => g.Date != s.Date)).ToList();
                kept.AddRange(given);
                o.SpecialHours.Clear();
                o.SpecialHours.AddRange(kept.OrderBy(s => s.Date, StringComparer.Ordinal));
            }, ct);
            var table = Tables.New("Date", "Hours", "Reason");
            foreach (var special in outlet.SpecialHours)
            {
                table.Row(special.Date, special.Periods.Count == 0 ? "closed" : string.Join(", ", special.Periods.Select(p => $"{p.Opens}-{p.Closes}")), special.Reason);
            }

            Tables.PageFooter(table, outlet.SpecialHours.Count, "date with special hours", "dates with special hours", string.Empty);
            Tables.Line($"dates and times are local to {outlet.OpeningHours?.TimeZone}");
            return 0;
        }));
        return command;
    }

    public static Command Technician(CliApp app)
    {
        var command = new Command("technician", "A technician's weekly shifts and leave, and the day's appointments");
        command.Aliases.Add("technicians");
        command.Subcommands.Add(Shifts(app));
        command.Subcommands.Add(AppointmentCommands.DayPlan(app));
        return command;
    }

    private static Command Shifts(CliApp app)
    {
        var id = new Argument<string>("technician-id") { Description = "The technician's id" };
        var set = new Option<string[]>("--set") { Description = "Weekly pattern 'DAYS HH:MM-HH:MM[,...]', e.g. 'Mon-Fri 09:00-18:00' (repeatable; replaces the whole pattern)", HelpName = "pattern" };
        var clear = new Option<bool>("--clear") { Description = "No pattern: works whenever the outlet is open" };
        var leave = new Option<string[]>("--leave") { Description = "Add leave FIRST..LAST:REASON or DAY:REASON (repeatable)", HelpName = "range:reason" };
        var removeLeave = new Option<string[]>("--remove-leave") { Description = "Remove the leave starting on this day (repeatable)", HelpName = "first-day" };
        var command = new Command("shifts", "Show or change a technician's weekly shifts and leave, in the outlet's local time") { id, set, clear, leave, removeLeave };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new TechnicianService.TechnicianServiceClient(app.Channel(r));
            var technician = (await client.GetTechnicianAsync(new GetTechnicianRequest { TechnicianId = r.GetRequiredValue(id) }, CliApp.Call(ct))).Technician;
            var patterns = r.GetValue(set) ?? [];
            var added = r.GetValue(leave) ?? [];
            var removed = r.GetValue(removeLeave) ?? [];
            if (patterns.Length > 0 || r.GetValue(clear) || added.Length > 0 || removed.Length > 0)
            {
                var change = technician.Clone();
                if (patterns.Length > 0 || r.GetValue(clear))
                {
                    change.Shifts.Clear();
                    change.Shifts.AddRange(patterns.SelectMany(p => BusinessTimeInput.Pattern(p, "--set")));
                }

                Require(removed.All(day => change.Leave.Any(l => l.FirstDay == day)), "--remove-leave: no leave starts on one of the given days");
                var keptLeave = change.Leave.Where(l => !removed.Contains(l.FirstDay)).ToList();
                keptLeave.AddRange(added.Select(a => BusinessTimeInput.DatedReason(a, "--leave")).Select(a => new LeavePeriod { FirstDay = a.First, LastDay = a.Last, Reason = a.Reason }));
                change.Leave.Clear();
                change.Leave.AddRange(keptLeave);
                technician = (await client.UpdateTechnicianAsync(
                    new UpdateTechnicianRequest { Technician = change, UpdateMask = new FieldMask { Paths = { "shifts", "leave" } } },
                    CliApp.Call(ct))).Technician;
            }

            Tables.Details(
            [
                ("Technician", technician.TechnicianId),
                ("Outlet", technician.OutletId),
                ("Shifts", technician.Shifts.Count == 0 ? "no pattern: works whenever the outlet is open" : BusinessTimeInput.Fold(technician.Shifts)),
                ("Leave", technician.Leave.Count == 0 ? "none" : string.Join("; ", technician.Leave.Select(l => $"{BusinessTimeInput.Range(l.FirstDay, l.LastDay)} {l.Reason}"))),
                ("Available", technician.OnShift ? "yes" : "no (taken off every shift)"),
                ("Version", technician.Version.ToString(CultureInfo.InvariantCulture)),
            ]);
            return 0;
        }));
        return command;
    }

    /// <summary>Reads the outlet, applies the change to one field and stores it if nobody changed the outlet meanwhile; no change given: only reads.</summary>
    private static async Task<Outlet> ChangeOutlet(CliApp app, ParseResult r, string outletId, string field, Action<Outlet> change, CancellationToken ct)
    {
        var client = new OutletService.OutletServiceClient(app.Channel(r));
        var current = (await client.GetOutletAsync(new GetOutletRequest { OutletId = outletId }, CliApp.Call(ct))).Outlet;
        var changed = current.Clone();
        change(changed);
        if (changed.Equals(current))
        {
            return current;
        }

        return (await client.UpdateOutletAsync(
            new UpdateOutletRequest { Outlet = changed, UpdateMask = new FieldMask { Paths = { field } }, ExpectedVersion = current.Version },
            CliApp.Call(ct))).Outlet;
    }

    private static void PrintSchedule(GetOutletScheduleResponse schedule)
    {
        var now = schedule.OpenNow
            ? "open now"
            : schedule.ClosedReason.Length > 0 ? schedule.ClosedReason : "closed";
        Tables.Line($"{now}; dates and times in {schedule.TimeZone}");
        if (schedule.HolidayCalendarIds.Count > 0)
        {
            Tables.Line($"holiday calendars: {string.Join(", ", schedule.HolidayCalendarIds)}");
        }

        var table = Tables.New("Date", "Day", "Hours", "Note");
        foreach (var day in schedule.Days)
        {
            var weekday = DateOnly.TryParseExact(day.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date.DayOfWeek.ToString()[..3]
                : string.Empty;
            table.Row(day.Date, weekday, day.Periods.Count == 0 ? "closed" : string.Join(", ", day.Periods.Select(p => $"{p.Opens}-{p.Closes}")), day.Note);
        }

        Tables.PageFooter(table, schedule.Days.Count, "day", "days", string.Empty);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new CliException(message);
        }
    }
}
