namespace RepairNetwork.Server.Tests;

/// <summary>
/// Gives each test its own patch of the globe, 5° apart (over 350 km, beyond the 200 km carry-in
/// limit), so tests sharing one server never see each other's outlets.
/// </summary>
public static class TestArea
{
    private static int _next;

    public static (double Lat, double Lon) Next()
    {
        var slot = Interlocked.Increment(ref _next);
        return (-45 + (slot / 70 * 5), -175 + (slot % 70 * 5));
    }
}
