using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using RepairNetwork.Server.Security;

namespace RepairNetwork.Server.Tests;

/// <summary>A stream's right to its data is asked again as it runs, on the server's clock.</summary>
public sealed class StreamGuardTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_stream_ends_unauthenticated_when_its_token_expires_even_while_it_writes_nothing()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero));
        using var guard = new StreamGuard(() => Task.FromResult<string?>(null), clock.GetUtcNow().AddMinutes(1), clock, Interval, CancellationToken.None);

        await guard.Recheck();
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.False(guard.Token.IsCancellationRequested);

        clock.Advance(TimeSpan.FromSeconds(30)); // the token's expiry, on a quiet re-check
        Assert.True(guard.Token.IsCancellationRequested);
        Assert.Equal(StatusCode.Unauthenticated, guard.Revoked?.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(guard.Recheck)).StatusCode);
    }

    [Fact]
    public async Task A_stream_whose_right_is_gone_ends_with_permission_denied_and_stays_ended()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero));
        var owner = "A";
        using var guard = new StreamGuard(() => Task.FromResult(owner == "A" ? null : "an outlet may only act on its own outlet's data"), null, clock, Interval, CancellationToken.None);

        await guard.Recheck();
        owner = "B";
        var refused = await Assert.ThrowsAsync<RpcException>(guard.Recheck);
        owner = "A";

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.True(guard.Token.IsCancellationRequested);
        Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(guard.Recheck)).StatusCode);
    }
}
