using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class RepairOrderMapping
{
    public static RepairRequest ToDomain(Api.CreateRepairOrderRequest request)
    {
        var mode = CommonMapping.ToDomain(request.ServiceMode, "service_mode");
        var job = new JobRequirement
        {
            CustomerLocation = CommonMapping.ToDomain(request.CustomerLocation, "customer_location"),
            Capability = Identifiers.RequireCapability(request.RequiredCapability, "required_capability"),
            Mode = mode,
        };
        var customer = request.Customer ?? throw RpcErrors.Required("customer");
        var product = request.Product ?? throw RpcErrors.Required("product");
        return RepairRequests.Create(
            string.IsNullOrEmpty(request.RequestId) ? Guid.NewGuid().ToString() : request.RequestId,
            RepairRequests.CreateCustomer(customer.Name, customer.Phone, customer.Address, addressRequired: mode != Domain.Outlets.ServiceMode.CarryIn),
            RepairRequests.CreateProduct(product.Category, product.Model, product.SerialNumber, CommonMapping.ToDate(product.PurchaseDate, "product.purchase_date")),
            request.FaultDescription,
            job,
            [.. request.RequiredParts.Select(p => PartQuantity.Of(p.Sku, p.Quantity))],
            string.IsNullOrEmpty(request.SlotId) ? null : request.SlotId);
    }

    /// <summary>The API and domain statuses share their numbers; unknown numbers are rejected.</summary>
    public static RepairOrderStatus? ToDomain(Api.RepairOrderStatus status, string field) => status switch
    {
        Api.RepairOrderStatus.Unspecified => null,
        _ when Enum.IsDefined((RepairOrderStatus)(int)status) => (RepairOrderStatus)(int)status,
        _ => throw RpcErrors.InvalidArgument(field, $"{(int)status} is not a known repair order status"),
    };

    public static Api.RepairOrder ToProto(RepairOrder order)
    {
        var request = order.Request;
        var proto = new Api.RepairOrder
        {
            OrderId = order.OrderId,
            RequestId = request.RequestId,
            Customer = new Api.Customer { Name = request.Customer.Name, Phone = request.Customer.Phone, Address = request.Customer.Address },
            Product = new Api.Product
            {
                Category = request.Product.Category,
                Model = request.Product.Model,
                SerialNumber = request.Product.SerialNumber,
                PurchaseDate = CommonMapping.ToText(request.Product.PurchaseDate),
            },
            FaultDescription = request.FaultDescription,
            CustomerLocation = CommonMapping.ToProto(request.Job.CustomerLocation),
            ServiceMode = CommonMapping.ToProto(request.Job.Mode),
            RequiredCapability = request.Job.Capability,
            Status = (Api.RepairOrderStatus)(int)order.Status,
            UnassignedReason = order.UnassignedReason,
            CreateTime = CommonMapping.ToProto(order.CreatedAt),
            ResponseDueTime = CommonMapping.ToProto(order.ResponseDueAt),
            CompletionDueTime = CommonMapping.ToProto(order.CompletionDueAt),
            ExcludedOutletIds = { order.ExcludedOutlets },
            TechnicianId = order.TechnicianId,
            Escalated = order.Escalated,
            Revision = order.Revision,
            CancelReason = order.CancelReason,
            AuditTrail = { order.Audit.Select(LifecycleMapping.ToProto) },
            Complaints = { order.Complaints.Select(LifecycleMapping.ToProto) },
            RequiredParts = { request.RequiredParts.Select(p => new Api.RequiredPart { Sku = p.Sku, Quantity = p.Quantity }) },
        };
        LifecycleMapping.AddLifecycle(proto, order);
        if (order.Appointment is { } appointment)
        {
            proto.Appointment = AppointmentMapping.ToProto(appointment);
        }

        if (order.Assignment is { } assignment)
        {
            proto.Assignment = new Api.Assignment
            {
                OutletId = assignment.OutletId,
                OutletName = assignment.OutletName,
                DistanceKm = Math.Round(assignment.DistanceKm, 3),
                BookedForDate = CommonMapping.ToText(assignment.BookedForDate),
                AssignTime = CommonMapping.ToProto(assignment.AssignedAt),
                Explanation = assignment.Explanation,
            };
            if (assignment.Parts is { } parts)
            {
                proto.Assignment.PartsSupply = new Api.PartsSupply
                {
                    Mode = (Api.PartsSupplyMode)(int)parts.Mode,
                    HeldAtOutletId = parts.HeldAtOutletId,
                    TransferId = parts.TransferId,
                    TransferDistanceKm = Math.Round(parts.TransferDistanceKm, 3),
                };
            }
        }

        proto.PassedOver.AddRange(order.PassedOver.Select(p =>
        {
            var passed = new Api.PassedOverOutlet { OutletId = p.OutletId, DistanceKm = Math.Round(p.DistanceKm, 3) };
            passed.Reasons.AddRange(p.Reasons.Select(CommonMapping.ToProto));
            return passed;
        }));
        return proto;
    }
}
