using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn part create</c>: adds a genuine part to headquarters' catalog.</summary>
internal static class PartCommands
{
    public static Command Create(CliApp app) => new("part", "Headquarters' catalog of genuine spare parts")
    {
        CreatePart(app),
    };

    private static Command CreatePart(CliApp app)
    {
        var sku = new Argument<string>("sku") { Description = "The SKU, e.g. SCR-X200: letters, digits, '-', '_', '.'" };
        var name = new Option<string>("--name") { Description = "Name shown to outlets and customers", Required = true };
        var category = new Option<string>("--category") { Description = "Product category the part is for, e.g. phone", Required = true };
        var models = new Option<string[]>("--model") { Description = "A product model the part fits (repeatable; none: every model of the category)" };
        var mainPart = new Option<bool>("--main-part") { Description = "A main part (mainboard, display panel, compressor), covered by the longer main-part warranty" };
        var price = new Option<long>("--price") { Description = "List price of one unit in minor units (fen, cents), e.g. 12000 for 120.00", Required = true };
        price.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() is < 0 or > 100_000_000)
            {
                result.AddError("--price must be 0-100000000 minor units");
            }
        });
        var currency = new Option<string>("--currency") { Description = "ISO 4217 currency", DefaultValueFactory = _ => "CNY" };

        var command = new Command("create", "Add a part to the catalog; only catalog parts may be quoted or fitted (repeating it with identical content is harmless)")
        {
            sku, name, category, models, mainPart, price, currency,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var part = new Part
            {
                Sku = r.GetRequiredValue(sku),
                Name = r.GetRequiredValue(name),
                Category = r.GetRequiredValue(category),
                MainPart = r.GetValue(mainPart),
                UnitPrice = new Money { CurrencyCode = r.GetValue(currency) ?? string.Empty, UnitsMinor = r.GetValue(price) },
            };
            part.CompatibleModels.AddRange(r.GetValue(models) ?? []);

            var client = new PartsCatalogService.PartsCatalogServiceClient(app.Channel(r));
            var stored = (await client.CreatePartAsync(new CreatePartRequest { Part = part }, CliApp.Call(ct))).Part;
            Tables.Details(
            [
                ("Part", stored.Sku),
                ("Name", stored.Name),
                ("Category", stored.Category),
                ("Fits", stored.CompatibleModels.Count == 0 ? "every model of the category" : string.Join(", ", stored.CompatibleModels)),
                ("Main part", Names.YesNo(stored.MainPart)),
                ("Price", Names.Money(stored.UnitPrice?.UnitsMinor ?? 0, stored.UnitPrice?.CurrencyCode ?? string.Empty)),
                ("Version", stored.Version.ToString(CultureInfo.InvariantCulture)),
            ]);
            return 0;
        }));
        return command;
    }
}
