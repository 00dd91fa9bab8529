using System.Collections.Immutable;
using Orleans;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;

namespace RepairNetwork.Domain.Orders;

/// <summary>Where a repair order stands.</summary>
public enum RepairOrderStatus
{
    /// <summary>Stored, dispatch not finished yet: an order is saved before any outlet is booked.</summary>
    Created = 1,
    Assigned = 2,
    Unassigned = 3,
}

[GenerateSerializer, Alias("rn.Customer"), Immutable]
public sealed record Customer
{
    [Id(0)] public required string Name { get; init; }

    [Id(1)] public required string Phone { get; init; }

    [Id(2)] public required string Address { get; init; }
}

[GenerateSerializer, Alias("rn.Product"), Immutable]
public sealed record Product
{
    [Id(0)] public required string Category { get; init; }

    [Id(1)] public required string Model { get; init; }

    [Id(2)] public required string SerialNumber { get; init; }

    [Id(3)] public required DateOnly PurchaseDate { get; init; }
}

/// <summary>Everything the caller asks for when opening an order; compared to recognise retries.</summary>
[GenerateSerializer, Alias("rn.RepairRequest"), Immutable]
public sealed record RepairRequest
{
    [Id(0)] public required string RequestId { get; init; }

    [Id(1)] public required Customer Customer { get; init; }

    [Id(2)] public required Product Product { get; init; }

    [Id(3)] public required string FaultDescription { get; init; }

    [Id(4)] public required JobRequirement Job { get; init; }
}

/// <summary>The outlet an order is booked at.</summary>
[GenerateSerializer, Alias("rn.Assignment"), Immutable]
public sealed record Assignment
{
    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required string OutletName { get; init; }

    [Id(2)] public required double DistanceKm { get; init; }

    [Id(3)] public required DateOnly BookedForDate { get; init; }

    [Id(4)] public required DateTimeOffset AssignedAt { get; init; }
}

/// <summary>An outlet the dispatcher examined and did not choose, and why.</summary>
[GenerateSerializer, Alias("rn.PassedOverOutlet"), Immutable]
public sealed record PassedOverOutlet
{
    [Id(0)] public required string OutletId { get; init; }

    [Id(1)] public required double DistanceKm { get; init; }

    [Id(2)] public required ImmutableArray<Unavailability> Reasons { get; init; }
}

/// <summary>The repair order aggregate. Status changes are methods that check the current status.</summary>
[GenerateSerializer, Alias("rn.RepairOrder"), Immutable]
public sealed record RepairOrder
{
    [Id(0)] public required string OrderId { get; init; }

    [Id(1)] public required RepairRequest Request { get; init; }

    [Id(2)] public required RepairOrderStatus Status { get; init; }

    [Id(3)] public Assignment? Assignment { get; init; }

    [Id(4)] public ImmutableArray<PassedOverOutlet> PassedOver { get; init; } = [];

    [Id(5)] public string UnassignedReason { get; init; } = string.Empty;

    [Id(6)] public required DateTimeOffset CreatedAt { get; init; }

    public static RepairOrder Receive(string orderId, RepairRequest request, DateTimeOffset now)
    {
        if (request.Product.PurchaseDate > DateOnly.FromDateTime(now.UtcDateTime.AddDays(1)))
        {
            // One day of slack: the customer's local date may be ahead of UTC.
            throw DomainException.Invalid("product.purchase_date", $"must not be in the future (got {request.Product.PurchaseDate:yyyy-MM-dd})");
        }

        return new RepairOrder { OrderId = orderId, Request = request, Status = RepairOrderStatus.Created, CreatedAt = now };
    }

    /// <summary>Books the order at an outlet: on its first dispatch, or on a retry while it waits unassigned.</summary>
    public RepairOrder AssignTo(Assignment assignment, IEnumerable<PassedOverOutlet> passedOver)
    {
        RequireStatus("assign", RepairOrderStatus.Created, RepairOrderStatus.Unassigned);
        return this with { Status = RepairOrderStatus.Assigned, Assignment = assignment, PassedOver = [.. passedOver], UnassignedReason = string.Empty };
    }

    /// <summary>No outlet could take it (again); the reason and passed-over outlets are the latest attempt's.</summary>
    public RepairOrder MarkUnassigned(string reason, IEnumerable<PassedOverOutlet> passedOver)
    {
        RequireStatus("leave unassigned", RepairOrderStatus.Created, RepairOrderStatus.Unassigned);
        return this with { Status = RepairOrderStatus.Unassigned, Assignment = null, PassedOver = [.. passedOver], UnassignedReason = reason };
    }

    private void RequireStatus(string action, params RepairOrderStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw DomainException.Precondition($"cannot {action} order {OrderId}: it is {Status}, not {string.Join(" or ", allowed)}");
        }
    }
}
