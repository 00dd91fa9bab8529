using System.Collections.Immutable;
using Orleans;

namespace RepairNetwork.Domain.Catalog;

/// <summary>
/// Headquarters' list of the capabilities (repair skills, e.g. "phone.screen") and product categories
/// (e.g. "phone") the network knows, so that a typo ("phone.scren") is refused where it is typed
/// instead of becoming an order no outlet can ever take. An empty list accepts any well-formed name:
/// a new network works before headquarters sets its catalog up.
/// </summary>
[GenerateSerializer, Alias("rn.CapabilityCatalog"), Immutable]
public sealed record CapabilityCatalog
{
    public const int MaxEntries = 1000;

    /// <summary>The catalog before headquarters sets one: every well-formed name is accepted.</summary>
    public static readonly CapabilityCatalog Open = new() { Capabilities = [], Categories = [], Version = 0 };

    /// <summary>Sorted, distinct; empty: any capability is accepted.</summary>
    [Id(0)] public required ImmutableArray<string> Capabilities { get; init; }

    /// <summary>Sorted, distinct; empty: any product category is accepted.</summary>
    [Id(1)] public required ImmutableArray<string> Categories { get; init; }

    /// <summary>Increases with every change; 0 before the first.</summary>
    [Id(2)] public required long Version { get; init; }

    /// <summary>Validates names (capability syntax for both lists) and sorts them; fields are named <c>{field}.capabilities[i]</c>.</summary>
    public static CapabilityCatalog Create(IEnumerable<string> capabilities, IEnumerable<string> categories, string field) => new()
    {
        Capabilities = Checked(capabilities, $"{field}.capabilities"),
        Categories = Checked(categories, $"{field}.categories"),
        Version = 0,
    };

    public bool SameAs(CapabilityCatalog other) => Capabilities.SequenceEqual(other.Capabilities) && Categories.SequenceEqual(other.Categories);

    /// <summary>The capability, well formed and in the catalog; else INVALID_ARGUMENT naming the field and the nearest valid names.</summary>
    public string RequireCapability(string? capability, string field) => Require(Identifiers.RequireCapability(capability, field), Capabilities, field, "capability");

    /// <summary>The product category, in the catalog; else INVALID_ARGUMENT naming the field and the nearest valid names.</summary>
    public string RequireCategory(string category, string field) => Require(category, Categories, field, "product category");

    private static string Require(string name, ImmutableArray<string> known, string field, string what)
    {
        if (known.IsDefaultOrEmpty || known.BinarySearch(name, StringComparer.Ordinal) >= 0)
        {
            return name;
        }

        var nearest = Nearest(name, known);
        throw new DomainException(
            DomainErrorKind.InvalidArgument,
            $"{field}: '{Identifiers.Truncate(name)}' is not a {what} in the network's catalog; did you mean {string.Join(", ", nearest.Select(n => $"'{n}'"))}? (rn catalog show lists them all)",
            field,
            reason: "UNKNOWN_" + DomainException.UpperSnake(what));
    }

    /// <summary>The three known names closest by edit distance, nearest first, ties by name.</summary>
    public static ImmutableArray<string> Nearest(string name, ImmutableArray<string> known) =>
        [.. known.OrderBy(k => EditDistance(name, k)).ThenBy(k => k, StringComparer.Ordinal).Take(3)];

    /// <summary>The job's capability and, for an order, its product category (API field names).</summary>
    public void RequireKnown(string capability, string? category)
    {
        RequireCapability(capability, "required_capability");
        if (category is not null)
        {
            RequireCategory(category, "product.category");
        }
    }

    /// <summary>Each capability of a list (an outlet's, a technician's certifications), fields named <c>{field}[i]</c>.</summary>
    public void RequireCapabilities(IReadOnlyList<string> capabilities, string field)
    {
        for (var i = 0; i < capabilities.Count; i++)
        {
            RequireCapability(capabilities[i], $"{field}[{i}]");
        }
    }

    /// <summary>Levenshtein distance: the fewest single-character edits turning one name into the other.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitution);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static ImmutableArray<string> Checked(IEnumerable<string> names, string field)
    {
        var list = names.ToList();
        if (list.Count > MaxEntries)
        {
            throw DomainException.Invalid(field, $"must list at most {MaxEntries} names (got {list.Count})");
        }

        for (var i = 0; i < list.Count; i++)
        {
            Identifiers.RequireCapability(list[i], $"{field}[{i}]");
        }

        return [.. list.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
