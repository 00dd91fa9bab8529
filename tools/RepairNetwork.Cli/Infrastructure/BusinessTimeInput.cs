using System.Text.RegularExpressions;
using RepairNetwork.Contracts.V1;
using DayOfWeek = RepairNetwork.Contracts.V1.DayOfWeek;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>
/// The command-line forms of business time. Only splits the text: dates, times and overlaps are the
/// server's to judge, so its errors (naming the field) are the ones the user sees.
/// <list type="bullet">
/// <item>dated reason: <c>2027-03-01..2027-03-02:stocktake</c> or <c>2027-03-01:stocktake</c></item>
/// <item>special hours: <c>2027-02-14 10:00-16:00:late opening</c>, several periods joined by ',', or <c>2027-02-14 closed:training</c></item>
/// <item>weekly pattern: <c>Mon-Fri 09:00-18:00</c>, <c>Sat,Sun 10:00-12:00,13:00-16:00</c></item>
/// </list>
/// </summary>
internal static partial class BusinessTimeInput
{
    public static readonly (DayOfWeek Day, string Name)[] Week =
    [
        (DayOfWeek.Monday, "Mon"), (DayOfWeek.Tuesday, "Tue"), (DayOfWeek.Wednesday, "Wed"), (DayOfWeek.Thursday, "Thu"),
        (DayOfWeek.Friday, "Fri"), (DayOfWeek.Saturday, "Sat"), (DayOfWeek.Sunday, "Sun"),
    ];

    public static (string First, string Last, string Reason) DatedReason(string text, string option)
    {
        var match = DatedReasonPattern().Match(text.Trim());
        return match.Success
            ? (match.Groups["first"].Value, match.Groups["last"].Success ? match.Groups["last"].Value : match.Groups["first"].Value, match.Groups["reason"].Value.Trim())
            : throw new CliException($"{option}: '{text}' is not FIRST..LAST:REASON (or DAY:REASON), e.g. 2027-03-01..2027-03-02:stocktake");
    }

    public static SpecialHours Special(string text, string option)
    {
        var match = SpecialPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new CliException($"{option}: '{text}' is not 'DATE HH:MM-HH:MM[,HH:MM-HH:MM]:REASON' or 'DATE closed:REASON', e.g. '2027-02-14 10:00-16:00:late opening'");
        }

        var special = new SpecialHours { Date = match.Groups["date"].Value, Reason = match.Groups["reason"].Value.Trim() };
        if (!match.Groups["periods"].Value.Equals("closed", StringComparison.OrdinalIgnoreCase))
        {
            special.Periods.AddRange(Periods(match.Groups["periods"].Value).Select(p => new TimePeriod { Opens = p.Opens, Closes = p.Closes }));
        }

        return special;
    }

    /// <summary>"Mon-Fri 09:00-18:00" as one period per day.</summary>
    public static IEnumerable<OpeningPeriod> Pattern(string text, string option)
    {
        var parts = text.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            throw new CliException($"{option}: '{text}' is not 'DAYS HH:MM-HH:MM[,HH:MM-HH:MM]', e.g. 'Mon-Fri 09:00-18:00'");
        }

        var periods = Periods(parts[1]).ToList();
        return Days(parts[0], option).SelectMany(day => periods.Select(p => new OpeningPeriod { Day = day, Opens = p.Opens, Closes = p.Closes }));
    }

    /// <summary>"Mon-Fri", "Wed-Sun", "Sat,Sun", "Fri-Mon" (wrapping).</summary>
    public static IEnumerable<DayOfWeek> Days(string text, string option)
    {
        var days = new List<DayOfWeek>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = item.Split('-', 2);
            var from = DayIndex(ends[0], option);
            var to = ends.Length == 2 ? DayIndex(ends[1], option) : from;
            for (var i = from; ; i = (i + 1) % 7)
            {
                days.Add(Week[i].Day);
                if (i == to)
                {
                    break;
                }
            }
        }

        return days.Distinct();
    }

    public static string DayName(DayOfWeek day) => Week.FirstOrDefault(d => d.Day == day).Name ?? day.ToString();

    /// <summary>Weekly periods with runs of identical days folded, e.g. "Mon-Fri 09:00-18:00; Sat 10:00-16:00".</summary>
    public static string Fold(IEnumerable<OpeningPeriod> periods)
    {
        var list = periods.ToList();
        if (list.Count == 0)
        {
            return string.Empty;
        }

        var perDay = Week
            .Select(d => (d.Name, Hours: string.Join(", ", list.Where(p => p.Day == d.Day).OrderBy(p => p.Opens, StringComparer.Ordinal).Select(p => $"{p.Opens}-{p.Closes}"))))
            .ToList();
        var parts = new List<string>();
        for (var start = 0; start < perDay.Count;)
        {
            var end = start;
            while (end + 1 < perDay.Count && perDay[end + 1].Hours == perDay[start].Hours)
            {
                end++;
            }

            if (perDay[start].Hours.Length > 0)
            {
                parts.Add($"{(start == end ? perDay[start].Name : $"{perDay[start].Name}-{perDay[end].Name}")} {perDay[start].Hours}");
            }

            start = end + 1;
        }

        return string.Join("; ", parts);
    }

    public static string Range(string first, string last) => first == last ? first : $"{first}..{last}";

    private static IEnumerable<(string Opens, string Closes)> Periods(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p =>
        {
            var ends = p.Split('-', 2);
            return ends.Length == 2 ? (ends[0], ends[1]) : throw new CliException($"'{p}' is not a period HH:MM-HH:MM");
        });

    private static int DayIndex(string name, string option)
    {
        var index = Array.FindIndex(Week, d => d.Name.Equals(name.Length >= 3 ? name[..3] : name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new CliException($"{option}: '{name}' is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)");
    }

    [GeneratedRegex(@"^(?<first>[^.:\s]+)(?:\.\.(?<last>[^:\s]+))?:(?<reason>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex DatedReasonPattern();

    [GeneratedRegex(@"^(?<date>\S+)\s+(?<periods>closed|[0-9:,\-]+):(?<reason>.*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SpecialPattern();
}
