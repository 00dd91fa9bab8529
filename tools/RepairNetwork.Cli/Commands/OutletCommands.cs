using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;
using DayOfWeek = RepairNetwork.Contracts.V1.DayOfWeek;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn outlets list|show|set-status</c> (business time: <see cref="BusinessTimeCommands"/>).</summary>
internal static class OutletCommands
{
    private const int AllPageSize = 500;

    private static readonly (DayOfWeek Day, string Name)[] Week =
    [
        (DayOfWeek.Monday, "Mon"), (DayOfWeek.Tuesday, "Tue"), (DayOfWeek.Wednesday, "Wed"), (DayOfWeek.Thursday, "Thu"),
        (DayOfWeek.Friday, "Fri"), (DayOfWeek.Saturday, "Sat"), (DayOfWeek.Sunday, "Sun"),
    ];

    public static Command Create(CliApp app)
    {
        var command = new Command("outlets", "List, inspect and open/pause/close outlets; their schedule, closures and special hours")
        {
            List(app),
            Show(app),
            SetStatus(app),
            BusinessTimeCommands.Schedule(app),
            BusinessTimeCommands.Closures(app),
            BusinessTimeCommands.SpecialHours(app),
        };
        command.Aliases.Add("outlet");
        return command;
    }

    private static Command List(CliApp app)
    {
        var status = Names.Choice("--status", "Only outlets in this status", Names.OutletStatuses);
        var capability = new Option<string>("--capability") { Description = "Only outlets offering this capability, e.g. phone.screen" };
        var region = new Option<string>("--region") { Description = "Only outlets in this region (exact match), e.g. CN-23" };
        var pageSize = PageSizeOption();
        var pageToken = new Option<string>("--page-token") { Description = "Continue from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page" };

        var command = new Command("list", "List outlets ordered by id") { status, capability, region, pageSize, pageToken, all };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new OutletService.OutletServiceClient(app.Channel(r));
            var followAll = r.GetValue(all);
            var request = new ListOutletsRequest
            {
                Status = Names.Parse(Names.OutletStatuses, r.GetValue(status), OutletStatus.Unspecified),
                Capability = r.GetValue(capability) ?? string.Empty,
                Region = r.GetValue(region) ?? string.Empty,
                PageSize = r.GetValue(pageSize) is > 0 and var size ? size : followAll ? AllPageSize : 0,
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };

            var table = Tables.New("Id", "Name", "Status", "Region", "Lat", "Lon", "Modes", "Capacity/day", "Capabilities").RightAlign(4, 5, 7, 8);
            var count = 0;
            string next;
            do
            {
                var page = await client.ListOutletsAsync(request, CliApp.Call(ct));
                foreach (var outlet in page.Outlets)
                {
                    table.Row(
                        outlet.OutletId,
                        outlet.Name,
                        Names.Of(outlet.Status),
                        outlet.Region.Length > 0 ? outlet.Region : "-",
                        outlet.Location?.Latitude.ToString("0.0000", CultureInfo.InvariantCulture),
                        outlet.Location?.Longitude.ToString("0.0000", CultureInfo.InvariantCulture),
                        Modes(outlet.ServiceModes),
                        outlet.DailyCapacity.ToString(CultureInfo.InvariantCulture),
                        outlet.Capabilities.Count.ToString(CultureInfo.InvariantCulture));
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            while (followAll && next.Length > 0);

            Tables.PageFooter(table, count, "outlet", "outlets", next);

            return 0;
        }));
        return command;
    }

    private static Command Show(CliApp app)
    {
        var id = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var command = new Command("show", "Show one outlet") { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new OutletService.OutletServiceClient(app.Channel(r));
            var outlet = (await client.GetOutletAsync(new GetOutletRequest { OutletId = r.GetRequiredValue(id) }, CliApp.Call(ct))).Outlet;
            Print(outlet);
            return 0;
        }));
        return command;
    }

    private static Command SetStatus(CliApp app)
    {
        var id = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var status = new Argument<string>("status") { Description = "The new status", HelpName = "open|paused|closed" };
        status.AcceptOnlyFromAmong([.. Names.OutletStatuses.Keys]);
        var reason = new Option<string>("--reason") { Description = "Why, for the audit trail (e.g. stocktake)" };

        var command = new Command("set-status", "Open, pause or close an outlet; paused and closed outlets get no new jobs") { id, status, reason };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new OutletService.OutletServiceClient(app.Channel(r));
            var outlet = (await client.SetOutletStatusAsync(
                new SetOutletStatusRequest
                {
                    OutletId = r.GetRequiredValue(id),
                    Status = Names.OutletStatuses[r.GetRequiredValue(status)],
                    Reason = r.GetValue(reason) ?? string.Empty,
                },
                CliApp.Call(ct))).Outlet;
            Tables.Line($"{outlet.OutletId} is now {Names.Of(outlet.Status)} (version {outlet.Version})");
            return 0;
        }));
        return command;
    }

    internal static Option<int> PageSizeOption()
    {
        var option = new Option<int>("--page-size") { Description = "Items per page, 1-500 (default: the server's, 50)" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 500)
            {
                result.AddError("--page-size must be between 1 and 500");
            }
        });
        return option;
    }

    private static void Print(Outlet outlet)
    {
        Tables.Details(
        [
            ("Outlet", outlet.OutletId),
            ("Name", outlet.Name),
            ("Status", Names.Of(outlet.Status)),
            ("Region", outlet.Region.Length > 0 ? outlet.Region : "none"),
            ("Address", outlet.Address),
            ("Phone", outlet.Phone),
            ("Location", outlet.Location is null ? null : string.Create(CultureInfo.InvariantCulture, $"{outlet.Location.Latitude:0.00000}, {outlet.Location.Longitude:0.00000}")),
            ("Time zone", outlet.OpeningHours?.TimeZone),
            ("Opening hours", Hours(outlet.OpeningHours)),
            ("Holiday calendars", outlet.HolidayCalendarIds.Count == 0 ? "by region only" : $"by region and {string.Join(", ", outlet.HolidayCalendarIds)}"),
            ("Closures", outlet.Closures.Count == 0 ? "none" : string.Join("; ", outlet.Closures.Select(c => $"{BusinessTimeInput.Range(c.FirstDay, c.LastDay)} {c.Reason}"))),
            ("Special hours", outlet.SpecialHours.Count == 0 ? "none" : $"{outlet.SpecialHours.Count} dates (rn outlets special-hours {outlet.OutletId})"),
            ("Service modes", Modes(outlet.ServiceModes)),
            ("On-site radius", outlet.ServiceModes?.OnSite is { } onSite ? $"{Names.Km(onSite.RadiusKm)} km" : null),
            ("Service area", string.IsNullOrEmpty(outlet.ServiceAreaGeojson) ? "none" : $"GeoJSON, {Names.Number(outlet.ServiceAreaGeojson.Length)} characters"),
            ("Daily capacity", outlet.DailyCapacity.ToString(CultureInfo.InvariantCulture)),
            ("Capabilities", string.Join(", ", outlet.Capabilities)),
            ("Version", outlet.Version.ToString(CultureInfo.InvariantCulture)),
            ("Updated", Names.Timestamp(outlet.UpdateTime)),
        ]);
    }

    private static string Modes(ServiceModes? modes)
    {
        if (modes is null)
        {
            return "-";
        }

        var names = new List<string>(3);
        if (modes.CarryIn)
        {
            names.Add("carry-in");
        }

        if (modes.OnSite is not null)
        {
            names.Add("on-site");
        }

        if (modes.MailIn)
        {
            names.Add("mail-in");
        }

        return names.Count == 0 ? "-" : string.Join(", ", names);
    }

    /// <summary>Opening hours with runs of identical days folded, e.g. "Mon-Fri 09:00-18:00; Sat 10:00-16:00".</summary>
    private static string Hours(OpeningHours? hours)
    {
        if (hours is null || hours.Periods.Count == 0)
        {
            return "not published";
        }

        var perDay = Week
            .Select(d => (d.Name, Hours: string.Join(", ", hours.Periods.Where(p => p.Day == d.Day).OrderBy(p => p.Opens, StringComparer.Ordinal).Select(p => $"{p.Opens}-{p.Closes}"))))
            .ToList();

        var parts = new List<string>();
        for (var start = 0; start < perDay.Count;)
        {
            var end = start;
            while (end + 1 < perDay.Count && perDay[end + 1].Hours == perDay[start].Hours)
            {
                end++;
            }

            if (perDay[start].Hours.Length > 0)
            {
                var days = start == end ? perDay[start].Name : $"{perDay[start].Name}-{perDay[end].Name}";
                parts.Add($"{days} {perDay[start].Hours}");
            }

            start = end + 1;
        }

        return string.Join("; ", parts);
    }
}
