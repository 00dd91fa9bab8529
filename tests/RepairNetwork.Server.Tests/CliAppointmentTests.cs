using System.Globalization;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The built <c>rn</c> as an agent uses it for appointments: a template put, slots read out with
/// their zone, an order booked into one, a taken slot answered with the next free ones ready to
/// paste, and the technician's day plan. Own server, clock at Wednesday 2026-11-18 08:00 in Shanghai.
/// </summary>
public sealed class CliAppointmentTests
{
    [Fact]
    public async Task An_agent_books_a_slot_and_a_taken_slot_prints_the_next_free_ones()
    {
        var at = new DateTimeOffset(2026, 11, 18, 8, 0, 0, TimeSpan.FromHours(8));
        await using var server = ServerFixture.StartingAt(at - TimeSpan.FromMinutes(1));
        await server.InitializeAsync();
        server.Clock.SetUtcNow(at);

        var (lat, lon) = TestArea.Next();
        var outlet = Samples.UniqueId("CLISLOT");
        // Samples.Outlet opens Wednesdays 09:00-18:00; one technician.
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(outlet, lat + 0.01, lon) });
        await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(outlet + "-T1", outlet) });
        var hq = server.Mint("hq", Roles.Hq, null, TimeSpan.FromMinutes(30));
        var agent = server.Mint("agent", Roles.CallCenter, null, TimeSpan.FromMinutes(30));
        string[] where = ["--lat", lat.ToString(CultureInfo.InvariantCulture), "--lon", lon.ToString(CultureInfo.InvariantCulture)];

        var (code, output, error) = await CliErrorTests.Rn(server.Address, hq, "templates", "put", "--capability", "phone.screen", "--minutes", "45");
        Assert.True(code == 0, error);
        Assert.Matches(@"phone\.screen\s+│\s+45\s+│", output);

        (code, output, error) = await CliErrorTests.Rn(server.Address, agent, ["slots", .. where, "--capability", "phone.screen", "--mode", "carry-in", "--limit", "3"]);
        Assert.True(code == 0, error);
        Assert.Contains("drop-off slots at the outlet, 45 min of work; times in Asia/Shanghai", output, StringComparison.Ordinal);
        Assert.Matches(@"Wed 2026-11-18\s+│\s+09:00-09:30\s+│\s+" + outlet, output);
        var slot = $"{outlet}@2026-11-18T01:00Z/carry-in";
        Assert.Contains(slot, output, StringComparison.Ordinal);

        string[] order = ["order", "create", .. where, "--capability", "phone.screen", "--mode", "carry-in", "--name", "Zhang San", "--phone", "+86 138 0000 0000",
            "--category", "phone", "--model", "X200", "--serial", "SN1", "--purchase-date", "2026-01-15", "--fault", "Cracked screen", "--slot", slot];
        (code, output, error) = await CliErrorTests.Rn(server.Address, agent, order);
        Assert.True(code == 0, error);
        Assert.Matches($@"Appointment:\s+Wed 2026-11-18 09:00-09:30 \(Asia/Shanghai\), carry-in drop-off at {outlet}", output);
        Assert.Matches($@"Booked technician:\s+{outlet}-T1, planned 09:00-09:45 \(Asia/Shanghai\)", output);

        (code, _, error) = await CliErrorTests.Rn(server.Address, agent, order.Select(a => a == "SN1" ? "SN2" : a).ToArray());
        Assert.Equal(1, code);
        Assert.Contains("FailedPrecondition: slot_id: the slot 09:00-09:30 on 2026-11-18 (Asia/Shanghai)", error, StringComparison.Ordinal);
        Assert.Contains("next free:", error, StringComparison.Ordinal);
        Assert.Contains($"--slot {outlet}@2026-11-18T01:30Z/carry-in", error, StringComparison.Ordinal);

        (code, output, error) = await CliErrorTests.Rn(server.Address, hq, "technician", "day-plan", "--outlet", outlet, "--technician", outlet + "-T1", "--date", "2026-11-18");
        Assert.True(code == 0, error);
        Assert.Contains($"{outlet}-T1 on Wed 2026-11-18; times in Asia/Shanghai", output, StringComparison.Ordinal);
        Assert.Matches(@"carry-in\s+│\s+09:00-09:30\s+│\s+09:00\s+│\s+09:45", output);
        Assert.Contains("1 visit; booked 45 min of 9 h scheduled", output, StringComparison.Ordinal);
    }
}
