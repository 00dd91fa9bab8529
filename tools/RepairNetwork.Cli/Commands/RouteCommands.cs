using System.CommandLine;
using System.Globalization;
using System.Text;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn route FILE</c> (DispatchService.RouteBatch) and <c>rn stats</c> (NetworkService.GetNetworkStats).</summary>
internal static class RouteCommands
{
    /// <summary>Columns of a route file; the first six are required, the rest only without --dry-run.</summary>
    public static readonly string[] Columns =
    [
        "job_id", "latitude", "longitude", "capability", "mode", "priority",
        "customer_name", "customer_phone", "customer_address", "category", "model", "serial_number", "purchase_date", "fault",
    ];

    /// <summary>Jobs per request message (the server accepts up to 5,000).</summary>
    public const int JobsPerMessage = 5_000;

    public static Command Route(CliApp app)
    {
        var file = new Argument<FileInfo>("file") { Description = $"CSV with a header: {string.Join(",", Columns)} (mode: carry-in, on-site or mail-in; the customer and product columns may be empty with --dry-run)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only plan: create no orders and use no capacity" };
        var batchId = new Option<string>("--batch-id") { Description = "Batch id (up to 40 characters); repeating a batch with the same id and jobs books nothing twice. Default: route-<file name>-<UTC time>" };
        var window = new Option<int>("--window") { Description = "Jobs per routing window (0: server default 10,000)" };
        var candidates = new Option<int>("--candidates") { Description = "Nearest capable outlets considered per job and round (0: server default 8)" };
        var summaryOnly = new Option<bool>("--summary-only") { Description = "Print only the closing report, not a line per job" };
        var command = new Command("route", "Route a file of jobs across the network, balanced within capacity (headquarters): prints each job's outlet and the closing report")
        {
            file, dryRun, batchId, window, candidates, summaryOnly,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var path = r.GetRequiredValue(file);
            var jobs = ReadJobs(path);
            var start = new RouteBatchStart
            {
                BatchId = r.GetValue(batchId) is { Length: > 0 } id ? id : DefaultBatchId(path),
                DryRun = r.GetValue(dryRun),
                WindowSize = r.GetValue(window),
                CandidatesPerJob = r.GetValue(candidates),
            };
            var table = Tables.New("Job", "Priority", "Status", "Outlet", "Km", "Nearest km", "Order", "Reason").RightAlign(1, 4, 5);
            var showJobs = !r.GetValue(summaryOnly);
            var report = await RouteBatch(new DispatchService.DispatchServiceClient(app.Channel(r)), start, jobs, result =>
            {
                if (showJobs)
                {
                    table.Row(
                        result.JobId,
                        result.Priority.ToString(CultureInfo.InvariantCulture),
                        Status(result.Status),
                        result.OutletId.Length > 0 ? result.OutletId : "-",
                        result.Status == RouteResultStatus.Assigned ? Names.Km(result.DistanceKm) : "-",
                        result.NearestDistanceKm > 0 ? Names.Km(result.NearestDistanceKm) : "-",
                        result.OrderId.Length > 0 ? result.OrderId : "-",
                        result.Reason);
                }
            }, ct);
            if (showJobs)
            {
                AnsiConsole.Write(table);
            }

            PrintReport(report);
            return 0;
        }));
        return command;
    }

    public static Command Stats(CliApp app)
    {
        var region = new Option<string>("--region") { Description = "Only outlets of this region, e.g. CN-23" };
        var pageSize = new Option<int>("--page-size") { Description = "Outlets per page, 1-500 (0: server default 50)" };
        var pageToken = new Option<string>("--page-token") { Description = "Continue from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page" };
        var command = new Command("stats", "Network view (headquarters): load, capacity left today, open orders, rating and on-time rate per region and per outlet")
        {
            region, pageSize, pageToken, all,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new NetworkService.NetworkServiceClient(app.Channel(r));
            var followAll = r.GetValue(all);
            var request = new GetNetworkStatsRequest
            {
                Region = r.GetValue(region) ?? string.Empty,
                PageSize = r.GetValue(pageSize) is > 0 and var size ? size : followAll ? 500 : 0,
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };
            var outlets = Tables.New("Outlet", "Name", "Region", "Status", "Local date", "Capacity", "Booked", "Left", "Load", "Open orders", "Rating", "On time").RightAlign(5, 6, 7, 8, 9, 10, 11);
            var count = 0;
            string next;
            do
            {
                var page = await client.GetNetworkStatsAsync(request, CliApp.Call(ct));
                if (page.Totals is { } totals)
                {
                    var regions = Tables.New("Region", "Outlets", "Open", "Capacity", "Booked", "Left", "Load", "Open orders", "Ratings", "Rating", "Completions", "On time").RightAlign(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
                    foreach (var figures in page.Regions.Append(totals))
                    {
                        regions.Row(
                            ReferenceEquals(figures, totals) ? "total" : figures.Region.Length > 0 ? figures.Region : "(none)",
                            Names.Number(figures.Outlets),
                            Names.Number(figures.OpenOutlets),
                            Names.Number(figures.DailyCapacity),
                            Names.Number(figures.BookedToday),
                            Names.Number(figures.CapacityLeftToday),
                            Percent(figures.Load),
                            Names.Number(figures.OpenOrders),
                            Names.Number(figures.Ratings),
                            figures.Ratings > 0 ? figures.AverageRating.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                            Names.Number(figures.Completions),
                            figures.Completions > 0 ? Percent(figures.OnTimeRate) : "-");
                    }

                    AnsiConsole.Write(regions);
                }

                foreach (var outlet in page.Outlets)
                {
                    outlets.Row(
                        outlet.OutletId,
                        outlet.Name,
                        outlet.Region.Length > 0 ? outlet.Region : "-",
                        Names.Of(outlet.Status),
                        outlet.LocalDate,
                        Names.Number(outlet.DailyCapacity),
                        Names.Number(outlet.BookedToday),
                        Names.Number(outlet.CapacityLeftToday),
                        Percent(outlet.Load),
                        Names.Number(outlet.OpenOrders),
                        outlet.Ratings > 0 ? outlet.AverageRating.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                        outlet.Completions > 0 ? Percent(outlet.OnTimeRate) : "-");
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            while (followAll && next.Length > 0);

            Tables.PageFooter(outlets, count, "outlet", "outlets", next);
            if (count > 0)
            {
                Tables.Line("Local date: each outlet's own date in its time zone (rn outlets show ID), the day Booked and Left count");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>
    /// Streams <paramref name="jobs"/> (in messages of <see cref="JobsPerMessage"/>) while reading
    /// results as they come, and returns the closing report.
    /// </summary>
    public static async Task<RouteBatchReport> RouteBatch(DispatchService.DispatchServiceClient client, RouteBatchStart start, IReadOnlyList<RouteJob> jobs, Action<RouteResult> onResult, CancellationToken ct)
    {
        using var call = client.RouteBatch(new CallOptions(deadline: DateTime.UtcNow.AddHours(1), cancellationToken: ct));
        var send = Task.Run(
            async () =>
            {
                await call.RequestStream.WriteAsync(new RouteBatchRequest { Start = start }, ct);
                foreach (var chunk in jobs.Chunk(JobsPerMessage))
                {
                    await call.RequestStream.WriteAsync(new RouteBatchRequest { Jobs = new RouteJobs { Jobs = { chunk } } }, ct);
                }

                await call.RequestStream.CompleteAsync();
            },
            ct);

        RouteBatchReport? report = null;
        while (await call.ResponseStream.MoveNext(ct))
        {
            var message = call.ResponseStream.Current;
            if (message.KindCase == RouteBatchResponse.KindOneofCase.Report)
            {
                report = message.Report;
                continue;
            }

            foreach (var result in message.Results.Results)
            {
                onResult(result);
            }
        }

        await send;
        return report ?? throw new CliException("the server ended the batch without a report");
    }

    public static void PrintReport(RouteBatchReport report)
    {
        var rows = new List<(string, string?)>
        {
            ("Batch", report.BatchId + (report.DryRun ? " (dry run: nothing booked)" : string.Empty)),
            ("Jobs", Names.Number(report.Jobs)),
            ("Assigned", Names.Number(report.Assigned)),
            ("Unassigned", Names.Number(report.Unassigned)),
            ("Rejected", Names.Number(report.Rejected)),
            ("Windows", Names.Number(report.Windows)),
            ("Mean distance", $"{Names.Km(report.MeanDistanceKm)} km (nearest capable outlet, ignoring capacity: {Names.Km(report.NearestMeanDistanceKm)} km)"),
            ("p95 distance", $"{Names.Km(report.P95DistanceKm)} km"),
            ("Outlets used", Names.Number(report.OutletLoads.Count)),
            ("Placed by normal dispatch", Names.Number(report.FellBack)),
            ("Server planning", $"{report.PlanningSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s"),
        };
        rows.AddRange(report.UnassignedReasons.Select(reason => ($"Unassigned: {Kebab(reason.Code.ToString())}", (string?)$"{Names.Number(reason.Count)}, e.g. {reason.Example}")));
        Tables.Details(rows);
    }

    private static List<RouteJob> ReadJobs(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName} does not exist");
        }

        using var reader = new StreamReader(file.FullName, Encoding.UTF8);
        var jobs = new List<RouteJob>();
        Dictionary<string, int>? columns = null;
        foreach (var record in CsvParser.ReadRecords(reader))
        {
            if (record.Error is not null)
            {
                throw new CliException($"{file.Name} line {record.LineNumber}: {record.Error}");
            }

            if (columns is null)
            {
                columns = record.Fields.Select((name, i) => (name.Trim(), i)).ToDictionary(c => c.Item1, c => c.i, StringComparer.Ordinal);
                var missing = Columns.Take(6).Where(c => !columns.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                {
                    throw new CliException($"{file.Name}: the header lacks {string.Join(", ", missing)}");
                }

                continue;
            }

            string Field(string name) => columns.TryGetValue(name, out var i) && i < record.Fields.Count ? record.Fields[i].Trim() : string.Empty;
            double Number(string name) => double.TryParse(Field(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new CliException($"{file.Name} line {record.LineNumber}: {name} '{Field(name)}' is not a number");
            var job = new RouteJob
            {
                JobId = Field("job_id"),
                CustomerLocation = new LatLng { Latitude = Number("latitude"), Longitude = Number("longitude") },
                RequiredCapability = Field("capability"),
                ServiceMode = Names.Parse(Names.ServiceModes, Field("mode"), ServiceMode.Unspecified),
                Priority = Field("priority").Length == 0 ? 0 : (int)Number("priority"),
                FaultDescription = Field("fault"),
            };
            if (Field("customer_name").Length > 0 || Field("customer_phone").Length > 0)
            {
                job.Customer = new Customer { Name = Field("customer_name"), Phone = Field("customer_phone"), Address = Field("customer_address") };
            }

            if (Field("category").Length > 0)
            {
                job.Product = new Product { Category = Field("category"), Model = Field("model"), SerialNumber = Field("serial_number"), PurchaseDate = Field("purchase_date") };
            }

            jobs.Add(job);
        }

        return jobs;
    }

    private static string DefaultBatchId(FileInfo file)
    {
        var stem = new string([.. Path.GetFileNameWithoutExtension(file.Name).Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(16)]);
        return $"route-{(stem.Length > 0 ? stem : "file")}-{DateTime.UtcNow:yyyyMMddTHHmmss}";
    }

    private static string Status(RouteResultStatus status) => status switch
    {
        RouteResultStatus.Assigned => "assigned",
        RouteResultStatus.Unassigned => "unassigned",
        RouteResultStatus.Rejected => "rejected",
        _ => status.ToString(),
    };

    private static string Percent(double share) => share.ToString("0.0%", CultureInfo.InvariantCulture);

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
