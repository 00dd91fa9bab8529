using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RepairNetwork.Contracts.V1;
using DayOfWeek = RepairNetwork.Contracts.V1.DayOfWeek;

namespace RepairNetwork.Contracts.Import;

/// <summary>
/// Reads outlet and technician import files (CSV, GeoJSON) into API messages, for the server's demo
/// loader and the command-line importer alike. Every row becomes an <see cref="ImportRow{T}"/>: a row
/// that cannot be read carries its line number and the reason instead of stopping the import.
/// The readers check the file format (columns, numbers, booleans, dates, opening hours); the server
/// still validates the content (id syntax, capability names, time zone, ...) when the message is sent.
/// </summary>
/// <remarks>
/// <para>Outlet CSV, header row required, columns matched by name in any order (case-insensitive), unknown columns ignored:</para>
/// <list type="bullet">
/// <item>required: <c>outlet_id, name, address, latitude, longitude, time_zone, capabilities, carry_in, mail_in, on_site_radius_km, daily_capacity</c></item>
/// <item>optional: <c>phone, opening_hours, service_area_geojson, region</c> (files without them still import)</item>
/// </list>
/// <para>Values: latitude/longitude WGS84 degrees with a '.' decimal point; capabilities separated by ';';
/// booleans true/false (also yes/no, 1/0; empty is false); on_site_radius_km in km, empty or 0 for none;
/// daily_capacity a whole number; opening_hours entries separated by ';', each <c>Day[-Day] HH:MM-HH:MM</c>
/// with days Mon Tue Wed Thu Fri Sat Sun, e.g. <c>Mon-Fri 09:00-18:00; Sat 10:00-16:00</c> (empty: not published).
/// On-site service is offered when on_site_radius_km &gt; 0 or a service area is given. region is the administrative
/// region headquarters reports by, e.g. <c>CN-23</c> (empty: none).</para>
/// <para>Technician CSV columns (all required): <c>technician_id, outlet_id, display_name, certifications, on_shift</c>;
/// certifications separated by ';', each <c>capability:YYYY-MM-DD</c> (the last valid day), may be empty.</para>
/// <para>Outlet GeoJSON: a FeatureCollection of Point features ([longitude, latitude]) whose properties carry
/// the CSV fields; capabilities and opening_hours may also be JSON arrays of strings, numbers and booleans may
/// be JSON values or strings, and the optional <c>service_area</c> (or <c>service_area_geojson</c>) is a GeoJSON
/// Polygon, MultiPolygon or Feature object (or a string holding one).</para>
/// </remarks>
public static class OutletFileReader
{
    public static readonly IReadOnlyList<string> OutletRequiredColumns =
    [
        "outlet_id", "name", "address", "latitude", "longitude", "time_zone", "capabilities",
        "carry_in", "mail_in", "on_site_radius_km", "daily_capacity",
    ];

    public static readonly IReadOnlyList<string> OutletOptionalColumns = ["phone", "opening_hours", "service_area_geojson", "region"];

    public static readonly IReadOnlyList<string> TechnicianRequiredColumns =
        ["technician_id", "outlet_id", "display_name", "certifications", "on_shift"];

    private static readonly JsonWriterOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Reads an outlet CSV file lazily, one row per record after the header.</summary>
    public static IEnumerable<ImportRow<Outlet>> ReadOutletsCsv(TextReader reader) =>
        ReadCsv(reader, OutletRequiredColumns, static fields => BuildOutlet(fields));

    /// <summary>Reads a technician CSV file lazily, one row per record after the header.</summary>
    public static IEnumerable<ImportRow<Technician>> ReadTechniciansCsv(TextReader reader) =>
        ReadCsv(reader, TechnicianRequiredColumns, static fields => BuildTechnician(fields));

    /// <summary>Reads a GeoJSON FeatureCollection of outlets (the whole stream is read at once).</summary>
    public static IEnumerable<ImportRow<Outlet>> ReadOutletsGeoJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ReadOutletsGeoJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static List<ImportRow<Outlet>> ReadOutletsGeoJson(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        var rows = new List<ImportRow<Outlet>>();
        var line = 1;
        var counted = 0;
        string? type = null;
        var sawFeatures = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [ImportRow<Outlet>.Failed(1, "expected a GeoJSON FeatureCollection object")];
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var property = reader.GetString();
                reader.Read();
                if (property == "type")
                {
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    reader.Skip();
                }
                else if (property == "features" && reader.TokenType == JsonTokenType.StartArray)
                {
                    sawFeatures = true;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var start = (int)reader.TokenStartIndex;
                        line += json[counted..start].Count((byte)'\n');
                        counted = start;
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            rows.Add(ImportRow<Outlet>.Failed(line, "a feature must be a JSON object"));
                            reader.Skip();
                            continue;
                        }

                        using var feature = JsonDocument.ParseValue(ref reader);
                        rows.Add(BuildOutletFromFeature(feature.RootElement, line));
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            rows.Add(ImportRow<Outlet>.Failed((int)(e.LineNumber ?? 0) + 1, $"not valid JSON: {e.Message}"));
            return rows;
        }

        if (type != "FeatureCollection" || !sawFeatures)
        {
            return [ImportRow<Outlet>.Failed(1, "expected a GeoJSON FeatureCollection: an object with \"type\": \"FeatureCollection\" and a \"features\" array")];
        }

        return rows;
    }

    private static ImportRow<Outlet> BuildOutletFromFeature(JsonElement feature, int line)
    {
        if (!feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
        {
            return ImportRow<Outlet>.Failed(line, "expected an object with \"type\": \"Feature\"");
        }

        if (!feature.TryGetProperty("geometry", out var geometry) || geometry.ValueKind != JsonValueKind.Object
            || !geometry.TryGetProperty("type", out var geometryType) || geometryType.ValueKind != JsonValueKind.String
            || geometryType.GetString() != "Point")
        {
            return ImportRow<Outlet>.Failed(line, "geometry: expected a GeoJSON Point");
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array
            || coordinates.GetArrayLength() < 2 || coordinates[0].ValueKind != JsonValueKind.Number || coordinates[1].ValueKind != JsonValueKind.Number)
        {
            return ImportRow<Outlet>.Failed(line, "geometry: a Point needs coordinates [longitude, latitude]");
        }

        if (!feature.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return ImportRow<Outlet>.Failed(line, "properties: expected an object with the outlet's fields");
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in properties.EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Array when property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                    string.Join(';', property.Value.EnumerateArray().Select(e => e.GetString())),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => Compact(property.Value),
            };
        }

        if (values.TryGetValue("service_area", out var area) && !string.IsNullOrWhiteSpace(area))
        {
            values["service_area_geojson"] = area;
        }

        values["longitude"] = coordinates[0].GetRawText();
        values["latitude"] = coordinates[1].GetRawText();

        return Build(line, new Fields(values), BuildOutlet);
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactJson))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static IEnumerable<ImportRow<T>> ReadCsv<T>(TextReader reader, IReadOnlyList<string> requiredColumns, Func<Fields, T> build)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(reader);
        Dictionary<string, int>? columns = null;
        var headerWidth = 0;
        foreach (var record in CsvParser.ReadRecords(reader))
        {
            if (columns is null)
            {
                if (record.Error is not null)
                {
                    yield return ImportRow<T>.Failed(record.LineNumber, $"header: {record.Error}");
                    yield break;
                }

                columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                headerWidth = record.Fields.Count;
                string? problem = null;
                for (var i = 0; i < record.Fields.Count && problem is null; i++)
                {
                    var name = record.Fields[i].Trim();
                    if (name.Length > 0 && !columns.TryAdd(name, i))
                    {
                        problem = $"header: column '{name}' appears more than once";
                    }
                }

                var missing = requiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
                if (problem is null && missing.Count > 0)
                {
                    problem = $"header: missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} (the first row must name the columns: {string.Join(",", requiredColumns)})";
                }

                if (problem is not null)
                {
                    yield return ImportRow<T>.Failed(record.LineNumber, problem);
                    yield break;
                }

                continue;
            }

            if (record.Error is not null)
            {
                yield return ImportRow<T>.Failed(record.LineNumber, record.Error);
            }
            else if (record.Fields.Count != headerWidth)
            {
                yield return ImportRow<T>.Failed(record.LineNumber, $"has {record.Fields.Count} fields but the header has {headerWidth}");
            }
            else
            {
                var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (name, index) in columns)
                {
                    values[name] = record.Fields[index];
                }

                yield return Build(record.LineNumber, new Fields(values), build);
            }
        }

        if (columns is null)
        {
            yield return ImportRow<T>.Failed(1, $"the file is empty: the first row must name the columns: {string.Join(",", requiredColumns)}");
        }
    }

    private static ImportRow<T> Build<T>(int line, Fields fields, Func<Fields, T> build)
        where T : class
    {
        try
        {
            return ImportRow<T>.Ok(line, build(fields));
        }
        catch (ImportFormatException e)
        {
            return ImportRow<T>.Failed(line, e.Message);
        }
    }

    private static Outlet BuildOutlet(Fields f)
    {
        var radius = f.Double("on_site_radius_km", 0, 0, double.MaxValue);
        var serviceArea = f.Text("service_area_geojson");
        var outlet = new Outlet
        {
            OutletId = f.Required("outlet_id"),
            Name = f.Required("name"),
            Address = f.Required("address"),
            Phone = f.Text("phone"),
            Location = new LatLng
            {
                Latitude = f.Double("latitude", null, -90, 90),
                Longitude = f.Double("longitude", null, -180, 180),
            },
            OpeningHours = new OpeningHours { TimeZone = f.Required("time_zone") },
            ServiceModes = new ServiceModes
            {
                CarryIn = f.Bool("carry_in"),
                MailIn = f.Bool("mail_in"),
                OnSite = radius > 0 || serviceArea.Length > 0 ? new OnSiteService { RadiusKm = radius } : null,
            },
            DailyCapacity = f.Int("daily_capacity"),
            ServiceAreaGeojson = serviceArea,
            Region = f.Text("region"),
        };
        outlet.OpeningHours.Periods.AddRange(ParseOpeningHours(f.Text("opening_hours")));
        outlet.Capabilities.AddRange(f.List("capabilities"));
        if (outlet.Capabilities.Count == 0)
        {
            throw new ImportFormatException("capabilities: list at least one, separated by ';', e.g. phone.screen;phone.battery");
        }

        return outlet;
    }

    private static Technician BuildTechnician(Fields f)
    {
        var technician = new Technician
        {
            TechnicianId = f.Required("technician_id"),
            OutletId = f.Required("outlet_id"),
            DisplayName = f.Required("display_name"),
            OnShift = f.Bool("on_shift"),
        };
        foreach (var entry in f.List("certifications"))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var capability = colon < 0 ? entry : entry[..colon].Trim();
            var date = colon < 0 ? string.Empty : entry[(colon + 1)..].Trim();
            if (capability.Length == 0 || !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
            {
                throw new ImportFormatException($"certifications: '{Truncate(entry)}' is not capability:YYYY-MM-DD, e.g. phone.screen:2028-06-30");
            }

            technician.Certifications.Add(new Certification
            {
                Capability = capability,
                ExpiresOn = expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            });
        }

        return technician;
    }

    /// <summary>
    /// Parses opening hours such as "Mon-Fri 09:00-18:00; Sat 10:00-16:00": entries separated by ';',
    /// each a day or day range (Mon Tue Wed Thu Fri Sat Sun, or the full names; a range may wrap, e.g. Sat-Mon)
    /// followed by one or more HH:MM-HH:MM periods (separated by spaces or commas), or by "closed" to drop the
    /// periods given earlier for those days ("Mon-Sun 09:00-18:00; Wed closed"). The result is sorted by day
    /// and opening time; periods of one day must not overlap. Empty text gives no periods (hours not published).
    /// Throws <see cref="FormatException"/> when the text is malformed.
    /// </summary>
    public static IReadOnlyList<OpeningPeriod> ParseOpeningHours(string? text)
    {
        var periods = new List<OpeningPeriod>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return periods;
        }

        foreach (var entry in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                throw HoursError(entry, "expected days followed by times");
            }

            var days = ParseDays(parts[0]) ?? throw HoursError(entry, $"'{Truncate(parts[0])}' is not a day or a day range like Mon-Fri");
            if (parts.Length == 2 && parts[1].Equals("closed", StringComparison.OrdinalIgnoreCase))
            {
                periods.RemoveAll(p => days.Contains(p.Day));
                continue;
            }

            foreach (var range in parts.Skip(1))
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                if (dash < 0 || !TryParseTime(range[..dash], out var opens) || !TryParseTime(range[(dash + 1)..], out var closes))
                {
                    throw HoursError(entry, $"'{Truncate(range)}' is not a period like 09:00-18:00");
                }

                if (closes <= opens)
                {
                    throw HoursError(entry, $"{range}: closing time must be later than opening time on the same day");
                }

                foreach (var day in days)
                {
                    periods.Add(new OpeningPeriod
                    {
                        Day = day,
                        Opens = opens.ToString("HH:mm", CultureInfo.InvariantCulture),
                        Closes = closes.ToString("HH:mm", CultureInfo.InvariantCulture),
                    });
                }
            }
        }

        periods.Sort((a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : string.CompareOrdinal(a.Opens, b.Opens));
        for (var i = 1; i < periods.Count; i++)
        {
            if (periods[i - 1].Day == periods[i].Day && string.CompareOrdinal(periods[i - 1].Closes, periods[i].Opens) > 0)
            {
                throw new ImportFormatException(
                    $"opening_hours: {DayNames[(int)periods[i].Day - 1]} {periods[i - 1].Opens}-{periods[i - 1].Closes} and {periods[i].Opens}-{periods[i].Closes} overlap");
            }
        }

        return periods;
    }

    /// <summary>Formats opening periods in the file format, one entry per day and period ("Mon 09:00-18:00; Tue ...").</summary>
    public static string FormatOpeningHours(IEnumerable<OpeningPeriod> periods) =>
        string.Join("; ", periods.Select(p => $"{DayNames[(int)p.Day - 1]} {p.Opens}-{p.Closes}"));

    private static readonly string[] DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private static readonly string[] FullDayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    private static List<DayOfWeek>? ParseDays(string text)
    {
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = ParseDay(dash < 0 ? text : text[..dash]);
        var last = dash < 0 ? first : ParseDay(text[(dash + 1)..]);
        if (first is null || last is null)
        {
            return null;
        }

        var days = new List<DayOfWeek>();
        for (var day = first.Value; ; day = day == DayOfWeek.Sunday ? DayOfWeek.Monday : day + 1)
        {
            days.Add(day);
            if (day == last.Value)
            {
                return days;
            }
        }
    }

    private static DayOfWeek? ParseDay(string text)
    {
        for (var i = 0; i < 7; i++)
        {
            if (text.Equals(DayNames[i], StringComparison.OrdinalIgnoreCase) || text.Equals(FullDayNames[i], StringComparison.OrdinalIgnoreCase))
            {
                return (DayOfWeek)(i + 1);
            }
        }

        return null;
    }

    private static bool TryParseTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static ImportFormatException HoursError(string entry, string problem) =>
        new($"opening_hours: '{Truncate(entry)}': {problem}; write e.g. Mon-Fri 09:00-18:00; Sat 10:00-16:00");

    private static string Truncate(string value) => value.Length <= 60 ? value : value[..60] + "…";

    private sealed class ImportFormatException(string message) : FormatException(message);

    /// <summary>A row's values by column name, with typed, error-reporting accessors.</summary>
    private sealed class Fields(Dictionary<string, string?> values)
    {
        /// <summary>The trimmed value, empty when the column is absent or empty.</summary>
        public string Text(string name) => values.TryGetValue(name, out var value) && value is not null ? value.Trim() : string.Empty;

        public string Required(string name)
        {
            var value = Text(name);
            return value.Length > 0 ? value : throw new ImportFormatException($"{name}: is required");
        }

        public bool Bool(string name)
        {
            var value = Text(name);
            if (value.Length == 0)
            {
                return false;
            }

            return value.ToLowerInvariant() switch
            {
                "true" or "yes" or "y" or "1" => true,
                "false" or "no" or "n" or "0" => false,
                _ => throw new ImportFormatException($"{name}: '{Truncate(value)}' is not true or false"),
            };
        }

        public double Double(string name, double? whenEmpty, double min, double max)
        {
            var value = Text(name);
            if (value.Length == 0 && whenEmpty is not null)
            {
                return whenEmpty.Value;
            }

            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            {
                throw new ImportFormatException(value.Length == 0 ? $"{name}: is required" : $"{name}: '{Truncate(value)}' is not a number");
            }

            if (number < min || number > max)
            {
                throw new ImportFormatException(max == double.MaxValue
                    ? $"{name}: {value} must not be negative"
                    : $"{name}: {value} is outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
            }

            return number;
        }

        public int Int(string name)
        {
            var value = Text(name);
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                throw new ImportFormatException(value.Length == 0 ? $"{name}: is required" : $"{name}: '{Truncate(value)}' is not a whole number");
            }

            return number;
        }

        /// <summary>The ';'-separated entries, trimmed, empty entries dropped.</summary>
        public string[] List(string name) => Text(name).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }
}
