using Orleans;

namespace RepairNetwork.Domain.Calendars;

/// <summary>
/// One period within a local day, from <see cref="Opens"/> up to but not including <see cref="Closes"/>
/// (the same rule as <see cref="Outlets.OpeningPeriod"/>: a period ends on the day it starts).
/// </summary>
[GenerateSerializer, Alias("rn.TimePeriod"), Immutable]
public sealed record TimePeriod
{
    [Id(0)] public required TimeOnly Opens { get; init; }

    [Id(1)] public required TimeOnly Closes { get; init; }

    public static TimePeriod Of(int opensHour, int opensMinute, int closesHour, int closesMinute) =>
        new() { Opens = new TimeOnly(opensHour, opensMinute), Closes = new TimeOnly(closesHour, closesMinute) };

    public override string ToString() => $"{Opens:HH\\:mm}-{Closes:HH\\:mm}";
}
