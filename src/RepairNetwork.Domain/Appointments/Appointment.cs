using System.Globalization;
using Orleans;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Appointments;

/// <summary>
/// A technician's time booked for one order: the window promised to the customer (a drop-off slot
/// or an on-site arrival window) and the stretch of the technician's day it takes
/// (<see cref="PlannedStart"/> to <see cref="PlannedEnd"/>: the work, and after an on-site visit the
/// travel buffer). Travel between visits is not stored: it follows from the visits' places.
/// </summary>
[GenerateSerializer, Alias("rn.Appointment"), Immutable]
public sealed record Appointment
{
    [Id(0)] public required string OrderId { get; init; }

    [Id(1)] public required string OutletId { get; init; }

    [Id(2)] public required string TechnicianId { get; init; }

    [Id(3)] public required ServiceMode Mode { get; init; }

    [Id(4)] public required DateTimeOffset WindowStart { get; init; }

    [Id(5)] public required DateTimeOffset WindowEnd { get; init; }

    [Id(6)] public required DateTimeOffset PlannedStart { get; init; }

    [Id(7)] public required DateTimeOffset PlannedEnd { get; init; }

    /// <summary>Where the work happens: the customer for on-site work, the outlet for carry-in.</summary>
    [Id(8)] public required GeoPoint Location { get; init; }

    /// <summary>The outlet's IANA zone, in which <see cref="LocalDate"/> and <see cref="LocalWindow"/> read.</summary>
    [Id(9)] public required string TimeZoneId { get; init; }

    [Id(10)] public required DateOnly LocalDate { get; init; }

    /// <summary>e.g. "16:00-18:00", on the outlet's wall clock.</summary>
    [Id(11)] public required string LocalWindow { get; init; }

    [Id(12)] public required DateTimeOffset HeldAt { get; init; }

    /// <summary>
    /// False from the moment the time is held for an order being created until the order is offered
    /// to the outlet; a hold whose order never came (the caller gave up) lapses after
    /// <see cref="AppointmentPolicy.HoldFor"/>.
    /// </summary>
    [Id(13)] public required bool Confirmed { get; init; }

    public string SlotId => SlotIds.Format(OutletId, Mode, WindowStart);

    public OpenInterval Block => new(PlannedStart, PlannedEnd);

    /// <summary>e.g. "2026-12-03 16:00-18:00 (Asia/Shanghai)".</summary>
    public string Describe() => $"{LocalDate:yyyy-MM-dd} {LocalWindow} ({TimeZoneId})";

    /// <summary>Whether it still takes the technician's time: confirmed, or a hold not yet lapsed.</summary>
    public bool IsActive(DateTimeOffset now, AppointmentPolicy policy) => Confirmed || now < HeldAt + policy.HoldFor;

    /// <summary>The local window of a slot, e.g. "16:00-18:00".</summary>
    public static string Window(BusinessCalendar calendar, DateTimeOffset start, DateTimeOffset end) =>
        $"{LocalTimes.ToLocal(calendar.Zone, start).ToString("HH:mm", CultureInfo.InvariantCulture)}-{LocalTimes.ToLocal(calendar.Zone, end).ToString("HH:mm", CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Slot ids name a slot without storing it: "SH-001@2026-12-03T08:00Z/on-site" is the on-site window
/// of outlet SH-001 starting at 08:00 UTC. Ids cannot contain '@' or '/', so the parts never clash.
/// </summary>
public static class SlotIds
{
    private const string Format_ = "yyyy-MM-dd'T'HH:mm'Z'";

    public static string Format(string outletId, ServiceMode mode, DateTimeOffset start) =>
        $"{outletId}@{start.UtcDateTime.ToString(Format_, CultureInfo.InvariantCulture)}/{ModeName(mode)}";

    /// <summary>The outlet, mode and start of a slot id; INVALID_ARGUMENT naming <paramref name="field"/> when it is not one.</summary>
    public static (string OutletId, ServiceMode Mode, DateTimeOffset Start) Parse(string? slotId, string field)
    {
        var at = slotId?.IndexOf('@') ?? -1;
        var slash = slotId?.LastIndexOf('/') ?? -1;
        if (slotId is null || at <= 0 || slash < at
            || !Identifiers.IsValidId(slotId[..at])
            || !DateTime.TryParseExact(slotId[(at + 1)..slash], Format_, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start)
            || ParseMode(slotId[(slash + 1)..]) is not { } mode)
        {
            throw DomainException.Invalid(field, $"'{Identifiers.Truncate(slotId ?? string.Empty)}' is not a slot id; use one FindSlots returned (e.g. SH-001@2026-12-03T08:00Z/on-site)");
        }

        return (slotId[..at], mode, new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), TimeSpan.Zero));
    }

    public static string ModeName(ServiceMode mode) => mode switch
    {
        ServiceMode.CarryIn => "carry-in",
        ServiceMode.OnSite => "on-site",
        _ => "mail-in",
    };

    private static ServiceMode? ParseMode(string name) => name switch
    {
        "carry-in" => ServiceMode.CarryIn,
        "on-site" => ServiceMode.OnSite,
        _ => null,
    };
}
