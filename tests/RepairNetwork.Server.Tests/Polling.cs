namespace RepairNetwork.Server.Tests;

/// <summary>Waiting for effects the server applies after answering (one-way grain calls, background work).</summary>
public static class Polling
{
    /// <summary>Reads until <paramref name="done"/> holds or about 5 s pass; returns the last value read, for the test to assert on.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        for (var i = 0; i < 50 && !done(value); i++)
        {
            await Task.Delay(100);
            value = await read();
        }

        return value;
    }
}
