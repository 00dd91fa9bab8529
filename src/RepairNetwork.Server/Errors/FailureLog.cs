using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace RepairNetwork.Server.Errors;

public sealed class FailureLogSettings
{
    /// <summary>How often the counts of expected failures (outage, overload) are written: one line per kind.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Counts expected failures (storage down, cluster unavailable, calls shed) and writes one line per
/// kind per interval, with the count and the first call's message. During an outage every call fails
/// the same way: a line and a stack trace per call only burns CPU and disk and buries the one fact.
/// </summary>
public sealed partial class FailureLog : IDisposable
{
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
    private readonly ILogger<FailureLog> _logger;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;

    public FailureLog(ILogger<FailureLog> logger, IOptions<FailureLogSettings> settings, TimeProvider time)
    {
        _logger = logger;
        _interval = settings.Value.Interval > TimeSpan.Zero ? settings.Value.Interval : TimeSpan.FromSeconds(10);
        _timer = time.CreateTimer(_ => Flush(), null, _interval, _interval);
    }

    public void Record(string kind, string method, string message)
    {
        var tally = _tallies.GetOrAdd(kind, _ => new Tally());
        lock (tally)
        {
            tally.Count++;
            tally.Example ??= $"{method}: {message}";
        }
    }

    /// <summary>Writes and resets the counts; kinds without failures since the last flush write nothing.</summary>
    public void Flush()
    {
        foreach (var (kind, tally) in _tallies)
        {
            long count;
            string? example;
            lock (tally)
            {
                (count, example) = (tally.Count, tally.Example);
                (tally.Count, tally.Example) = (0, null);
            }

            if (count > 0)
            {
                LogSummary(kind, count, _interval, example);
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind}: {Count} calls failed in the last {Interval}; first: {Example}")]
    private partial void LogSummary(string kind, long count, TimeSpan interval, string? example);

    private sealed class Tally
    {
        public long Count;
        public string? Example;
    }
}
