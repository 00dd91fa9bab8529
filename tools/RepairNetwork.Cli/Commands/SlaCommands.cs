using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn sla events</c>: offers, declines, lapsed offers, missed deadlines and escalations in a period.</summary>
internal static class SlaCommands
{
    public static Command Create(CliApp app) => new("sla", "Service-level events: offers, declines, lapsed offers, missed deadlines, escalations")
    {
        Events(app),
    };

    private static Command Events(CliApp app)
    {
        var region = new Option<string>("--region") { Description = "A region (\"_\" for orders no outlet could take)" };
        var outlet = new Option<string>("--outlet") { Description = "Only this outlet's events (instead of --region)" };
        var from = Names.InstantOption("--from", "Start of the period, inclusive (ISO 8601; UTC unless an offset is given)", required: true);
        var to = Names.InstantOption("--to", "End of the period, exclusive, at most 31 days after --from (default: now)");
        var actions = new Option<string[]>("--action") { Description = "Only these actions (repeatable)", HelpName = string.Join('|', Names.ServiceActions.Keys) };
        actions.AcceptOnlyFromAmong([.. Names.ServiceActions.Keys]);
        var pageSize = OutletCommands.PageSizeOption();
        var pageToken = new Option<string>("--page-token") { Description = "Continue from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page" };

        var command = new Command("events", "List service-level events of a region or an outlet in a period, oldest first")
        {
            region, outlet, from, to, actions, pageSize, pageToken, all,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(region) is { Length: > 0 }) == (result.GetValue(outlet) is { Length: > 0 }))
            {
                result.AddError("give either --region <region> or --outlet <id>");
            }
        });
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new ServiceLevelService.ServiceLevelServiceClient(app.Channel(r));
            var followAll = r.GetValue(all);
            var request = new ListServiceEventsRequest
            {
                Region = r.GetValue(region) ?? string.Empty,
                OutletId = r.GetValue(outlet) ?? string.Empty,
                StartTime = Timestamp.FromDateTimeOffset(Names.ParseInstant(r.GetRequiredValue(from))!.Value),
                EndTime = Timestamp.FromDateTimeOffset(r.GetValue(to) is { } end ? Names.ParseInstant(end)!.Value : DateTimeOffset.UtcNow),
                PageSize = r.GetValue(pageSize),
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };
            request.Actions.AddRange((r.GetValue(actions) ?? []).Select(a => Names.ServiceActions[a]));

            var table = Tables.New("Time", "Order", "Rev", "Action", "Outlet", "Region", "Detail").RightAlign(2);
            var count = 0;
            string next;
            do
            {
                var page = await client.ListServiceEventsAsync(request, CliApp.Call(ct));
                foreach (var e in page.Events)
                {
                    table.Row(
                        Names.Timestamp(e.Time),
                        e.OrderId,
                        e.OrderRevision.ToString(CultureInfo.InvariantCulture),
                        Names.Of(e.Action),
                        e.OutletId,
                        e.Region,
                        e.Detail);
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            while (followAll && next.Length > 0);

            Tables.PageFooter(table, count, "event", "events", next);
            return 0;
        }));
        return command;
    }
}
