namespace RepairNetwork.Contracts.Import;

/// <summary>
/// One row of an import file: the parsed item, or why the row could not be read.
/// Exactly one of <see cref="Item"/> and <see cref="Error"/> is set.
/// </summary>
/// <param name="LineNumber">
/// 1-based line in the file where the row starts (for GeoJSON: the line of the feature's opening brace).
/// Errors about the file as a whole (missing header, not a FeatureCollection) carry the line they were found on.
/// </param>
/// <param name="Item">The parsed message; null when <see cref="Error"/> is set.</param>
/// <param name="Error">What is wrong with the row, e.g. "latitude: '91.5' is outside [-90, 90]"; null when the row was read.</param>
public sealed record ImportRow<T>(int LineNumber, T? Item, string? Error)
    where T : class
{
    /// <summary>Whether the row was read.</summary>
    public bool IsOk => Error is null;

    public static ImportRow<T> Ok(int lineNumber, T item) => new(lineNumber, item, null);

    public static ImportRow<T> Failed(int lineNumber, string error) => new(lineNumber, null, error);
}
