using System.Diagnostics;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Technicians;
using RepairNetwork.Server.Mapping;

namespace RepairNetwork.Server.Demo;

/// <summary>
/// With <c>--demo</c>: loads about 2,000 outlets at real Chinese cities and their technicians
/// (DemoData/, derived from GeoNames) through the same validation and grains as the API. Creates are
/// idempotent, so restarting with <c>--demo</c> changes nothing, except that demo outlets stored before
/// the demo file had regions get their region added. <c>--Demo:Folder=DIR</c> loads outlets-cn.csv and
/// technicians-cn.csv from another folder instead (e.g. a 50,000-outlet benchmark network made by
/// tools/demo-data/generate.py), through the same grains, 32 at a time. Business time: the "CN national
/// 2027" holiday calendar for every "CN-*" region (put only when missing, so headquarters' later edits
/// survive a restart), a job template per capability (<see cref="DemoJobTimes"/>; put only while none was ever
/// set), and a weekly shift pattern for a share of the technicians (<see cref="DemoShifts"/>).
/// </summary>
public sealed partial class DemoNetworkLoader(
    IGrainFactory grains,
    HolidayCalendarSync calendarSync,
    Grains.Appointments.JobTemplatesCache templatesCache,
    IHostEnvironment environment,
    IConfiguration configuration,
    Lifecycle.DemoLoadProgress progress,
    ILogger<DemoNetworkLoader> logger) : BackgroundService
{
    private const int Concurrency = 32;

    public static readonly IReadOnlyList<string> DemoCalendarRegions = ["CN-*"];

    /// <summary>
    /// Loads, and on a transient failure (the database busy or briefly gone, a silo starting) tries the
    /// whole load again after a growing pause: every step is idempotent, and a failed demo load must
    /// never stop the server (a BackgroundService that throws shuts the host down).
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoadWithRetries(stoppingToken);
        }
        finally
        {
            // Loaded or given up: readiness stops waiting for the demo network either way.
            progress.MarkDone();
        }
    }

    private async Task LoadWithRetries(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromSeconds(2);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await Load(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DomainException or IOException)
            {
                // A rule the data breaks, or a missing file: trying again changes nothing.
                LogFailed(ex);
                return;
            }
            catch (Exception ex)
            {
                LogRetrying(attempt, pause.TotalSeconds, ex.GetType().Name, ex.Message);
                try
                {
                    await Task.Delay(pause, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    private async Task Load(CancellationToken stoppingToken)
    {
        var configured = configuration["Demo:Folder"];
        if (!string.IsNullOrEmpty(configured) && !Directory.Exists(configured))
        {
            throw new DirectoryNotFoundException($"Demo:Folder '{configured}' does not exist");
        }

        var folder = string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "DemoData") : Path.GetFullPath(configured);
        if (!Directory.Exists(folder))
        {
            folder = Path.Combine(environment.ContentRootPath, "DemoData");
        }

        var stopwatch = Stopwatch.StartNew();
        await PutDemoHolidayCalendar(grains);
        await calendarSync.SyncOnce();

        using var outletsFile = File.OpenText(Path.Combine(folder, "outlets-cn.csv"));
        var outlets = OutletFileReader.ReadOutletsCsv(outletsFile).Where(r => r.Item is not null).Select(r => OutletMapping.ToDomain(r.Item)).ToList();
        await PutDemoCatalog(grains, outlets);
        if (await PutDemoJobTemplates(grains, outlets))
        {
            // Slots work from the first call, not only after the index's next poll.
            await templatesCache.SyncOnce();
        }

        await Parallel.ForEachAsync(outlets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stoppingToken }, async (profile, _) =>
            await CreateOrAddRegion(grains.GetGrain<IOutletGrain>(profile.OutletId), profile));

        using var techniciansFile = File.OpenText(Path.Combine(folder, "technicians-cn.csv"));
        var technicians = OutletFileReader.ReadTechniciansCsv(techniciansFile).Where(r => r.Item is not null).Select(r => TechnicianMapping.ToDomain(r.Item))
            .Select(DemoShifts.Give)
            .ToList();
        await Parallel.ForEachAsync(technicians, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = stoppingToken }, async (profile, _) =>
            await CreateOrAddShifts(grains.GetGrain<ITechnicianGrain>(profile.TechnicianId), profile));

        LogLoaded(outlets.Count, technicians.Count, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>
    /// The demo network's capabilities and their product categories (the word before the first '.'),
    /// put only while headquarters has set no catalog, so later edits survive a restart.
    /// </summary>
    public static async Task PutDemoCatalog(IGrainFactory grains, IReadOnlyCollection<OutletProfile> outlets)
    {
        var grain = grains.GetGrain<Grains.Catalog.ICapabilityCatalogGrain>(Grains.Catalog.CapabilityCatalogGrain.Key);
        if ((await grain.Get()).Version > 0)
        {
            return;
        }

        var capabilities = outlets.SelectMany(o => o.Capabilities).Distinct(StringComparer.Ordinal).ToList();
        var categories = capabilities.Select(c => c.Split('.')[0]).Distinct(StringComparer.Ordinal);
        await grain.Put(Domain.Catalog.CapabilityCatalog.Create(capabilities, categories, "demo"), expectedVersion: 0);
    }

    /// <summary>
    /// Standard times of the demo's jobs: a battery swap is quick, a TV panel takes an afternoon.
    /// Minutes of work and, for on-site visits, minutes kept free afterwards (packing up, parking;
    /// more for the big units). A capability not listed (a custom Demo:Folder) gets an hour and 15 min.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (int Minutes, int BufferMinutes)> DemoJobTimes = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["phone.battery"] = (20, 10),
        ["phone.screen"] = (45, 10),
        ["phone.board"] = (90, 10),
        ["laptop.battery"] = (30, 10),
        ["laptop.screen"] = (60, 10),
        ["laptop.board"] = (120, 10),
        ["tv.board"] = (90, 15),
        ["tv.panel"] = (180, 15),
        ["appliance.washer"] = (120, 15),
        ["appliance.fridge"] = (120, 15),
    };

    /// <summary>
    /// A job template for each of the demo network's capabilities, put only while headquarters has
    /// never set one (templates at version 0), so its later edits and deletions survive a restart.
    /// True when it put them.
    /// </summary>
    public static async Task<bool> PutDemoJobTemplates(IGrainFactory grains, IReadOnlyCollection<OutletProfile> outlets)
    {
        var grain = grains.GetGrain<Grains.Appointments.IJobTemplatesGrain>(Grains.Appointments.JobTemplatesGrain.Key);
        if ((await grain.Get()).Version > 0)
        {
            return false;
        }

        foreach (var capability in outlets.SelectMany(o => o.Capabilities).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var (minutes, buffer) = DemoJobTimes.GetValueOrDefault(capability, (60, 15));
            await grain.Put(Domain.Appointments.JobTemplate.Create(capability, minutes, skill: null, defaultParts: null, buffer, "demo"));
        }

        return true;
    }

    /// <summary>
    /// Creates the outlet; when it already exists without a region but otherwise as given (stored by a
    /// demo load from before regions existed), sets the region. Any other difference stays ALREADY_EXISTS.
    /// </summary>
    public static async Task CreateOrAddRegion(IOutletGrain grain, OutletProfile profile)
    {
        try
        {
            await grain.Create(profile);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.AlreadyExists && profile.Region.Length > 0)
        {
            var stored = await grain.Get();
            if (stored.Profile.Region.Length > 0 || !(stored.Profile with { Region = profile.Region }).SameAs(profile))
            {
                throw;
            }

            await grain.Update(profile, stored.Version, Domain.Orders.Actor.Platform);
        }
    }

    /// <summary>Puts "CN national 2027" for the "CN-*" regions unless a calendar with its id is already stored.</summary>
    public static async Task PutDemoHolidayCalendar(IGrainFactory grains)
    {
        var calendars = grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key);
        if ((await calendars.List()).Calendars.Any(c => c.CalendarId == HolidayCalendars.ChinaNational2027Id))
        {
            return;
        }

        await calendars.Put(HolidayCalendars.ChinaNational2027(), CalendarRegions.Create(DemoCalendarRegions, "regions"), expectedVersion: 0);
    }

    /// <summary>
    /// Creates the technician; when it already exists without shifts but otherwise as given (stored by a
    /// demo load from before shifts existed), sets the shifts. Any other difference stays ALREADY_EXISTS.
    /// </summary>
    public static async Task CreateOrAddShifts(ITechnicianGrain grain, TechnicianProfile profile)
    {
        try
        {
            await grain.Create(profile, Domain.Orders.Actor.Platform);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.AlreadyExists && profile.Schedule.HasPattern)
        {
            var stored = await grain.Get();
            if (stored.Profile.Schedule.HasPattern || !(stored.Profile with { Schedule = profile.Schedule }).SameAs(profile))
            {
                throw;
            }

            await grain.Update(profile, stored.Version, Domain.Orders.Actor.Platform);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo network loaded: {Outlets} outlets, {Technicians} technicians in {Milliseconds} ms")]
    private partial void LogLoaded(int outlets, int technicians, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo network load attempt {Attempt} failed ({Kind}: {Reason}); trying again in {Seconds} s (loading is idempotent)")]
    private partial void LogRetrying(int attempt, double seconds, string kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo network not loaded; the server keeps running without it")]
    private partial void LogFailed(Exception ex);
}
