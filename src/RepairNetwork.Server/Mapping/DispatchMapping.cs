using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Dispatch;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

/// <summary>How a routing batch runs, from its start message.</summary>
public sealed record RouteBatchSettings(string BatchId, bool DryRun, int WindowSize, int CandidatesPerJob);

/// <summary>A valid job of a routing batch: what to route and, unless a dry run, the order to create.</summary>
public sealed record RouteJobInput(string JobId, BatchJob Job, RepairRequest? Order);

public static class DispatchMapping
{
    public const int DefaultWindowSize = 10_000;
    public const int MaxWindowSize = 100_000;
    public const int DefaultCandidatesPerJob = 8;
    public const int MaxCandidatesPerJob = 50;
    public const int MaxJobsPerMessage = 5_000;
    public const int MaxPriority = 9;

    /// <summary>Keeps "route/{batch_id}/{job_id}" within a request id's 128 characters.</summary>
    public const int MaxBatchIdLength = 40;

    public static RouteBatchSettings ToSettings(Api.RouteBatchRequest first)
    {
        var start = first.Start ?? throw RpcErrors.InvalidArgument("start", "must be the first message of the stream");
        var batchId = Identifiers.RequireId(start.BatchId, "start.batch_id");
        if (batchId.Length > MaxBatchIdLength)
        {
            throw RpcErrors.InvalidArgument("start.batch_id", $"must be at most {MaxBatchIdLength} characters (got {batchId.Length})");
        }

        var window = start.WindowSize switch
        {
            0 => DefaultWindowSize,
            < 0 or > MaxWindowSize => throw RpcErrors.InvalidArgument("start.window_size", $"must be within [1, {MaxWindowSize}], or 0 for {DefaultWindowSize} (got {start.WindowSize})"),
            var n => n,
        };
        var candidates = start.CandidatesPerJob switch
        {
            0 => DefaultCandidatesPerJob,
            < 0 or > MaxCandidatesPerJob => throw RpcErrors.InvalidArgument("start.candidates_per_job", $"must be within [1, {MaxCandidatesPerJob}], or 0 for {DefaultCandidatesPerJob} (got {start.CandidatesPerJob})"),
            var n => n,
        };
        return new RouteBatchSettings(batchId, start.DryRun, window, candidates);
    }

    /// <summary>The request id of a job's order: the same batch and job always name the same order.</summary>
    public static string RequestIdFor(string batchId, string jobId) => $"route/{batchId}/{jobId}";

    /// <summary>Validates one job; throws INVALID_ARGUMENT (as RpcException or DomainException) naming the field and rule.</summary>
    public static RouteJobInput ToDomain(Api.RouteJob job, RouteBatchSettings settings)
    {
        var jobId = Identifiers.RequireId(job.JobId, "job_id");
        if (job.Priority is < 0 or > MaxPriority)
        {
            throw RpcErrors.InvalidArgument("priority", $"must be within [0, {MaxPriority}] (got {job.Priority})");
        }

        if (settings.DryRun)
        {
            var requirement = new JobRequirement
            {
                CustomerLocation = CommonMapping.ToDomain(job.CustomerLocation, "customer_location"),
                Capability = Identifiers.RequireCapability(job.RequiredCapability, "required_capability"),
                Mode = CommonMapping.ToDomain(job.ServiceMode, "service_mode"),
            };
            return new RouteJobInput(jobId, new BatchJob(requirement, job.Priority), null);
        }

        // The same rules as CreateRepairOrder, field for field.
        var order = RepairOrderMapping.ToDomain(new Api.CreateRepairOrderRequest
        {
            RequestId = RequestIdFor(settings.BatchId, jobId),
            Customer = job.Customer,
            Product = job.Product,
            FaultDescription = job.FaultDescription,
            CustomerLocation = job.CustomerLocation,
            ServiceMode = job.ServiceMode,
            RequiredCapability = job.RequiredCapability,
        });
        return new RouteJobInput(jobId, new BatchJob(order.Job, job.Priority), order);
    }

    /// <summary>The rejection a bad job gets instead of failing the batch, or null when the error is not the caller's input.</summary>
    public static Api.RouteResult? Rejected(Api.RouteJob job, Exception error) => error switch
    {
        RpcException { StatusCode: StatusCode.InvalidArgument } rpc => Rejected(job, StatusCode.InvalidArgument, rpc.Status.Detail),
        DomainException { Kind: DomainErrorKind.InvalidArgument } domain => Rejected(job, StatusCode.InvalidArgument, domain.Message),
        DomainException { Kind: DomainErrorKind.AlreadyExists } domain => Rejected(job, StatusCode.AlreadyExists, domain.Message),
        _ => null,
    };

    public static Api.RouteResult Rejected(Api.RouteJob job, StatusCode code, string reason) => new()
    {
        JobId = Identifiers.Truncate(job.JobId),
        Status = Api.RouteResultStatus.Rejected,
        Reason = reason,
        Priority = job.Priority,
        RejectionCode = (int)code,
    };

    public static Api.RouteResult Assigned(RouteJobInput input, string outletId, double distanceKm, double? nearestKm, string plannedOutletId, string orderId) => new()
    {
        JobId = input.JobId,
        Status = Api.RouteResultStatus.Assigned,
        OutletId = outletId,
        DistanceKm = Math.Round(distanceKm, 3),
        NearestDistanceKm = Math.Round(nearestKm ?? 0, 3),
        PlannedOutletId = plannedOutletId,
        OrderId = orderId,
        Priority = input.Job.Priority,
    };

    public static Api.RouteResult Unassigned(RouteJobInput input, Api.RouteUnassignedCode code, string reason, double? nearestKm, string plannedOutletId, string orderId) => new()
    {
        JobId = input.JobId,
        Status = Api.RouteResultStatus.Unassigned,
        UnassignedCode = code,
        Reason = reason,
        NearestDistanceKm = Math.Round(nearestKm ?? 0, 3),
        PlannedOutletId = plannedOutletId,
        OrderId = orderId,
        Priority = input.Job.Priority,
    };

    public static Api.RouteUnassignedCode ToProto(RouteFailureCode? code) => code switch
    {
        RouteFailureCode.NoCapableOutlet => Api.RouteUnassignedCode.NoCapableOutlet,
        RouteFailureCode.CapacityFull => Api.RouteUnassignedCode.CapacityFull,
        _ => Api.RouteUnassignedCode.DispatchFailed,
    };
}
