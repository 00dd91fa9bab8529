using Orleans;

namespace RepairNetwork.Domain.Calendars;

/// <summary>An inclusive range of local dates.</summary>
[GenerateSerializer, Alias("rn.DateRange"), Immutable]
public readonly record struct DateRange
{
    [Id(0)] public required DateOnly First { get; init; }

    [Id(1)] public required DateOnly Last { get; init; }

    public static DateRange Of(DateOnly first, DateOnly last) => new() { First = first, Last = last };

    public static DateRange Day(DateOnly day) => new() { First = day, Last = day };

    public int Days => Last.DayNumber - First.DayNumber + 1;

    public bool Contains(DateOnly day) => First <= day && day <= Last;

    public bool Overlaps(DateRange other) => First <= other.Last && other.First <= Last;

    public override string ToString() => First == Last ? $"{First:yyyy-MM-dd}" : $"{First:yyyy-MM-dd}..{Last:yyyy-MM-dd}";
}
