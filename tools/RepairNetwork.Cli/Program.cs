using System.CommandLine;
using RepairNetwork.Cli.Commands;
using RepairNetwork.Cli.Infrastructure;

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
