using Grpc.Core;
using RepairNetwork.Domain;
using RepairNetwork.Grains.Calendars;
using RepairNetwork.Grains.Directory;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Services;

public sealed class CalendarApi(IGrainFactory grains, IOutletIndex index, IHolidayCalendarCache cache, HolidayCalendarSync sync, TimeProvider clock)
    : Api.CalendarService.CalendarServiceBase
{
    public const int DefaultScheduleDays = 14;
    public const int MaxScheduleDays = 62;
    private const string PageKind = "holiday-calendars";

    public override async Task<Api.PutHolidayCalendarResponse> PutHolidayCalendar(Api.PutHolidayCalendarRequest request, ServerCallContext context)
    {
        var (calendar, regions) = CalendarMapping.ToDomain(request.Calendar);
        if (request.ExpectedVersion < 0)
        {
            throw RpcErrors.InvalidArgument("expected_version", "must not be negative");
        }

        var stored = await Calendars.Put(calendar, regions, request.ExpectedVersion);

        // This silo's dispatch and schedules follow the change at once; other silos within a poll.
        await sync.SyncOnce();
        return new Api.PutHolidayCalendarResponse { Calendar = CalendarMapping.ToProto(stored) };
    }

    public override async Task<Api.GetHolidayCalendarResponse> GetHolidayCalendar(Api.GetHolidayCalendarRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.CalendarId, "calendar_id");
        return new Api.GetHolidayCalendarResponse { Calendar = CalendarMapping.ToProto(await Calendars.Get(id)) };
    }

    public override async Task<Api.ListHolidayCalendarsResponse> ListHolidayCalendars(Api.ListHolidayCalendarsRequest request, ServerCallContext context)
    {
        var pageSize = PageSize(request.PageSize);
        var after = CommonMapping.DecodePageToken(request.PageToken, PageKind);
        var all = (await Calendars.List()).Calendars;
        var page = all.Where(c => after is null || string.CompareOrdinal(c.CalendarId, after) > 0).Take(pageSize + 1).ToList();
        var response = new Api.ListHolidayCalendarsResponse { Calendars = { page.Take(pageSize).Select(CalendarMapping.ToProto) } };
        if (page.Count > pageSize)
        {
            response.NextPageToken = CommonMapping.EncodePageToken(PageKind, page[pageSize - 1].CalendarId);
        }

        return response;
    }

    public override Task<Api.GetOutletScheduleResponse> GetOutletSchedule(Api.GetOutletScheduleRequest request, ServerCallContext context)
    {
        var id = Identifiers.RequireId(request.OutletId, "outlet_id");
        var days = request.Days switch
        {
            0 => DefaultScheduleDays,
            < 0 or > MaxScheduleDays => throw RpcErrors.InvalidArgument("days", $"must be within [1, {MaxScheduleDays}], or 0 for {DefaultScheduleDays} (got {request.Days})"),
            var n => n,
        };
        var listing = index.Current.Find(id) ?? throw DomainException.NotFound("outlet", id);
        var calendar = cache.CalendarOf(listing);
        var now = clock.GetUtcNow();
        var first = string.IsNullOrEmpty(request.FirstDay) ? calendar.LocalDate(now) : CommonMapping.ToDate(request.FirstDay, "first_day");

        var opening = calendar.NextOpening(now);
        var response = new Api.GetOutletScheduleResponse
        {
            TimeZone = calendar.TimeZoneId,
            Days = { Enumerable.Range(0, days).Select(i => CalendarMapping.ToProto(calendar.DayOn(first.AddDays(i)))) },
            OpenNow = opening.OpenNow,
            NextOpenTime = !opening.OpenNow && opening.OpensAt is { } opensAt ? CalendarMapping.ToProto(opensAt) : null,
            ClosedReason = opening.Reason,
            HolidayCalendarIds = { calendar.HolidayCalendars.Select(c => c.CalendarId) },
        };
        return Task.FromResult(response);
    }

    /// <summary>At most <see cref="HolidayCalendarsGrain.MaxCalendars"/> exist, so one page can hold them all.</summary>
    private static int PageSize(int requested) => requested switch
    {
        0 => CommonMapping.DefaultPageSize,
        < 0 or > HolidayCalendarsGrain.MaxCalendars => throw RpcErrors.InvalidArgument("page_size", $"must be within [1, {HolidayCalendarsGrain.MaxCalendars}], or 0 for {CommonMapping.DefaultPageSize} (got {requested})"),
        var n => n,
    };

    private IHolidayCalendarsGrain Calendars => grains.GetGrain<IHolidayCalendarsGrain>(HolidayCalendarsGrain.Key);
}
