using Microsoft.Extensions.Options;
using Npgsql;

namespace RepairNetwork.Server.Storage;

public sealed class StorageProbeSettings
{
    /// <summary>How often the database is probed; also the retry hint given while it is unreachable.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one probe (connect + SELECT 1) may take before the database counts as unreachable.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Whether storage is reachable, as last seen by the background probe or by a call that failed on it.
/// While open (unreachable), calls that need storage are refused at once instead of each waiting on
/// connection attempts that will fail; the probe alone closes it again when the database answers.
/// </summary>
public sealed partial class StorageCircuit(TimeProvider time, IOptions<StorageProbeSettings> settings, ILogger<StorageCircuit> logger) : Grains.IStorageAvailability
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _openedAt;

    public bool IsOpen => Volatile.Read(ref _isOpen);

    bool Grains.IStorageAvailability.IsKnownDown => IsOpen;

    private bool _isOpen;

    /// <summary>When to try again while open: the next probe will know.</summary>
    public TimeSpan RetryAfter => settings.Value.ProbeInterval;

    public string? Reason { get; private set; }

    public void ReportFailure(string reason)
    {
        lock (_lock)
        {
            if (_isOpen)
            {
                return;
            }

            _openedAt = time.GetUtcNow();
            Reason = reason;
            Volatile.Write(ref _isOpen, true);
        }

        LogOpened(reason);
    }

    public void ReportSuccess()
    {
        TimeSpan down;
        lock (_lock)
        {
            if (!_isOpen)
            {
                return;
            }

            down = time.GetUtcNow() - _openedAt!.Value;
            Volatile.Write(ref _isOpen, false);
            Reason = null;
        }

        LogClosed(down);
    }

    /// <summary>Connection-level trouble only: a refused statement says nothing about reachability.</summary>
    public static bool IsOutage(Exception ex) =>
        ex is System.Net.Sockets.SocketException or NpgsqlException { IsTransient: true } && ex is not PostgresException { SqlState: "40001" or "40P01" };

    [LoggerMessage(Level = LogLevel.Warning, Message = "storage unreachable ({Reason}); calls that need it are refused with UNAVAILABLE until a probe succeeds")]
    private partial void LogOpened(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "storage reachable again after {Down}; calls are accepted")]
    private partial void LogClosed(TimeSpan down);
}

/// <summary>
/// Probes PostgreSQL in the background with a short connect and command timeout, so the health check
/// and the call gate read a fresh answer instead of each waiting on the database themselves.
/// </summary>
public sealed class StorageProbe(StorageSettings storage, StorageCircuit circuit, IOptions<StorageProbeSettings> settings, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = settings.Value;
        var timeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.ProbeTimeout.TotalSeconds));

        // Its own small pool: a probe never waits behind grain storage for a connection.
        var connectionString = new NpgsqlConnectionStringBuilder(storage.ConnectionString)
        {
            Timeout = timeoutSeconds,
            CommandTimeout = timeoutSeconds,
            MaxPoolSize = 1,
            MinPoolSize = 0,
            ApplicationName = "repairnetwork-probe",
        }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(options.ProbeTimeout);
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                if (circuit.IsOpen)
                {
                    // Pooled connections from before the outage are dead, and the pool would hand each out
                    // once more to fail a call: drop them before calls are let through again.
                    NpgsqlConnection.ClearAllPools();
                }

                circuit.ReportSuccess();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
            {
                circuit.ReportFailure(ex is OperationCanceledException ? $"no answer within {options.ProbeTimeout}" : ex.Message);

                // A half-dead pooled connection must not be reused by the next probe.
                dataSource.Clear();
            }

            try
            {
                await Task.Delay(options.ProbeInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
