using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Grains.Locator;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class LocatorApi(OutletLocator locator) : Api.LocatorService.LocatorServiceBase
{
    public const int DefaultLimit = 5;
    public const int MaxLimit = 50;

    public override async Task<Api.FindNearestOutletsResponse> FindNearestOutlets(Api.FindNearestOutletsRequest request, ServerCallContext context)
    {
        var job = new JobRequirement
        {
            CustomerLocation = CommonMapping.ToDomain(request.Location, "location"),
            Capability = Identifiers.RequireCapability(request.Capability, "capability"),
            Mode = CommonMapping.ToDomain(request.ServiceMode, "service_mode"),
        };
        var limit = request.Limit switch
        {
            0 => DefaultLimit,
            < 0 or > MaxLimit => throw RpcErrors.InvalidArgument("limit", $"must be within [1, {MaxLimit}], or 0 for {DefaultLimit} (got {request.Limit})"),
            _ => request.Limit,
        };
        var maxKm = request.MaxDistanceKm;
        if (!double.IsFinite(maxKm) || maxKm < 0 || maxKm > 20040)
        {
            throw RpcErrors.InvalidArgument("max_distance_km", $"must be within [0, 20040] km, 0 for no limit (got {maxKm})");
        }

        var result = await locator.FindNearest(job, limit, maxKm == 0 ? GreatCircle.MaxDistanceKm : maxKm, request.AvailableOnly);
        var response = new Api.FindNearestOutletsResponse { IndexVersion = result.IndexVersion };
        response.Candidates.AddRange(result.Outlets.Select(ToProto));
        return response;
    }

    private static Api.OutletCandidate ToProto(LocatedOutlet located)
    {
        var availability = located.Availability;
        var profile = availability.Listing.Profile;
        var candidate = new Api.OutletCandidate
        {
            OutletId = profile.OutletId,
            Name = profile.Name,
            Address = profile.Address,
            Phone = profile.Phone,
            Location = CommonMapping.ToProto(profile.Location),
            DistanceKm = Math.Round(located.DistanceKm, 3),
            CanTakeJob = availability.CanTakeJob,
            CapacityLeftToday = availability.CapacityLeftToday,
            OpenNow = availability.OpenNow,
        };
        candidate.Reasons.AddRange(availability.Reasons.Select(CommonMapping.ToProto));
        return candidate;
    }
}
