namespace RepairNetwork.Grains;

/// <summary>
/// The page arithmetic of feeds numbered 1, 2, 3… that move out of a grain's state in write-once
/// pages of a fixed size: page n holds entries n × size + 1 to (n + 1) × size.
/// </summary>
public static class SequencePages
{
    /// <summary>The page holding the entry at 1-based <paramref name="position"/>.</summary>
    public static long PageOf(long position, int size) => (position - 1) / size;

    /// <summary>
    /// How many entries from <paramref name="first"/> on belong to its page: a whole page, or the rest
    /// of one that began before pages existed.
    /// </summary>
    public static int RestOfPage(long first, int size) => (int)(((PageOf(first, size) + 1) * size) - first + 1);
}
