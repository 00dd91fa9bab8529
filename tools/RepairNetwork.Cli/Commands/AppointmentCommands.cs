using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn templates list|put|delete</c>, <c>rn slots</c>, <c>rn appointment reschedule|cancel</c> and
/// <c>rn technician day-plan</c>: job templates, the slots an agent offers, and the booked time.
/// Every time is printed in the outlet's zone, with the zone.
/// </summary>
internal static class AppointmentCommands
{
    public static Command Templates(CliApp app)
    {
        var command = new Command("templates", "Job templates: how long a job of each capability takes (headquarters sets them; without one a capability has no appointments)")
        {
            ListTemplates(app),
            PutTemplate(app),
            DeleteTemplate(app),
        };
        command.Aliases.Add("template");
        return command;
    }

    private static Command ListTemplates(CliApp app)
    {
        var command = new Command("list", "List every job template, by capability");
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var response = await Client(app, r).ListJobTemplatesAsync(new ListJobTemplatesRequest(), CliApp.Call(ct));
            var table = TemplateTable();
            foreach (var template in response.Templates)
            {
                TemplateRow(table, template);
            }

            Tables.PageFooter(table, response.Templates.Count, "template", "templates", string.Empty);
            return 0;
        }));
        return command;
    }

    private static Command PutTemplate(CliApp app)
    {
        var capability = new Option<string>("--capability") { Description = "The capability, e.g. tv.panel", Required = true };
        var minutes = new Option<int>("--minutes") { Description = "Standard duration of the work in minutes, 5-720", Required = true };
        var skill = new Option<string>("--skill") { Description = "The certification the technician needs (default: the capability itself)" };
        var buffer = new Option<int>("--buffer") { Description = "On-site: minutes kept free after each visit (packing up, parking), 0-240" };
        var parts = new Option<string[]>("--part") { Description = "A part the job usually needs, SKU or SKU:QUANTITY (repeatable)", HelpName = "SKU[:QTY]" };
        parts.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (OrderCommands.ParsePart(value) is null)
                {
                    result.AddError($"--part '{value}' must be SKU or SKU:QUANTITY with a quantity of at least 1");
                }
            }
        });
        var command = new Command("put", "Set a capability's job template (headquarters); replaces the one it had, putting the same again changes nothing")
        {
            capability, minutes, skill, buffer, parts,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var stored = (await Client(app, r).PutJobTemplateAsync(
                new PutJobTemplateRequest
                {
                    Template = new JobTemplate
                    {
                        Capability = r.GetRequiredValue(capability),
                        DurationMinutes = r.GetValue(minutes),
                        Skill = r.GetValue(skill) ?? string.Empty,
                        TravelBufferMinutes = r.GetValue(buffer),
                        DefaultParts = { (r.GetValue(parts) ?? []).Select(p => OrderCommands.ParsePart(p)!) },
                    },
                },
                CliApp.Call(ct))).Template;
            var table = TemplateTable();
            TemplateRow(table, stored);
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command DeleteTemplate(CliApp app)
    {
        var capability = new Argument<string>("capability") { Description = "The capability whose template goes" };
        var command = new Command("delete", "Remove a capability's job template (headquarters): its jobs go back to the outlet's day count; booked appointments stay") { capability };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var name = r.GetRequiredValue(capability);
            var deleted = (await Client(app, r).DeleteJobTemplateAsync(new DeleteJobTemplateRequest { Capability = name }, CliApp.Call(ct))).Deleted;
            Tables.Line(deleted ? $"template of {name} deleted" : $"{name} had no template: nothing changed");
            return 0;
        }));
        return command;
    }

    public static Command Slots(CliApp app)
    {
        var lat = new Option<double>("--lat") { Description = "Customer latitude in degrees", Required = true };
        var lon = new Option<double>("--lon") { Description = "Customer longitude in degrees", Required = true };
        var capability = new Option<string>("--capability") { Description = "Capability the repair needs, e.g. phone.screen (it must have a job template)", Required = true };
        var modes = new Dictionary<string, ServiceMode> { ["carry-in"] = ServiceMode.CarryIn, ["on-site"] = ServiceMode.OnSite };
        var mode = Names.Choice("--mode", "carry-in: 30-minute drop-off slots at the outlet; on-site: arrival windows at the customer's", modes, defaultValue: "carry-in");
        var from = DateOption("--from", "First local date to search, YYYY-MM-DD in each outlet's zone (default: today)");
        var to = DateOption("--to", "Last local date to search, YYYY-MM-DD (default: 7 days from --from; at most 31)");
        var limit = new Option<int>("--limit") { Description = "How many slots, 1-50", DefaultValueFactory = _ => 10 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 50)
            {
                result.AddError("--limit must be between 1 and 50");
            }
        });

        var command = new Command("slots", "The earliest free appointment slots near a customer, to offer on the phone; book one with 'rn order create ... --slot SLOT_ID'")
        {
            lat, lon, capability, mode, from, to, limit,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var response = await Client(app, r).FindSlotsAsync(
                new FindSlotsRequest
                {
                    Location = new LatLng { Latitude = r.GetValue(lat), Longitude = r.GetValue(lon) },
                    Capability = r.GetRequiredValue(capability),
                    ServiceMode = modes[r.GetValue(mode) ?? "carry-in"],
                    FromDate = r.GetValue(from) ?? string.Empty,
                    ToDate = r.GetValue(to) ?? string.Empty,
                    PageSize = r.GetValue(limit),
                },
                CliApp.Call(ct));
            PrintSlots(response);
            return 0;
        }));
        return command;
    }

    public static Command Appointment(CliApp app)
    {
        var command = new Command("appointment", "Move or cancel an order's appointment (headquarters, the call center, or the outlet holding the order)")
        {
            Reschedule(app),
            Cancel(app),
        };
        command.Aliases.Add("appointments");
        return command;
    }

    private static Command Reschedule(CliApp app)
    {
        var id = OrderCommands.IdArgument();
        var slot = new Option<string>("--slot") { Description = "The new slot, from 'rn slots'; it must be at the outlet holding the order", Required = true, HelpName = "slot-id" };
        var command = new Command("reschedule", "Move an order's appointment to another slot of the same outlet; the old time is freed only once the new one is booked") { id, slot };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var order = (await Client(app, r).RescheduleAppointmentAsync(
                new RescheduleAppointmentRequest { OrderId = r.GetRequiredValue(id), SlotId = r.GetRequiredValue(slot) },
                CliApp.Call(ct))).Order;
            Tables.Details(
            [
                ("Order", order.OrderId),
                ("Status", Names.Of(order.Status)),
                ("Appointment", Describe(order.Appointment)),
                ("Technician", order.Appointment is { } a ? $"{a.TechnicianId}, {Planned(a)}" : null),
                ("Revision", order.Revision.ToString(CultureInfo.InvariantCulture)),
            ]);
            return 0;
        }));
        return command;
    }

    private static Command Cancel(CliApp app)
    {
        var id = OrderCommands.IdArgument();
        var reason = new Option<string>("--reason") { Description = "Why, e.g. \"customer will call back\"", Required = true };
        var command = new Command("cancel", "Cancel an order's appointment and free its time; the order itself stays (cancel it with 'rn order cancel')") { id, reason };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var order = (await Client(app, r).CancelAppointmentAsync(
                new CancelAppointmentRequest { OrderId = r.GetRequiredValue(id), Reason = r.GetRequiredValue(reason) },
                CliApp.Call(ct))).Order;
            Tables.Details(
            [
                ("Order", order.OrderId),
                ("Status", Names.Of(order.Status)),
                ("Appointment", "none: the time is free again"),
                ("Revision", order.Revision.ToString(CultureInfo.InvariantCulture)),
            ]);
            return 0;
        }));
        return command;
    }

    public static Command DayPlan(CliApp app)
    {
        var outlet = new Option<string>("--outlet") { Description = "The technician's outlet", Required = true };
        var technician = new Option<string>("--technician") { Description = "The technician", Required = true };
        var date = DateOption("--date", "Local date, YYYY-MM-DD in the outlet's zone (default: its today)");
        var command = new Command("day-plan", "A technician's appointments on one day, in order: arrival windows, planned start and end, travel between stops") { outlet, technician, date };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var plan = await Client(app, r).GetTechnicianDayPlanAsync(
                new GetTechnicianDayPlanRequest { OutletId = r.GetRequiredValue(outlet), TechnicianId = r.GetRequiredValue(technician), Date = r.GetValue(date) ?? string.Empty },
                CliApp.Call(ct));
            PrintDayPlan(plan);
            return 0;
        }));
        return command;
    }

    /// <summary>
    /// An appointment as an agent reads it out: "Thu 2026-12-03 16:00-18:00 (Asia/Shanghai), on-site
    /// arrival window at CN-SHA-0001".
    /// </summary>
    internal static string? Describe(Appointment? appointment)
    {
        if (appointment is null)
        {
            return null;
        }

        var kind = appointment.ServiceMode == ServiceMode.OnSite ? "on-site arrival window" : "carry-in drop-off";
        return $"{Day(appointment.LocalDate)} {appointment.LocalWindow} ({appointment.TimeZone}), {kind} at {appointment.OutletId}";
    }

    /// <summary>When the technician plans to work: "planned 16:25-19:40 (Asia/Shanghai)".</summary>
    internal static string Planned(Appointment appointment) =>
        $"planned {Local(appointment.PlannedStartTime, appointment.TimeZone)}-{Local(appointment.PlannedEndTime, appointment.TimeZone)} ({appointment.TimeZone}), work and buffer";

    private static void PrintSlots(FindSlotsResponse response)
    {
        if (response.Slots.Count == 0)
        {
            Tables.Line($"no free slot at the {response.OutletsExamined} nearest capable outlets in the range");
        }
        else
        {
            var first = response.Slots[0];
            // Nearly always one zone (a search covers one city's outlets): say it once, keep the table narrow.
            var oneZone = response.Slots.All(s => s.TimeZone == first.TimeZone);
            var what = first.ServiceMode == ServiceMode.OnSite ? "arrival windows at the customer's" : "drop-off slots at the outlet";
            var zones = oneZone ? $"times in {first.TimeZone}" : "times local to each outlet's zone";
            Tables.Line(string.Create(CultureInfo.InvariantCulture, $"{what}, {first.DurationMinutes} min of work; {zones}"));
            string[] headers = oneZone
                ? ["#", "Date", "Window", "Outlet", "Name", "Km", "Techs", "Slot id"]
                : ["#", "Date", "Window", "Zone", "Outlet", "Name", "Km", "Techs", "Slot id"];
            var table = Tables.New(headers);
            var km = Array.IndexOf(headers, "Km");
            table.RightAlign(0, km, km + 1);
            // The slot id is copied into --slot and the time read out: never broken across lines.
            foreach (var column in new[] { 1, 2, km - 2, headers.Length - 1 })
            {
                table.Columns[column].NoWrap();
            }

            var rank = 0;
            foreach (var slot in response.Slots)
            {
                string?[] cells =
                [
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    Day(slot.LocalDate),
                    slot.LocalWindow,
                    slot.TimeZone,
                    slot.OutletId,
                    slot.OutletName,
                    Names.Km(slot.DistanceKm),
                    slot.TechniciansAvailable.ToString(CultureInfo.InvariantCulture),
                    slot.SlotId,
                ];
                string?[] row = oneZone ? [.. cells.Take(3), .. cells.Skip(4)] : cells;
                Tables.Row(table, row);
            }

            AnsiConsole.Write(table);
        }

        if (response.OutletsWithoutSlots.Count > 0)
        {
            Tables.Line("Nearer outlets without slots:");
            var table = Tables.New("Outlet", "Name", "Km", "Why").RightAlign(2);
            foreach (var outlet in response.OutletsWithoutSlots)
            {
                table.Row(outlet.OutletId, outlet.OutletName, Names.Km(outlet.DistanceKm), outlet.Reason);
            }

            AnsiConsole.Write(table);
        }

        Tables.Line(string.Create(CultureInfo.InvariantCulture, $"{response.Slots.Count} slots from {response.OutletsExamined} outlets examined; book one with: rn order create ... --slot SLOT_ID"));
    }

    private static void PrintDayPlan(GetTechnicianDayPlanResponse plan)
    {
        var zone = plan.TimeZone;
        Tables.Line($"{plan.TechnicianId} on {Day(plan.Date)}; times in {zone}");
        if (plan.Visits.Count > 0)
        {
            var table = Tables.New("#", "Order", "Mode", "Window", "Planned start", "Planned end", "Travel km", "Travel min", "Where").RightAlign(0, 6, 7);
            var stop = 0;
            foreach (var visit in plan.Visits)
            {
                var a = visit.Appointment;
                table.Row(
                    (++stop).ToString(CultureInfo.InvariantCulture),
                    visit.OrderId,
                    a is null ? null : Names.Of(a.ServiceMode),
                    a?.LocalWindow,
                    a is null ? null : Local(a.PlannedStartTime, zone),
                    a is null ? null : Local(a.PlannedEndTime, zone),
                    Names.Km(visit.TravelKm),
                    visit.TravelMinutes.ToString(CultureInfo.InvariantCulture),
                    visit.Location is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.Latitude:0.0000}, {l.Longitude:0.0000}") : null);
            }

            AnsiConsole.Write(table);
        }

        var share = plan.ScheduledMinutes > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({100.0 * plan.BookedMinutes / plan.ScheduledMinutes:0}%)") : string.Empty;
        Tables.Line(string.Create(
            CultureInfo.InvariantCulture,
            $"{plan.Visits.Count switch { 0 => "no visits booked", 1 => "1 visit", var n => $"{n} visits" }}; booked {Hours(plan.BookedMinutes)} of {Hours(plan.ScheduledMinutes)} scheduled{share}; travel {plan.Visits.Sum(v => v.TravelKm):0.0} km, {plan.Visits.Sum(v => v.TravelMinutes)} min"));
    }

    private static Table TemplateTable() =>
        Tables.New("Capability", "Minutes", "Skill", "On-site buffer min", "Usual parts").RightAlign(1, 3);

    private static void TemplateRow(Table table, JobTemplate template) =>
        table.Row(
            template.Capability,
            template.DurationMinutes.ToString(CultureInfo.InvariantCulture),
            template.Skill.Length == 0 || template.Skill == template.Capability ? template.Capability : template.Skill,
            template.TravelBufferMinutes.ToString(CultureInfo.InvariantCulture),
            template.DefaultParts.Count == 0 ? "-" : string.Join(", ", template.DefaultParts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Sku} x{p.Quantity}"))));

    private static Option<string> DateOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "YYYY-MM-DD" };
        option.Validators.Add(result =>
        {
            if (!DateOnly.TryParseExact(result.GetValueOrDefault<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError($"{name} must be a date written YYYY-MM-DD");
            }
        });
        return option;
    }

    /// <summary>"2026-12-03" as "Thu 2026-12-03": agents book by weekday as often as by date.</summary>
    private static string Day(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? $"{day.DayOfWeek.ToString()[..3]} {date}"
            : date;

    /// <summary>A time of day in an IANA zone, "HH:mm"; the UTC time with its Z when the zone is unknown here.</summary>
    private static string Local(Google.Protobuf.WellKnownTypes.Timestamp? time, string zone)
    {
        if (time is null)
        {
            return "-";
        }

        try
        {
            return TimeZoneInfo.ConvertTime(time.ToDateTimeOffset(), TimeZoneInfo.FindSystemTimeZoneById(zone)).ToString("HH:mm", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return time.ToDateTimeOffset().ToString("HH:mm'Z'", CultureInfo.InvariantCulture);
        }
    }

    private static string Hours(int minutes) => minutes switch
    {
        < 60 => $"{minutes} min",
        _ when minutes % 60 == 0 => $"{minutes / 60} h",
        _ => string.Create(CultureInfo.InvariantCulture, $"{minutes / 60} h {minutes % 60:00} min"),
    };

    private static AppointmentService.AppointmentServiceClient Client(CliApp app, ParseResult r) => new(app.Channel(r));
}
