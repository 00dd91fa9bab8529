namespace RepairNetwork.Grains;

/// <summary>
/// Group commit for a grain whose state carries a version: callers that changed the state wait
/// until a write covering their version is durable, and concurrent callers share one write (a bulk
/// import costs a few writes, not one per item). Used from the grain's own turns only.
/// </summary>
public sealed class GroupCommit(Func<Task> write, Func<long> currentVersion)
{
    private long _persistedVersion;
    private Task? _writeInFlight;

    /// <summary>The version already in storage (set on activation).</summary>
    public void Persisted(long version) => _persistedVersion = version;

    public async Task PersistThrough(long version)
    {
        while (_persistedVersion < version)
        {
            if (_writeInFlight is not null)
            {
                await _writeInFlight;
                continue;
            }

            var target = currentVersion();
            _writeInFlight = write();
            try
            {
                await _writeInFlight;
                _persistedVersion = target;
            }
            finally
            {
                _writeInFlight = null;
            }
        }
    }
}
