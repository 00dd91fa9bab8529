using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn part create|find</c>: headquarters' catalog of genuine parts, and where one is in stock nearby.</summary>
internal static class PartCommands
{
    public static Command Create(CliApp app) => new("part", "Headquarters' catalog of genuine spare parts")
    {
        CreatePart(app),
        Find(app),
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

    private static Command Find(CliApp app)
    {
        var lat = new Option<double>("--lat") { Description = "Latitude where the part is needed, in degrees", Required = true };
        var lon = new Option<double>("--lon") { Description = "Longitude where the part is needed, in degrees", Required = true };
        var sku = new Option<string>("--sku") { Description = "The part's SKU", Required = true };
        var limit = new Option<int>("--limit") { Description = "How many outlets, 1-50", DefaultValueFactory = _ => 5 };
        var maxKm = new Option<double>("--max-km") { Description = "Only outlets within this distance in km (0: no limit)" };

        var command = new Command("find", "Find the outlets nearest to a location that have a part available (on hand minus reserved), e.g. to request a transfer from")
        {
            lat, lon, sku, limit, maxKm,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new LocatorService.LocatorServiceClient(app.Channel(r));
            var response = await client.FindPartAsync(
                new FindPartRequest
                {
                    Location = new LatLng { Latitude = r.GetValue(lat), Longitude = r.GetValue(lon) },
                    Sku = r.GetRequiredValue(sku),
                    Limit = r.GetValue(limit),
                    MaxDistanceKm = r.GetValue(maxKm),
                },
                CliApp.Call(ct));

            if (response.Outlets.Count == 0)
            {
                Tables.Line("no outlet within reach has it available");
            }
            else
            {
                var table = Tables.New("#", "Outlet", "Name", "Distance km", "Available", "Phone", "Address").RightAlign(0, 3, 4);
                var rank = 0;
                foreach (var outlet in response.Outlets)
                {
                    table.Row(
                        (++rank).ToString(CultureInfo.InvariantCulture),
                        outlet.OutletId,
                        outlet.Name,
                        Names.Km(outlet.DistanceKm),
                        outlet.Available.ToString(CultureInfo.InvariantCulture),
                        outlet.Phone,
                        outlet.Address);
                }

                AnsiConsole.Write(table);
            }

            Tables.Line($"{Names.Number(response.OutletsExamined)} outlets examined, index version {response.IndexVersion}");
            if (response.SearchBounded)
            {
                // The server stops at a fixed number of outlets; say so rather than imply there is no more stock.
                Tables.Line("the search stopped at its bound: outlets farther away may have it too");
            }

            return 0;
        }));
        return command;
    }
}
