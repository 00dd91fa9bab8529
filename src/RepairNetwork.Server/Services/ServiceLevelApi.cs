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

public sealed class ServiceLevelApi(IGrainFactory grains, IOutletIndex index) : Api.ServiceLevelService.ServiceLevelServiceBase
{
    private const string EventsPageKind = "service-events";
    private const string PoliciesPageKind = "policies";
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);

    /// <summary>Hour buckets read at once while filling a page.</summary>
    private const int BucketsPerRound = 24;

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
                : index.Current.Find(outletId) is { } outlet ? ServiceLogBuckets.RegionOf(outlet) : throw DomainException.NotFound("outlet", outletId);
        }
        else if (region != ServiceLogBuckets.NoRegion)
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

        // Position: the hour bucket to read next, and how many matching events of it were already sent.
        var (hour, sentInHour) = DecodePosition(request.PageToken, start);
        var hours = ServiceLogBuckets.Hours(hour, end).ToList();
        var response = new Api.ListServiceEventsResponse();
        for (var round = 0; round < hours.Count; round += BucketsPerRound)
        {
            var batch = hours.Skip(round).Take(BucketsPerRound).ToList();
            var buckets = await Task.WhenAll(batch.Select(ReadHour));
            for (var b = 0; b < batch.Count; b++)
            {
                var matching = buckets[b]
                    .Where(e => e.At >= start && e.At < end && (outletId is null || e.OutletId == outletId) && (actions.Count == 0 || actions.Contains(e.Action)))
                    .ToList();
                var skip = batch[b] == hour ? sentInHour : 0;
                foreach (var e in matching.Skip(skip))
                {
                    if (response.Events.Count == pageSize)
                    {
                        response.NextPageToken = EncodePosition(batch[b], matching.IndexOf(e));
                        return response;
                    }

                    response.Events.Add(PolicyMapping.ToProto(e));
                }
            }
        }

        return response;

        async Task<IEnumerable<ServiceEvent>> ReadHour(DateTimeOffset hourStart)
        {
            var shards = await Task.WhenAll(ServiceLogBuckets.KeysOf(region, hourStart).Select(key => grains.GetGrain<IServiceLogGrain>(key).List()));
            return ServiceLogBuckets.InOrder(shards.SelectMany(events => events));
        }
    }

    private static string EncodePosition(DateTimeOffset hour, int sent) =>
        CommonMapping.EncodePageToken(EventsPageKind, $"{hour.UtcDateTime:yyyyMMddHH}:{sent.ToString(CultureInfo.InvariantCulture)}");

    private static (DateTimeOffset Hour, int Sent) DecodePosition(string? token, DateTimeOffset start)
    {
        if (CommonMapping.DecodePageToken(token, EventsPageKind) is not { } position)
        {
            return (start, 0);
        }

        var parts = position.Split(':');
        try
        {
            return (ServiceLogBuckets.ParseHour(parts[0]), int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or OverflowException)
        {
            throw RpcErrors.InvalidArgument("page_token", "is not a token returned by a previous call of this method");
        }
    }
}
