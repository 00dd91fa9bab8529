using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;
using Domain = RepairNetwork.Domain;

namespace RepairNetwork.Server.Mapping;

/// <summary>Proto ↔ domain for the types every service shares, with the request checks that go with them.</summary>
public static class CommonMapping
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static GeoPoint ToDomain(Api.LatLng? location, string field) =>
        location is null ? throw RpcErrors.Required(field) : GeoPoint.Create(location.Latitude, location.Longitude, field);

    public static Api.LatLng ToProto(GeoPoint point) => new() { Latitude = point.Latitude, Longitude = point.Longitude };

    public static Domain.Outlets.ServiceMode ToDomain(Api.ServiceMode mode, string field) => mode switch
    {
        Api.ServiceMode.CarryIn => Domain.Outlets.ServiceMode.CarryIn,
        Api.ServiceMode.OnSite => Domain.Outlets.ServiceMode.OnSite,
        Api.ServiceMode.MailIn => Domain.Outlets.ServiceMode.MailIn,
        Api.ServiceMode.Unspecified => throw RpcErrors.InvalidArgument(field, "must be specified (SERVICE_MODE_CARRY_IN, SERVICE_MODE_ON_SITE or SERVICE_MODE_MAIL_IN)"),
        _ => throw RpcErrors.InvalidArgument(field, $"{(int)mode} is not a known service mode"),
    };

    public static Api.ServiceMode ToProto(Domain.Outlets.ServiceMode mode) => mode switch
    {
        Domain.Outlets.ServiceMode.CarryIn => Api.ServiceMode.CarryIn,
        Domain.Outlets.ServiceMode.OnSite => Api.ServiceMode.OnSite,
        Domain.Outlets.ServiceMode.MailIn => Api.ServiceMode.MailIn,
        _ => Api.ServiceMode.Unspecified,
    };

    public static Api.UnavailabilityReason ToProto(Unavailability reason) => new()
    {
        Code = (Api.UnavailabilityCode)(int)reason.Code,
        Message = reason.Message,
    };

    public static DateOnly ToDate(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw RpcErrors.Required(field);
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw RpcErrors.InvalidArgument(field, $"'{Domain.Identifiers.Truncate(text)}' is not a date in the form YYYY-MM-DD");
    }

    public static string ToText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static Timestamp ToProto(DateTimeOffset instant) => Timestamp.FromDateTimeOffset(instant);

    public static int PageSize(int requested, string field = "page_size") => requested switch
    {
        0 => DefaultPageSize,
        < 0 or > MaxPageSize => throw RpcErrors.InvalidArgument(field, $"must be within [1, {MaxPageSize}], or 0 for {DefaultPageSize} (got {requested})"),
        _ => requested,
    };

    /// <summary>Page tokens are opaque to clients: a kind tag and a position, base64url-encoded.</summary>
    public static string EncodePageToken(string kind, string position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{kind}:{position}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position a token carries, or null for the first page.</summary>
    public static string? DecodePageToken(string? token, string kind)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            if (text.StartsWith(kind + ":", StringComparison.Ordinal))
            {
                return text[(kind.Length + 1)..];
            }
        }
        catch (FormatException)
        {
        }

        throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method");
    }

    public static int DecodeOffsetToken(string? token, string kind) =>
        DecodePageToken(token, kind) is { } position
            ? int.TryParse(position, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method")
            : 0;

    /// <summary>The fields an update names (all updatable ones when the mask is empty), checked against what may change.</summary>
    public static List<string> UpdatePaths(FieldMask? mask, IReadOnlySet<string> updatable)
    {
        var paths = mask?.Paths.Count > 0 ? mask.Paths.ToList() : [.. updatable];
        var unknown = paths.FirstOrDefault(p => !updatable.Contains(p));
        return unknown is null
            ? paths
            : throw RpcErrors.InvalidArgument("update_mask", $"'{Domain.Identifiers.Truncate(unknown)}' cannot be updated; allowed: {string.Join(", ", updatable.Order())}");
    }
}
