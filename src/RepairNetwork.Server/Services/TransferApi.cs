using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Inventory;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class TransferApi(IGrainFactory grains) : Api.TransferService.TransferServiceBase
{
    private const string PageKind = "transfers";

    public override async Task<Api.RequestTransferResponse> RequestTransfer(Api.RequestTransferRequest request, ServerCallContext context)
    {
        if (request.Lines.Count > TransferRequest.MaxLines)
        {
            throw RpcErrors.InvalidArgument("lines", $"must hold 1-{TransferRequest.MaxLines} lines (got {request.Lines.Count})");
        }

        var transfer = TransferRequest.Create(
            request.TransferId,
            request.FromOutletId,
            request.ToOutletId,
            [.. request.Lines.Select(l => ((string?)l.Sku, l.Quantity))],
            request.OrderId,
            request.Reason);
        var stored = await Transfer(transfer.TransferId).Request(transfer, Actor(context));
        return new Api.RequestTransferResponse { Transfer = ToProto(stored) };
    }

    public override async Task<Api.GetTransferResponse> GetTransfer(Api.GetTransferRequest request, ServerCallContext context) =>
        new() { Transfer = ToProto(await Transfer(Identifiers.RequireId(request.TransferId, "transfer_id")).Get()) };

    public override async Task<Api.ShipTransferResponse> ShipTransfer(Api.ShipTransferRequest request, ServerCallContext context) =>
        new() { Transfer = ToProto(await Transfer(Identifiers.RequireId(request.TransferId, "transfer_id")).Ship(Actor(context))) };

    public override async Task<Api.ReceiveTransferResponse> ReceiveTransfer(Api.ReceiveTransferRequest request, ServerCallContext context) =>
        new() { Transfer = ToProto(await Transfer(Identifiers.RequireId(request.TransferId, "transfer_id")).Receive(Actor(context))) };

    public override async Task<Api.CancelTransferResponse> CancelTransfer(Api.CancelTransferRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.TransferId, "transfer_id");
        var reason = LifecycleMapping.Reason(request.Reason);
        return new() { Transfer = ToProto(await Transfer(id).Cancel(Actor(context), reason)) };
    }

    public override async Task<Api.ListTransfersResponse> ListTransfers(Api.ListTransfersRequest request, ServerCallContext context)
    {
        var outletId = Identifiers.RequireId(request.OutletId, "outlet_id");
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var skip = CommonMapping.DecodeOffsetToken(request.PageToken, PageKind);
        await grains.GetGrain<IOutletGrain>(outletId).Get();

        var page = await grains.GetGrain<IOutletTransfersGrain>(outletId).List(skip, pageSize);
        var transfers = await Task.WhenAll(page.TransferIds.Select(Find));
        var response = new Api.ListTransfersResponse();

        // An id listed whose request was never stored (it failed half-way) is skipped.
        response.Transfers.AddRange(transfers.OfType<StockTransfer>().Select(ToProto));
        if (page.More)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, (skip + page.TransferIds.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    public static Api.StockTransfer ToProto(StockTransfer transfer)
    {
        var request = transfer.Request;
        var proto = new Api.StockTransfer
        {
            TransferId = request.TransferId,
            FromOutletId = request.FromOutletId,
            ToOutletId = request.ToOutletId,
            OrderId = request.OrderId,
            Reason = request.Reason,
            Status = ToProto(transfer.Status),
            RequestTime = CommonMapping.ToProto(transfer.RequestedAt),
            ShipTime = transfer.ShippedAt is { } shipped ? CommonMapping.ToProto(shipped) : null,
            ReceiveTime = transfer.ReceivedAt is { } received ? CommonMapping.ToProto(received) : null,
            CancelTime = transfer.CancelledAt is { } cancelled ? CommonMapping.ToProto(cancelled) : null,
            ShippingInProgress = transfer.Pending == TransferPendingStep.Shipping,
        };
        proto.Lines.AddRange(request.Lines.Select(l => new Api.TransferLine { Sku = l.Sku, Quantity = l.Quantity }));
        proto.Steps.AddRange(transfer.Steps.Select(s => new Api.TransferStep
        {
            Status = ToProto(s.Status),
            Actor = s.By.ToString(),
            Time = CommonMapping.ToProto(s.At),
            Note = s.Note,
        }));
        return proto;
    }

    private static Api.TransferStatus ToProto(TransferStatus status) => status switch
    {
        TransferStatus.Requested => Api.TransferStatus.Requested,
        TransferStatus.Shipped => Api.TransferStatus.Shipped,
        TransferStatus.Received => Api.TransferStatus.Received,
        TransferStatus.Cancelled => Api.TransferStatus.Cancelled,
        _ => Api.TransferStatus.Unspecified,
    };

    private async Task<StockTransfer?> Find(string transferId)
    {
        try
        {
            return await Transfer(transferId).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return null;
        }
    }

    private static Actor Actor(ServerCallContext context) =>
        LifecycleMapping.ToActor(Caller.From(context.GetHttpContext().User) ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "a valid bearer token is required")));

    private ITransferGrain Transfer(string id) => grains.GetGrain<ITransferGrain>(id);
}
