using System.Diagnostics;

namespace RepairNetwork.Server.Lifecycle;

/// <summary>The runtime's background compilation, as warm-up waits on it.</summary>
public static class JitActivity
{
    /// <summary>
    /// Waits (at most <paramref name="max"/>) until the runtime has all but stopped compiling: the code
    /// warm-up made hot is recompiled optimised on a background thread, which would otherwise take
    /// CPU from the first calls. Returns the methods compiled while waiting.
    /// </summary>
    public static async Task<int> Settled(TimeSpan max, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var start = System.Runtime.JitInfo.GetCompiledMethodCount();
        var compiled = start;
        while (watch.Elapsed < max)
        {
            await Task.Delay(200, ct);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            var settled = now - compiled < 5;
            compiled = now;
            if (settled)
            {
                break;
            }
        }

        return (int)(compiled - start);
    }
}
