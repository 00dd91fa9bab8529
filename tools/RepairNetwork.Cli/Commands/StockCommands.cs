using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn stock show|adjust</c>: spare-part stock per outlet.</summary>
internal static class StockCommands
{
    public static Command Create(CliApp app) => new("stock", "Show and adjust an outlet's spare-part stock")
    {
        Show(app),
        Adjust(app),
    };

    private static Command Show(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var skus = new Option<string[]>("--sku") { Description = "Only these SKUs (repeatable)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("show", "Show an outlet's stock, ordered by SKU") { outlet, skus };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var request = new GetOutletInventoryRequest { OutletId = r.GetRequiredValue(outlet) };
            request.Skus.AddRange(r.GetValue(skus) ?? []);
            var response = await client.GetOutletInventoryAsync(request, CliApp.Call(ct));

            if (response.Items.Count == 0)
            {
                Tables.Line($"{response.OutletId}: no stock recorded (version {response.Version})");
                return 0;
            }

            var table = Tables.New("SKU", "On hand", "Reserved", "Available", "Updated").RightAlign(1, 2, 3);
            foreach (var level in response.Items)
            {
                table.Row(
                    level.Sku,
                    level.OnHand.ToString(CultureInfo.InvariantCulture),
                    level.Reserved.ToString(CultureInfo.InvariantCulture),
                    level.Available.ToString(CultureInfo.InvariantCulture),
                    Names.Timestamp(level.UpdateTime));
            }

            AnsiConsole.Write(table);
            Tables.Line($"{response.OutletId}: {response.Items.Count} {(response.Items.Count == 1 ? "SKU" : "SKUs")}, version {response.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Adjust(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var sku = new Option<string>("--sku") { Description = "The part's SKU", Required = true };
        var kind = Names.Choice("--kind", "receive: add; count: set to a physical count; consume / write-off: remove", Names.StockKinds, required: true);
        var quantity = new Option<int>("--quantity") { Description = "Units", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why, for the ledger", Required = true };
        var key = new Option<string>("--key") { Description = "Idempotency key; reuse the one printed by a failed attempt to retry safely (default: a new GUID)" };

        var command = new Command("adjust", "Receive, count, consume or write off stock of one SKU") { outlet, sku, kind, quantity, reason, key };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var idempotencyKey = Tables.IdempotencyKey(r.GetValue(key), "idempotency key", "--key");

            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var response = await client.AdjustStockAsync(
                new AdjustStockRequest
                {
                    OutletId = r.GetRequiredValue(outlet),
                    Sku = r.GetRequiredValue(sku),
                    Kind = Names.StockKinds[r.GetRequiredValue(kind)],
                    Quantity = r.GetValue(quantity),
                    Reason = r.GetRequiredValue(reason),
                    IdempotencyKey = idempotencyKey,
                },
                CliApp.Call(ct));

            var level = response.Level;
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"{level.Sku}: on hand {level.OnHand}, reserved {level.Reserved}, available {level.Available}{(response.Replayed ? " (replayed: this key was already applied; nothing changed)" : string.Empty)}"));
            return 0;
        }));
        return command;
    }
}
