using Orleans;
using Orleans.Runtime;

namespace RepairNetwork.Grains;

public static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, the in-memory state is reloaded from storage (or, if that
    /// fails too, the activation is dropped) so that no caller ever sees a change that was not stored.
    /// </summary>
    public static async Task WriteOrRollbackAsync<T>(this IPersistentState<T> state, Grain grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            try
            {
                await state.ReadStateAsync();
            }
            catch
            {
                grain.DeactivateOnIdle();
            }

            throw;
        }
    }
}
