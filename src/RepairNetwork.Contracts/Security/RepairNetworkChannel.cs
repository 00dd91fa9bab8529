using Grpc.Core;
using Grpc.Net.Client;

namespace RepairNetwork.Contracts.Security;

/// <summary>Client channels that send a bearer token with every call.</summary>
public static class RepairNetworkChannel
{
    /// <summary>
    /// One channel per process (or per identity): it pools its HTTP/2 connection. Over plain http the
    /// token still travels, which is acceptable only for local development; use https in production.
    /// </summary>
    public static GrpcChannel Create(string address, string? token, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        if (token is not null)
        {
            var credentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("Authorization", "Bearer " + token);
                return Task.CompletedTask;
            });
            options.Credentials = address.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                ? ChannelCredentials.Create(new SslCredentials(), credentials)
                : ChannelCredentials.Create(ChannelCredentials.Insecure, credentials);
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }

        return GrpcChannel.ForAddress(address, options);
    }
}
