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

    public static void Line(string text) => AnsiConsole.Write(new Text(text + Environment.NewLine));
}
