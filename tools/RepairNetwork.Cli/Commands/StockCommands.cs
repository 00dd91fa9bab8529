using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn stock show|adjust|movements|reorder-point|alerts|sync</c>: spare-part stock per outlet.</summary>
internal static class StockCommands
{
    public static Command Create(CliApp app) => new("stock", "Show and adjust an outlet's spare-part stock, its ledger, reorder points, alerts and counts")
    {
        Show(app),
        Adjust(app),
        Movements(app),
        ReorderPoint(app),
        Alerts(app),
        Sync(app),
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

    private static Command Movements(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var sku = new Option<string>("--sku") { Description = "Only this SKU's movements" };
        var limit = new Option<int>("--limit") { Description = "Movements per page, 1-500 (default: the server's, 50)" };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 500)
            {
                result.AddError("--limit must be between 1 and 500");
            }
        });
        var pageToken = new Option<string>("--page-token") { Description = "Continue with older movements from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page, back to the first movement" };

        var command = new Command("movements", "List an outlet's stock ledger, newest first: every adjustment, reservation, release, consumption and transfer")
        {
            outlet, sku, limit, pageToken, all,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var request = new ListStockMovementsRequest
            {
                OutletId = r.GetRequiredValue(outlet),
                Sku = r.GetValue(sku) ?? string.Empty,
                PageSize = r.GetValue(limit),
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };

            var table = Tables.New("#", "Time", "SKU", "Kind", "Qty", "On hand Δ", "On hand", "Reserved", "Reason", "Order / key")
                .RightAlign(0, 4, 5, 6, 7);
            var count = 0;
            string next;
            do
            {
                var page = await client.ListStockMovementsAsync(request, CliApp.Call(ct));
                foreach (var m in page.Movements)
                {
                    table.Row(
                        m.Sequence.ToString(CultureInfo.InvariantCulture),
                        Names.Timestamp(m.CreateTime),
                        m.Sku,
                        Names.Of(m.Kind),
                        m.Quantity.ToString(CultureInfo.InvariantCulture),
                        m.OnHandDelta.ToString("+0;-0;0", CultureInfo.InvariantCulture),
                        m.OnHandAfter.ToString(CultureInfo.InvariantCulture),
                        m.ReservedAfter.ToString(CultureInfo.InvariantCulture),
                        m.Reason,
                        m.OrderId.Length > 0 ? m.OrderId : m.IdempotencyKey);
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            while (r.GetValue(all) && next.Length > 0);

            Tables.PageFooter(table, count, "movement", "movements", next);
            return 0;
        }));
        return command;
    }

    private static Command ReorderPoint(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var sku = new Option<string>("--sku") { Description = "The part's SKU", Required = true };
        var point = new Option<int>("--point") { Description = "Low when available is at or below this (0-1000000)", Required = true };
        var quantity = new Option<int>("--quantity") { Description = "Units to reorder when low (1-1000000)", Required = true };

        var command = new Command("reorder-point", "Set when a SKU is low at an outlet and how many to reorder; a LOW_STOCK alert fires once per crossing (see 'rn stock alerts')")
        {
            outlet, sku, point, quantity,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var response = await client.SetReorderPointAsync(
                new SetReorderPointRequest
                {
                    OutletId = r.GetRequiredValue(outlet),
                    Sku = r.GetRequiredValue(sku),
                    ReorderPoint = r.GetValue(point),
                    ReorderQuantity = r.GetValue(quantity),
                },
                CliApp.Call(ct));

            var level = response.Level;
            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"{level.Sku}: reorder point {response.ReorderPoint}, reorder quantity {response.ReorderQuantity}; available {level.Available} (on hand {level.OnHand}, reserved {level.Reserved}){(response.LowStock ? ": LOW, reorder now" : string.Empty)}"));
            return 0;
        }));
        return command;
    }

    private static Command Alerts(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id")
        {
            Description = "The outlet whose alerts to follow; omit for the whole network's feed (headquarters only)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var after = new Option<long>("--after") { HelpName = "sequence", Description = "The last sequence already handled: print only later alerts (default: every alert still kept)" };
        after.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 0)
            {
                result.AddError("--after must not be negative");
            }
        });

        var command = new Command(
            "alerts",
            "Print low-stock and recovered alerts as they happen, one line each with its sequence, until Ctrl+C; resume with --after <last sequence>. "
            + "Sequences are per outlet, or of the network feed when no outlet is given")
        {
            outlet, after,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var last = r.GetValue(after);
            using var call = client.WatchStockAlerts(
                new WatchStockAlertsRequest { OutletId = r.GetValue(outlet) ?? string.Empty, AfterSequence = last },
                cancellationToken: ct);
            try
            {
                await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
                {
                    var a = message.Alert;
                    last = a.Sequence;
                    Console.WriteLine(string.Create( // never wrapped: one line per alert
                        CultureInfo.InvariantCulture,
                        $"#{a.Sequence,-4} {Names.Timestamp(a.CreateTime)}  {a.OutletId,-12} {Names.Of(a.Kind),-9} {a.Sku}  available {a.Available}, on hand {a.OnHand}, reorder point {a.ReorderPoint}{(a.Kind == StockAlertKind.LowStock ? string.Create(CultureInfo.InvariantCulture, $", reorder {a.ReorderQuantity}") : string.Empty)}"));
                }
            }
            catch (Exception ex) when (ct.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Tell the user where to pick up before CliApp.Guard reports the cancellation.
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resume with --after {last}"));
                throw;
            }

            return 0;
        }));
        return command;
    }

    private static Command Sync(CliApp app)
    {
        var outlet = new Argument<string>("outlet-id") { Description = "The outlet's id" };
        var file = new Argument<FileInfo>("counts.csv") { Description = "The physical count: lines of sku,on_hand (a header line 'sku,on_hand' is optional)" };
        var syncId = new Option<string>("--sync-id")
        {
            Description = "Your id for this count, 1-64 characters of A-Z, a-z, 0-9, '-', '_', '.': the same id with the same counts replays the first answer and changes nothing",
            Required = true,
        };

        var command = new Command(
            "sync",
            "Apply a full physical count: each listed SKU's on hand becomes its count; SKUs not listed keep their stock (list a SKU as 0 to zero it). "
            + "Prints where the count differed from the books. Retrying with the same --sync-id is safe: it replays")
        {
            outlet, file, syncId,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var csv = r.GetRequiredValue(file);
            if (!csv.Exists)
            {
                throw new CliException($"{csv.FullName}: no such file");
            }

            List<StockCount> counts;
            using (var reader = csv.OpenText())
            {
                counts = StockInput.ParseCounts(reader, csv.Name);
            }

            var id = r.GetRequiredValue(syncId);
            Tables.Line($"sync id: {id} (to retry safely, pass the same --sync-id)");
            var client = new InventoryService.InventoryServiceClient(app.Channel(r));
            var request = new SyncStockCountRequest { OutletId = r.GetRequiredValue(outlet), SyncId = id };
            request.Counts.AddRange(counts);
            var response = await client.SyncStockCountAsync(request, CliApp.Call(ct));

            if (response.Differences.Count > 0)
            {
                var table = Tables.New("SKU", "Expected", "Counted", "Delta").RightAlign(1, 2, 3);
                foreach (var d in response.Differences)
                {
                    table.Row(
                        d.Sku,
                        d.Expected.ToString(CultureInfo.InvariantCulture),
                        d.Counted.ToString(CultureInfo.InvariantCulture),
                        d.Delta.ToString("+0;-0;0", CultureInfo.InvariantCulture));
                }

                AnsiConsole.Write(table);
            }

            Tables.Line(string.Create(
                CultureInfo.InvariantCulture,
                $"{response.CountedSkus} {(response.CountedSkus == 1 ? "SKU" : "SKUs")} counted, {response.Differences.Count} differed from the books, version {response.Version}{(response.Replayed ? " (replayed: this sync id was already applied; nothing changed)" : string.Empty)}"));
            return 0;
        }));
        return command;
    }
}
