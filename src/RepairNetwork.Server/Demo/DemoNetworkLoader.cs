using System.Diagnostics;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Technicians;
using RepairNetwork.Server.Mapping;

namespace RepairNetwork.Server.Demo;

/// <summary>
/// With <c>--demo</c>: loads about 2,000 outlets at real Chinese cities and their technicians
/// (DemoData/, derived from GeoNames) through the same validation and grains as the API. Creates are
/// idempotent, so restarting with <c>--demo</c> changes nothing.
/// </summary>
public sealed partial class DemoNetworkLoader(IGrainFactory grains, IHostEnvironment environment, ILogger<DemoNetworkLoader> logger) : BackgroundService
{
    private const int Concurrency = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "DemoData");
        if (!Directory.Exists(folder))
        {
            folder = Path.Combine(environment.ContentRootPath, "DemoData");
        }

        var stopwatch = Stopwatch.StartNew();
        using var outletsFile = File.OpenText(Path.Combine(folder, "outlets-cn.csv"));
        var outlets = OutletFileReader.ReadOutletsCsv(outletsFile).Where(r => r.Item is not null).Select(r => OutletMapping.ToDomain(r.Item)).ToList();
        await Parallel.ForEachAsync(outlets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stoppingToken }, async (profile, _) =>
            await grains.GetGrain<IOutletGrain>(profile.OutletId).Create(profile));

        using var techniciansFile = File.OpenText(Path.Combine(folder, "technicians-cn.csv"));
        var technicians = OutletFileReader.ReadTechniciansCsv(techniciansFile).Where(r => r.Item is not null).Select(r => TechnicianMapping.ToDomain(r.Item)).ToList();
        await Parallel.ForEachAsync(technicians, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stoppingToken }, async (profile, _) =>
            await grains.GetGrain<ITechnicianGrain>(profile.TechnicianId).Create(profile));

        LogLoaded(outlets.Count, technicians.Count, stopwatch.ElapsedMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo network loaded: {Outlets} outlets, {Technicians} technicians in {Milliseconds} ms")]
    private partial void LogLoaded(int outlets, int technicians, long milliseconds);
}
