using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Grains.Locator;
using RepairNetwork.Grains.Parts;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class LocatorApi(OutletLocator locator, IGrainFactory grains, Grains.Catalog.CapabilityCatalogCache catalog) : Api.LocatorService.LocatorServiceBase
{
    public const int DefaultLimit = 5;
    public const int MaxLimit = 50;

    public override async Task<Api.FindNearestOutletsResponse> FindNearestOutlets(Api.FindNearestOutletsRequest request, ServerCallContext context)
    {
        var job = new JobRequirement
        {
            CustomerLocation = CommonMapping.ToDomain(request.Location, "location"),
            Capability = catalog.Current.RequireCapability(request.Capability, "capability"),
            Mode = CommonMapping.ToDomain(request.ServiceMode, "service_mode"),
        };
        var limit = Limit(request.Limit);
        var maxKm = MaxDistance(request.MaxDistanceKm);
        var result = await locator.FindNearest(job, limit, maxKm, request.AvailableOnly);
        var response = new Api.FindNearestOutletsResponse { IndexVersion = result.IndexVersion, OutletsExamined = result.Examined, SearchBounded = result.Bounded };
        response.Candidates.AddRange(result.Outlets.Select(ToProto));
        return response;
    }

    public override async Task<Api.FindPartResponse> FindPart(Api.FindPartRequest request, ServerCallContext context)
    {
        var location = CommonMapping.ToDomain(request.Location, "location");
        var sku = Identifiers.RequireId(request.Sku, "sku");
        var limit = Limit(request.Limit);
        var maxKm = MaxDistance(request.MaxDistanceKm);
        try
        {
            await grains.GetGrain<IPartGrain>(sku).Get();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            throw RpcErrors.InvalidArgument("sku", $"'{sku}' is not a genuine part: it is not in the parts catalog");
        }

        var result = await locator.FindPart(location, sku, limit, maxKm);
        var response = new Api.FindPartResponse
        {
            OutletsExamined = result.Examined,
            SearchBounded = result.Bounded,
            IndexVersion = result.IndexVersion,
        };
        response.Outlets.AddRange(result.Outlets.Select(o => new Api.PartStockNearby
        {
            OutletId = o.Listing.OutletId,
            Name = o.Listing.Profile.Name,
            Address = o.Listing.Profile.Address,
            Phone = o.Listing.Profile.Phone,
            Location = CommonMapping.ToProto(o.Listing.Profile.Location),
            DistanceKm = Math.Round(o.DistanceKm, 3),
            Available = o.Available,
        }));
        return response;
    }

    private static int Limit(int requested) => requested switch
    {
        0 => DefaultLimit,
        < 0 or > MaxLimit => throw RpcErrors.InvalidArgument("limit", $"must be within [1, {MaxLimit}], or 0 for {DefaultLimit} (got {requested})"),
        _ => requested,
    };

    /// <summary>The distance bound in km; 0 in the request means none.</summary>
    private static double MaxDistance(double maxKm) =>
        !double.IsFinite(maxKm) || maxKm < 0 || maxKm > 20040
            ? throw RpcErrors.InvalidArgument("max_distance_km", $"must be within [0, 20040] km, 0 for no limit (got {maxKm})")
            : maxKm == 0 ? GreatCircle.MaxDistanceKm : maxKm;

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
            ClosedReason = availability.ClosedReason,
            ServiceDay = availability.ServiceDay is { } day ? CommonMapping.ToText(day) : string.Empty,
            TimeZone = profile.Hours.TimeZoneId,
        };
        if (availability.NextOpenAt is { } opens)
        {
            candidate.NextOpenTime = CommonMapping.ToProto(opens);
        }

        candidate.Reasons.AddRange(availability.Reasons.Select(CommonMapping.ToProto));
        return candidate;
    }
}
