using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;

namespace RepairNetwork.Grains.Orders;

/// <summary>One repair order: stored first, then dispatched, so it is never lost.</summary>
public interface IRepairOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates and dispatches the order. A retry with the same request returns the order (finishing a
    /// dispatch that was interrupted); a different request under the same id is ALREADY_EXISTS.
    /// </summary>
    Task<RepairOrder> Create(RepairRequest request);

    [ReadOnly]
    Task<RepairOrder> Get();
}

[GenerateSerializer, Alias("rn.RepairOrderState")]
public sealed class RepairOrderState
{
    [Id(0)] public RepairOrder? Order { get; set; }
}

/// <remarks>
/// An order no outlet could take keeps a durable reminder that dispatches it again every
/// <see cref="DispatchOptions.UnassignedRetryPeriod"/> until an outlet takes it, so an outlet that
/// reopens or gets capacity back picks up waiting work, across restarts.
/// </remarks>
public sealed class RepairOrderGrain(
    [PersistentState("repair-order", StorageNames.Repair)] IPersistentState<RepairOrderState> state,
    Dispatcher dispatcher,
    TimeProvider clock,
    IOptions<DispatchOptions> options) : Grain, IRepairOrderGrain, IRemindable
{
    public const string RetryDispatchReminder = "retry-dispatch";

    private string OrderId => this.GetPrimaryKeyString();

    public async Task<RepairOrder> Create(RepairRequest request)
    {
        if (state.State.Order is { } existing)
        {
            if (existing.Request != request)
            {
                throw DomainException.AlreadyExists($"request_id '{Identifiers.Truncate(request.RequestId)}' was already used for a different repair order ({OrderId})");
            }

            return existing.Status == RepairOrderStatus.Created ? await Dispatch(existing, resuming: true) : existing;
        }

        var order = RepairOrder.Receive(OrderId, request, clock.GetUtcNow());
        state.State.Order = order;
        await state.WriteOrRollbackAsync(this);
        return await Dispatch(order, resuming: false);
    }

    public Task<RepairOrder> Get() =>
        Task.FromResult(state.State.Order ?? throw DomainException.NotFound("repair order", OrderId));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RetryDispatchReminder)
        {
            return;
        }

        if (state.State.Order is { Status: RepairOrderStatus.Unassigned } order)
        {
            await Dispatch(order, resuming: true);
        }
        else
        {
            // Assigned meanwhile (or never stored): nothing left to retry.
            await StopRetrying();
        }
    }

    private async Task<RepairOrder> Dispatch(RepairOrder order, bool resuming)
    {
        var outcome = await dispatcher.Dispatch(order.OrderId, order.Request.Job, resuming);
        var dispatched = outcome.Assignment is { } assignment
            ? order.AssignTo(assignment, outcome.PassedOver)
            : order.MarkUnassigned(outcome.UnassignedReason, outcome.PassedOver);
        if (dispatched.Status == RepairOrderStatus.Unassigned && order.Status != RepairOrderStatus.Unassigned)
        {
            // Reminder and queue entry first: if the write below fails, a retry still happens.
            var period = options.Value.UnassignedRetryPeriod;
            await this.RegisterOrUpdateReminder(RetryDispatchReminder, period, period);
            await GrainFactory.GetGrain<IUnassignedOrdersGrain>(UnassignedOrdersGrain.NetworkKey).Add(order.OrderId);
        }

        state.State.Order = dispatched;
        await state.WriteOrRollbackAsync(this);

        if (dispatched.Status == RepairOrderStatus.Assigned && order.Status == RepairOrderStatus.Unassigned)
        {
            await StopRetrying();
        }

        return dispatched;
    }

    private async Task StopRetrying()
    {
        if (await this.GetReminder(RetryDispatchReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
