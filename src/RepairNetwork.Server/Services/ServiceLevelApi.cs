using System.Globalization;
using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class ServiceLevelApi(IGrainFactory grains, IOutletIndex index, IServiceEventStore serviceEvents) : Api.ServiceLevelService.ServiceLevelServiceBase
{
    private const string EventsPageKind = "service-events";
    private const string PoliciesPageKind = "policies";
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);

    public override async Task<Api.SetCategoryPolicyResponse> SetCategoryPolicy(Api.SetCategoryPolicyRequest request, ServerCallContext context)
    {
        var policy = PolicyMapping.ToDomain(request.Policy);
        if (request.ExpectedVersion < 0)
        {
            throw RpcErrors.InvalidArgument("expected_version", "must not be negative");
        }

        var stored = await grains.GetGrain<ICategoryPolicyGrain>(policy.Category).Set(policy, request.ExpectedVersion);
        return new Api.SetCategoryPolicyResponse { Policy = PolicyMapping.ToProto(stored) };
    }

    public override async Task<Api.GetCategoryPolicyResponse> GetCategoryPolicy(Api.GetCategoryPolicyRequest request, ServerCallContext context)
    {
        var category = Identifiers.RequireCapability(request.Category, "category");
        return new Api.GetCategoryPolicyResponse { Policy = PolicyMapping.ToProto(await grains.GetGrain<ICategoryPolicyGrain>(category).Get()) };
    }

    public override async Task<Api.ListCategoryPoliciesResponse> ListCategoryPolicies(Api.ListCategoryPoliciesRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var skip = CommonMapping.DecodeOffsetToken(request.PageToken, PoliciesPageKind);
        var categories = await grains.GetGrain<ICategoryPolicyListGrain>(CategoryPolicyListGrain.Key).List();
        var page = categories.Skip(skip).Take(pageSize).ToList();
        var policies = await Task.WhenAll(page.Select(c => grains.GetGrain<ICategoryPolicyGrain>(c).Get()));
        var response = new Api.ListCategoryPoliciesResponse { Policies = { policies.Select(PolicyMapping.ToProto) } };
        if (skip + page.Count < categories.Length)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PoliciesPageKind, (skip + page.Count).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    public override async Task<Api.ListServiceEventsResponse> ListServiceEvents(Api.ListServiceEventsRequest request, ServerCallContext context)
    {
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var outletId = string.IsNullOrEmpty(request.OutletId) ? null : Identifiers.RequireId(request.OutletId, "outlet_id");
        var region = request.Region;
        if (string.IsNullOrEmpty(region))
        {
            region = outletId is null
                ? throw RpcErrors.InvalidArgument("region", "is required unless outlet_id is set")
                : index.Current.Find(outletId) is { } outlet ? ServiceEventRegions.RegionOf(outlet) : throw DomainException.NotFound("outlet", outletId);
        }
        else if (region != ServiceEventRegions.NoRegion)
        {
            Identifiers.RequireId(region, "region");
        }

        var start = request.StartTime?.ToDateTimeOffset() ?? throw RpcErrors.Required("start_time");
        var end = request.EndTime?.ToDateTimeOffset() ?? throw RpcErrors.Required("end_time");
        if (end <= start || end - start > MaxPeriod)
        {
            throw RpcErrors.InvalidArgument("end_time", "must be after start_time and at most 31 days later");
        }

        var actions = request.Actions.Select((a, i) => PolicyMapping.ToDomain(a, $"actions[{i}]")).ToHashSet();
        var query = new ServiceEventQuery(region, start, end, pageSize) { OutletId = outletId, Actions = actions, After = DecodePosition(request.PageToken) };
        var page = await serviceEvents.Read(query, context.CancellationToken);
        var response = new Api.ListServiceEventsResponse { Events = { page.Events.Select(PolicyMapping.ToProto) } };
        if (page.Next is { } next)
        {
            response.NextPageToken = EncodePosition(next);
        }

        return response;
    }

    /// <summary>The last event sent, exactly: ticks, order revision, then the order id (last, so no separator can confuse it).</summary>
    private static string EncodePosition(ServiceEventPosition position) =>
        CommonMapping.EncodePageToken(EventsPageKind, string.Create(CultureInfo.InvariantCulture, $"{position.At.UtcTicks}:{position.OrderRevision}:{position.OrderId}"));

    private static ServiceEventPosition? DecodePosition(string? token)
    {
        if (CommonMapping.DecodePageToken(token, EventsPageKind) is not { } position)
        {
            return null;
        }

        var parts = position.Split(':', 3);
        try
        {
            return parts.Length == 3 && parts[2].Length > 0
                ? new ServiceEventPosition(
                    new DateTimeOffset(long.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero),
                    parts[2],
                    int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture))
                : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method");
        }
    }
}
