using RepairNetwork.Domain.Technicians;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>Which of an outlet's technicians works on an order.</summary>
public static class TechnicianChoice
{
    /// <summary>
    /// The technician named (who must be on shift and certified for the capability on the outlet's
    /// local <paramref name="day"/>) or, when none is named, the qualifying technician with the fewest
    /// active orders, the id breaking ties so the choice is repeatable.
    /// </summary>
    /// <param name="activeOrdersOf">Technician id → active orders they work on.</param>
    public static string Choose(string outletId, IEnumerable<TechnicianProfile> roster, Func<string, int> activeOrdersOf, string? technicianId, string capability, DateOnly day)
    {
        var technicians = roster as IReadOnlyCollection<TechnicianProfile> ?? [.. roster];
        if (!string.IsNullOrEmpty(technicianId))
        {
            var named = technicians.FirstOrDefault(t => t.TechnicianId == technicianId) ?? throw DomainException.NotFound("technician", technicianId);
            return named.CanWorkOn(capability, day)
                ? technicianId
                : throw DomainException.Precondition($"technician '{technicianId}' is not on shift with a valid certification for {capability} on {day:yyyy-MM-dd}");
        }

        return technicians
            .Where(t => t.CanWorkOn(capability, day))
            .OrderBy(t => activeOrdersOf(t.TechnicianId))
            .ThenBy(t => t.TechnicianId, StringComparer.Ordinal)
            .Select(t => t.TechnicianId)
            .FirstOrDefault()
            ?? throw DomainException.Precondition($"no technician of outlet '{outletId}' is on shift with a valid certification for {capability} on {day:yyyy-MM-dd}");
    }
}
