using Orleans;

namespace RepairNetwork.Domain;

/// <summary>What kind of rule a request broke; the API layer maps each to one status code.</summary>
public enum DomainErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,

    /// <summary>
    /// The caller may not do this to this object (e.g. an outlet reopening what headquarters closed,
    /// or naming an order that is not its own); messages reveal nothing about other outlets' objects.
    /// </summary>
    PermissionDenied,
}

/// <summary>
/// A broken domain rule. Serializable so it crosses grain calls between silos unchanged.
/// </summary>
[GenerateSerializer, Alias("rn.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string message, string? field = null, string? reason = null) : base(message)
    {
        Kind = kind;
        Field = field;
        Reason = reason;
    }

    [Id(0)] public DomainErrorKind Kind { get; private set; }

    /// <summary>The request field at fault, as named in the API (e.g. "location.latitude").</summary>
    [Id(1)] public string? Field { get; private set; }

    /// <summary>
    /// A stable UPPER_SNAKE code for clients to branch on (e.g. "REPAIR_ORDER_NOT_FOUND"); null: the API
    /// derives one from <see cref="Kind"/>. Sent as google.rpc.ErrorInfo's reason; messages may change, this may not.
    /// </summary>
    [Id(2)] public string? Reason { get; private set; }

    public static DomainException Invalid(string field, string rule) =>
        new(DomainErrorKind.InvalidArgument, $"{field}: {rule}", field);

    public static DomainException NotFound(string what, string id) =>
        new(DomainErrorKind.NotFound, $"{what} '{id}' does not exist", reason: UpperSnake(what) + "_NOT_FOUND");

    /// <summary>"repair order" → "REPAIR_ORDER".</summary>
    public static string UpperSnake(string words) =>
        string.Join('_', words.Split([' ', '-', '.', '_'], StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    public static DomainException AlreadyExists(string message) => new(DomainErrorKind.AlreadyExists, message);

    public static DomainException Precondition(string message) => new(DomainErrorKind.FailedPrecondition, message);

    public static DomainException Forbidden(string message) => new(DomainErrorKind.PermissionDenied, message);

    public static DomainException Denied(string field, string rule) => new(DomainErrorKind.PermissionDenied, $"{field}: {rule}", field);
}
