using System.Collections.Immutable;

namespace RepairNetwork.Domain.Calendars;

/// <summary>
/// Which outlets a holiday calendar applies to by region: an exact region code ("CN-23"), a prefix
/// ending in '*' ("CN-*"), or "*" for every outlet. Outlets can also be given a calendar one by one.
/// </summary>
public static class CalendarRegions
{
    public const int MaxPatterns = 100;

    /// <summary>Validated, sorted and distinct; fields are named <c>{field}[i]</c>.</summary>
    public static ImmutableArray<string> Create(IEnumerable<string> patterns, string field)
    {
        var list = patterns.ToList();
        CalendarRules.RequireCount(list.Count, MaxPatterns, field, "regions");
        for (var i = 0; i < list.Count; i++)
        {
            var pattern = list[i];
            if (pattern == "*")
            {
                continue;
            }

            // A prefix pattern is a region code prefix followed by '*'; the prefix itself follows id syntax.
            var code = pattern is { Length: > 1 } && pattern.EndsWith('*') ? pattern[..^1] : pattern;
            Identifiers.RequireId(code, $"{field}[{i}]");
        }

        return [.. list.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static bool Applies(ImmutableArray<string> patterns, string region)
    {
        foreach (var pattern in patterns)
        {
            if (pattern == "*"
                || (pattern.EndsWith('*') ? region.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) && region.Length > 0 : pattern == region))
            {
                return true;
            }
        }

        return false;
    }
}
