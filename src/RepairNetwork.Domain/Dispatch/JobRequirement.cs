using Orleans;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>What a job needs from an outlet.</summary>
[GenerateSerializer, Alias("rn.JobRequirement"), Immutable]
public sealed record JobRequirement
{
    [Id(0)] public required string Capability { get; init; }

    [Id(1)] public required ServiceMode Mode { get; init; }

    [Id(2)] public required GeoPoint CustomerLocation { get; init; }
}

/// <summary>Why an outlet cannot take a job.</summary>
public enum UnavailabilityCode
{
    OutletPaused = 1,
    OutletClosed = 2,
    ServiceModeNotOffered = 3,
    OutsideOnSiteArea = 4,
    CapabilityNotOffered = 5,
    NoCertifiedTechnicianOnShift = 6,
    CapacityFullToday = 7,
    /// <summary>The outlet declined this job or let its offer lapse.</summary>
    TurnedDownThisJob = 8,
    /// <summary>The outlet cannot hold the parts the job names, now or by a transfer.</summary>
    PartsNotInStock = 9,
    /// <summary>No open day with a certified technician scheduled within the search horizon (its calendar).</summary>
    NoServiceDay = 10,
    /// <summary>Not open with a certified technician at work before the order's response deadline (e.g. a holiday closure).</summary>
    CannotRespondInTime = 11,
}

/// <summary>One reason, with words a call-center agent can read out.</summary>
[GenerateSerializer, Alias("rn.Unavailability"), Immutable]
public sealed record Unavailability
{
    [Id(0)] public required UnavailabilityCode Code { get; init; }

    [Id(1)] public required string Message { get; init; }
}
