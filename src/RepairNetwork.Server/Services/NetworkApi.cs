using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Grains.Network;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

/// <summary>
/// Headquarters' network view. Outlets are listed from this silo's index and each outlet grain is
/// asked for its live load, in bounded parallel batches; totals and regions (which need every outlet
/// of the filter) are computed on the first page only, so paging through outlets stays cheap.
/// </summary>
public sealed class NetworkApi(NetworkStatsReader reader) : Api.NetworkService.NetworkServiceBase
{
    private const string PageKind = "network-outlets";

    public override async Task<Api.GetNetworkStatsResponse> GetNetworkStats(Api.GetNetworkStatsRequest request, ServerCallContext context)
    {
        var region = Identifiers.OptionalId(request.Region, "region");
        var pageSize = CommonMapping.PageSize(request.PageSize);
        var after = CommonMapping.DecodePageToken(request.PageToken, PageKind);
        var page = reader.Outlets(region, after).Take(pageSize + 1).Select(l => l.OutletId).ToList();
        var response = new Api.GetNetworkStatsResponse();
        if (page.Count > pageSize)
        {
            page.RemoveAt(pageSize);
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, page[^1]);
        }

        response.Outlets.AddRange((await reader.Loads(page, context.CancellationToken)).Select(NetworkMapping.ToProto));
        if (after is null)
        {
            var (totals, regions) = await reader.Summarize(region, context.CancellationToken);
            response.Totals = NetworkMapping.ToProto(totals);
            response.Regions.AddRange(regions.Select(NetworkMapping.ToProto));
        }

        return response;
    }
}
