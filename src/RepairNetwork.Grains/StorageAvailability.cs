namespace RepairNetwork.Grains;

/// <summary>
/// Whether grain storage is known to be unreachable right now (the host's probe says so). Background
/// saves that would be retried anyway wait for the next tick instead of failing, and being logged by
/// the storage provider with a stack trace each time, for the length of an outage.
/// </summary>
public interface IStorageAvailability
{
    bool IsKnownDown { get; }
}

/// <summary>The default where the host has no probe (e.g. in-memory storage): never known to be down.</summary>
public sealed class AssumeStorageAvailable : IStorageAvailability
{
    public bool IsKnownDown => false;
}
