using System.Collections.Immutable;

namespace RepairNetwork.Grains;

/// <summary>Order-id feeds are stored oldest first (append-only) and read newest first.</summary>
public static class OrderFeeds
{
    /// <summary>
    /// Up to <paramref name="take"/> ids, newest first, after skipping the <paramref name="skip"/>
    /// newest. Positions stay stable while the feed grows, so a skip count works as a page token.
    /// </summary>
    public static ImmutableArray<string> NewestFirst(IReadOnlyList<string> oldestFirst, int skip, int take) =>
        [.. Enumerable.Range(0, Math.Max(0, Math.Min(take, oldestFirst.Count - skip)))
            .Select(i => oldestFirst[oldestFirst.Count - 1 - skip - i])];
}
