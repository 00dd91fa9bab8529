using System.Collections.Immutable;
using RepairNetwork.Domain.Dispatch;

namespace RepairNetwork.Grains.Outlets;

/// <summary>The roster, and which technician works on an order (the choice itself is <see cref="TechnicianChoice"/>).</summary>
public sealed partial class OutletGrain
{
    public async Task UpsertTechnician(TechnicianRecord technician)
    {
        RequireProfile();
        var id = technician.Profile.TechnicianId;
        if (state.State.Roster.TryGetValue(id, out var current) && current.Version >= technician.Version)
        {
            return;
        }

        state.State.Roster[id] = technician;
        await Commit();
    }

    public async Task RemoveTechnician(string technicianId)
    {
        if (state.State.Profile is null || !state.State.Roster.Remove(technicianId))
        {
            return;
        }

        await Commit();
    }

    public Task<ImmutableArray<TechnicianRecord>> ListTechnicians()
    {
        RequireProfile();
        return Task.FromResult(state.State.Roster.Values.OrderBy(t => t.Profile.TechnicianId, StringComparer.Ordinal).ToImmutableArray());
    }

    public async Task<string> AssignTechnician(string orderId, string? technicianId, string capability)
    {
        var listing = Listing();
        // The work is done on the day the job is booked for (its service day), today when not known.
        var day = state.State.Bookings.TryGetValue(orderId, out var booked) ? booked : listing.Profile.Hours.LocalDate(clock.GetUtcNow());
        var onOrders = state.State.TechnicianOnOrder.Values;
        var chosen = TechnicianChoice.Choose(
            OutletId,
            state.State.Roster.Values.Select(t => t.Profile),
            id => onOrders.Count(t => t == id),
            technicianId,
            capability,
            day,
            calendars.CalendarOf(listing));

        if (state.State.TechnicianOnOrder.GetValueOrDefault(orderId) != chosen)
        {
            state.State.TechnicianOnOrder[orderId] = chosen;
            await Save();
        }

        return chosen;
    }

    public async Task ReleaseTechnician(string orderId)
    {
        if (state.State.TechnicianOnOrder.Remove(orderId))
        {
            await Save();
        }
    }
}
