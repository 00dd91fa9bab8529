using Orleans;

namespace RepairNetwork.Grains;

public static class ReminderExtensions
{
    /// <summary>Removes the grain's reminder of that name if it has one; nothing happens otherwise.</summary>
    public static async Task UnregisterReminderIfAny(this Grain grain, string name)
    {
        if (await grain.GetReminder(name) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
