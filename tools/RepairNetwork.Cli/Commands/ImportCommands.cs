using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn import outlets|technicians &lt;file&gt;</c>: bulk creation with bounded concurrency. Create
/// calls are idempotent, so re-running an import only reports every row as already existing.
/// </summary>
internal static class ImportCommands
{
    private const int MaxFailuresListed = 20;
    private const int MaxAttempts = 3;

    private sealed record Failure(int Line, string Id, string Status, string Message);

    public static Command Create(CliApp app)
    {
        var outletFile = new Argument<FileInfo>("file") { Description = "Outlets as .csv, or as .geojson/.json (a FeatureCollection of points)" };
        var outletConcurrency = ConcurrencyOption();
        var outlets = new Command("outlets", "Create the outlets listed in a file; rows that already exist unchanged are skipped")
        {
            outletFile,
            outletConcurrency,
        };
        outlets.SetAction(CliApp.Guard((r, ct) =>
            ImportOutlets(app.Channel(r), r.GetRequiredValue(outletFile), r.GetValue(outletConcurrency), ct)));

        var technicianFile = new Argument<FileInfo>("file") { Description = "Technicians as .csv" };
        var technicianConcurrency = ConcurrencyOption();
        var technicians = new Command("technicians", "Create the technicians listed in a file; their outlets must exist")
        {
            technicianFile,
            technicianConcurrency,
        };
        technicians.SetAction(CliApp.Guard((r, ct) =>
            ImportTechnicians(app.Channel(r), r.GetRequiredValue(technicianFile), r.GetValue(technicianConcurrency), ct)));

        return new Command("import", "Bulk-create outlets or technicians from files (safe to re-run)")
        {
            outlets,
            technicians,
        };
    }

    private static Option<int> ConcurrencyOption()
    {
        var option = new Option<int>("--concurrency")
        {
            Description = "Create calls in flight at once",
            DefaultValueFactory = _ => 16,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256)
            {
                result.AddError("--concurrency must be between 1 and 256");
            }
        });
        return option;
    }

    private static async Task<int> ImportOutlets(Grpc.Net.Client.GrpcChannel channel, FileInfo file, int concurrency, CancellationToken ct)
    {
        var extension = file.Extension.ToUpperInvariant();
        var rows = extension switch
        {
            ".CSV" => ReadFile(file, stream =>
            {
                using var reader = new StreamReader(stream);
                return OutletFileReader.ReadOutletsCsv(reader).ToList();
            }),
            ".GEOJSON" or ".JSON" => ReadFile(file, stream => OutletFileReader.ReadOutletsGeoJson(stream).ToList()),
            _ => throw new CliException($"{file.Name}: outlets are read from .csv, .geojson or .json files"),
        };

        var client = new OutletService.OutletServiceClient(channel);

        // One scan of the outlet list up front tells "created" from "already existed" (an identical
        // re-create also answers OK) and fails fast, with one clear error, when the server is unreachable.
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListOutletsRequest { PageSize = 500 };
        do
        {
            var page = await WithRetry(() => client.ListOutletsAsync(request, CliApp.Call(ct)).ResponseAsync, ct);
            existing.UnionWith(page.Outlets.Select(o => o.OutletId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        return await Import("outlets", file, rows, o => o.OutletId, existing, (outlet, token) =>
            WithRetry(() => client.CreateOutletAsync(new CreateOutletRequest { Outlet = outlet }, CliApp.Call(token)).ResponseAsync, token),
            concurrency, ct);
    }

    private static async Task<int> ImportTechnicians(Grpc.Net.Client.GrpcChannel channel, FileInfo file, int concurrency, CancellationToken ct)
    {
        if (!file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException($"{file.Name}: technicians are read from .csv files");
        }

        var rows = ReadFile(file, stream =>
        {
            using var reader = new StreamReader(stream);
            return OutletFileReader.ReadTechniciansCsv(reader).ToList();
        });

        var client = new TechnicianService.TechnicianServiceClient(channel);

        // The rosters of the outlets named in the file tell "created" from "already existed".
        var existing = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var outletIds = rows.Where(r => r.Item is not null).Select(r => r.Item!.OutletId).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(outletIds, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (outletId, token) =>
        {
            var request = new ListTechniciansRequest { OutletId = outletId, PageSize = 500 };
            do
            {
                ListTechniciansResponse page;
                try
                {
                    page = await WithRetry(() => client.ListTechniciansAsync(request, CliApp.Call(token)).ResponseAsync, token);
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
                {
                    return; // Rows naming this outlet will fail on create with the server's own message.
                }

                foreach (var technician in page.Technicians)
                {
                    existing[technician.TechnicianId] = true;
                }

                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
        });

        return await Import("technicians", file, rows, t => t.TechnicianId, [.. existing.Keys], (technician, token) =>
            WithRetry(() => client.CreateTechnicianAsync(new CreateTechnicianRequest { Technician = technician }, CliApp.Call(token)).ResponseAsync, token),
            concurrency, ct);
    }

    private static List<ImportRow<T>> ReadFile<T>(FileInfo file, Func<Stream, List<ImportRow<T>>> read)
        where T : class
    {
        if (!file.Exists)
        {
            throw new CliException($"{file.FullName}: no such file");
        }

        try
        {
            using var stream = file.OpenRead();
            return read(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new CliException($"{file.Name}: {ex.Message}");
        }
    }

    private static async Task<int> Import<T>(
        string what,
        FileInfo file,
        List<ImportRow<T>> rows,
        Func<T, string> idOf,
        HashSet<string> existing,
        Func<T, CancellationToken, Task> send,
        int concurrency,
        CancellationToken ct)
        where T : class
    {
        var created = 0;
        var unchanged = 0;
        var failures = new ConcurrentBag<Failure>();
        var stopwatch = Stopwatch.StartNew();

        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"Importing {what}", maxValue: Math.Max(rows.Count, 1));
                await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (row, token) =>
                {
                    try
                    {
                        if (row.Item is null || row.Error is not null)
                        {
                            failures.Add(new Failure(row.LineNumber, row.Item is null ? "-" : idOf(row.Item), "invalid row", row.Error ?? "the row could not be read"));
                            return;
                        }

                        await send(row.Item, token);
                        if (!existing.Contains(idOf(row.Item)))
                        {
                            Interlocked.Increment(ref created);
                        }
                        else
                        {
                            Interlocked.Increment(ref unchanged);
                        }
                    }
                    catch (RpcException ex) when (!token.IsCancellationRequested)
                    {
                        failures.Add(new Failure(row.LineNumber, idOf(row.Item!), ex.StatusCode.ToString(), ex.Status.Detail));
                    }
                    finally
                    {
                        task.Increment(1);
                    }
                });
                if (rows.Count == 0)
                {
                    task.Increment(1);
                }
            });

        stopwatch.Stop();
        var seconds = stopwatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        Tables.Line($"Imported {what} from {file.Name}: {Names.Number(rows.Count)} {(rows.Count == 1 ? "row" : "rows")} in {seconds} s");

        var summary = Tables.New("Result", "Rows").RightAlign(1);
        summary.Row("created", Names.Number(created));
        summary.Row("already existed, unchanged", Names.Number(unchanged));
        summary.Row("failed", Names.Number(failures.Count));
        AnsiConsole.Write(summary);

        if (failures.IsEmpty)
        {
            return 0;
        }

        var listed = failures.OrderBy(f => f.Line).Take(MaxFailuresListed).ToList();
        Tables.Line(failures.Count > listed.Count ? $"First {listed.Count} of {failures.Count} failures:" : "Failures:");
        var table = Tables.New("Line", "Id", "Status", "Message").RightAlign(0);
        foreach (var failure in listed)
        {
            table.Row(failure.Line.ToString(CultureInfo.InvariantCulture), failure.Id, failure.Status, failure.Message);
        }

        AnsiConsole.Write(table);
        return 1;
    }

    /// <summary>Retries an idempotent call a few times while the server is briefly unavailable.</summary>
    private static async Task<T> WithRetry<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt * attempt), ct);
            }
        }
    }
}
