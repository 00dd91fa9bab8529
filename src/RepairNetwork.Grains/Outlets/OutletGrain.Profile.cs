using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Grains.Outlets;

/// <summary>The outlet's profile, status and service score: what the directory lists.</summary>
public sealed partial class OutletGrain
{
    public async Task<OutletListing> Create(OutletProfile profile)
    {
        if (profile.OutletId != OutletId)
        {
            throw DomainException.Invalid("outlet.outlet_id", "does not match the addressed outlet");
        }

        if (state.State.Profile is { } existing)
        {
            if (!existing.SameAs(profile))
            {
                throw DomainException.AlreadyExists($"outlet '{OutletId}' already exists with a different profile");
            }

            await Publish();
            return Listing();
        }

        state.State.Profile = profile;
        state.State.Status = OutletStatus.Open;
        return await Commit();
    }

    public Task<OutletListing> Get() => Task.FromResult(Listing());

    public async Task<OutletListing> Update(OutletProfile profile, long expectedVersion, Domain.Orders.Actor by)
    {
        var existing = RequireProfile();
        OutletProfile.CheckEdit(existing, profile, by);
        if (expectedVersion != 0 && expectedVersion != state.State.Version)
        {
            throw DomainException.Precondition($"outlet '{OutletId}' is at version {state.State.Version}, not the expected {expectedVersion}; read it again and retry");
        }

        if (existing.SameAs(profile))
        {
            return Listing();
        }

        state.State.Profile = profile;
        return await Commit();
    }

    public async Task<OutletListing> SetStatus(OutletStatus status, string reason, Domain.Orders.Actor by)
    {
        RequireProfile();
        OutletStatusRules.CheckChange(OutletId, state.State.Status, status, by);
        if (state.State.Status == status)
        {
            return Listing();
        }

        state.State.Status = status;
        state.State.StatusReason = reason;
        return await Commit();
    }

    public async Task RecordServiceOutcome(string key, bool? completedOnTime, int? rating)
    {
        RequireProfile();
        if (!state.State.CountedOutcomes.Add(key))
        {
            return;
        }

        var score = state.State.Score;
        if (completedOnTime is { } onTime)
        {
            score = score.WithCompletion(onTime);
        }

        if (rating is { } stars)
        {
            score = score.WithRating(stars);
        }

        state.State.Score = score;
        await Commit(); // the score ranks dispatch candidates, so every silo's index must see it
    }
}
