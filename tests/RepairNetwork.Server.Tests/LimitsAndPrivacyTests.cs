using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>A server with a tight per-client rate limit and verbose logging.</summary>
public sealed class StrictServerFixture : ServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimit:PermitsPerSecond"] = "1",
        ["RateLimit:Burst"] = "10",
        ["RateLimit:Roles:hq:PermitsPerSecond"] = "1",
        ["RateLimit:Roles:hq:Burst"] = "10",
        ["RateLimit:Roles:call_center:PermitsPerSecond"] = "1000",
        ["RateLimit:Roles:call_center:Burst"] = "1000",
        ["Logging:LogLevel:Default"] = "Debug",
    };
}

public sealed class LimitsAndPrivacyTests(StrictServerFixture server) : IClassFixture<StrictServerFixture>
{
    [Fact]
    public async Task A_client_over_its_rate_limit_gets_resource_exhausted_while_other_clients_carry_on()
    {
        using var greedy = server.ChannelWithToken(server.Mint("greedy-tool", Roles.Hq, null, TimeSpan.FromHours(1)));
        using var polite = server.ChannelWithToken(server.Mint("polite-tool", Roles.Hq, null, TimeSpan.FromHours(1)));
        var outlets = new Api.OutletService.OutletServiceClient(greedy);

        var statuses = new List<StatusCode>();
        for (var i = 0; i < 30; i++)
        {
            try
            {
                await outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 1 });
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException ex)
            {
                statuses.Add(ex.StatusCode);
            }
        }

        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.True(statuses.Count(s => s == StatusCode.OK) >= 10, "the burst is served");
        Assert.All(statuses, s => Assert.True(s is StatusCode.OK or StatusCode.ResourceExhausted, s.ToString()));
        await new Api.OutletService.OutletServiceClient(polite).ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 1 });
    }

    [Fact]
    public async Task Each_role_has_its_own_limit()
    {
        using var callCenter = server.ChannelWithToken(server.Mint("switchboard", Roles.CallCenter, null, TimeSpan.FromHours(1)));
        var outlets = new Api.OutletService.OutletServiceClient(callCenter);

        for (var i = 0; i < 50; i++)
        {
            await outlets.ListOutletsAsync(new Api.ListOutletsRequest { PageSize = 1 });
        }
    }

    [Fact]
    public async Task Customer_name_phone_and_address_never_appear_in_the_logs()
    {
        const string name = "Qiu Zhiyuan-Unlikely";
        const string phone = "+86 139 8765 4321";
        const string address = "77 Secret Garden Lane";
        using var channel = server.ChannelWithToken(server.Mint("privacy-test", Roles.CallCenter, null, TimeSpan.FromHours(1)));
        var orders = new Api.RepairOrderService.RepairOrderServiceClient(channel);

        var request = Samples.Order(-33.9, 18.4);
        request.Customer = new Api.Customer { Name = name, Phone = phone, Address = address };
        var created = (await orders.CreateRepairOrderAsync(request)).Order;
        await orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = created.OrderId });
        var conflicting = request.Clone();
        conflicting.FaultDescription = "different";
        await Assert.ThrowsAsync<RpcException>(() => orders.CreateRepairOrderAsync(conflicting).ResponseAsync);
        var badPhone = request.Clone();
        badPhone.RequestId = Guid.NewGuid().ToString();
        badPhone.Customer.Phone = phone + " ext. 9";
        await Assert.ThrowsAsync<RpcException>(() => orders.CreateRepairOrderAsync(badPhone).ResponseAsync);

        Assert.NotEmpty(server.Logs.Lines);
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(name, StringComparison.Ordinal) || l.Contains(phone, StringComparison.Ordinal) || l.Contains(address, StringComparison.Ordinal));
    }
}
