using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RepairNetwork.Domain;

namespace RepairNetwork.Server.Errors;

/// <summary>Named constructors for the statuses the API returns; messages name the field and the rule.</summary>
public static class RpcErrors
{
    /// <summary>
    /// INVALID_ARGUMENT "field: rule", with the field also as a google.rpc.BadRequest violation, so a
    /// client can point at the input without parsing the message. The details travel in the
    /// grpc-status-details-bin trailer, which JSON transcoding turns into the REST error body.
    /// </summary>
    public static RpcException InvalidArgument(string field, string rule) =>
        WithViolation($"{field}: {rule}", field, rule);

    public static RpcException Required(string field) => InvalidArgument(field, "is required");

    public static RpcException FromDomain(DomainException ex) => ex switch
    {
        { Kind: DomainErrorKind.InvalidArgument, Field: { Length: > 0 } field } => WithViolation(ex.Message, field, RuleOf(ex.Message, field)),
        _ => new(new Grpc.Core.Status(ex.Kind switch
        {
            DomainErrorKind.InvalidArgument => Grpc.Core.StatusCode.InvalidArgument,
            DomainErrorKind.NotFound => Grpc.Core.StatusCode.NotFound,
            DomainErrorKind.AlreadyExists => Grpc.Core.StatusCode.AlreadyExists,
            DomainErrorKind.FailedPrecondition => Grpc.Core.StatusCode.FailedPrecondition,
            DomainErrorKind.PermissionDenied => Grpc.Core.StatusCode.PermissionDenied,
            _ => Grpc.Core.StatusCode.Unknown,
        }, ex.Message)),
    };

    private static RpcException WithViolation(string message, string field, string rule) =>
        new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = message,
            Details = { Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = rule } } }) },
        }.ToRpcException();

    // Domain messages read "field: rule"; the violation's description is the rule alone.
    private static string RuleOf(string message, string field) =>
        message.StartsWith(field + ": ", StringComparison.Ordinal) ? message[(field.Length + 2)..] : message;
}
