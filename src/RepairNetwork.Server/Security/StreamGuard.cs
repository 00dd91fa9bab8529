using System.Collections.Concurrent;
using Grpc.Core;

namespace RepairNetwork.Server.Security;

/// <summary>Limits on server streams (README, "Security").</summary>
public sealed class StreamSettings
{
    /// <summary>Streams one client (token subject) may hold open at once on one server, unless its role has its own.</summary>
    public int MaxPerClient { get; set; } = 100;

    /// <summary>Per-role overrides of <see cref="MaxPerClient"/>, e.g. "outlet": 20.</summary>
    public Dictionary<string, int> MaxPerClientByRole { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often a stream that is writing nothing re-checks the caller's right to it (token expiry, ownership).</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int LimitFor(string role) => MaxPerClientByRole.TryGetValue(role, out var limit) ? limit : MaxPerClient;
}

/// <summary>
/// Keeps a server stream's caller entitled to what it streams for as long as it runs: the access rule
/// that admitted the call is asked again before every message and every <see cref="StreamSettings.RecheckInterval"/>
/// while it is quiet, and the token's expiry is watched. An outlet that declines an order (or whose
/// token expires) stops receiving it at once; the stream ends with PERMISSION_DENIED (UNAUTHENTICATED
/// for an expired token) instead of going on with data that is no longer the caller's.
/// </summary>
public sealed class StreamGuard : IDisposable
{
    private const string ItemKey = "repairnetwork.stream-guard";

    private readonly Func<Task<string?>> _refusal;
    private readonly DateTimeOffset? _tokenExpires;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _ended;
    private readonly ITimer _timer;
    private int _checking;

    public StreamGuard(Func<Task<string?>> refusal, DateTimeOffset? tokenExpires, TimeProvider time, TimeSpan interval, CancellationToken callCancelled)
    {
        _refusal = refusal;
        _tokenExpires = tokenExpires;
        _time = time;
        _ended = CancellationTokenSource.CreateLinkedTokenSource(callCancelled);
        _timer = time.CreateTimer(_ => _ = RecheckQuietly(), null, interval, interval);
    }

    /// <summary>Why the stream was ended, once the caller's right is gone; null while it stands.</summary>
    public RpcException? Revoked { get; private set; }

    /// <summary>Cancelled when the call is cancelled or the caller's right is gone: what a streaming handler waits on.</summary>
    public CancellationToken Token => _ended.Token;

    /// <summary>The token a streaming handler should loop on: its guard's, or the call's own when unguarded.</summary>
    public static CancellationToken TokenFor(ServerCallContext context) =>
        context.GetHttpContext().Items.TryGetValue(ItemKey, out var guard) && guard is StreamGuard g ? g.Token : context.CancellationToken;

    public void AttachTo(ServerCallContext context) => context.GetHttpContext().Items[ItemKey] = this;

    /// <summary>Throws the refusal if the caller may no longer receive this stream's data.</summary>
    public async Task Recheck()
    {
        if (Revoked is null)
        {
            var refusal = _tokenExpires is { } expires && _time.GetUtcNow() >= expires
                ? new RpcException(new Status(StatusCode.Unauthenticated, "the token expired while the stream was open; reconnect with a fresh token"))
                : await _refusal() is { } reason
                    ? new RpcException(new Status(StatusCode.PermissionDenied, $"no longer allowed: {reason}"))
                    : null;
            if (refusal is not null && Revoked is null)
            {
                Revoked = refusal;
                await _ended.CancelAsync();
            }
        }

        if (Revoked is not null)
        {
            throw Revoked;
        }
    }

    private async Task RecheckQuietly()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        try
        {
            await Recheck();
        }
        catch (RpcException)
        {
            // Recorded in Revoked; the handler sees its token cancelled and the interceptor reports it.
        }
        catch (Exception)
        {
            // A lookup that failed (the cluster is busy, or the stream ended meanwhile) proves nothing
            // either way; the next message or tick checks again.
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _ended.Dispose();
    }
}

/// <summary>A response stream that asks its guard before every message.</summary>
internal sealed class GuardedStreamWriter<T>(IServerStreamWriter<T> inner, StreamGuard guard) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public async Task WriteAsync(T message)
    {
        await guard.Recheck();
        await inner.WriteAsync(message);
    }

    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        await guard.Recheck();
        await inner.WriteAsync(message, cancellationToken);
    }
}

/// <summary>Counts the streams each client holds open, so one client cannot hold unbounded long polls.</summary>
public sealed class StreamSlots
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A slot to dispose when the stream ends, or null when the client already holds <paramref name="limit"/>.</summary>
    public IDisposable? TryTake(string client, int limit)
    {
        while (true)
        {
            var current = _open.GetOrAdd(client, 0);
            if (current >= limit)
            {
                return null;
            }

            if (_open.TryUpdate(client, current + 1, current))
            {
                return new Slot(this, client);
            }
        }
    }

    public int OpenFor(string client) => _open.TryGetValue(client, out var count) ? count : 0;

    private void Release(string client)
    {
        while (true)
        {
            var current = _open[client];
            if (current == 1 ? ((ICollection<KeyValuePair<string, int>>)_open).Remove(new(client, 1)) : _open.TryUpdate(client, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Slot(StreamSlots slots, string client) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(client);
            }
        }
    }
}
