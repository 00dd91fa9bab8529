using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// <c>rn bench dispatch</c> as the cold-start benchmark runs it: progress per second, and the
/// connection opened with a create the server refuses, so only the orders asked for are created.
/// </summary>
public sealed class CliBenchTests
{
    [Fact]
    public async Task Bench_dispatch_reports_every_second_and_opening_the_connection_creates_no_order()
    {
        await using var server = new ServerFixture();
        await server.InitializeAsync();
        var hq = server.Mint("bench", Roles.Hq, null, TimeSpan.FromMinutes(10));

        // No outlets: every order is stored unassigned, so the unassigned queue counts what was created.
        var (code, output, error) = await CliErrorTests.Rn(server.Address, hq,
            "bench", "dispatch", "--points", "box", "--rate", "10", "--duration", "3", "--warm-up", "0", "--report-every", "1");

        Assert.True(code == 0, error + output);
        Assert.Matches(@"1 s: [\d,]+ orders done .* last 1 s p50", output);
        Assert.Matches(@"2 s: [\d,]+ orders done .* last 1 s p50", output);
        Assert.Matches(@"created \(ok\)\s+│\s+30 │", output);
        var unassigned = await server.Orders.ListRepairOrdersAsync(new Api.ListRepairOrdersRequest { Status = Api.RepairOrderStatus.Unassigned, PageSize = 100 });
        // The fixture's own warm-up order aside, exactly the 30 the bench asked for.
        Assert.Equal(30, unassigned.Orders.Count(o => o.RequestId.StartsWith("bench-", StringComparison.Ordinal)));
        Assert.All(unassigned.Orders, o => Assert.True(o.RequestId.StartsWith("bench-", StringComparison.Ordinal) || o.OrderId == "RO-WARMUP", o.RequestId));
    }
}
