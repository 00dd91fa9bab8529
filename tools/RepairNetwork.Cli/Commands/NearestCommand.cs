using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn nearest</c>: the outlets nearest to a point that offer a capability.</summary>
internal static class NearestCommand
{
    public static Command Create(CliApp app)
    {
        var lat = new Option<double>("--lat") { Description = "Customer latitude in degrees", Required = true };
        var lon = new Option<double>("--lon") { Description = "Customer longitude in degrees", Required = true };
        var capability = new Option<string>("--capability") { Description = "Capability the repair needs, e.g. phone.screen", Required = true };
        var mode = Names.Choice("--mode", "How the customer wants to be served", Names.ServiceModes, defaultValue: "carry-in");
        var limit = new Option<int>("--limit") { Description = "How many outlets, 1-50", DefaultValueFactory = _ => 5 };
        var maxKm = new Option<double>("--max-km") { Description = "Only outlets within this distance in km (0: no limit)" };
        var availableOnly = new Option<bool>("--available-only") { Description = "Only outlets that can take the job now" };

        var command = new Command("nearest", "Find the outlets nearest to a location that offer a capability")
        {
            lat, lon, capability, mode, limit, maxKm, availableOnly,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new LocatorService.LocatorServiceClient(app.Channel(r));
            var response = await client.FindNearestOutletsAsync(
                new FindNearestOutletsRequest
                {
                    Location = new LatLng { Latitude = r.GetValue(lat), Longitude = r.GetValue(lon) },
                    Capability = r.GetRequiredValue(capability),
                    ServiceMode = Names.Parse(Names.ServiceModes, r.GetValue(mode), ServiceMode.CarryIn),
                    Limit = r.GetValue(limit),
                    MaxDistanceKm = r.GetValue(maxKm),
                    AvailableOnly = r.GetValue(availableOnly),
                },
                CliApp.Call(ct));

            if (response.Candidates.Count == 0)
            {
                Tables.Line("no outlet offering this capability matches");
                return 0;
            }

            var table = Tables.New("#", "Outlet", "Name", "Distance km", "Can take job", "Service day", "Open now", "Capacity left", "Reasons").RightAlign(0, 3, 7);
            var rank = 0;
            foreach (var candidate in response.Candidates)
            {
                table.Row(
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    candidate.OutletId,
                    candidate.Name,
                    Names.Km(candidate.DistanceKm),
                    Names.YesNo(candidate.CanTakeJob),
                    candidate.ServiceDay.Length == 0 ? "-" : $"{candidate.ServiceDay} ({candidate.TimeZone})",
                    candidate.OpenNow ? "yes" : (candidate.ClosedReason.Length == 0 ? "no" : candidate.ClosedReason),
                    candidate.CapacityLeftToday.ToString(CultureInfo.InvariantCulture),
                    Names.Reasons(candidate.Reasons));
            }

            AnsiConsole.Write(table);
            Tables.Line(response.SearchBounded
                ? $"index version {response.IndexVersion}; search stopped at its bound after {response.OutletsExamined} outlets: farther outlets were not examined"
                : $"index version {response.IndexVersion}");
            return 0;
        }));
        return command;
    }
}
