using System.CommandLine;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn catalog show|put</c>: the capabilities and product categories orders may name.</summary>
internal static class CatalogCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("catalog", "Show or set the network's capability and product-category catalog")
        {
            Show(app),
            Put(app),
        };
        return command;
    }

    private static Command Show(CliApp app)
    {
        var command = new Command("show", "List the valid capabilities and product categories");
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var catalog = (await new CatalogService.CatalogServiceClient(app.Channel(r)).GetCapabilityCatalogAsync(new GetCapabilityCatalogRequest(), CliApp.Call(ct))).Catalog;
            Tables.Line($"capabilities: {(catalog.Capabilities.Count == 0 ? "any (no catalog set)" : string.Join(" ", catalog.Capabilities))}");
            Tables.Line($"categories:   {(catalog.Categories.Count == 0 ? "any (no catalog set)" : string.Join(" ", catalog.Categories))}");
            Tables.Line($"version {catalog.Version}");
            return 0;
        }));
        return command;
    }

    private static Command Put(CliApp app)
    {
        var capabilities = new Option<string[]>("--capability") { Description = "A capability, e.g. phone.screen (repeatable; the whole list is replaced)", HelpName = "name", AllowMultipleArgumentsPerToken = true };
        var categories = new Option<string[]>("--category") { Description = "A product category, e.g. phone (repeatable; the whole list is replaced)", HelpName = "name", AllowMultipleArgumentsPerToken = true };
        var expectedVersion = new Option<long>("--expected-version") { Description = "Store only if the catalog is still at this version (0: no check)" };
        var command = new Command("put", "Replace the catalog (headquarters); putting the same lists again changes nothing")
        {
            capabilities, categories, expectedVersion,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var request = new PutCapabilityCatalogRequest
            {
                Catalog = new CapabilityCatalog { Capabilities = { r.GetValue(capabilities) ?? [] }, Categories = { r.GetValue(categories) ?? [] } },
                ExpectedVersion = r.GetValue(expectedVersion),
            };
            var stored = (await new CatalogService.CatalogServiceClient(app.Channel(r)).PutCapabilityCatalogAsync(request, CliApp.Call(ct))).Catalog;
            Tables.Line($"catalog version {stored.Version}: {stored.Capabilities.Count} capabilities, {stored.Categories.Count} categories");
            return 0;
        }));
        return command;
    }
}
