using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Orders;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class RepairOrderApi(IGrainFactory grains) : Api.RepairOrderService.RepairOrderServiceBase
{
    private const string PageKind = "orders";

    public override async Task<Api.CreateRepairOrderResponse> CreateRepairOrder(Api.CreateRepairOrderRequest request, ServerCallContext context)
    {
        var repairRequest = RepairOrderMapping.ToDomain(request);
        var orderId = RepairRequests.OrderIdFor(repairRequest.RequestId);
        var order = await Order(orderId).Create(repairRequest);
        return new Api.CreateRepairOrderResponse { Order = RepairOrderMapping.ToProto(order) };
    }

    public override async Task<Api.GetRepairOrderResponse> GetRepairOrder(Api.GetRepairOrderRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.OrderId, "order_id");
        return new Api.GetRepairOrderResponse { Order = RepairOrderMapping.ToProto(await Order(id).Get()) };
    }

    public override async Task<Api.ListRepairOrdersResponse> ListRepairOrders(Api.ListRepairOrdersRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var status = RepairOrderMapping.ToDomain(request.Status, "status");
        var skip = CommonMapping.DecodeOffsetToken(request.PageToken, PageKind);
        Func<int, int, Task<IReadOnlyList<string>>> source;
        if (!string.IsNullOrEmpty(request.OutletId))
        {
            var outlet = grains.GetGrain<IOutletGrain>(Identifiers.RequireId(request.OutletId, "outlet_id"));
            source = async (from, count) => (await outlet.ListJobs(from, count)).OrderIds;
        }
        else if (status == RepairOrderStatus.Unassigned)
        {
            var queue = grains.GetGrain<IUnassignedOrdersGrain>(UnassignedOrdersGrain.NetworkKey);
            source = async (from, count) => await queue.List(from, count);
        }
        else
        {
            throw RpcErrors.InvalidArgument("outlet_id", "is required unless status is REPAIR_ORDER_STATUS_UNASSIGNED");
        }

        // Read ahead in chunks, filtering by status, until the page is full or the feed ends.
        var response = new Api.ListRepairOrdersResponse();
        while (response.Orders.Count < pageSize)
        {
            var ids = await source(skip, pageSize);
            if (ids.Count == 0)
            {
                return response;
            }

            var orders = await Task.WhenAll(ids.Select(id => Order(id).Get()));
            foreach (var order in orders)
            {
                skip++;
                if (status is null || order.Status == status)
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

    private IRepairOrderGrain Order(string id) => grains.GetGrain<IRepairOrderGrain>(id);
}
