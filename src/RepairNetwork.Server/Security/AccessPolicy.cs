using Google.Protobuf;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Security;

/// <summary>
/// Who may call what: the whole role matrix in one table (README, "Security"). Every RPC of our
/// services must have a rule; a method without one is refused, so a new RPC is closed until it is
/// declared here. An outlet token only ever reaches its own outlet's objects, except for shared
/// reference data that belongs to no outlet (the parts catalog), opened with AndAnyOutlet.
/// </summary>
public static class AccessPolicy
{
    public static IReadOnlyDictionary<string, AccessRule> Rules { get; } = new Dictionary<string, AccessRule>(StringComparer.Ordinal)
    {
        [Method(Api.OutletService.Descriptor, "CreateOutlet")] = AccessRule.For(Roles.Hq),
        [Method(Api.OutletService.Descriptor, "GetOutlet")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.GetOutletRequest>(r => r.OutletId),
        // What an outlet may change of its own profile and status is the domain's rule
        // (OutletProfile.CheckEdit, OutletStatusRules), judged on the stored outlet.
        [Method(Api.OutletService.Descriptor, "UpdateOutlet")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.UpdateOutletRequest>(r => r.Outlet?.OutletId),
        [Method(Api.OutletService.Descriptor, "ListOutlets")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.OutletService.Descriptor, "SetOutletStatus")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.SetOutletStatusRequest>(r => r.OutletId),

        [Method(Api.TechnicianService.Descriptor, "CreateTechnician")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.CreateTechnicianRequest>(r => r.Technician?.OutletId),
        [Method(Api.TechnicianService.Descriptor, "GetTechnician")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.GetTechnicianRequest>((r, owners) => owners.OutletOfTechnician(r.TechnicianId)),
        [Method(Api.TechnicianService.Descriptor, "ListTechnicians")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ListTechniciansRequest>(r => r.OutletId),
        // Certifications and moves are headquarters' (TechnicianProfile.Edit, judged on the stored technician).
        [Method(Api.TechnicianService.Descriptor, "UpdateTechnician")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.UpdateTechnicianRequest>((r, owners) => owners.OutletOfTechnician(r.Technician?.TechnicianId)),

        [Method(Api.LocatorService.Descriptor, "FindNearestOutlets")] = AccessRule.For(Roles.Hq, Roles.CallCenter),

        // Where a part is in stock nearby is for any outlet looking for one (to request a transfer),
        // and answers only outlet, distance and units available.
        [Method(Api.LocatorService.Descriptor, "FindPart")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),

        // Transfers: an outlet requests parts from a sibling into itself, ships only what it sends,
        // receives only what it gets; either side may cancel before shipping and see its transfers.
        [Method(Api.TransferService.Descriptor, "RequestTransfer")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.RequestTransferRequest>(r => r.ToOutletId),
        [Method(Api.TransferService.Descriptor, "GetTransfer")] = AccessRule.For(Roles.Hq)
            .AndOwnOutletAmong<Api.GetTransferRequest>((r, owners) => owners.OutletsOfTransfer(r.TransferId)),
        [Method(Api.TransferService.Descriptor, "ShipTransfer")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ShipTransferRequest>((r, owners) => owners.SourceOfTransfer(r.TransferId)),
        [Method(Api.TransferService.Descriptor, "ReceiveTransfer")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ReceiveTransferRequest>((r, owners) => owners.DestinationOfTransfer(r.TransferId)),
        [Method(Api.TransferService.Descriptor, "CancelTransfer")] = AccessRule.For(Roles.Hq)
            .AndOwnOutletAmong<Api.CancelTransferRequest>((r, owners) => owners.OutletsOfTransfer(r.TransferId)),
        [Method(Api.TransferService.Descriptor, "ListTransfers")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ListTransfersRequest>(r => r.OutletId),

        [Method(Api.RepairOrderService.Descriptor, "CreateRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "GetRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.GetRepairOrderRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.RepairOrderService.Descriptor, "ListRepairOrders")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ListRepairOrdersRequest>(r => r.OutletId),

        // Order lifecycle: the outlet holding the order works it; the customer's consent and feedback
        // come through the call center; headquarters may do anything.
        [Method(Api.RepairOrderService.Descriptor, "AcceptRepairOrder")] = OrderWork<Api.AcceptRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "DeclineRepairOrder")] = OrderWork<Api.DeclineRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "AssignTechnician")] = OrderWork<Api.AssignTechnicianRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "DiagnoseRepairOrder")] = OrderWork<Api.DiagnoseRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "QuoteRepairOrder")] = OrderWork<Api.QuoteRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "StartRepair")] = OrderWork<Api.StartRepairRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "CompleteRepairOrder")] = OrderWork<Api.CompleteRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "CollectRepairOrder")] = OrderWork<Api.CollectRepairOrderRequest>(r => r.OrderId),
        [Method(Api.RepairOrderService.Descriptor, "ApproveQuote")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "DeclineQuote")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "CancelRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "RateRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "FileComplaint")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.RepairOrderService.Descriptor, "CloseRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.CloseRepairOrderRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.RepairOrderService.Descriptor, "ResolveComplaint")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.ResolveComplaintRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.RepairOrderService.Descriptor, "WatchRepairOrder")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.WatchRepairOrderRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.RepairOrderService.Descriptor, "WatchJobs")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.WatchJobsRequest>(r => r.OutletId),

        [Method(Api.ServiceLevelService.Descriptor, "SetCategoryPolicy")] = AccessRule.For(Roles.Hq),
        [Method(Api.ServiceLevelService.Descriptor, "GetCategoryPolicy")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.ServiceLevelService.Descriptor, "ListCategoryPolicies")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.ServiceLevelService.Descriptor, "ListServiceEvents")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ListServiceEventsRequest>(r => r.OutletId),

        [Method(Api.InventoryService.Descriptor, "GetOutletInventory")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.GetOutletInventoryRequest>(r => r.OutletId),
        [Method(Api.InventoryService.Descriptor, "AdjustStock")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.AdjustStockRequest>(r => r.OutletId),
        [Method(Api.InventoryService.Descriptor, "ListStockMovements")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.ListStockMovementsRequest>(r => r.OutletId),
        [Method(Api.InventoryService.Descriptor, "SetReorderPoint")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.SetReorderPointRequest>(r => r.OutletId),
        [Method(Api.InventoryService.Descriptor, "WatchStockAlerts")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.WatchStockAlertsRequest>(r => r.OutletId),
        [Method(Api.InventoryService.Descriptor, "SyncStockCount")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.SyncStockCountRequest>(r => r.OutletId),

        // The catalog is headquarters' reference data, no outlet's own: any outlet may read any part.
        [Method(Api.PartsCatalogService.Descriptor, "CreatePart")] = AccessRule.For(Roles.Hq),
        [Method(Api.PartsCatalogService.Descriptor, "UpdatePart")] = AccessRule.For(Roles.Hq),
        [Method(Api.PartsCatalogService.Descriptor, "GetPart")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),
        [Method(Api.PartsCatalogService.Descriptor, "ListParts")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),

        // Holiday calendars are headquarters' reference data, no outlet's own: any outlet may read them.
        // An outlet's schedule is its own (its closures and special hours).
        [Method(Api.CalendarService.Descriptor, "PutHolidayCalendar")] = AccessRule.For(Roles.Hq),
        [Method(Api.CatalogService.Descriptor, "PutCapabilityCatalog")] = AccessRule.For(Roles.Hq),
        [Method(Api.CatalogService.Descriptor, "GetCapabilityCatalog")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),
        [Method(Api.CalendarService.Descriptor, "GetHolidayCalendar")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),
        [Method(Api.CalendarService.Descriptor, "ListHolidayCalendars")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),
        [Method(Api.CalendarService.Descriptor, "GetOutletSchedule")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.GetOutletScheduleRequest>(r => r.OutletId),

        // Appointments: headquarters sets templates, anyone may read them; slots are found and booked by
        // the call center for customers; the outlet holding an order may move or cancel its appointment
        // and reads its own technicians' day plans.
        [Method(Api.AppointmentService.Descriptor, "PutJobTemplate")] = AccessRule.For(Roles.Hq),
        [Method(Api.AppointmentService.Descriptor, "DeleteJobTemplate")] = AccessRule.For(Roles.Hq),
        [Method(Api.AppointmentService.Descriptor, "ListJobTemplates")] = AccessRule.For(Roles.Hq, Roles.CallCenter).AndAnyOutlet(),
        [Method(Api.AppointmentService.Descriptor, "FindSlots")] = AccessRule.For(Roles.Hq, Roles.CallCenter),
        [Method(Api.AppointmentService.Descriptor, "RescheduleAppointment")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.RescheduleAppointmentRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.AppointmentService.Descriptor, "CancelAppointment")] = AccessRule.For(Roles.Hq, Roles.CallCenter)
            .AndOwnOutlet<Api.CancelAppointmentRequest>((r, owners) => owners.OutletOfOrder(r.OrderId)),
        [Method(Api.AppointmentService.Descriptor, "GetTechnicianDayPlan")] = AccessRule.For(Roles.Hq)
            .AndOwnOutlet<Api.GetTechnicianDayPlanRequest>(r => r.OutletId),

        // National routing and the network view span every outlet: headquarters only.
        [Method(Api.DispatchService.Descriptor, "RouteBatch")] = AccessRule.For(Roles.Hq),
        [Method(Api.NetworkService.Descriptor, "GetNetworkStats")] = AccessRule.For(Roles.Hq),
    };

    /// <summary>Work on an order at the outlet: headquarters, or the outlet currently holding it.</summary>
    private static AccessRule OrderWork<TRequest>(Func<TRequest, string?> orderId) where TRequest : IMessage =>
        AccessRule.For(Roles.Hq).AndOwnOutlet<TRequest>((r, owners) => owners.OutletOfOrder(orderId(r)));

    /// <summary>The gRPC method path, e.g. "/repairnetwork.v1.OutletService/GetOutlet".</summary>
    public static string Method(Google.Protobuf.Reflection.ServiceDescriptor service, string method) =>
        service.FindMethodByName(method) is { } found
            ? $"/{service.FullName}/{found.Name}"
            : throw new InvalidOperationException($"{service.FullName} has no method {method}");
}

/// <summary>
/// One RPC's rule: the roles that may call it, and for outlet tokens how to find the outlet the
/// request touches (it must be the token's own) plus any further limit on what an outlet may ask.
/// Outlet tokens are admitted only through AndOwnOutlet (the request's outlet must be theirs) or
/// AndAnyOutlet (data that is no outlet's own); never by naming the outlet role in For.
/// </summary>
public sealed class AccessRule
{
    private readonly HashSet<string> _roles;
    private Func<IMessage, OwnerLookup, Task<IReadOnlyCollection<string>>>? _targetOutlets;
    private bool _anyOutlet;
    private readonly List<(Func<IMessage, Caller, bool> Allowed, string Rule)> _outletLimits = [];

    private AccessRule(IEnumerable<string> roles) => _roles = [.. roles];

    public IReadOnlySet<string> RolesAllowed => _roles;

    /// <summary>Whether outlet tokens are admitted by looking at the request (own outlet, or limits on what they ask).</summary>
    public bool ScopesOutlets => _targetOutlets is not null || _outletLimits.Count > 0;

    /// <summary>The non-outlet roles that may call; outlets come in with AndOwnOutlet or AndAnyOutlet.</summary>
    public static AccessRule For(params string[] roles) =>
        roles.Contains(Roles.Outlet)
            ? throw new ArgumentException("outlet tokens need a scope: use AndOwnOutlet or AndAnyOutlet instead of naming the outlet role", nameof(roles))
            : new(roles);

    /// <summary>
    /// Outlet tokens may call this whatever their outlet: only for data that belongs to no outlet
    /// (headquarters' reference data such as the parts catalog), never for one outlet's objects.
    /// Limits added with AndOutletOnlyIf still apply.
    /// </summary>
    public AccessRule AndAnyOutlet()
    {
        if (_targetOutlets is not null)
        {
            throw new InvalidOperationException("a rule is either scoped to the caller's own outlet or open to any outlet, not both");
        }

        _roles.Add(Roles.Outlet);
        _anyOutlet = true;
        return this;
    }

    /// <summary>Outlet tokens may call this for their own outlet, named directly in the request.</summary>
    public AccessRule AndOwnOutlet<TRequest>(Func<TRequest, string?> outletId) where TRequest : IMessage =>
        AndOwnOutlet<TRequest>((r, _) => Task.FromResult(outletId(r)));

    /// <summary>Outlet tokens may call this when the object the request names belongs to their outlet.</summary>
    public AccessRule AndOwnOutlet<TRequest>(Func<TRequest, OwnerLookup, Task<string?>> outletId) where TRequest : IMessage =>
        AndOwnOutletAmong<TRequest>(async (r, owners) => await outletId(r, owners) is { } id ? [id] : []);

    /// <summary>
    /// Outlet tokens may call this when their outlet is one of those the request's object belongs to
    /// (e.g. either end of a stock transfer).
    /// </summary>
    public AccessRule AndOwnOutletAmong<TRequest>(Func<TRequest, OwnerLookup, Task<IReadOnlyCollection<string>>> outletIds) where TRequest : IMessage
    {
        if (_anyOutlet)
        {
            throw new InvalidOperationException("a rule is either scoped to the caller's own outlet or open to any outlet, not both");
        }

        _roles.Add(Roles.Outlet);
        _targetOutlets = (request, owners) => outletIds((TRequest)request, owners);
        return this;
    }

    public AccessRule AndOutletOnlyIf<TRequest>(Func<TRequest, bool> allowed, string rule) where TRequest : IMessage =>
        AndOutletOnlyIf<TRequest>((r, _) => allowed(r), rule);

    public AccessRule AndOutletOnlyIf<TRequest>(Func<TRequest, Caller, bool> allowed, string rule) where TRequest : IMessage
    {
        _outletLimits.Add(((request, caller) => allowed((TRequest)request, caller), rule));
        return this;
    }

    /// <summary>
    /// Who may call, in words, e.g. "hq, call_center, or an outlet token for its own outlet"; what the
    /// refusal of a role names so the caller knows which token to use.
    /// </summary>
    public string WhoMay
    {
        get
        {
            // In the order of Roles.All (hq, call_center), whatever order the rule named them in.
            var roles = Roles.All.Where(r => r != Roles.Outlet && _roles.Contains(r))
                .Concat(_roles.Where(r => r != Roles.Outlet && !Roles.All.Contains(r)).Order(StringComparer.Ordinal))
                .ToList();
            if (_roles.Contains(Roles.Outlet))
            {
                roles.Add(_anyOutlet ? "an outlet token (any outlet)" : "an outlet token for its own outlet");
            }

            return roles.Count switch
            {
                0 => "no role",
                1 => roles[0],
                _ => $"{string.Join(", ", roles.Take(roles.Count - 1))} or {roles[^1]}",
            };
        }
    }

    /// <summary>
    /// Null when allowed; otherwise why not, in words that reveal nothing about other outlets' data.
    /// <paramref name="method"/> is the gRPC method path ("/repairnetwork.v1.OutletService/SetOutletStatus"),
    /// named in a refusal of the caller's role together with the roles that may call it.
    /// </summary>
    public async Task<string?> Refusal(Caller caller, IMessage? request, OwnerLookup owners, string method)
    {
        if (!_roles.Contains(caller.Role))
        {
            return $"role '{caller.Role}' may not call {method.TrimStart('/')}; it is open to {WhoMay}";
        }

        if (!caller.IsOutlet)
        {
            return null;
        }

        if (!_anyOutlet && (_targetOutlets is null || request is null || !(await _targetOutlets(request, owners)).Contains(caller.OutletId!)))
        {
            return "an outlet may only act on its own outlet's data";
        }

        return request is null ? null : _outletLimits.FirstOrDefault(l => !l.Allowed(request, caller)).Rule;
    }
}
