using Grpc.Core;
using RepairNetwork.Domain;

namespace RepairNetwork.Server.Errors;

/// <summary>Named constructors for the statuses the API returns; messages name the field and the rule.</summary>
public static class RpcErrors
{
    public static RpcException InvalidArgument(string field, string rule) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {rule}"));

    public static RpcException Required(string field) => InvalidArgument(field, "is required");

    public static RpcException FromDomain(DomainException ex) => new(new Status(ex.Kind switch
    {
        DomainErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        DomainErrorKind.NotFound => StatusCode.NotFound,
        DomainErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        DomainErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        DomainErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        _ => StatusCode.Unknown,
    }, ex.Message));
}
