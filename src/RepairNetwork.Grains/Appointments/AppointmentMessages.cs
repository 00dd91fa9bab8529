using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Appointments;

/// <summary>The <c>Appointments</c> configuration; defaults in <see cref="AppointmentPolicy"/>.</summary>
public sealed class AppointmentOptions
{
    public TimeSpan DropOffSlot { get; set; } = AppointmentPolicy.Default.DropOffSlot;

    public TimeSpan ArrivalWindow { get; set; } = AppointmentPolicy.Default.ArrivalWindow;

    public TimeSpan ArrivalWindowStep { get; set; } = AppointmentPolicy.Default.ArrivalWindowStep;

    /// <summary>Road km per great-circle km.</summary>
    public double RoadFactor { get; set; } = AppointmentPolicy.Default.RoadFactor;

    public double TravelSpeedKmh { get; set; } = AppointmentPolicy.Default.TravelSpeedKmh;

    public int MaxRangeDays { get; set; } = AppointmentPolicy.Default.MaxRangeDays;

    public int DefaultRangeDays { get; set; } = AppointmentPolicy.Default.DefaultRangeDays;

    public TimeSpan HoldFor { get; set; } = AppointmentPolicy.Default.HoldFor;

    public int OutletsAsked { get; set; } = AppointmentPolicy.Default.OutletsAsked;

    public int SlotsPerOutlet { get; set; } = AppointmentPolicy.Default.SlotsPerOutlet;

    public AppointmentPolicy ToPolicy() => new AppointmentPolicy
    {
        DropOffSlot = DropOffSlot,
        ArrivalWindow = ArrivalWindow,
        ArrivalWindowStep = ArrivalWindowStep,
        RoadFactor = RoadFactor,
        TravelSpeedKmh = TravelSpeedKmh,
        MaxRangeDays = MaxRangeDays,
        DefaultRangeDays = DefaultRangeDays,
        HoldFor = HoldFor,
        OutletsAsked = OutletsAsked,
        SlotsPerOutlet = SlotsPerOutlet,
    }.Validated();
}

/// <summary>An outlet's slots for a job within a range.</summary>
[GenerateSerializer, Alias("rn.SlotSearch"), Immutable]
public sealed record SlotSearch
{
    [Id(0)] public required JobRequirement Job { get; init; }

    [Id(1)] public required JobTemplate Template { get; init; }

    [Id(2)] public required SlotRange Range { get; init; }

    [Id(3)] public required int Max { get; init; }
}

/// <summary>Booking (or moving to) the window of a job that starts at <see cref="WindowStart"/>.</summary>
[GenerateSerializer, Alias("rn.AppointmentRequest"), Immutable]
public sealed record AppointmentRequest
{
    [Id(0)] public required JobRequirement Job { get; init; }

    [Id(1)] public required JobTemplate Template { get; init; }

    [Id(2)] public required DateTimeOffset WindowStart { get; init; }
}

/// <summary>A technician's day: visits in order and how full the day is.</summary>
[GenerateSerializer, Alias("rn.TechnicianDayPlan"), Immutable]
public sealed record TechnicianDayPlan
{
    [Id(0)] public required string TechnicianId { get; init; }

    [Id(1)] public required DateOnly Date { get; init; }

    [Id(2)] public required string TimeZoneId { get; init; }

    [Id(3)] public required ImmutableArray<PlannedVisit> Visits { get; init; }

    [Id(4)] public required TimeSpan Scheduled { get; init; }

    [Id(5)] public required TimeSpan Booked { get; init; }
}
