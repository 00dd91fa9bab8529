using RepairNetwork.Server.Extensions;

var builder = WebApplication.CreateBuilder(ServerCommandLine.Normalize(args));
builder.AddRepairNetworkSilo();
builder.AddRepairNetworkApi();

var app = builder.Build();
app.MapRepairNetworkApi();
app.Run();

/// <summary>Visible to the end-to-end tests, which host the real server in-process.</summary>
public partial class Program;
