using System.Text.RegularExpressions;
using Npgsql;
using RepairNetwork.Server.Lifecycle;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>
/// Warm-up rehearses order creation before SERVING (issue 18, cold start): what it writes on the way
/// must not become an order, a booking, a reminder or a service event anybody could see.
/// </summary>
public sealed partial class WarmupRehearsalTests
{
    [Fact]
    public async Task Warm_up_rehearses_the_order_path_and_leaves_no_order_booking_reminder_or_service_event()
    {
        await using var db = await TestDatabase.CreateAsync();
        var cluster = "warmup-" + Guid.NewGuid().ToString("N")[..8];
        await using (var first = await ServerProcess.StartAsync("seed", db.ConnectionString, cluster))
        {
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SH-0001", 31.23, 121.47, alwaysOpen: true) });
            await first.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SH-0002", 31.25, 121.50, alwaysOpen: true) });
            await first.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician("SH-0001-T1", "SH-0001", expiresOn: "2099-12-31") });
            await first.StopAsync();
        }

        var before = await Counts(db.ConnectionString);

        // A fresh process on the same data: its warm-up rehearses at the two outlets before SERVING.
        await using var server = await ServerProcess.StartAsync("warm", db.ConnectionString, cluster);
        var finished = WarmupFinished().Match(server.Output);
        Assert.True(finished.Success, $"no warm-up summary in the log:\n{server.OutputTail}");
        Assert.True(int.Parse(finished.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, finished.Value);
        Assert.DoesNotContain("Warm-up order path failed", server.Output, StringComparison.Ordinal);

        var after = await Counts(db.ConnectionString);
        Assert.Equal(before.Orders, after.Orders);
        Assert.Equal(before.ServiceEvents, after.ServiceEvents);
        Assert.Equal(before.Reminders, after.Reminders);
        Assert.Equal(0, after.CanaryPayloads);
        Assert.True(after.CanaryRows > 0, "the canary writes never reached the database");

        // The outlets were not booked: their job lists are empty, and a real order still goes through.
        foreach (var outlet in new[] { "SH-0001", "SH-0002" })
        {
            var jobs = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { OutletId = outlet });
            Assert.Empty(jobs.Orders);
        }

        var order = (await server.Orders.CreateRepairOrderAsync(Samples.Order(31.23, 121.47))).Order;
        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);
    }

    private sealed record Snapshot(long Orders, long ServiceEvents, long Reminders, long CanaryRows, long CanaryPayloads);

    private static async Task<Snapshot> Counts(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new Snapshot(
            await Scalar("select count(*) from orleans_grain_state where state_name = 'repair-order'"),
            await Scalar("select count(*) from service_events"),
            await Scalar("select count(*) from orleans_reminder"),
            await Scalar($"select count(*) from orleans_grain_state where state_name = 'warmup-canary' or grain_id_extension like '{WriteRehearsal.CanaryOutletKeyPrefix}%'"),
            await Scalar($"select count(payload) from orleans_grain_state where state_name = 'warmup-canary' or grain_id_extension like '{WriteRehearsal.CanaryOutletKeyPrefix}%'"));
    }

    [GeneratedRegex(@"Warm-up finished .*?(\d+) order paths rehearsed")]
    private static partial Regex WarmupFinished();
}
