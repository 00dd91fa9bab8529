using Google.Rpc;
using Grpc.Core;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Every error carries google.rpc.ErrorInfo (reason, domain, metadata) beside its unchanged message.</summary>
public sealed class ErrorDetailsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static ErrorInfo InfoOf(RpcException error)
    {
        var status = error.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal(error.Status.Detail, status.Message);
        Assert.Equal((int)error.StatusCode, status.Code);
        var info = Assert.Single(status.Details, d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal("repairnetwork.v1", info.Domain);
        return info;
    }

    [Fact]
    public async Task Not_found_names_what_was_not_found_in_the_reason()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Orders.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = "RO-NOSUCHORDER" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("REPAIR_ORDER_NOT_FOUND", InfoOf(error).Reason);
    }

    [Fact]
    public async Task Invalid_argument_has_the_field_in_both_the_violation_and_the_error_info()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Orders.CreateRepairOrderAsync(Samples.Order(91, 120)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var info = InfoOf(error);
        Assert.Equal("INVALID_FIELD", info.Reason);
        Assert.Equal("customer_location.latitude", info.Metadata["field"]);
        var violation = Assert.Single(Assert.Single(error.GetRpcStatus()!.Details, d => d.Is(BadRequest.Descriptor)).Unpack<BadRequest>().FieldViolations);
        Assert.Equal(info.Metadata["field"], violation.Field);
    }

    [Fact]
    public async Task A_refused_role_gets_permission_denied_naming_the_method_and_role()
    {
        using var channel = server.ChannelFor(Roles.CallCenter);
        var outlets = new Api.OutletService.OutletServiceClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("ERR-0001", 30, 120) }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        var info = InfoOf(error);
        Assert.Equal("ACCESS_DENIED", info.Reason);
        Assert.Equal("repairnetwork.v1.OutletService/CreateOutlet", info.Metadata["method"]);
        Assert.Equal(Roles.CallCenter, info.Metadata["role"]);
    }

    [Fact]
    public async Task Already_exists_and_failed_precondition_carry_their_kind_as_the_reason()
    {
        var outlet = Samples.Outlet("ERR-0002", 30.5, 120.5);
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet });
        outlet.Name = "Another name";
        var error = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = outlet }).ResponseAsync);
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("ALREADY_EXISTS", InfoOf(error).Reason);
    }
}
