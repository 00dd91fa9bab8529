using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Warranty;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Domain.Parts;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Grains.Parts;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Grains.Telemetry;

namespace RepairNetwork.Grains.Orders;

/// <summary>One repair order: the lifecycle state machine, its timers and the effects of each step.</summary>
public interface IRepairOrderGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates and dispatches the order. A retry with the same request returns the order (finishing a
    /// dispatch that was interrupted); a different request under the same id is ALREADY_EXISTS.
    /// </summary>
    /// <param name="preferredOutletId">An outlet planned ahead (batch routing): offered the job first if it can still take it.</param>
    /// <param name="cancellationToken">
    /// The caller's deadline: a create still queued when its caller gives up is never run, and one
    /// that started stops before it stores anything. Once the order is stored it is dispatched
    /// whatever the caller does, so a retry finds it settled.
    /// </param>
    Task<RepairOrder> Create(RepairRequest request, Actor by, string? preferredOutletId = null, CancellationToken cancellationToken = default);

    [ReadOnly]
    Task<RepairOrder> Get();

    Task<RepairOrder> Accept(Actor by);

    /// <summary>Declines the offer; <paramref name="outletId"/> names whose offer, so a retry is recognised.</summary>
    Task<RepairOrder> DeclineOffer(Actor by, string reason, string? outletId = null);

    /// <summary>Puts the named technician on the order, or the least loaded qualifying one when none is named.</summary>
    Task<RepairOrder> AssignTechnician(Actor by, string? technicianId);

    Task<RepairOrder> Diagnose(Actor by, Diagnosis diagnosis);

    /// <summary>Quotes labour and parts; part lines are priced by the caller from the parts catalog.</summary>
    Task<RepairOrder> SubmitQuote(Actor by, ImmutableArray<QuoteLine> lines, string reason);

    Task<RepairOrder> ApproveQuote(Actor by, int quoteVersion, string note);

    Task<RepairOrder> DeclineQuote(Actor by, int quoteVersion, string note);

    Task<RepairOrder> StartRepair(Actor by);

    /// <summary>Completes the repair and consumes the replaced parts from the outlet's stock, exactly once.</summary>
    Task<RepairOrder> Complete(Actor by, string workDone, ImmutableArray<ReplacedPart> partsReplaced);

    Task<RepairOrder> Collect(Actor by);

    Task<RepairOrder> Close(Actor by);

    Task<RepairOrder> Cancel(Actor by, string reason);

    /// <summary>Moves the order's appointment to another slot of its outlet (the outlet books the new time first).</summary>
    Task<RepairOrder> RescheduleAppointment(Actor by, string slotId);

    /// <summary>Cancels the order's appointment and frees its time; the order stays. Idempotent.</summary>
    Task<RepairOrder> CancelAppointment(Actor by, string reason);

    Task<RepairOrder> Rate(Actor by, int rating, string comment);

    Task<RepairOrder> FileComplaint(Actor by, string complaintId, string text);

    Task<RepairOrder> ResolveComplaint(Actor by, string complaintId, string resolution);

    /// <summary>Acts on every timer that is due by now (what the SLA reminder calls); safe to call any time.</summary>
    Task<RepairOrder> CheckTimers();

    /// <summary>
    /// A transfer requested for this order delivered its parts at <paramref name="outletId"/>: the order
    /// holds them there if it is still that outlet's unfinished job. One-way, so the transfer that tells
    /// it never waits on this order (which may be cancelling that very transfer).
    /// </summary>
    [OneWay]
    Task PartsArrived(string transferId, string outletId);

    /// <summary>
    /// The outlet's answer to this order's offer was due by now (the outlet watches the acceptance
    /// window so that orders need no timer each): the job moves on if the offer has lapsed, and the
    /// outlet is told to stop watching once the order no longer waits for it. One-way, so the outlet
    /// never waits on the order, which calls it back. Early or repeated notices change nothing.
    /// </summary>
    [OneWay]
    Task OfferLapsed(string outletId);

    /// <summary>The order once its revision passes <paramref name="afterRevision"/>, or as it is after <paramref name="maxWait"/>.</summary>
    [AlwaysInterleave]
    Task<RepairOrder> WaitForChange(int afterRevision, TimeSpan maxWait);
}

[GenerateSerializer, Alias("rn.RepairOrderState")]
public sealed class RepairOrderState
{
    [Id(0)] public RepairOrder? Order { get; set; }

    /// <summary>Audit entries up to here have had their effects (outlet feed, bookings, log) carried out.</summary>
    [Id(1)] public int EffectsDoneThrough { get; set; }

    /// <summary>When the SLA reminder is set to fire next; null when none is registered.</summary>
    [Id(2)] public DateTimeOffset? TimerDueAt { get; set; }

    /// <summary>Where the order waits in its unassigned-queue shard (what Add returned); 0 when it is not there.</summary>
    [Id(3)] public long UnassignedQueuePosition { get; set; }
}

/// <remarks>
/// Each step commits the new order first, then carries out its effects (job events, releasing a
/// booking, re-dispatching, the service log), all idempotent, and records how far it got; a crash
/// in between is finished by the next step, a retry, or the SLA reminder. An order no outlet could
/// take also keeps the retry-dispatch reminder, so an outlet that reopens picks up waiting work.
/// </remarks>
public sealed class RepairOrderGrain(
    [PersistentState("repair-order", StorageNames.Repair)] IPersistentState<RepairOrderState> state,
    Dispatcher dispatcher,
    IOutletIndex index,
    TimeProvider clock,
    IOptions<DispatchOptions> options,
    IServiceEventStore serviceEvents,
    Appointments.JobTemplatesCache templates,
    RepairNetworkMetrics metrics) : Grain, IRepairOrderGrain, IRemindable
{
    public const string RetryDispatchReminder = "retry-dispatch";
    public const string ServiceLevelReminder = "sla";

    private readonly ChangeSignal _changed = new();

    /// <summary>The outlet a create named as planned; used by that create's first dispatch only.</summary>
    private string? _preferredOutlet;

    /// <summary>
    /// True between storing a new order and its first dispatch in this activation: no outlet can hold
    /// its booking yet. Any other dispatch of a Created order (a retried create after a crash between
    /// booking and saving) first looks for a booking an earlier attempt made.
    /// </summary>
    private bool _dispatchingFirstTime;

    /// <summary>The effects mark last written to storage; the in-memory mark may be ahead of it.</summary>
    private int _storedEffectsMark;

    private string OrderId => this.GetPrimaryKeyString();

    private Microsoft.Extensions.Logging.ILogger Log => field ??= OrderTelemetry.Logger(ServiceProvider);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storedEffectsMark = state.State.EffectsDoneThrough;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The effects mark rides on the order's next write; an order collected while idle first (most
    /// wait minutes or hours for the outlet) writes it as it is put away, so its effects are replayed
    /// only after a crash or a shutdown (which must not wait on thousands of writes). Best effort: a
    /// replay is harmless, only slower.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (reason.ReasonCode is DeactivationReasonCode.ActivationIdle or DeactivationReasonCode.HighMemoryPressure
            && state.State.Order is not null && state.State.EffectsDoneThrough > _storedEffectsMark && state.RecordExists)
        {
            try
            {
                await state.WriteStateAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Left for the next activation to replay.
            }
        }
    }

    public async Task<RepairOrder> Create(RepairRequest request, Actor by, string? preferredOutletId = null, CancellationToken cancellationToken = default)
    {
        _preferredOutlet = preferredOutletId;
        try
        {
            return await CreateAndSettle(request, by, cancellationToken);
        }
        finally
        {
            _preferredOutlet = null;
        }
    }

    private async Task<RepairOrder> CreateAndSettle(RepairRequest request, Actor by, CancellationToken cancellationToken)
    {
        if (state.State.Order is { } existing)
        {
            if (existing.Request != request)
            {
                throw DomainException.AlreadyExists($"request_id '{Identifiers.Truncate(request.RequestId)}' was already used for a different repair order ({OrderId})");
            }

            return await Settle(existing);
        }

        await GenuineParts(request.Product, [.. request.RequiredParts.Select(p => p.Sku)], i => $"required_parts[{i}].sku");
        var policy = await GrainFactory.GetGrain<ICategoryPolicyGrain>(request.Product.Category).Get();
        // A chosen slot is held at its outlet before the order is stored: a taken slot leaves nothing
        // behind, and a retry finds the time already held for this order.
        var appointment = request.SlotId is { } slotId ? await HoldSlot(request, slotId) : null;
        var order = RepairOrder.Receive(OrderId, request, policy, by, clock.GetUtcNow(), appointment);
        // The last point where giving up leaves nothing behind: under overload, work whose caller
        // has gone is dropped here instead of adding a stored order nobody waits for.
        cancellationToken.ThrowIfCancellationRequested();
        await Commit(order);
        _dispatchingFirstTime = true;
        return await Settle(order);
    }

    public Task<RepairOrder> Get() => Task.FromResult(Require());

    public Task<RepairOrder> Accept(Actor by) => Step(o => o.Accept(by, clock.GetUtcNow()));

    public Task<RepairOrder> DeclineOffer(Actor by, string reason, string? outletId = null) => Step(o => o.DeclineOffer(by, reason, clock.GetUtcNow(), outletId));

    public async Task<RepairOrder> AssignTechnician(Actor by, string? technicianId)
    {
        var order = Require();
        if (order.Assignment is null || order.IsFinished)
        {
            // Let the domain name the precondition.
            return await Step(o => o.AssignTechnician(by, technicianId ?? string.Empty, clock.GetUtcNow()));
        }

        if (technicianId is null || technicianId != order.TechnicianId)
        {
            // Refuse before the outlet reserves a technician for a step that cannot happen.
            order.CheckTechnicianCanBeAssigned(by);
        }

        // Without a name, the technician whose time the appointment booked.
        var chosen = await Outlet(order.Assignment.OutletId).AssignTechnician(OrderId, technicianId ?? order.Appointment?.TechnicianId, order.Request.Job.Capability);
        return await Step(o => o.AssignTechnician(by, chosen, clock.GetUtcNow()));
    }

    public async Task<RepairOrder> Diagnose(Actor by, Diagnosis diagnosis)
    {
        var order = Require();
        var now = clock.GetUtcNow();
        var today = order.Assignment is { } held && index.Current.Find(held.OutletId) is { } outlet
            ? outlet.Profile.Hours.LocalDate(now)
            : DateOnly.FromDateTime(now.UtcDateTime);
        var parts = await GenuineParts(order, diagnosis.Findings.PartSkus, i => $"diagnosis.part_skus[{i}]");
        var warranty = WarrantyRules.AtDiagnosis(WithCatalogMainParts(order.EffectivePolicy, parts), order.Request.Product.PurchaseDate, today, diagnosis.Findings);
        var diagnosed = await Step(o => o.Diagnose(by, diagnosis, warranty, now));
        return diagnosed.WantsLoaner ? await TryIssueLoaner(by, diagnosed) : diagnosed;
    }

    public async Task<RepairOrder> SubmitQuote(Actor by, ImmutableArray<QuoteLine> lines, string reason)
    {
        var order = Require();
        var parts = await GenuineParts(order, lines.Where(l => l.Kind == QuoteLineKind.Part).Select(l => l.Sku).ToImmutableArray(),
            i => $"lines[{lines.Select((l, n) => (l, n)).Where(x => x.l.Kind == QuoteLineKind.Part).ElementAt(i).n}].sku");
        var policy = WithCatalogMainParts(order.EffectivePolicy, parts);
        var mismatched = parts.Values.FirstOrDefault(p => p.Currency != policy.Currency);
        if (mismatched is not null)
        {
            throw DomainException.Precondition($"part {mismatched.Sku} is priced in {mismatched.Currency} but {order.Request.Product.Category} quotes are in {policy.Currency}");
        }

        var warranty = order.Warranty;
        // Parts at the catalog price (transparent fees); the warranty decides line by line what the
        // customer pays, and labour follows the unit's cover.
        var priced = lines.Select(l => l with
        {
            UnitPriceMinor = l.Kind == QuoteLineKind.Part ? parts[l.Sku].UnitPriceMinor : l.UnitPriceMinor,
            Description = l.Kind == QuoteLineKind.Part && l.Description.Length == 0 ? parts[l.Sku].Name : l.Description,
            CoveredByWarranty = warranty is not null && (l.Kind == QuoteLineKind.Part
                ? warranty.Covers(l.Sku, policy)
                : warranty.CustomerPays == CustomerCharge.Nothing),
        }).ToImmutableArray();
        var quote = new Quote { Version = 0, Lines = priced, Currency = policy.Currency, QuotedAt = clock.GetUtcNow(), Reason = reason };
        return await Step(o => o.SubmitQuote(by, quote, clock.GetUtcNow()));
    }

    /// <summary>Genuine parts only: each SKU must be in the catalog, for this category and model.</summary>
    private Task<Dictionary<string, CatalogPart>> GenuineParts(RepairOrder order, ImmutableArray<string> skus, Func<int, string> field) =>
        GenuineParts(order.Request.Product, skus, field);

    private async Task<Dictionary<string, CatalogPart>> GenuineParts(Product product, ImmutableArray<string> skus, Func<int, string> field)
    {
        var found = new Dictionary<string, CatalogPart>(StringComparer.Ordinal);
        for (var i = 0; i < skus.Length; i++)
        {
            if (found.ContainsKey(skus[i]))
            {
                continue;
            }

            CatalogPart part;
            try
            {
                part = await GrainFactory.GetGrain<IPartGrain>(skus[i]).Get();
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
            {
                throw DomainException.Invalid(field(i), $"'{skus[i]}' is not a genuine part: it is not in the parts catalog");
            }

            if (part.Category != product.Category || !part.FitsModel(product.Model))
            {
                throw DomainException.Invalid(field(i), $"'{skus[i]}' is a {part.Category} part that does not fit a {product.Category} {product.Model}");
            }

            found[skus[i]] = part;
        }

        return found;
    }

    /// <summary>A part is a main part when the category policy lists it or the catalog marks it so.</summary>
    private static CategoryPolicy WithCatalogMainParts(CategoryPolicy policy, Dictionary<string, CatalogPart> parts)
    {
        var flagged = parts.Values.Where(p => p.IsMainPart && !policy.IsMainPart(p.Sku)).Select(p => p.Sku).ToList();
        return flagged.Count == 0 ? policy : policy with { MainPartSkus = policy.MainPartSkus.AddRange(flagged) };
    }

    public Task<RepairOrder> ApproveQuote(Actor by, int quoteVersion, string note) => Step(o => o.ApproveQuote(by, quoteVersion, note, clock.GetUtcNow()));

    public Task<RepairOrder> DeclineQuote(Actor by, int quoteVersion, string note) => Step(o => o.DeclineQuote(by, quoteVersion, note, clock.GetUtcNow()));

    public async Task<RepairOrder> StartRepair(Actor by)
    {
        var order = Require();
        if (order.Status is RepairOrderStatus.Diagnosed or RepairOrderStatus.Approved && string.IsNullOrEmpty(order.TechnicianId))
        {
            // The platform picks the least loaded qualifying technician when the outlet has not, but
            // only for a repair that can start: a refused start must not leave a technician booked.
            order.CheckRepairCanStart(by);
            order = await AssignTechnician(by, null);
        }

        return await Step(o => o.StartRepair(by, clock.GetUtcNow()));
    }

    public async Task<RepairOrder> Complete(Actor by, string workDone, ImmutableArray<ReplacedPart> partsReplaced)
    {
        var order = Require();
        await GenuineParts(order, [.. partsReplaced.Select(p => p.Sku)], i => $"parts_replaced[{i}].sku");
        var now = clock.GetUtcNow();
        var record = new RepairRecord { WorkDone = workDone, TechnicianId = order.TechnicianId, PartsReplaced = partsReplaced, CompletedAt = now };
        var completed = order.Complete(by, record, now);
        if (completed.Revision == order.Revision)
        {
            return order;
        }

        // Parts leave the shelf before the order says so: what the order holds is fitted first, held
        // parts not fitted go back, extras come from available stock. Once per order, so a retry
        // after a crash here replays instead of consuming twice.
        var fitted = partsReplaced.Select(p => PartQuantity.Of(p.Sku, p.Quantity)).ToImmutableArray();
        await GrainFactory.GetGrain<IOutletInventoryGrain>(order.Assignment!.OutletId).ConsumeReservation(OrderId, fitted);

        return await Step(o => o.Complete(by, record, now));
    }

    public Task<RepairOrder> Collect(Actor by) => Step(o => o.Collect(by, clock.GetUtcNow()));

    public Task<RepairOrder> Close(Actor by) => Step(o => o.Close(by, clock.GetUtcNow()));

    public Task<RepairOrder> Cancel(Actor by, string reason) => Step(o => o.Cancel(by, reason, clock.GetUtcNow()));

    public async Task<RepairOrder> RescheduleAppointment(Actor by, string slotId)
    {
        var order = Require();
        var current = order.RequireAppointment("reschedule the appointment of", by);
        var (outletId, start) = Slot(order.Request, slotId);
        if (outletId != current.OutletId)
        {
            throw DomainException.Invalid("slot_id", $"is at {outletId}, but the appointment is at {current.OutletId}: an appointment moves within its outlet (to change outlet, cancel the order and create a new one)");
        }

        var moved = await Outlet(outletId).MoveAppointment(OrderId, AppointmentAt(order.Request, start), order.Revision + 1);
        return await Step(o => o.Reschedule(by, moved, clock.GetUtcNow()));
    }

    public Task<RepairOrder> CancelAppointment(Actor by, string reason) => Step(o => o.CancelAppointment(by, reason, clock.GetUtcNow()));

    /// <summary>Holds the slot an order is created with at its outlet; the first dispatch then goes there.</summary>
    private async Task<Domain.Appointments.Appointment> HoldSlot(RepairRequest request, string slotId)
    {
        if (!request.RequiredParts.IsEmpty)
        {
            throw DomainException.Invalid("slot_id", "an order that names required_parts cannot book a slot yet (parts may have to come by transfer first); create it without a slot");
        }

        var (outletId, start) = Slot(request, slotId);
        return await Outlet(outletId).HoldAppointment(OrderId, AppointmentAt(request, start));
    }

    /// <summary>The order's job, with its capability's template, in the window starting at <paramref name="start"/>.</summary>
    private Appointments.AppointmentRequest AppointmentAt(RepairRequest request, DateTimeOffset start) => new()
    {
        Job = request.Job,
        Template = templates.Current.Require(request.Job.Capability, "required_capability"),
        WindowStart = start,
    };

    /// <summary>The outlet and start of a slot id, which must be for the order's service mode.</summary>
    private static (string OutletId, DateTimeOffset Start) Slot(RepairRequest request, string slotId)
    {
        var (outletId, mode, start) = Domain.Appointments.SlotIds.Parse(slotId, "slot_id");
        Domain.Appointments.SlotPlanner.RequireMode(request.Job.Mode, "service_mode");
        if (mode != request.Job.Mode)
        {
            throw DomainException.Invalid("slot_id", $"is a {Domain.Appointments.SlotIds.ModeName(mode)} slot, but the order's service_mode is {Domain.Appointments.SlotIds.ModeName(request.Job.Mode)}");
        }

        return (outletId, start);
    }

    public Task<RepairOrder> Rate(Actor by, int rating, string comment) => Step(o => o.Rate(by, rating, comment, clock.GetUtcNow()));

    public Task<RepairOrder> FileComplaint(Actor by, string complaintId, string text) => Step(o => o.FileComplaint(by, complaintId, text, clock.GetUtcNow()));

    public Task<RepairOrder> ResolveComplaint(Actor by, string complaintId, string resolution) => Step(o => o.ResolveComplaint(by, complaintId, resolution, clock.GetUtcNow()));

    public async Task<RepairOrder> CheckTimers()
    {
        var order = Require();
        var now = clock.GetUtcNow();
        order = await Step(o => o.ExpireOffer(now));
        order = await Step(o => o.RecordMissedDeadlines(now));
        return await Settle(order);
    }

    public async Task PartsArrived(string transferId, string outletId)
    {
        if (state.State.Order is not { Assignment: { Parts.TransferId: var expected } assignment } order
            || expected != transferId || assignment.OutletId != outletId || order.IsFinished || order.RepairRecord is not null)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IOutletInventoryGrain>(outletId).Reserve(OrderId, order.Request.RequiredParts);
        }
        catch (DomainException)
        {
            // Already holding other parts there, or consumed: the repair draws on what is there.
        }
    }

    public async Task OfferLapsed(string outletId)
    {
        if (state.State.Order is null)
        {
            // No order was stored under this id: the booking is a leftover of a create that failed.
            await Outlet(outletId).ForgetOffer(OrderId, release: true);
            return;
        }

        var order = await CheckTimers();
        if (order.Status != RepairOrderStatus.Offered || order.Assignment?.OutletId != outletId)
        {
            await Outlet(outletId).ForgetOffer(OrderId, release: order.Assignment?.OutletId != outletId);
        }
    }

    public async Task<RepairOrder> WaitForChange(int afterRevision, TimeSpan maxWait)
    {
        var order = Require();
        if (order.Revision <= afterRevision && maxWait > TimeSpan.Zero)
        {
            await _changed.WaitAsync(maxWait);
        }

        return Require();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Order is not { } order)
        {
            await this.UnregisterReminderIfAny(reminderName);
            return;
        }

        if (reminderName == ServiceLevelReminder)
        {
            await CheckTimers();
        }
        else if (reminderName == RetryDispatchReminder)
        {
            if (order.Status == RepairOrderStatus.Unassigned)
            {
                // Settle carries out the new offer's effects (the outlet's job feed, the log).
                await Settle(await Dispatch(order));
            }
            else
            {
                await this.UnregisterReminderIfAny(RetryDispatchReminder);
            }
        }
    }

    // ---- the step machinery ----------------------------------------------------------------

    private RepairOrder Require() => state.State.Order ?? throw DomainException.NotFound("repair order", OrderId);

    /// <summary>Applies one domain step; an unchanged order (a retried step) changes nothing.</summary>
    private async Task<RepairOrder> Step(Func<RepairOrder, RepairOrder> change)
    {
        var before = Require();
        var after = change(before);
        if (after.Revision == before.Revision && after == before)
        {
            return await Settle(before);
        }

        await Commit(after);
        return await Settle(after);
    }

    private async Task Store()
    {
        await state.WriteOrRollbackAsync(this);
        _storedEffectsMark = state.State.EffectsDoneThrough;
    }

    private async Task Commit(RepairOrder order)
    {
        state.State.Order = order;
        await Store();
        _changed.Notify();
    }

    /// <summary>
    /// Brings everything outside the order in line with it: carries out pending effects, dispatches
    /// an order no outlet holds, and sets the SLA reminder for the next deadline.
    /// </summary>
    private async Task<RepairOrder> Settle(RepairOrder order)
    {
        // The progress mark (effects done) is not written on its own: it rides on the order's next
        // write. If it is lost (a crash, a deactivation), the next step replays the effects, and every
        // effect is idempotent. That saves one write per step, which is most of a dispatch's cost.
        for (var rounds = 0; rounds < 100; rounds++)
        {
            if (state.State.EffectsDoneThrough < order.Revision)
            {
                foreach (var entry in order.Audit.Skip(state.State.EffectsDoneThrough))
                {
                    await CarryOut(order, entry);
                }

                state.State.EffectsDoneThrough = order.Revision;
            }

            if (order.Status != RepairOrderStatus.Created)
            {
                break;
            }

            // Stored but held by no outlet: a new order, or one an outlet just declined or let lapse.
            order = await Dispatch(order);
        }

        if (order.Status != RepairOrderStatus.Unassigned)
        {
            // The cleared position rides on the order's next write; removing twice changes nothing.
            await LeaveUnassignedQueue();
        }

        if (await ScheduleTimer(order))
        {
            await Store();
        }

        return order;
    }

    /// <summary>Marks the order's queue entry removed, so listing the queue does not wade through orders that left it.</summary>
    private async Task LeaveUnassignedQueue()
    {
        if (state.State.UnassignedQueuePosition > 0)
        {
            await IUnassignedQueueShardGrain.For(GrainFactory, OrderId).Remove(OrderId, state.State.UnassignedQueuePosition);
            state.State.UnassignedQueuePosition = 0;
        }
    }

    private async Task<RepairOrder> Dispatch(RepairOrder order)
    {
        // Any dispatch but the very first one of a new order may follow one whose outcome was lost.
        var resuming = !_dispatchingFirstTime || order.Revision > 1 || order.Status == RepairOrderStatus.Unassigned;
        _dispatchingFirstTime = false;
        var preferred = order.Status == RepairOrderStatus.Created ? _preferredOutlet : null;
        var now = clock.GetUtcNow();
        var notice = new OfferNotice(order.Revision + 1, now, order.EffectivePolicy.AcceptanceWindow, order.ResponsePromise);
        // While the order keeps its appointment it goes to the appointment's outlet or nowhere.
        var outcome = await dispatcher.Dispatch(order.OrderId, order.Request.Job, order.Request.RequiredParts, resuming, order.ExcludedOutlets, preferred, notice, order.Appointment?.OutletId);
        var dispatched = outcome.Assignment is { } assignment
            ? order.Offer(assignment, outcome.PassedOver, now, outcome.OutletTime)
            : order.MarkUnassigned(outcome.UnassignedReason, outcome.PassedOver, now);
        if (dispatched.Status == RepairOrderStatus.Unassigned && order.Status != RepairOrderStatus.Unassigned)
        {
            // Reminder and queue entry first: if the write below fails, a retry still happens. The
            // first retry is jittered per order so the orders of a surge do not all retry together.
            var period = options.Value.UnassignedRetryPeriod;
            await this.RegisterOrUpdateReminder(RetryDispatchReminder, UnassignedQueue.FirstRetryDelay(OrderId, period), period);
            await LeaveUnassignedQueue();
            state.State.UnassignedQueuePosition = await IUnassignedQueueShardGrain.For(GrainFactory, OrderId).Add(OrderId);
        }

        if (dispatched != order)
        {
            // The reminder is aimed before the write, so the order is stored once with its timer.
            await ScheduleTimer(dispatched);
            await Commit(dispatched);
        }

        if (dispatched.Status == RepairOrderStatus.Offered && order.Status == RepairOrderStatus.Unassigned)
        {
            await this.UnregisterReminderIfAny(RetryDispatchReminder);
        }

        return dispatched;
    }

    /// <summary>
    /// The order no longer needs parts at <paramref name="outletId"/> (moved on, cancelled, or the
    /// customer declined the repair): its hold there is released, and a transfer dispatch requested
    /// for it is cancelled, which releases the sibling's hold unless the parts already shipped (they
    /// then arrive as the outlet's stock). Every call is idempotent.
    /// </summary>
    private async Task ReleaseParts(RepairOrder order, string outletId, string? transferId)
    {
        if (order.Request.RequiredParts.IsEmpty)
        {
            return;
        }

        await GrainFactory.GetGrain<IOutletInventoryGrain>(outletId).Release(OrderId);
        if (string.IsNullOrEmpty(transferId))
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<ITransferGrain>(transferId).Cancel(Actor.Platform, $"repair order {OrderId} no longer needs the parts at {outletId}");
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.FailedPrecondition)
        {
            // None was requested for that offer, or it shipped already.
        }
    }

    /// <summary>The effects of one audit entry; each is idempotent, so replaying it is harmless.</summary>
    private async Task CarryOut(RepairOrder order, AuditEntry entry)
    {
        OrderTelemetry.Record(Log, metrics, entry, order);
        var outletId = entry.OutletId;
        var outlet = string.IsNullOrEmpty(outletId) ? null : Outlet(outletId);
        switch (entry.Action)
        {
            case OrderAction.OfferDeclined or OrderAction.OfferTimedOut:
                await outlet!.ReleaseBooking(OrderId);
                await ReleaseParts(order, outletId, Dispatcher.TransferIdFor(OrderId, order.ExcludedOutlets.IndexOf(outletId) + 1));
                break;
            case OrderAction.Cancelled when outlet is not null:
                await outlet.ReleaseBooking(OrderId);
                await outlet.ReleaseTechnician(OrderId);
                await ReleaseParts(order, outletId, order.Assignment?.Parts?.TransferId);
                break;
            case OrderAction.QuoteDeclined when outlet is not null:
                await outlet.ReleaseTechnician(OrderId);
                await ReleaseParts(order, outletId, order.Assignment?.Parts?.TransferId);
                break;
            case OrderAction.Completed when outlet is not null:
                await outlet.ReleaseTechnician(OrderId);
                break;
            case OrderAction.AppointmentCancelled when outlet is not null:
                await outlet.CancelAppointment(OrderId, entry.Detail, entry.Sequence);
                break;
        }

        if (entry.Action == OrderAction.Cancelled && order.Loaner is { ReturnedAt: null } || entry.Action == OrderAction.LoanerReturned)
        {
            await ReturnLoaner(order);
        }

        if (entry.Action == OrderAction.Completed && outlet is not null)
        {
            await outlet.RecordServiceOutcome($"completed:{OrderId}", order.CompletedOnTime ?? true, null);
        }

        if (entry.Action == OrderAction.Rated && outlet is not null && order.Feedback is { } feedback)
        {
            await outlet.RecordServiceOutcome($"rated:{OrderId}", null, feedback.Rating);
        }

        if (outlet is not null && JobEventFor(entry.Action) is { } kind)
        {
            await outlet.AppendJobEvent(new JobEvent { OrderId = OrderId, Kind = kind, At = entry.At, Detail = entry.Detail, OrderRevision = entry.Sequence });
        }

        if (ServiceEvent.IsServiceLevel(entry.Action))
        {
            var region = outlet is null ? string.Empty : RegionOf(outletId);
            await serviceEvents.Append(new ServiceEvent
            {
                OrderId = OrderId,
                OrderRevision = entry.Sequence,
                Action = entry.Action,
                At = entry.At,
                OutletId = outletId,
                Region = region,
                Detail = entry.Detail,
            });
        }
    }

    private static JobEventKind? JobEventFor(OrderAction action) => action switch
    {
        OrderAction.Offered => JobEventKind.Offered,
        OrderAction.OfferTimedOut => JobEventKind.OfferWithdrawn,
        OrderAction.OfferDeclined => JobEventKind.Declined,
        OrderAction.Accepted => JobEventKind.Accepted,
        OrderAction.Cancelled => JobEventKind.Cancelled,
        OrderAction.QuoteApproved => JobEventKind.QuoteApproved,
        OrderAction.QuoteDeclined => JobEventKind.QuoteDeclined,
        OrderAction.ResponseDeadlineMissed or OrderAction.CompletionDeadlineMissed or OrderAction.ComplaintDeadlineMissed => JobEventKind.DeadlineMissed,
        OrderAction.ComplaintFiled => JobEventKind.ComplaintFiled,
        OrderAction.Completed => JobEventKind.Completed,
        OrderAction.Collected => JobEventKind.Collected,
        _ => null,
    };

    private string RegionOf(string outletId) => ServiceEventRegions.RegionOf(index.Current.Find(outletId));

    private async Task<RepairOrder> TryIssueLoaner(Actor by, RepairOrder order)
    {
        var sku = order.EffectivePolicy.LoanerSku;
        var stock = GrainFactory.GetGrain<IOutletInventoryGrain>(order.Assignment!.OutletId);
        var level = (await stock.Get([sku])).Levels.Single();
        if (level.Available < 1)
        {
            return order; // none on the shelf: the diagnosis stands without a loaner
        }

        await stock.Adjust(StockAdjustment.ByPlatform(sku, StockAdjustmentKind.Consume, 1, $"loaner lent for {OrderId}", PlatformKeys.LoanerOut(OrderId)));
        return await Step(o => o.IssueLoaner(by, sku, clock.GetUtcNow()));
    }

    private async Task ReturnLoaner(RepairOrder order)
    {
        if (order.Loaner is not { } loaner || order.Assignment is null)
        {
            return;
        }

        await GrainFactory.GetGrain<IOutletInventoryGrain>(order.Assignment.OutletId).Adjust(
            StockAdjustment.ByPlatform(loaner.Sku, StockAdjustmentKind.Receive, 1, $"loaner returned for {OrderId}", PlatformKeys.LoanerBack(OrderId)));
    }

    /// <summary>
    /// Keeps one durable reminder aimed at the order's next deadline that nobody else watches; none
    /// when nothing is pending.
    /// </summary>
    /// <returns>Whether the reminder changed (and the state must be saved).</returns>
    private async Task<bool> ScheduleTimer(RepairOrder order)
    {
        var next = OwnDeadline(order);
        if (next == state.State.TimerDueAt)
        {
            return false;
        }

        if (next is { } due)
        {
            var wait = due - clock.GetUtcNow();
            var period = options.Value.ServiceLevelCheckPeriod;
            await this.RegisterOrUpdateReminder(ServiceLevelReminder, wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1), period);
        }
        else
        {
            await this.UnregisterReminderIfAny(ServiceLevelReminder);
        }

        state.State.TimerDueAt = next;
        return true;
    }

    /// <summary>
    /// While an offer waits for its answer, the offered outlet watches the acceptance window and wakes
    /// the order when it lapses (one reminder per outlet instead of a reminder row per order); the
    /// order only needs its own reminder for a deadline that comes before that.
    /// </summary>
    private static DateTimeOffset? OwnDeadline(RepairOrder order) =>
        order.Status == RepairOrderStatus.Offered && order.OfferExpiresAt is { } lapses && order.NextDeadline == lapses
            ? null
            : order.NextDeadline;

    private IOutletGrain Outlet(string outletId) => GrainFactory.GetGrain<IOutletGrain>(outletId);
}
