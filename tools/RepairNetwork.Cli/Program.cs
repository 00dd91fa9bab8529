using System.CommandLine;
using RepairNetwork.Cli.Commands;
using RepairNetwork.Cli.Infrastructure;
using Spectre.Console;

// Piped output has no terminal width; lay tables out for $COLUMNS (or a wide page) instead of 80.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 200;
}

using var app = new CliApp();

var root = new RootCommand("rn: command-line client for the RepairNetwork repair-dispatch API.")
{
    app.ServerOption,
    ImportCommands.Create(app),
    OutletCommands.Create(app),
    NearestCommand.Create(app),
    OrderCommands.Create(app),
    StockCommands.Create(app),
    BenchCommands.Create(app),
};

return await root.Parse(args).InvokeAsync();
