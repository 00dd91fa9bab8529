namespace RepairNetwork.Grains;

/// <summary>
/// Wakes the long polls waiting on a grain (a watch stream's next read) when something new is stored.
/// Each notification completes the current wait and starts a fresh one, so a poll that arrives later
/// waits for the next change rather than seeing an old one.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Returns after the next <see cref="Notify"/> or after <paramref name="maxWait"/>, whichever is first.</summary>
    /// <remarks>Real time, not the grain's injected clock: this is a network wait, not a business rule.</remarks>
    public Task WaitAsync(TimeSpan maxWait) => Task.WhenAny(_next.Task, Task.Delay(maxWait));

    public void Notify()
    {
        var current = _next;
        _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        current.TrySetResult();
    }
}
