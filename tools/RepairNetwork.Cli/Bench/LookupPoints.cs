using System.Globalization;
using System.Text;
using RepairNetwork.Cli.Infrastructure;

namespace RepairNetwork.Cli.Bench;

/// <summary>A lookup location, WGS84 degrees.</summary>
internal readonly record struct LookupPoint(double Latitude, double Longitude);

/// <summary>
/// The fixed sequence of lookup locations a benchmark run walks through. The same kind, seed and
/// city file always give the same sequence, so two runs (RepairNetwork and the PostGIS baseline)
/// ask for exactly the same points in the same order.
/// </summary>
internal sealed class LookupPoints
{
    public const int DefaultSeed = 42;

    /// <summary>Population-weighted points land uniformly in a disc of this radius around the chosen city's centre.</summary>
    public const double JitterKm = 5;

    /// <summary>Points in one sequence; a run that uses more starts again from the first.</summary>
    public const int SequenceLength = 1 << 18;

    /// <summary>A city of unknown population (0 in the file) is weighted as this many people.</summary>
    public const int UnknownPopulation = 1_000;

    // Mainland China's bounding box (it includes some sea and neighbouring land; the locator does not care).
    private const double MinLatitude = 22;
    private const double MaxLatitude = 41;
    private const double MinLongitude = 100;
    private const double MaxLongitude = 122;

    private const double EarthRadiusKm = 6371.0088;

    private readonly LookupPoint[] points;
    private long next = -1;

    private LookupPoints(LookupPoint[] points, string description)
    {
        this.points = points;
        Description = description;
    }

    /// <summary>What the points are, for the report (e.g. "population-weighted from cities-cn.csv (2,702 cities), 5 km jitter, seed 42").</summary>
    public string Description { get; }

    /// <summary>The i-th point of the sequence.</summary>
    public LookupPoint this[long index] => points[(int)(index % points.Length)];

    /// <summary>The next point for a worker; thread-safe, every call advances the shared position.</summary>
    public LookupPoint Next() => this[Interlocked.Increment(ref next)];

    /// <summary>The same sequence from its start again (for the second side of a comparison).</summary>
    public LookupPoints Restart() => new(points, Description);

    /// <summary>
    /// Points around the cities of <paramref name="citiesCsv"/> (GeoNames columns
    /// <c>geonameid,name,country,admin1,lat,lon,population,feature_code</c>): a city is picked with
    /// probability proportional to its population, then the point is placed uniformly in a disc of
    /// <see cref="JitterKm"/> around it.
    /// </summary>
    public static LookupPoints Population(string citiesCsv, int seed)
    {
        var cities = ReadCities(citiesCsv);
        var cumulative = new double[cities.Count];
        var total = 0.0;
        for (var i = 0; i < cities.Count; i++)
        {
            total += Math.Max(cities[i].Population, UnknownPopulation);
            cumulative[i] = total;
        }

        var random = new Random(seed);
        var points = new LookupPoint[SequenceLength];
        for (var i = 0; i < points.Length; i++)
        {
#pragma warning disable CA5394 // Random is fine (and wanted: seeded, repeatable) for load-test coordinates.
            var pick = random.NextDouble() * total;
            var distanceKm = JitterKm * Math.Sqrt(random.NextDouble());
            var bearing = random.NextDouble() * 2 * Math.PI;
#pragma warning restore CA5394
            var index = Array.BinarySearch(cumulative, pick);
            index = Math.Min(index < 0 ? ~index : index + 1, cities.Count - 1);
            points[i] = Offset(cities[index].Point, distanceKm, bearing);
        }

        return new LookupPoints(
            points,
            string.Create(CultureInfo.InvariantCulture, $"population-weighted around {Names.Number(cities.Count)} cities of {Path.GetFileName(citiesCsv)}, {JitterKm:0} km jitter, seed {seed}"));
    }

    /// <summary>Points uniform in mainland China's bounding box (lat 22–41, lon 100–122), much of it sparsely served.</summary>
    public static LookupPoints Box(int seed)
    {
        var random = new Random(seed);
        var points = new LookupPoint[SequenceLength];
        for (var i = 0; i < points.Length; i++)
        {
#pragma warning disable CA5394 // Random is fine (and wanted: seeded, repeatable) for load-test coordinates.
            points[i] = new LookupPoint(
                MinLatitude + (random.NextDouble() * (MaxLatitude - MinLatitude)),
                MinLongitude + (random.NextDouble() * (MaxLongitude - MinLongitude)));
#pragma warning restore CA5394
        }

        return new LookupPoints(points, $"uniform in the box lat {MinLatitude}–{MaxLatitude}, lon {MinLongitude}–{MaxLongitude}, seed {seed}");
    }

    /// <summary>Where the GeoNames city list lives inside the repository.</summary>
    public const string RepositoryCitiesPath = "tools/demo-data/cities-cn.csv";

    /// <summary>
    /// tools/demo-data/cities-cn.csv in the repository that holds the current directory (or the
    /// tool), found by walking up to the directory with RepairNetwork.sln.
    /// </summary>
    public static string DefaultCitiesPath()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "RepairNetwork.sln")))
                {
                    var path = Path.GetFullPath(Path.Combine(directory.FullName, RepositoryCitiesPath));
                    return File.Exists(path)
                        ? path
                        : throw new CliException($"--cities: the default city list {path} is missing from the repository at {directory.FullName} (restore it with `git checkout -- {RepositoryCitiesPath}`) or pass --cities PATH");
                }
            }
        }

        throw new CliException($"--cities: no RepairNetwork.sln above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}, so the default {RepositoryCitiesPath} cannot be found; run from inside the repository or pass --cities PATH");
    }

    private sealed record City(LookupPoint Point, long Population);

    private static List<City> ReadCities(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"--cities: {path} does not exist");
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = reader.ReadLine() is { } headerLine ? SplitCsv(headerLine) : throw new CliException($"--cities: {path} is empty");
        int Column(string name) =>
            header.FindIndex(h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase)) is var i and >= 0
                ? i
                : throw new CliException($"--cities: {path} has no column '{name}' (expected geonameid,name,country,admin1,lat,lon,population,feature_code)");
        var lat = Column("lat");
        var lon = Column("lon");
        var population = Column("population");

        var cities = new List<City>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            var fields = SplitCsv(text);
            if (fields.Count != header.Count
                || !double.TryParse(fields[lat], NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude) || latitude is < -90 or > 90
                || !double.TryParse(fields[lon], NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude) || longitude is < -180 or > 180
                || !long.TryParse(fields[population], NumberStyles.None, CultureInfo.InvariantCulture, out var people))
            {
                throw new CliException($"--cities: {path} line {line}: expected {header.Count} fields with lat, lon and a whole population");
            }

            cities.Add(new City(new LookupPoint(latitude, longitude), people));
        }

        return cities.Count > 0 ? cities : throw new CliException($"--cities: {path} lists no cities");
    }

    /// <summary>One CSV record on one line: fields separated by commas, optionally in double quotes ("" for a quote).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>The point <paramref name="distanceKm"/> from <paramref name="from"/> along <paramref name="bearing"/> (radians), on a sphere.</summary>
    private static LookupPoint Offset(LookupPoint from, double distanceKm, double bearing)
    {
        var d = distanceKm / EarthRadiusKm;
        var lat1 = double.DegreesToRadians(from.Latitude);
        var lon1 = double.DegreesToRadians(from.Longitude);
        var lat2 = Math.Asin((Math.Sin(lat1) * Math.Cos(d)) + (Math.Cos(lat1) * Math.Sin(d) * Math.Cos(bearing)));
        var lon2 = lon1 + Math.Atan2(Math.Sin(bearing) * Math.Sin(d) * Math.Cos(lat1), Math.Cos(d) - (Math.Sin(lat1) * Math.Sin(lat2)));
        var longitude = double.RadiansToDegrees(lon2);
        longitude = longitude > 180 ? longitude - 360 : longitude < -180 ? longitude + 360 : longitude;
        return new LookupPoint(double.RadiansToDegrees(lat2), longitude);
    }
}
