using RepairNetwork.Server.Extensions;

if (ServerCommandLine.IsMigrateCommand(args))
{
    return await ServerCommandLine.MigrateAsync(args);
}

var builder = WebApplication.CreateBuilder(ServerCommandLine.Normalize(args));
builder.AddRepairNetworkSilo();
builder.AddRepairNetworkApi();

var app = builder.Build();
app.MapRepairNetworkApi();
await app.RunAsync();
return 0;

/// <summary>Visible to the end-to-end tests, which host the real server in-process.</summary>
public partial class Program;
