using Grpc.Core;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Server.Mapping;

namespace RepairNetwork.Server.Security;

/// <summary>The caller of a call the access interceptor admitted, for handlers that scope what they read or write to it.</summary>
public static class CallerContext
{
    public static Caller Caller(ServerCallContext context) =>
        Security.Caller.From(context.GetHttpContext().User)
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "a valid bearer token is required"));

    /// <summary>The caller as the domain records and judges it (role and outlet or client id).</summary>
    public static Actor Actor(ServerCallContext context) => LifecycleMapping.ToActor(Caller(context));
}
