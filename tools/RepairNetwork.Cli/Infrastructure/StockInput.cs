using System.Globalization;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>
/// Parses what users type or export for stock commands. Only the shape is checked here (so a typo is
/// reported with its line before anything is sent); catalog, ranges and stock rules stay with the server.
/// </summary>
internal static class StockInput
{
    /// <summary>A transfer line written SKU:QTY, e.g. SCR-X200:2; null unless the quantity is a whole number of at least 1.</summary>
    public static TransferLine? ParseLine(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // The last colon splits, so the message for "A:B:2" is the server's (invalid SKU), not ours.
        var colon = value.LastIndexOf(':');
        return colon > 0
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity)
            && quantity >= 1
                ? new TransferLine { Sku = value[..colon].Trim(), Quantity = quantity }
                : null;
    }

    /// <summary>
    /// A physical count as CSV with the columns sku,on_hand: an optional header line, blank lines
    /// ignored, fields trimmed and optionally double-quoted. Throws <see cref="CliException"/> naming
    /// the line of the first malformed row, a repeated SKU, or an empty count.
    /// </summary>
    public static List<StockCount> ParseCounts(TextReader reader, string source)
    {
        var counts = new List<StockCount>();
        var lineBySku = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        var firstRow = true;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 2)
            {
                throw new CliException($"{source}:{lineNumber}: expected 2 columns sku,on_hand, found {fields.Length}");
            }

            var sku = Unquote(fields[0]);
            var onHandText = Unquote(fields[1]);
            var header = firstRow && IsHeader(sku, onHandText);
            firstRow = false;
            if (header)
            {
                continue;
            }

            if (sku.Length == 0)
            {
                throw new CliException($"{source}:{lineNumber}: the sku is empty");
            }

            if (!int.TryParse(onHandText, NumberStyles.None, CultureInfo.InvariantCulture, out var onHand))
            {
                throw new CliException($"{source}:{lineNumber}: on_hand '{onHandText}' of {sku} is not a whole number of 0 or more");
            }

            // The server rejects a repeated SKU too, but without the line numbers that make it easy to fix.
            if (!lineBySku.TryAdd(sku, lineNumber))
            {
                throw new CliException($"{source}:{lineNumber}: {sku} is already counted on line {lineBySku[sku]}; list each SKU once");
            }

            counts.Add(new StockCount { Sku = sku, OnHand = onHand });
        }

        if (counts.Count == 0)
        {
            throw new CliException($"{source}: no counts; expected lines of sku,on_hand");
        }

        return counts;
    }

    private static bool IsHeader(string first, string second) =>
        first.Equals("sku", StringComparison.OrdinalIgnoreCase)
        && (second.Equals("on_hand", StringComparison.OrdinalIgnoreCase) || second.Equals("onhand", StringComparison.OrdinalIgnoreCase));

    private static string Unquote(string field)
    {
        var trimmed = field.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1].Trim() : trimmed;
    }
}
