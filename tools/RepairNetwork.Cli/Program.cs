using System.CommandLine;
using System.Runtime.InteropServices;
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
    app.TokenOption,
    TokenCommand.Create(),
    ImportCommands.Create(app),
    OutletCommands.Create(app),
    BusinessTimeCommands.Technician(app),
    CalendarCommands.Create(app),
    CatalogCommands.Create(app),
    NearestCommand.Create(app),
    OrderCommands.Create(app),
    AppointmentCommands.Templates(app),
    AppointmentCommands.Slots(app),
    AppointmentCommands.Appointment(app),
    JobsCommands.Create(app),
    StockCommands.Create(app),
    TransferCommands.Create(app),
    PartCommands.Create(app),
    PolicyCommands.Create(app),
    SlaCommands.Create(app),
    RouteCommands.Route(app),
    RouteCommands.Stats(app),
    BenchCommands.Create(app),
};

// Ctrl+C / SIGTERM cancel the running command, which then stops its calls and exits with 130;
// pressing Ctrl+C again (a second later or more) terminates at once.
using var cancellation = new CancellationTokenSource();
var cancelledAt = 0L;
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellation.Token);

void Cancel(PosixSignalContext context)
{
    var first = Interlocked.CompareExchange(ref cancelledAt, Environment.TickCount64, 0);
    context.Cancel = first == 0 || Environment.TickCount64 - first < 1000;
    cancellation.Cancel();
}
