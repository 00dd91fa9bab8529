using RepairNetwork.Grains.Network;
using RepairNetwork.Grains.Outlets;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class NetworkMapping
{
    public static Api.NetworkFigures ToProto(NetworkFigures figures) => new()
    {
        Region = figures.Region,
        Outlets = figures.Outlets,
        OpenOutlets = figures.OpenOutlets,
        DailyCapacity = figures.DailyCapacity,
        BookedToday = figures.BookedToday,
        CapacityLeftToday = figures.CapacityLeftToday,
        Load = figures.DailyCapacity == 0 ? 0 : Math.Round((double)figures.BookedToday / figures.DailyCapacity, 4),
        OpenOrders = figures.OpenOrders,
        Ratings = figures.Ratings,
        AverageRating = figures.Ratings == 0 ? 0 : Math.Round((double)figures.RatingSum / figures.Ratings, 3),
        Completions = figures.Completions,
        OnTimeRate = figures.Completions == 0 ? 0 : Math.Round((double)figures.CompletionsOnTime / figures.Completions, 4),
    };

    public static Api.OutletStats ToProto(OutletLoad load)
    {
        var profile = load.Listing.Profile;
        var score = load.Listing.Score;
        return new Api.OutletStats
        {
            OutletId = profile.OutletId,
            Name = profile.Name,
            Region = profile.Region,
            Status = OutletMapping.ToProto(load.Listing.Status),
            LocalDate = CommonMapping.ToText(load.LocalDate),
            DailyCapacity = profile.DailyCapacity,
            BookedToday = load.BookedToday,
            CapacityLeftToday = load.CapacityLeftToday,
            Load = profile.DailyCapacity == 0 ? 0 : Math.Round((double)load.BookedToday / profile.DailyCapacity, 4),
            OpenOrders = load.OpenOrders,
            Ratings = score.Ratings,
            AverageRating = Math.Round(score.AverageRating ?? 0, 3),
            Completions = score.Completions,
            OnTimeRate = Math.Round(score.OnTimeRate ?? 0, 4),
        };
    }
}
