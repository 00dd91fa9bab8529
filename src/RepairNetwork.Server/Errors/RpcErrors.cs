using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RepairNetwork.Domain;

namespace RepairNetwork.Server.Errors;

/// <summary>
/// Named constructors for the statuses the API returns; messages name the field and the rule. Every
/// error carries a google.rpc.Status in the grpc-status-details-bin trailer (which JSON transcoding turns
/// into the REST error body's "details") with a google.rpc.ErrorInfo: a stable UPPER_SNAKE reason a client
/// can branch on, domain <see cref="Domain"/>, and metadata such as the field. Messages are for people and
/// may be reworded; reasons are not.
/// </summary>
public static class RpcErrors
{
    /// <summary>ErrorInfo.domain of every error this API sends.</summary>
    public const string Domain = "repairnetwork.v1";

    public const string StatusDetailsTrailer = "grpc-status-details-bin";

    /// <summary>
    /// INVALID_ARGUMENT "field: rule", with the field also as a google.rpc.BadRequest violation, so a
    /// client can point at the input without parsing the message.
    /// </summary>
    public static RpcException InvalidArgument(string field, string rule) =>
        WithViolation($"{field}: {rule}", field, rule, rule == "is required" ? "FIELD_REQUIRED" : "INVALID_FIELD");

    public static RpcException Required(string field) => InvalidArgument(field, "is required");

    public static RpcException FromDomain(DomainException ex) => ex switch
    {
        { Kind: DomainErrorKind.InvalidArgument, Field: { Length: > 0 } field } => WithViolation(ex.Message, field, RuleOf(ex.Message, field), ex.Reason ?? "INVALID_FIELD"),
        _ => Error(CodeOf(ex.Kind), ex.Message, ex.Reason ?? ReasonOf(CodeOf(ex.Kind)), ex.Field is { Length: > 0 } field ? new() { ["field"] = field } : null),
    };

    /// <summary>A status with its ErrorInfo; <paramref name="trailers"/> go along (e.g. a retry hint).</summary>
    public static RpcException Error(StatusCode code, string message, string reason, Dictionary<string, string>? metadata = null, Metadata? trailers = null, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(Info(reason, metadata)) } };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return WithDetails(new Grpc.Core.Status(code, message), status, trailers);
    }

    /// <summary>
    /// The same failure with an ErrorInfo if it has no status details yet (a status raised without a
    /// reason of its own, e.g. by a library); reason: the code's name.
    /// </summary>
    public static RpcException WithErrorInfo(RpcException ex)
    {
        if (ex.StatusCode == StatusCode.OK || ex.Trailers.Get(StatusDetailsTrailer) is not null)
        {
            return ex;
        }

        var status = new Google.Rpc.Status { Code = (int)ex.StatusCode, Message = ex.Status.Detail, Details = { Any.Pack(Info(ReasonOf(ex.StatusCode), null)) } };
        return WithDetails(ex.Status, status, ex.Trailers);
    }

    /// <summary>"PermissionDenied" → "PERMISSION_DENIED": the gRPC code's canonical name.</summary>
    public static string ReasonOf(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    private static StatusCode CodeOf(DomainErrorKind kind) => kind switch
    {
        DomainErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        DomainErrorKind.NotFound => StatusCode.NotFound,
        DomainErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        DomainErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
        DomainErrorKind.PermissionDenied => StatusCode.PermissionDenied,
        _ => StatusCode.Unknown,
    };

    private static ErrorInfo Info(string reason, Dictionary<string, string>? metadata)
    {
        var info = new ErrorInfo { Reason = reason, Domain = Domain };
        if (metadata is not null)
        {
            info.Metadata.Add(metadata);
        }

        return info;
    }

    private static RpcException WithDetails(Grpc.Core.Status status, Google.Rpc.Status details, Metadata? trailers)
    {
        var all = new Metadata();
        foreach (var entry in trailers ?? [])
        {
            if (entry.Key != StatusDetailsTrailer)
            {
                all.Add(entry);
            }
        }

        all.Add(StatusDetailsTrailer, details.ToByteArray());
        return new RpcException(status, all);
    }

    private static RpcException WithViolation(string message, string field, string rule, string reason) =>
        Error(StatusCode.InvalidArgument, message, reason, new() { ["field"] = field }, null,
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = rule } } });

    // Domain messages read "field: rule"; the violation's description is the rule alone.
    private static string RuleOf(string message, string field) =>
        message.StartsWith(field + ": ", StringComparison.Ordinal) ? message[(field.Length + 2)..] : message;
}
