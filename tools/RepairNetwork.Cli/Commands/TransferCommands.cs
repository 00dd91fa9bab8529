using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn transfer request|ship|receive|cancel|show|list</c>: spare parts moving between outlets.</summary>
internal static class TransferCommands
{
    public static Command Create(CliApp app) => new("transfer", "Move spare parts between outlets: request, ship (stock leaves the source), receive (stock arrives), or cancel before shipping")
    {
        Request(app),
        Step(app, "ship", "The source outlet ships: every line leaves its stock (never what is reserved for repair orders); retrying is safe",
            async (client, id, ct) => (await client.ShipTransferAsync(new ShipTransferRequest { TransferId = id }, CliApp.Call(ct))).Transfer),
        Step(app, "receive", "The destination outlet receives a shipped transfer: every line is added to its stock; retrying is safe",
            async (client, id, ct) => (await client.ReceiveTransferAsync(new ReceiveTransferRequest { TransferId = id }, CliApp.Call(ct))).Transfer),
        Cancel(app),
        Show(app),
        List(app),
    };

    private static Argument<string> IdArgument() => new("transfer-id") { Description = "The transfer's id" };

    private static Command Request(CliApp app)
    {
        var id = new Option<string>("--id") { Description = "The transfer's id, 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.'; reuse the one printed by a failed attempt to retry safely (default: a new GUID)" };
        var from = new Option<string>("--from") { Description = "The outlet the parts come from", Required = true };
        var to = new Option<string>("--to") { Description = "The outlet the parts go to", Required = true };
        var lines = new Option<string[]>("--line")
        {
            Description = "A part and how many, SKU:QTY (repeatable, each SKU once)",
            HelpName = "SKU:QTY",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        lines.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (StockInput.ParseLine(value) is null)
                {
                    result.AddError($"--line '{value}' must be SKU:QTY with a whole quantity of at least 1, e.g. SCR-X200:2");
                }
            }
        });
        var order = new Option<string>("--order") { Description = "The repair order the parts are for" };
        var reason = new Option<string>("--reason") { Description = "Why, e.g. \"screen for RO-123\"", Required = true };

        var command = new Command("request", "Request a transfer of parts from one outlet to another; nothing moves until it ships")
        {
            id, from, to, lines, order, reason,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var transferId = Tables.IdempotencyKey(r.GetValue(id), "transfer id", "--id");
            var client = new TransferService.TransferServiceClient(app.Channel(r));
            var request = new RequestTransferRequest
            {
                TransferId = transferId,
                FromOutletId = r.GetRequiredValue(from),
                ToOutletId = r.GetRequiredValue(to),
                OrderId = r.GetValue(order) ?? string.Empty,
                Reason = r.GetRequiredValue(reason),
            };
            request.Lines.AddRange(r.GetRequiredValue(lines).Select(l => StockInput.ParseLine(l)!));
            var response = await client.RequestTransferAsync(request, CliApp.Call(ct));
            Print(response.Transfer, steps: false);
            return 0;
        }));
        return command;
    }

    /// <summary>A step that takes only the transfer id and answers with the transfer.</summary>
    private static Command Step(
        CliApp app,
        string name,
        string description,
        Func<TransferService.TransferServiceClient, string, CancellationToken, Task<StockTransfer>> call)
    {
        var id = IdArgument();
        var command = new Command(name, description) { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new TransferService.TransferServiceClient(app.Channel(r));
            Print(await call(client, r.GetRequiredValue(id), ct), steps: false);
            return 0;
        }));
        return command;
    }

    private static Command Cancel(CliApp app)
    {
        var id = IdArgument();
        var reason = new Option<string>("--reason") { Description = "Why", Required = true };
        var command = new Command("cancel", "Cancel a transfer that has not shipped (one that began shipping puts back what it took); retrying is safe") { id, reason };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new TransferService.TransferServiceClient(app.Channel(r));
            var response = await client.CancelTransferAsync(
                new CancelTransferRequest { TransferId = r.GetRequiredValue(id), Reason = r.GetRequiredValue(reason) },
                CliApp.Call(ct));
            Print(response.Transfer, steps: false);
            return 0;
        }));
        return command;
    }

    private static Command Show(CliApp app)
    {
        var id = IdArgument();
        var command = new Command("show", "Show one transfer with every step taken") { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new TransferService.TransferServiceClient(app.Channel(r));
            var response = await client.GetTransferAsync(new GetTransferRequest { TransferId = r.GetRequiredValue(id) }, CliApp.Call(ct));
            Print(response.Transfer, steps: true);
            return 0;
        }));
        return command;
    }

    private static Command List(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet whose outgoing and incoming transfers to list" };
        var pageSize = OutletCommands.PageSizeOption();
        var pageToken = new Option<string>("--page-token") { Description = "Continue from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page" };

        var command = new Command("list", "List an outlet's outgoing and incoming transfers, oldest request first") { outlet, pageSize, pageToken, all };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new TransferService.TransferServiceClient(app.Channel(r));
            var request = new ListTransfersRequest
            {
                OutletId = r.GetRequiredValue(outlet),
                PageSize = r.GetValue(pageSize),
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };

            var table = Tables.New("Transfer", "Requested", "Status", "From", "To", "Lines", "Order", "Reason");
            var count = 0;
            string next;
            do
            {
                var page = await client.ListTransfersAsync(request, CliApp.Call(ct));
                foreach (var t in page.Transfers)
                {
                    table.Row(t.TransferId, Names.Timestamp(t.RequestTime), Status(t), t.FromOutletId, t.ToOutletId, Lines(t), t.OrderId, t.Reason);
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            while (r.GetValue(all) && next.Length > 0);

            Tables.PageFooter(table, count, "transfer", "transfers", next);
            return 0;
        }));
        return command;
    }

    private static void Print(StockTransfer t, bool steps)
    {
        var rows = new List<(string, string?)>
        {
            ("Transfer", t.TransferId),
            ("Status", Status(t)),
            ("From", t.FromOutletId),
            ("To", t.ToOutletId),
            ("Lines", Lines(t)),
            ("Order", t.OrderId),
            ("Reason", t.Reason),
            ("Requested", Names.Timestamp(t.RequestTime)),
        };
        if (t.ShipTime is not null)
        {
            rows.Add(("Shipped", Names.Timestamp(t.ShipTime)));
        }

        if (t.ReceiveTime is not null)
        {
            rows.Add(("Received", Names.Timestamp(t.ReceiveTime)));
        }

        if (t.CancelTime is not null)
        {
            rows.Add(("Cancelled", Names.Timestamp(t.CancelTime)));
        }

        Tables.Details(rows);
        if (steps && t.Steps.Count > 0)
        {
            var table = Tables.New("Time", "Status", "By", "Note");
            foreach (var step in t.Steps)
            {
                table.Row(Names.Timestamp(step.Time), Names.Of(step.Status), step.Actor, step.Note);
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Status(StockTransfer t) =>
        t.ShippingInProgress ? $"{Names.Of(t.Status)}, shipping in progress (retry ship, or cancel to put back what it took)" : Names.Of(t.Status);

    private static string Lines(StockTransfer t) =>
        string.Join(", ", t.Lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku}:{l.Quantity}")));
}
