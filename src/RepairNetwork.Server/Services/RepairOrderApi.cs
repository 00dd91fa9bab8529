using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

/// <summary>Bounds on the work one list call may do (README, "Security").</summary>
public sealed class ListSettings
{
    /// <summary>
    /// At most this many orders are read for one ListRepairOrders call, however few match: a filter
    /// that matches nothing ends the page early with a page token to go on, so one call never walks a
    /// whole feed.
    /// </summary>
    public int MaxOrdersScannedPerCall { get; set; } = 1000;
}

public sealed class RepairOrderApi(IGrainFactory grains, Microsoft.Extensions.Options.IOptions<ListSettings> lists, Grains.Catalog.CapabilityCatalogCache catalog) : Api.RepairOrderService.RepairOrderServiceBase
{
    private const string PageKind = "orders";

    public override async Task<Api.CreateRepairOrderResponse> CreateRepairOrder(Api.CreateRepairOrderRequest request, ServerCallContext context)
    {
        var repairRequest = RepairOrderMapping.ToDomain(request);
        catalog.Current.RequireKnown(repairRequest.Job.Capability, repairRequest.Product.Category);
        var orderId = RepairRequests.OrderIdFor(repairRequest.RequestId);
        var order = await Order(orderId).Create(repairRequest, Actor(context), cancellationToken: context.CancellationToken);
        return new Api.CreateRepairOrderResponse { Order = RepairOrderMapping.ToProto(order) };
    }

    public override async Task<Api.GetRepairOrderResponse> GetRepairOrder(Api.GetRepairOrderRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.OrderId, "order_id");
        return new Api.GetRepairOrderResponse { Order = RepairOrderMapping.ToProto(await Order(id).Get()) };
    }

    /// <summary>Orders read at once while scanning: bounds the fan-out of one call.</summary>
    private const int ScanChunk = 100;

    public override async Task<Api.ListRepairOrdersResponse> ListRepairOrders(Api.ListRepairOrdersRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var status = RepairOrderMapping.ToDomain(request.Status, "status");
        var caller = CallerContext.Caller(context);
        Func<int, int, Task<IReadOnlyList<string>>> source;
        if (!string.IsNullOrEmpty(request.OutletId))
        {
            var outlet = grains.GetGrain<IOutletGrain>(Identifiers.RequireId(request.OutletId, "outlet_id"));
            source = async (from, count) => (await outlet.ListJobs(from, count)).OrderIds;
        }
        else if (status == RepairOrderStatus.Unassigned)
        {
            // An outlet holds no unassigned order, so it sees none (the same rule as below).
            return caller.IsOutlet ? new Api.ListRepairOrdersResponse() : await ListUnassigned(request.PageToken, pageSize, context);
        }
        else
        {
            throw RpcErrors.InvalidArgument("outlet_id", "is required unless status is REPAIR_ORDER_STATUS_UNASSIGNED");
        }

        var skip = CommonMapping.DecodeOffsetToken(request.PageToken, PageKind);

        // An outlet's job feed keeps every order it was ever offered; an outlet caller sees only those
        // it holds now, the same rule as GetRepairOrder (what it was offered and gave up stays in its
        // job events, without customer data).
        bool Visible(RepairOrder order) =>
            (status is null || order.Status == status) && (!caller.IsOutlet || order.HoldingOutletId == caller.OutletId);

        // Read ahead in chunks, filtering, until the page is full, the feed ends or the scan budget is spent.
        var response = new Api.ListRepairOrdersResponse();
        var scanned = 0;
        var maxScanned = Math.Max(1, lists.Value.MaxOrdersScannedPerCall);
        while (response.Orders.Count < pageSize && scanned < maxScanned)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var ids = await source(skip, Math.Min(ScanChunk, maxScanned - scanned));
            if (ids.Count == 0)
            {
                return response;
            }

            var orders = await Task.WhenAll(ids.Select(id => Order(id).Get())).WaitAsync(context.CancellationToken);
            foreach (var order in orders)
            {
                skip++;
                scanned++;
                if (Visible(order))
                {
                    response.Orders.Add(RepairOrderMapping.ToProto(order));
                    if (response.Orders.Count == pageSize)
                    {
                        break;
                    }
                }
            }
        }

        response.NextPageToken = (await source(skip, 1)).Count > 0 ? CommonMapping.EncodePageToken(PageKind, skip.ToString(System.Globalization.CultureInfo.InvariantCulture)) : string.Empty;
        return response;
    }

    private const string UnassignedPageKind = "unassigned";

    /// <summary>Stored queue pages one shard reads per round: bounds the storage reads of one call.</summary>
    private const int QueuePagesPerShardRound = 2;

    /// <summary>
    /// Headquarters' unassigned queue, newest first, merged from its shards. The page token is the
    /// queue position (time, order id) to continue before, so orders arriving meanwhile shift nothing.
    /// Orders that left the queue are mostly marked removed there; the status check catches the rest.
    /// </summary>
    private async Task<Api.ListRepairOrdersResponse> ListUnassigned(string pageToken, int pageSize, ServerCallContext context)
    {
        var cursor = DecodeQueueToken(pageToken);
        var response = new Api.ListRepairOrdersResponse();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var scanned = 0;
        var maxScanned = Math.Max(1, lists.Value.MaxOrdersScannedPerCall);
        var shards = Enumerable.Range(0, UnassignedQueue.Shards)
            .Select(k => grains.GetGrain<IUnassignedQueueShardGrain>(IUnassignedQueueShardGrain.Key(k)))
            .ToArray();
        var more = true;
        while (more && response.Orders.Count < pageSize && scanned < maxScanned)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            var take = Math.Min(ScanChunk, maxScanned - scanned);
            var slices = await Task.WhenAll(shards.Select(shard => shard.Before(cursor, take, QueuePagesPerShardRound))).WaitAsync(context.CancellationToken);
            var (keys, next) = UnassignedQueue.Merge(slices, take);
            var orders = await Task.WhenAll(keys.Select(k => Order(k.OrderId).Get())).WaitAsync(context.CancellationToken);
            more = next is not null;
            var ended = false;
            for (var i = 0; i < keys.Length; i++)
            {
                scanned++;
                cursor = keys[i];
                if (orders[i].Status == RepairOrderStatus.Unassigned && listed.Add(orders[i].OrderId))
                {
                    response.Orders.Add(RepairOrderMapping.ToProto(orders[i]));
                    if (response.Orders.Count == pageSize)
                    {
                        ended = i < keys.Length - 1;
                        break;
                    }
                }
            }

            if (!ended && next is { } after)
            {
                cursor = after;
            }

            more |= ended;
        }

        response.NextPageToken = more && cursor is { } position
            ? CommonMapping.EncodePageToken(UnassignedPageKind, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{position.Ticks}:{position.OrderId}"))
            : string.Empty;
        return response;
    }

    private static UnassignedQueueKey? DecodeQueueToken(string pageToken)
    {
        if (CommonMapping.DecodePageToken(pageToken, UnassignedPageKind) is not { } position)
        {
            return null;
        }

        var colon = position.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(position.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            ? new UnassignedQueueKey(ticks, position[(colon + 1)..])
            : throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method");
    }

    public override Task<Api.AcceptRepairOrderResponse> AcceptRepairOrder(Api.AcceptRepairOrderRequest request, ServerCallContext context) =>
        Run(request.OrderId, (o, by) => o.Accept(by), order => new Api.AcceptRepairOrderResponse { Order = order }, context);

    public override Task<Api.DeclineRepairOrderResponse> DeclineRepairOrder(Api.DeclineRepairOrderRequest request, ServerCallContext context)
    {
        var reason = LifecycleMapping.Reason(request.Reason);
        var outletId = string.IsNullOrEmpty(request.OutletId) ? null : Identifiers.RequireId(request.OutletId, "outlet_id");
        return Run(request.OrderId, (o, by) => o.DeclineOffer(by, reason, outletId), order => new Api.DeclineRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.AssignTechnicianResponse> AssignTechnician(Api.AssignTechnicianRequest request, ServerCallContext context)
    {
        var technicianId = string.IsNullOrEmpty(request.TechnicianId) ? null : Identifiers.RequireId(request.TechnicianId, "technician_id");
        return Run(request.OrderId, (o, by) => o.AssignTechnician(by, technicianId), order => new Api.AssignTechnicianResponse { Order = order }, context);
    }

    public override Task<Api.DiagnoseRepairOrderResponse> DiagnoseRepairOrder(Api.DiagnoseRepairOrderRequest request, ServerCallContext context)
    {
        var diagnosis = LifecycleMapping.ToDomain(request.Diagnosis);
        return Run(request.OrderId, (o, by) => o.Diagnose(by, diagnosis), order => new Api.DiagnoseRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.QuoteRepairOrderResponse> QuoteRepairOrder(Api.QuoteRepairOrderRequest request, ServerCallContext context)
    {
        var lines = LifecycleMapping.ToDomain(request.Lines);
        var reason = Identifiers.OptionalText(request.Reason, "reason", LifecycleMapping.MaxReasonLength);
        return Run(request.OrderId, (o, by) => o.SubmitQuote(by, lines, reason), order => new Api.QuoteRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.ApproveQuoteResponse> ApproveQuote(Api.ApproveQuoteRequest request, ServerCallContext context)
    {
        var (version, note) = QuoteAnswer(request.QuoteVersion, request.Note);
        return Run(request.OrderId, (o, by) => o.ApproveQuote(by, version, note), order => new Api.ApproveQuoteResponse { Order = order }, context);
    }

    public override Task<Api.DeclineQuoteResponse> DeclineQuote(Api.DeclineQuoteRequest request, ServerCallContext context)
    {
        var (version, note) = QuoteAnswer(request.QuoteVersion, request.Note);
        return Run(request.OrderId, (o, by) => o.DeclineQuote(by, version, note), order => new Api.DeclineQuoteResponse { Order = order }, context);
    }

    public override Task<Api.StartRepairResponse> StartRepair(Api.StartRepairRequest request, ServerCallContext context) =>
        Run(request.OrderId, (o, by) => o.StartRepair(by), order => new Api.StartRepairResponse { Order = order }, context);

    public override Task<Api.CompleteRepairOrderResponse> CompleteRepairOrder(Api.CompleteRepairOrderRequest request, ServerCallContext context)
    {
        var workDone = Identifiers.RequireText(request.WorkDone, "work_done", LifecycleMapping.MaxLongTextLength);
        var parts = LifecycleMapping.ToDomain(request.PartsReplaced);
        return Run(request.OrderId, (o, by) => o.Complete(by, workDone, parts), order => new Api.CompleteRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.CollectRepairOrderResponse> CollectRepairOrder(Api.CollectRepairOrderRequest request, ServerCallContext context) =>
        Run(request.OrderId, (o, by) => o.Collect(by), order => new Api.CollectRepairOrderResponse { Order = order }, context);

    public override Task<Api.CloseRepairOrderResponse> CloseRepairOrder(Api.CloseRepairOrderRequest request, ServerCallContext context) =>
        Run(request.OrderId, (o, by) => o.Close(by), order => new Api.CloseRepairOrderResponse { Order = order }, context);

    public override Task<Api.CancelRepairOrderResponse> CancelRepairOrder(Api.CancelRepairOrderRequest request, ServerCallContext context)
    {
        var reason = LifecycleMapping.Reason(request.Reason);
        return Run(request.OrderId, (o, by) => o.Cancel(by, reason), order => new Api.CancelRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.RateRepairOrderResponse> RateRepairOrder(Api.RateRepairOrderRequest request, ServerCallContext context)
    {
        if (request.Rating is < 1 or > 5)
        {
            throw RpcErrors.InvalidArgument("rating", "must be 1-5");
        }

        var comment = Identifiers.OptionalText(request.Comment, "comment", LifecycleMapping.MaxLongTextLength);
        return Run(request.OrderId, (o, by) => o.Rate(by, request.Rating, comment), order => new Api.RateRepairOrderResponse { Order = order }, context);
    }

    public override Task<Api.FileComplaintResponse> FileComplaint(Api.FileComplaintRequest request, ServerCallContext context)
    {
        var complaintId = Identifiers.RequireId(request.ComplaintId, "complaint_id");
        var text = Identifiers.RequireText(request.Text, "text", LifecycleMapping.MaxLongTextLength);
        return Run(request.OrderId, (o, by) => o.FileComplaint(by, complaintId, text), order => new Api.FileComplaintResponse { Order = order }, context);
    }

    public override Task<Api.ResolveComplaintResponse> ResolveComplaint(Api.ResolveComplaintRequest request, ServerCallContext context)
    {
        var complaintId = Identifiers.RequireId(request.ComplaintId, "complaint_id");
        var resolution = Identifiers.RequireText(request.Resolution, "resolution", LifecycleMapping.MaxLongTextLength);
        return Run(request.OrderId, (o, by) => o.ResolveComplaint(by, complaintId, resolution), order => new Api.ResolveComplaintResponse { Order = order }, context);
    }

    public override async Task WatchRepairOrder(Api.WatchRepairOrderRequest request, IServerStreamWriter<Api.WatchRepairOrderResponse> responseStream, ServerCallContext context)
    {
        // Ends when the caller cancels or its right to what it watches is gone (StreamGuard).
        var cancelled = StreamGuard.TokenFor(context);
        var order = Order(Identifiers.RequireId(request.OrderId, "order_id"));
        if (request.AfterRevision < 0)
        {
            throw RpcErrors.InvalidArgument("after_revision", "must not be negative");
        }

        var seen = request.AfterRevision;
        while (!cancelled.IsCancellationRequested)
        {
            var current = await order.WaitForChange(seen, WatchPollInterval).WaitAsync(cancelled);
            if (current.Revision > seen)
            {
                await responseStream.WriteAsync(new Api.WatchRepairOrderResponse { Order = RepairOrderMapping.ToProto(current) }, cancelled);
                seen = current.Revision;
            }

            if (current.Status == RepairOrderStatus.Cancelled
                || (current.Status == RepairOrderStatus.Closed && current.Feedback is not null && current.Complaints.All(c => !c.IsOpen)))
            {
                return; // nothing more can happen to it
            }
        }
    }

    public override async Task WatchJobs(Api.WatchJobsRequest request, IServerStreamWriter<Api.WatchJobsResponse> responseStream, ServerCallContext context)
    {
        // Ends when the caller cancels or its right to what it watches is gone (StreamGuard).
        var cancelled = StreamGuard.TokenFor(context);
        var outlet = grains.GetGrain<IOutletGrain>(Identifiers.RequireId(request.OutletId, "outlet_id"));
        if (request.AfterSequence < 0)
        {
            throw RpcErrors.InvalidArgument("after_sequence", "must not be negative");
        }

        var after = request.AfterSequence;
        while (!cancelled.IsCancellationRequested)
        {
            var page = await outlet.WaitForJobEvents(after, WatchBatch, WatchPollInterval).WaitAsync(cancelled);
            if (page.FirstRetained > after + 1 && page.LastSequence > after)
            {
                throw new RpcException(new Status(StatusCode.OutOfRange, $"events {after + 1}-{page.FirstRetained - 1} are no longer kept; list the outlet's orders to resynchronise, then watch from {page.LastSequence}"));
            }

            foreach (var jobEvent in page.Events)
            {
                await responseStream.WriteAsync(new Api.WatchJobsResponse { Event = LifecycleMapping.ToProto(jobEvent) }, cancelled);
                after = jobEvent.Sequence;
            }
        }
    }

    /// <summary>How long one long poll waits; under Orleans' response timeout, so a quiet stream is not an error.</summary>
    private static readonly TimeSpan WatchPollInterval = TimeSpan.FromSeconds(15);

    private const int WatchBatch = 200;

    private static (int Version, string Note) QuoteAnswer(int version, string note) =>
        version < 1
            ? throw RpcErrors.InvalidArgument("quote_version", "must be the version of the quote the customer answered (1 or more)")
            : (version, Identifiers.OptionalText(note, "note", LifecycleMapping.MaxReasonLength));

    private async Task<TResponse> Run<TResponse>(string orderId, Func<IRepairOrderGrain, Actor, Task<RepairOrder>> step, Func<Api.RepairOrder, TResponse> respond, ServerCallContext context)
    {
        var grain = Order(Identifiers.RequireId(orderId, "order_id"));
        return respond(RepairOrderMapping.ToProto(await step(grain, Actor(context))));
    }

    private static Actor Actor(ServerCallContext context) => CallerContext.Actor(context);

    private IRepairOrderGrain Order(string id) => grains.GetGrain<IRepairOrderGrain>(id);
}
