namespace RepairNetwork.Grains;

/// <summary>Names the grain storage provider; which backend serves it (memory, PostgreSQL) is configuration.</summary>
public static class StorageNames
{
    public const string Repair = "repair";
}
