using Orleans;
using RepairNetwork.Domain.Warranty;

namespace RepairNetwork.Domain.Calendars;

/// <summary>
/// A service-level promise: <see cref="Within"/> from <see cref="From"/>, counted around the clock or
/// in the open hours of the outlet that holds the order (<see cref="ServiceClock"/>). The one place a
/// deadline is computed, for the order's deadlines and dispatch's "can it respond in time" alike.
/// </summary>
[GenerateSerializer, Alias("rn.ServicePromise"), Immutable]
public sealed record ServicePromise
{
    [Id(0)] public required DateTimeOffset From { get; init; }

    [Id(1)] public required TimeSpan Within { get; init; }

    [Id(2)] public ServiceClock Clock { get; init; } = ServiceClock.Calendar;

    /// <summary>
    /// When the promise falls due at an outlet: calendar time, or <see cref="Within"/> of the outlet's
    /// open time from <see cref="From"/>. Calendar time when the outlet's hours are not known or it does
    /// not open enough within the search horizon.
    /// </summary>
    public DateTimeOffset DueAt(BusinessCalendar? outlet) =>
        Clock == ServiceClock.BusinessHours && outlet?.AddOpenTime(From, Within).At is { } due ? due : From + Within;
}
