using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RepairNetwork.Server.Storage;

/// <summary>
/// NOT_SERVING while PostgreSQL cannot be reached: every write would fail. Reads the background
/// probe's last answer (StorageProbe), so a check answers at once even while the database hangs and a
/// load balancer with a short probe timeout sees NOT_SERVING rather than a timeout.
/// </summary>
public sealed class DatabaseHealthCheck(StorageCircuit circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(circuit.IsOpen
            ? HealthCheckResult.Unhealthy("database unreachable: " + circuit.Reason)
            : HealthCheckResult.Healthy("database reachable"));
}
