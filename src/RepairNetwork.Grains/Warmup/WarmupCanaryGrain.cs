using Orleans;
using Orleans.Runtime;
using RepairNetwork.Grains.Orders;

namespace RepairNetwork.Grains.Warmup;

/// <summary>
/// A grain that exists only so a starting silo can run an order's grain-side writes once before it
/// reports SERVING: its state is an order's (the same serializer and storage write) and it sets and
/// removes a reminder as every new order does for its SLA. It leaves no payload and no reminder.
/// </summary>
public interface IWarmupCanaryGrain : IGrainWithStringKey
{
    /// <summary>Writes <paramref name="sample"/> as this grain's state, sets and removes a reminder, clears the state; returns the writes made.</summary>
    Task<int> Rehearse(RepairOrderState sample);
}

[GenerateSerializer, Alias("rn.WarmupCanaryState")]
public sealed class WarmupCanaryState
{
    [Id(0)] public RepairOrderState? Sample { get; set; }
}

public sealed class WarmupCanaryGrain(
    [PersistentState("warmup-canary", StorageNames.Repair)] IPersistentState<WarmupCanaryState> state) : Grain, IWarmupCanaryGrain, IRemindable
{
    private const string Reminder = "warm-up";

    public async Task<int> Rehearse(RepairOrderState sample)
    {
        state.State.Sample = sample;
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        await this.UnregisterReminderIfAny(Reminder);
        await state.ClearStateAsync();
        DeactivateOnIdle();
        return 2;
    }

    // Only if a crash came between setting and removing it: remove it now.
    public Task ReceiveReminder(string reminderName, TickStatus status) => this.UnregisterReminderIfAny(reminderName);
}
