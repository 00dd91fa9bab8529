namespace RepairNetwork.Server.Extensions;

/// <summary>Turns friendly switches into configuration keys the host understands.</summary>
public static class ServerCommandLine
{
    /// <summary><c>--demo</c> loads the demo network (same as <c>--Demo:Enabled=true</c>).</summary>
    public static string[] Normalize(string[] args) =>
        [.. args.Select(a => a == "--demo" ? "--Demo:Enabled=true" : a)];
}
