using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn jobs watch</c>: an outlet's job events as they happen.</summary>
internal static class JobsCommands
{
    public static Command Create(CliApp app) => new("jobs", "Follow an outlet's job events")
    {
        Watch(app),
    };

    private static Command Watch(CliApp app)
    {
        var outlet = new Option<string>("--outlet") { Description = "The outlet whose job events to follow", Required = true };
        var after = new Option<long>("--after") { HelpName = "sequence", Description = "The last sequence already handled: print only later events (default: every event still kept)" };
        after.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 0)
            {
                result.AddError("--after must not be negative");
            }
        });

        var command = new Command("watch", "Print an outlet's job events in sequence order, one line each, until Ctrl+C; resume with --after <last sequence>") { outlet, after };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            using var call = client.WatchJobs(
                new WatchJobsRequest { OutletId = r.GetRequiredValue(outlet), AfterSequence = r.GetValue(after) },
                cancellationToken: ct);
            await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
            {
                var e = message.Event;
                // Padded to the longest kind ("appointment-rescheduled") so the order ids line up.
                Console.WriteLine(string.Create( // never wrapped: one line per event
                    CultureInfo.InvariantCulture,
                    $"#{e.Sequence,-4} {Names.Timestamp(e.Time)}  {Names.Of(e.Kind),-23} {e.OrderId}{(e.Detail.Length > 0 ? "  " + e.Detail : string.Empty)}"));
            }

            return 0;
        }));
        return command;
    }
}
