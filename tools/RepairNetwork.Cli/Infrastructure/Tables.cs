using Spectre.Console;
using Spectre.Console.Rendering;

namespace RepairNetwork.Cli.Infrastructure;

/// <summary>Small helpers for Spectre.Console output; all cell text is plain, never markup.</summary>
internal static class Tables
{
    public static Table New(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        return table;
    }

    public static Table RightAlign(this Table table, params int[] columns)
    {
        foreach (var column in columns)
        {
            table.Columns[column].RightAligned();
        }

        return table;
    }

    public static void Row(this Table table, params string?[] cells) =>
        table.AddRow([.. cells.Select(c => (IRenderable)new Text(c ?? string.Empty))]);

    /// <summary>One record as aligned "Label: value" lines.</summary>
    public static void Details(IReadOnlyList<(string Label, string? Value)> rows)
    {
        var width = rows.Max(r => r.Label.Length) + 2;
        foreach (var (label, value) in rows)
        {
            Line((label + ":").PadRight(width) + (string.IsNullOrEmpty(value) ? "-" : value));
        }
    }

    /// <summary>Prints a listing's table (if it has rows), its count and how to get the next page.</summary>
    public static void PageFooter(Table table, int count, string singular, string plural, string nextPageToken)
    {
        if (count > 0)
        {
            AnsiConsole.Write(table);
        }

        Line(count == 1 ? $"1 {singular}" : $"{Names.Number(count)} {plural}");
        if (nextPageToken.Length > 0)
        {
            Line($"more: rerun with --all, or with --page-token {nextPageToken}");
        }
    }

    /// <summary>
    /// The caller's idempotency key, or a new one. Printed before the call, so that a timeout or a
    /// dropped connection can be retried safely with the same key.
    /// </summary>
    public static string IdempotencyKey(string? given, string label, string option)
    {
        if (!string.IsNullOrEmpty(given))
        {
            Line($"{label}: {given}");
            return given;
        }

        var key = Guid.NewGuid().ToString();
        Line($"{label}: {key} (to retry safely, pass {option} {key})");
        return key;
    }

    public static void Line(string text) => AnsiConsole.Write(new Text(text + Environment.NewLine));
}
