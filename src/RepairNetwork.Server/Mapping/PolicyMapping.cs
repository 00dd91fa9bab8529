using Google.Protobuf.WellKnownTypes;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Warranty;
using RepairNetwork.Grains.ServiceLevels;
using RepairNetwork.Server.Errors;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

public static class PolicyMapping
{
    public static CategoryPolicy ToDomain(Api.CategoryPolicy? proto)
    {
        var p = proto ?? throw RpcErrors.Required("policy");
        var overrides = new Dictionary<Domain.Outlets.ServiceMode, ServiceLevelOverride>();
        for (var i = 0; i < p.ModeOverrides.Count; i++)
        {
            var o = p.ModeOverrides[i];
            var mode = CommonMapping.ToDomain(o.ServiceMode, $"policy.mode_overrides[{i}].service_mode");
            if (!overrides.TryAdd(mode, new ServiceLevelOverride { ResponseWithin = Optional(o.ResponseWithin, $"policy.mode_overrides[{i}].response_within"), CompletionWithin = Optional(o.CompletionWithin, $"policy.mode_overrides[{i}].completion_within") }))
            {
                throw RpcErrors.InvalidArgument("policy.mode_overrides", $"names {o.ServiceMode} twice");
            }
        }

        return CategoryPolicies.Create(
            p.Category, p.WholeUnitMonths, p.MainPartMonths, p.MainPartSkus, p.ReturnDays, p.ExchangeDays,
            Span(p.ResponseWithin, "policy.response_within"), Span(p.CompletionWithin, "policy.completion_within"), overrides,
            Span(p.AcceptanceWindow, "policy.acceptance_window"), Span(p.ComplaintResponseWithin, "policy.complaint_response_within"),
            Span(p.LoanerThreshold, "policy.loaner_threshold"), p.LoanerSku, p.CurrencyCode, ToDomain(p.ServiceClock));
    }

    private static ServiceClock ToDomain(Api.ServiceClock clock) => clock switch
    {
        Api.ServiceClock.Unspecified or Api.ServiceClock.Calendar => ServiceClock.Calendar,
        Api.ServiceClock.BusinessHours => ServiceClock.BusinessHours,
        _ => throw RpcErrors.InvalidArgument("policy.service_clock", $"must be SERVICE_CLOCK_CALENDAR or SERVICE_CLOCK_BUSINESS_HOURS (got {(int)clock})"),
    };

    public static Api.CategoryPolicy ToProto(CategoryPolicy p) => new()
    {
        Category = p.Category,
        WholeUnitMonths = p.WholeUnitMonths,
        MainPartMonths = p.MainPartMonths,
        MainPartSkus = { p.MainPartSkus },
        ReturnDays = p.ReturnDays,
        ExchangeDays = p.ExchangeDays,
        ResponseWithin = Duration.FromTimeSpan(p.ResponseWithin),
        CompletionWithin = Duration.FromTimeSpan(p.CompletionWithin),
        ModeOverrides =
        {
            p.ModeOverrides.OrderBy(o => o.Key).Select(o =>
            {
                var proto = new Api.ServiceLevelOverride { ServiceMode = CommonMapping.ToProto(o.Key) };
                if (o.Value.ResponseWithin is { } r)
                {
                    proto.ResponseWithin = Duration.FromTimeSpan(r);
                }

                if (o.Value.CompletionWithin is { } c)
                {
                    proto.CompletionWithin = Duration.FromTimeSpan(c);
                }

                return proto;
            }),
        },
        AcceptanceWindow = Duration.FromTimeSpan(p.AcceptanceWindow),
        ComplaintResponseWithin = Duration.FromTimeSpan(p.ComplaintResponseWithin),
        LoanerThreshold = Duration.FromTimeSpan(p.LoanerThreshold),
        LoanerSku = p.LoanerSku,
        CurrencyCode = p.Currency,
        Version = p.Version,
        ServiceClock = p.Clock == ServiceClock.BusinessHours ? Api.ServiceClock.BusinessHours : Api.ServiceClock.Calendar,
    };

    public static Api.ServiceEvent ToProto(ServiceEvent e) => new()
    {
        OrderId = e.OrderId,
        Action = (Api.OrderAction)(int)e.Action,
        Time = CommonMapping.ToProto(e.At),
        OutletId = e.OutletId,
        Region = e.Region,
        Detail = e.Detail,
        OrderRevision = e.OrderRevision,
    };

    public static OrderAction ToDomain(Api.OrderAction action, string field) =>
        action != Api.OrderAction.Unspecified && System.Enum.IsDefined((OrderAction)(int)action) && ServiceEvent.IsServiceLevel((OrderAction)(int)action)
            ? (OrderAction)(int)action
            : throw RpcErrors.InvalidArgument(field, $"{action} is not a service-level action (offered, offer declined, offer timed out, escalated, a deadline missed)");

    private static TimeSpan Span(Duration? duration, string field)
    {
        if (duration is null)
        {
            return TimeSpan.Zero;
        }

        if (duration.Seconds < 0 || duration.Nanos < 0 || duration.Seconds > 3650L * 24 * 3600)
        {
            throw RpcErrors.InvalidArgument(field, "must be a positive duration of at most 10 years");
        }

        return duration.ToTimeSpan();
    }

    private static TimeSpan? Optional(Duration? duration, string field) => duration is null ? null : Span(duration, field);
}
