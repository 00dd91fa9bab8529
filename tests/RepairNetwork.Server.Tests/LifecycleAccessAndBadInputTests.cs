using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>
/// The order lifecycle and service-level RPCs against callers who may not use them and against
/// hostile input. Every refusal has the documented status, names the field at fault, and leaves the
/// order, the stock and the policy exactly as they were; the corrected request then goes through.
/// </summary>
public sealed class LifecycleAccessAndBadInputTests(ServerFixture server) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const string Hq = "hq";
    private const string CallCenter = "call center";
    private const string HoldingOutlet = "outlet holding the order";
    private const string OtherOutlet = "another outlet";
    private const string MissingOrderId = "RO-0000000000000000";
    private static readonly string Huge = new('x', 1_000_000);

    private OrderJourney _journey = null!;
    private string _otherOutlet = string.Empty;
    private Target _target = null!;

    /// <summary>What the RPCs of the matrix aim at: an order offered to the holding outlet, that outlet, a configured category.</summary>
    private sealed record Target(string OrderId, string OutletId, string Category);

    private static Api.RepairOrderService.RepairOrderServiceClient Orders(GrpcChannel c) => new(c);

    private static Api.ServiceLevelService.ServiceLevelServiceClient Levels(GrpcChannel c) => new(c);

    /// <summary>Each RPC, and who may call it for the holding outlet's order (AccessPolicy's matrix).</summary>
    private static readonly Dictionary<string, (string[] Allowed, Func<Target, GrpcChannel, Task> Call)> Rpcs = new()
    {
        ["AcceptRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = t.OrderId }).ResponseAsync),
        ["DeclineRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = t.OrderId, Reason = "fully booked" }).ResponseAsync),
        ["AssignTechnician"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).AssignTechnicianAsync(new Api.AssignTechnicianRequest { OrderId = t.OrderId }).ResponseAsync),
        ["DiagnoseRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = t.OrderId, Diagnosis = new Api.Diagnosis { QualityFault = true, ExpectedRepairHours = 2 } }).ResponseAsync),
        ["QuoteRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).QuoteRepairOrderAsync(new Api.QuoteRepairOrderRequest { OrderId = t.OrderId, Lines = { new Api.QuoteLineInput { Kind = Api.QuoteLineKind.Labour, Description = "labour", Quantity = 1, UnitPriceMinor = 100 } } }).ResponseAsync),
        ["ApproveQuote"] = ([Hq, CallCenter], (t, c) => Orders(c).ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = t.OrderId, QuoteVersion = 1 }).ResponseAsync),
        ["DeclineQuote"] = ([Hq, CallCenter], (t, c) => Orders(c).DeclineQuoteAsync(new Api.DeclineQuoteRequest { OrderId = t.OrderId, QuoteVersion = 1 }).ResponseAsync),
        ["StartRepair"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).StartRepairAsync(new Api.StartRepairRequest { OrderId = t.OrderId }).ResponseAsync),
        ["CompleteRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).CompleteRepairOrderAsync(new Api.CompleteRepairOrderRequest { OrderId = t.OrderId, WorkDone = "done" }).ResponseAsync),
        ["CollectRepairOrder"] = ([Hq, HoldingOutlet], (t, c) => Orders(c).CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = t.OrderId }).ResponseAsync),
        ["CloseRepairOrder"] = ([Hq, CallCenter, HoldingOutlet], (t, c) => Orders(c).CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = t.OrderId }).ResponseAsync),
        ["CancelRepairOrder"] = ([Hq, CallCenter], (t, c) => Orders(c).CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = t.OrderId, Reason = "customer cancelled" }).ResponseAsync),
        ["RateRepairOrder"] = ([Hq, CallCenter], (t, c) => Orders(c).RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = t.OrderId, Rating = 1 }).ResponseAsync),
        ["FileComplaint"] = ([Hq, CallCenter], (t, c) => Orders(c).FileComplaintAsync(new Api.FileComplaintRequest { OrderId = t.OrderId, ComplaintId = "C-9", Text = "slow" }).ResponseAsync),
        ["ResolveComplaint"] = ([Hq, CallCenter, HoldingOutlet], (t, c) => Orders(c).ResolveComplaintAsync(new Api.ResolveComplaintRequest { OrderId = t.OrderId, ComplaintId = "C-9", Resolution = "apologised" }).ResponseAsync),
        ["WatchRepairOrder"] = ([Hq, CallCenter, HoldingOutlet], (t, c) => FirstMessage(Orders(c).WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = t.OrderId }))),
        ["WatchJobs"] = ([Hq, HoldingOutlet], (t, c) => FirstMessage(Orders(c).WatchJobs(new Api.WatchJobsRequest { OutletId = t.OutletId }))),
        ["SetCategoryPolicy"] = ([Hq], (t, c) => Levels(c).SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = Changed(Samples.Policy(t.Category)) }).ResponseAsync),
        ["GetCategoryPolicy"] = ([Hq, CallCenter], (t, c) => Levels(c).GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = t.Category }).ResponseAsync),
        ["ListCategoryPolicies"] = ([Hq, CallCenter], (t, c) => Levels(c).ListCategoryPoliciesAsync(new Api.ListCategoryPoliciesRequest()).ResponseAsync),
        ["ListServiceEvents of an outlet"] = ([Hq, HoldingOutlet], (t, c) => Levels(c).ListServiceEventsAsync(Period(new Api.ListServiceEventsRequest { OutletId = t.OutletId })).ResponseAsync),
        ["ListServiceEvents of a region"] = ([Hq], (t, c) => Levels(c).ListServiceEventsAsync(Period(new Api.ListServiceEventsRequest { Region = "_" })).ResponseAsync),
    };

    public static TheoryData<string, string> EveryRpcWithEveryCaller()
    {
        var data = new TheoryData<string, string>();
        foreach (var rpc in Rpcs.Keys)
        {
            foreach (var caller in new[] { Hq, CallCenter, HoldingOutlet, OtherOutlet })
            {
                data.Add(rpc, caller);
            }
        }

        return data;
    }

    public async ValueTask InitializeAsync()
    {
        _journey = await OrderJourney.Start(server);
        _otherOutlet = Samples.UniqueId("OTHER");
        var (lat, lon) = TestArea.Next();
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(_otherOutlet, lat, lon) });
        var category = Samples.UniqueCategory();
        await server.ServiceLevels.SetCategoryPolicyAsync(new Api.SetCategoryPolicyRequest { Policy = Samples.Policy(category) });
        _target = new Target((await _journey.OrderAt(Stage.Offered)).OrderId, _journey.OutletId, category);
    }

    public ValueTask DisposeAsync()
    {
        _journey.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(EveryRpcWithEveryCaller))]
    public async Task Only_the_roles_in_the_matrix_may_call_each_lifecycle_and_service_level_rpc_and_a_refusal_changes_nothing(string rpc, string caller)
    {
        var (allowed, call) = Rpcs[rpc];
        using var channel = caller switch
        {
            Hq => server.ChannelFor(Roles.Hq),
            CallCenter => server.ChannelFor(Roles.CallCenter),
            HoldingOutlet => server.ChannelFor(Roles.Outlet, _target.OutletId),
            _ => server.ChannelFor(Roles.Outlet, _otherOutlet),
        };
        var before = await Snapshot();

        if (allowed.Contains(caller))
        {
            // Let through: it may still be refused for the order's state, never for the caller.
            var outcome = await Outcome(() => call(_target, channel));
            Assert.True(outcome is StatusCode.OK or StatusCode.FailedPrecondition or StatusCode.NotFound, $"{caller} calling {rpc}: {outcome}");
            return;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => call(_target, channel));
        Assert.True(error.StatusCode == StatusCode.PermissionDenied, $"{caller} calling {rpc}: {error.StatusCode} {error.Status.Detail}");
        Assert.Equal(before, await Snapshot());
    }

    [Fact]
    public async Task Another_outlet_gets_the_same_refusal_whether_or_not_the_order_or_outlet_exists()
    {
        using var channel = server.ChannelFor(Roles.Outlet, _otherOutlet);
        var missing = _target with { OrderId = MissingOrderId, OutletId = Samples.UniqueId("NOWHERE") };
        var malformed = _target with { OrderId = "not an id!", OutletId = "not an id!" };

        foreach (var (rpc, (_, call)) in Rpcs.Where(r => r.Value.Allowed.Contains(HoldingOutlet)))
        {
            var existing = await Assert.ThrowsAsync<RpcException>(() => call(_target, channel));
            var absent = await Assert.ThrowsAsync<RpcException>(() => call(missing, channel));
            var garbled = await Assert.ThrowsAsync<RpcException>(() => call(malformed, channel));

            Assert.True(StatusCode.PermissionDenied == existing.StatusCode, $"{rpc}: {existing.Status}");
            Assert.Equal((existing.StatusCode, existing.Status.Detail), (absent.StatusCode, absent.Status.Detail));
            Assert.Equal((existing.StatusCode, existing.Status.Detail), (garbled.StatusCode, garbled.Status.Detail));
        }
    }

    [Fact]
    public void Every_rpc_of_the_lifecycle_and_service_level_services_has_an_access_rule()
    {
        var services = new[] { Api.RepairOrderService.Descriptor, Api.ServiceLevelService.Descriptor };
        var methods = services.SelectMany(s => s.Methods.Select(m => $"/{s.FullName}/{m.Name}")).ToList();

        Assert.All(methods, m => Assert.True(Security.AccessPolicy.Rules.ContainsKey(m), $"{m} has no access rule"));
    }

    /// <summary>Each hostile request: the stage the order is in, the field the error must name, and the call (broken, or corrected).</summary>
    private static readonly Dictionary<string, (Stage Stage, string Field, Func<OrderJourney, string, bool, Task> Send)> Hostile = new()
    {
        ["accept without order_id"] = (Stage.Offered, "order_id", (j, id, bad) => j.Hq.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = bad ? string.Empty : id }).ResponseAsync),
        ["accept with a malformed order_id"] = (Stage.Offered, "order_id", (j, id, bad) => j.Hq.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = bad ? "RO 1/../2" : id }).ResponseAsync),
        ["decline with a 1 MB reason"] = (Stage.Offered, "reason", (j, id, bad) => j.Hq.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = id, Reason = bad ? Huge : "fully booked" }).ResponseAsync),
        ["decline without a reason"] = (Stage.Offered, "reason", (j, id, bad) => j.Hq.DeclineRepairOrderAsync(new Api.DeclineRepairOrderRequest { OrderId = id, Reason = bad ? "  " : "fully booked" }).ResponseAsync),
        ["cancel with a 1 MB reason"] = (Stage.Offered, "reason", (j, id, bad) => j.Hq.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = id, Reason = bad ? Huge : "customer cancelled" }).ResponseAsync),
        ["cancel without a reason"] = (Stage.Offered, "reason", (j, id, bad) => j.Hq.CancelRepairOrderAsync(new Api.CancelRepairOrderRequest { OrderId = id, Reason = bad ? string.Empty : "customer cancelled" }).ResponseAsync),
        ["complaint with a malformed complaint_id"] = (Stage.Offered, "complaint_id", (j, id, bad) => j.Hq.FileComplaintAsync(new Api.FileComplaintRequest { OrderId = id, ComplaintId = bad ? "C 1!" : "C-1", Text = "slow" }).ResponseAsync),
        ["complaint with 1 MB of text"] = (Stage.Offered, "text", (j, id, bad) => j.Hq.FileComplaintAsync(new Api.FileComplaintRequest { OrderId = id, ComplaintId = "C-1", Text = bad ? Huge : "slow" }).ResponseAsync),
        ["watch an order without order_id"] = (Stage.Offered, "order_id", (j, id, bad) => FirstMessage(j.Hq.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = bad ? string.Empty : id }))),
        ["watch an order from a negative revision"] = (Stage.Offered, "after_revision", (j, id, bad) => FirstMessage(j.Hq.WatchRepairOrder(new Api.WatchRepairOrderRequest { OrderId = id, AfterRevision = bad ? -1 : 0 }))),
        ["watch jobs from a negative sequence"] = (Stage.Offered, "after_sequence", (j, id, bad) => FirstMessage(j.Hq.WatchJobs(new Api.WatchJobsRequest { OutletId = j.OutletId, AfterSequence = bad ? -1 : 0 }))),
        ["watch jobs of a malformed outlet_id"] = (Stage.Offered, "outlet_id", (j, id, bad) => FirstMessage(j.Hq.WatchJobs(new Api.WatchJobsRequest { OutletId = bad ? "shop #1" : j.OutletId }))),
        ["technician with a malformed id"] = (Stage.Accepted, "technician_id", (j, id, bad) => j.Hq.AssignTechnicianAsync(new Api.AssignTechnicianRequest { OrderId = id, TechnicianId = bad ? "T 1" : j.TechnicianId }).ResponseAsync),
        ["diagnosis missing"] = (Stage.Accepted, "diagnosis", (j, id, bad) => j.Hq.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = bad ? null : j.Diagnosis() }).ResponseAsync),
        ["NaN expected_repair_hours"] = (Stage.Accepted, "diagnosis.expected_repair_hours", (j, id, bad) => Diagnose(j, id, d => d.ExpectedRepairHours = bad ? double.NaN : 4)),
        ["infinite expected_repair_hours"] = (Stage.Accepted, "diagnosis.expected_repair_hours", (j, id, bad) => Diagnose(j, id, d => d.ExpectedRepairHours = bad ? double.PositiveInfinity : 4)),
        ["negative expected_repair_hours"] = (Stage.Accepted, "diagnosis.expected_repair_hours", (j, id, bad) => Diagnose(j, id, d => d.ExpectedRepairHours = bad ? -1 : 4)),
        ["unknown exclusion number"] = (Stage.Accepted, "diagnosis.exclusions", (j, id, bad) => Diagnose(j, id, d => d.Exclusions.Add(bad ? (Api.WarrantyExclusion)9 : Api.WarrantyExclusion.UserDamage))),
        ["unspecified exclusion"] = (Stage.Accepted, "diagnosis.exclusions", (j, id, bad) => Diagnose(j, id, d => d.Exclusions.Add(bad ? Api.WarrantyExclusion.Unspecified : Api.WarrantyExclusion.ForceMajeure))),
        ["diagnosed part not in the catalog"] = (Stage.Accepted, "diagnosis.part_skus[0]", (j, id, bad) => Diagnose(j, id, d => d.PartSkus[0] = bad ? Samples.UniqueId("FAKE") : j.PartSku)),
        ["1 MB of diagnosis notes"] = (Stage.Accepted, "diagnosis.notes", (j, id, bad) => Diagnose(j, id, d => d.Notes = bad ? Huge : "ok")),
        ["quote without lines"] = (Stage.Diagnosed, "lines", (j, id, bad) => Quote(j, id, q => { if (bad) { q.Lines.Clear(); } })),
        ["quote with 101 lines"] = (Stage.Diagnosed, "lines", (j, id, bad) => Quote(j, id, q => q.Lines.AddRange(Enumerable.Range(0, bad ? 99 : 98).Select(_ => q.Lines[0].Clone())))),
        ["quote with a negative quantity"] = (Stage.Diagnosed, "lines[1].quantity", (j, id, bad) => Quote(j, id, q => q.Lines[1].Quantity = bad ? -2 : 2)),
        ["labour at a negative price"] = (Stage.Diagnosed, "lines[0].unit_price_minor", (j, id, bad) => Quote(j, id, q => q.Lines[0].UnitPriceMinor = bad ? -1 : 0)),
        ["unknown quote line kind"] = (Stage.Diagnosed, "lines[0].kind", (j, id, bad) => Quote(j, id, q => q.Lines[0].Kind = bad ? (Api.QuoteLineKind)7 : Api.QuoteLineKind.Labour)),
        ["unspecified quote line kind"] = (Stage.Diagnosed, "lines[0].kind", (j, id, bad) => Quote(j, id, q => q.Lines[0].Kind = bad ? Api.QuoteLineKind.Unspecified : Api.QuoteLineKind.Labour)),
        ["quoted part not in the catalog"] = (Stage.Diagnosed, "lines[1].sku", (j, id, bad) => Quote(j, id, q => q.Lines[1].Sku = bad ? Samples.UniqueId("FAKE") : j.PartSku)),
        ["1 MB quote reason"] = (Stage.Diagnosed, "reason", (j, id, bad) => Quote(j, id, q => q.Reason = bad ? Huge : "first quote")),
        ["approve quote version 0"] = (Stage.Quoted, "quote_version", (j, id, bad) => j.Hq.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = bad ? 0 : 1 }).ResponseAsync),
        ["approve with a 1 MB note"] = (Stage.Quoted, "note", (j, id, bad) => j.Hq.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1, Note = bad ? Huge : "by phone" }).ResponseAsync),
        ["decline quote version -1"] = (Stage.Quoted, "quote_version", (j, id, bad) => j.Hq.DeclineQuoteAsync(new Api.DeclineQuoteRequest { OrderId = id, QuoteVersion = bad ? -1 : 1 }).ResponseAsync),
        ["start without order_id"] = (Stage.Approved, "order_id", (j, id, bad) => j.Hq.StartRepairAsync(new Api.StartRepairRequest { OrderId = bad ? string.Empty : id }).ResponseAsync),
        ["1 MB of work_done"] = (Stage.Repairing, "work_done", (j, id, bad) => Complete(j, id, c => c.WorkDone = bad ? Huge : "replaced")),
        ["complete without work_done"] = (Stage.Repairing, "work_done", (j, id, bad) => Complete(j, id, c => c.WorkDone = bad ? "\t" : "replaced")),
        ["negative quantity fitted"] = (Stage.Repairing, "parts_replaced[0].quantity", (j, id, bad) => Complete(j, id, c => c.PartsReplaced[0].Quantity = bad ? -1 : 1)),
        ["same SKU fitted twice"] = (Stage.Repairing, "parts_replaced", (j, id, bad) => Complete(j, id, c =>
        {
            c.PartsReplaced[0].Quantity = 1;
            if (bad)
            {
                c.PartsReplaced.Add(new Api.ReplacedPart { Sku = j.PartSku, Quantity = 1 });
            }
        })),
        ["fitted part not in the catalog"] = (Stage.Repairing, "parts_replaced[0].sku", (j, id, bad) => Complete(j, id, c => c.PartsReplaced[0].Sku = bad ? Samples.UniqueId("FAKE") : j.PartSku)),
        ["101 fitted parts"] = (Stage.Repairing, "parts_replaced", (j, id, bad) => Complete(j, id, c =>
        {
            if (bad)
            {
                c.PartsReplaced.AddRange(Enumerable.Range(0, 100).Select(i => new Api.ReplacedPart { Sku = $"P-{i}", Quantity = 1 }));
            }
        })),
        ["collect with a malformed order_id"] = (Stage.Completed, "order_id", (j, id, bad) => j.Hq.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = bad ? id + "/x" : id }).ResponseAsync),
        ["rating 0"] = (Stage.Collected, "rating", (j, id, bad) => j.Hq.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = id, Rating = bad ? 0 : 5 }).ResponseAsync),
        ["rating 6"] = (Stage.Collected, "rating", (j, id, bad) => j.Hq.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = id, Rating = bad ? 6 : 1 }).ResponseAsync),
        ["1 MB rating comment"] = (Stage.Collected, "comment", (j, id, bad) => j.Hq.RateRepairOrderAsync(new Api.RateRepairOrderRequest { OrderId = id, Rating = 4, Comment = bad ? Huge : "fine" }).ResponseAsync),
        ["close without order_id"] = (Stage.Collected, "order_id", (j, id, bad) => j.Hq.CloseRepairOrderAsync(new Api.CloseRepairOrderRequest { OrderId = bad ? string.Empty : id }).ResponseAsync),
        ["resolve without complaint_id"] = (Stage.Complained, "complaint_id", (j, id, bad) => j.Hq.ResolveComplaintAsync(new Api.ResolveComplaintRequest { OrderId = id, ComplaintId = bad ? string.Empty : OrderJourney.ComplaintId, Resolution = "called back" }).ResponseAsync),
        ["resolve with a 1 MB resolution"] = (Stage.Complained, "resolution", (j, id, bad) => j.Hq.ResolveComplaintAsync(new Api.ResolveComplaintRequest { OrderId = id, ComplaintId = OrderJourney.ComplaintId, Resolution = bad ? Huge : "called back" }).ResponseAsync),
    };

    public static TheoryData<string> HostileRequests()
    {
        var data = new TheoryData<string>();
        foreach (var request in Hostile.Keys)
        {
            data.Add(request);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task A_hostile_lifecycle_request_is_invalid_argument_naming_the_field_and_changes_nothing_until_corrected(string request)
    {
        var (stage, field, send) = Hostile[request];
        var order = await _journey.OrderAt(stage);
        var stock = await _journey.OnHand(_journey.OutletId);

        var error = await Assert.ThrowsAsync<RpcException>(() => send(_journey, order.OrderId, true));

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{error.StatusCode}: {error.Status.Detail}");
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 1_000, "the error does not echo the hostile value");
        Assert.Equal(order, await _journey.Get(order.OrderId));
        Assert.Equal(stock, await _journey.OnHand(_journey.OutletId));

        await send(_journey, order.OrderId, false);
        if (!request.StartsWith("watch", StringComparison.Ordinal))
        {
            Assert.True((await _journey.Get(order.OrderId)).Revision > order.Revision, "the corrected request is a step");
        }
    }

    public static TheoryData<string, string> InvalidPolicies => new()
    {
        { "no policy", "policy" },
        { "bad category", "policy.category" },
        { "negative whole_unit_months", "policy.whole_unit_months" },
        { "whole unit over 120 months", "policy.whole_unit_months" },
        { "main part shorter than whole unit", "policy.main_part_months" },
        { "exchange shorter than return", "policy.exchange_days" },
        { "currency as a word", "policy.currency_code" },
        { "lower-case currency", "policy.currency_code" },
        { "negative response_within", "policy.response_within" },
        { "completion before response", "policy.completion_within" },
        { "acceptance window longer than an override's response", "policy.acceptance_window" },
        { "unspecified override mode", "policy.mode_overrides[0].service_mode" },
        { "same mode overridden twice", "policy.mode_overrides" },
        { "malformed main part SKU", "policy.main_part_skus" },
        { "negative expected_version", "expected_version" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public async Task An_invalid_category_policy_is_rejected_naming_the_field_and_the_stored_policy_is_kept(string defect, string field)
    {
        var stored = (await server.ServiceLevels.GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = _target.Category })).Policy;
        var request = new Api.SetCategoryPolicyRequest { Policy = Changed(Samples.Policy(_target.Category)) };
        var policy = request.Policy;
        switch (defect)
        {
            case "no policy": request.Policy = null; break;
            case "bad category": policy.Category = "Phones!"; break;
            case "negative whole_unit_months": policy.WholeUnitMonths = -1; break;
            case "whole unit over 120 months": policy.WholeUnitMonths = 121; policy.MainPartMonths = 121; break;
            case "main part shorter than whole unit": policy.MainPartMonths = policy.WholeUnitMonths - 1; break;
            case "exchange shorter than return": policy.ExchangeDays = policy.ReturnDays - 1; break;
            case "currency as a word": policy.CurrencyCode = "yuan"; break;
            case "lower-case currency": policy.CurrencyCode = "cny"; break;
            case "negative response_within": policy.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(-4)); break;
            case "completion before response": policy.CompletionWithin = Duration.FromTimeSpan(TimeSpan.FromHours(1)); break;
            case "acceptance window longer than an override's response": policy.AcceptanceWindow = Duration.FromTimeSpan(TimeSpan.FromHours(3)); break;
            case "unspecified override mode": policy.ModeOverrides[0].ServiceMode = Api.ServiceMode.Unspecified; break;
            case "same mode overridden twice": policy.ModeOverrides.Add(policy.ModeOverrides[0].Clone()); break;
            case "malformed main part SKU": policy.MainPartSkus.Add("no spaces"); break;
            case "negative expected_version": request.ExpectedVersion = -1; break;
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => server.ServiceLevels.SetCategoryPolicyAsync(request).ResponseAsync);

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{error.StatusCode}: {error.Status.Detail}");
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(stored, (await server.ServiceLevels.GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = _target.Category })).Policy);
    }

    public static TheoryData<string, string> InvalidServiceEventListings => new()
    {
        { "end before start", "end_time" },
        { "end equal to start", "end_time" },
        { "31 days and a second", "end_time" },
        { "no start", "start_time" },
        { "no end", "end_time" },
        { "neither region nor outlet", "region" },
        { "malformed region", "region" },
        { "malformed outlet_id", "outlet_id" },
        { "an action that is not a service-level event", "actions[0]" },
        { "an unknown action number", "actions[0]" },
        { "page size 501", "page_size" },
        { "a page token it did not issue", "page_token" },
        { "a page token of this listing with no position in it", "page_token" },
        { "a page token of this listing with a time out of range", "page_token" },
    };

    [Theory]
    [MemberData(nameof(InvalidServiceEventListings))]
    public async Task An_invalid_service_event_listing_is_rejected_naming_the_field(string defect, string field)
    {
        var request = Period(new Api.ListServiceEventsRequest { OutletId = _target.OutletId });
        var start = request.StartTime.ToDateTimeOffset();
        switch (defect)
        {
            case "end before start": request.EndTime = Timestamp.FromDateTimeOffset(start.AddSeconds(-1)); break;
            case "end equal to start": request.EndTime = request.StartTime; break;
            case "31 days and a second": request.EndTime = Timestamp.FromDateTimeOffset(start.AddDays(31).AddSeconds(1)); break;
            case "no start": request.StartTime = null; break;
            case "no end": request.EndTime = null; break;
            case "neither region nor outlet": request.OutletId = string.Empty; break;
            case "malformed region": request.Region = "north east!"; break;
            case "malformed outlet_id": request.OutletId = "shop #1"; break;
            case "an action that is not a service-level event": request.Actions.Add(Api.OrderAction.Completed); break;
            case "an unknown action number": request.Actions.Add((Api.OrderAction)99); break;
            case "page size 501": request.PageSize = 501; break;
            case "a page token it did not issue": request.PageToken = "not-a-token"; break;
            case "a page token of this listing with no position in it": request.PageToken = RepairNetwork.Server.Mapping.CommonMapping.EncodePageToken("service-events", "12:3"); break;
            case "a page token of this listing with a time out of range": request.PageToken = RepairNetwork.Server.Mapping.CommonMapping.EncodePageToken("service-events", $"{long.MaxValue}:3:RO-1"); break;
        }

        // As headquarters, so the outlet scope check does not answer first.
        var error = await Assert.ThrowsAsync<RpcException>(() => server.ServiceLevels.ListServiceEventsAsync(request).ResponseAsync);

        Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{error.StatusCode}: {error.Status.Detail}");
        Assert.StartsWith(field + ":", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listing_of_exactly_31_days_is_accepted_and_an_unknown_outlet_is_not_found()
    {
        var request = Period(new Api.ListServiceEventsRequest { OutletId = _target.OutletId });
        request.EndTime = Timestamp.FromDateTimeOffset(request.StartTime.ToDateTimeOffset().AddDays(31));

        var listed = await server.ServiceLevels.ListServiceEventsAsync(request);
        request.OutletId = Samples.UniqueId("NOWHERE");
        var unknown = await Assert.ThrowsAsync<RpcException>(() => server.ServiceLevels.ListServiceEventsAsync(request).ResponseAsync);

        Assert.Contains(listed.Events, e => e.OrderId == _target.OrderId && e.Action == Api.OrderAction.Offered);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>The policy with a different response time, so setting it is a real change.</summary>
    private static Api.CategoryPolicy Changed(Api.CategoryPolicy policy)
    {
        policy.ResponseWithin = Duration.FromTimeSpan(TimeSpan.FromHours(5));
        return policy;
    }

    /// <summary>A day around the fixture's clock, which every order of this class is created at.</summary>
    private static Api.ListServiceEventsRequest Period(Api.ListServiceEventsRequest request)
    {
        var now = new DateTimeOffset(2026, 11, 18, 4, 0, 0, TimeSpan.Zero);
        request.StartTime = Timestamp.FromDateTimeOffset(now.AddHours(-12));
        request.EndTime = Timestamp.FromDateTimeOffset(now.AddHours(12));
        return request;
    }

    private static Task Diagnose(OrderJourney j, string id, Action<Api.Diagnosis> change)
    {
        var diagnosis = j.Diagnosis();
        change(diagnosis);
        return j.Hq.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = diagnosis }).ResponseAsync;
    }

    private static Task Quote(OrderJourney j, string id, Action<Api.QuoteRepairOrderRequest> change)
    {
        var quote = j.Quote(id);
        change(quote);
        return j.Hq.QuoteRepairOrderAsync(quote).ResponseAsync;
    }

    private static Task Complete(OrderJourney j, string id, Action<Api.CompleteRepairOrderRequest> change)
    {
        var completion = j.Completion(id);
        change(completion);
        return j.Hq.CompleteRepairOrderAsync(completion).ResponseAsync;
    }

    /// <summary>Opens a stream and waits (bounded) for its first message.</summary>
    private static async Task FirstMessage<T>(AsyncServerStreamingCall<T> call)
    {
        using (call)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            if (!await call.ResponseStream.MoveNext(timeout.Token))
            {
                throw new InvalidOperationException("the stream ended without a message");
            }
        }
    }

    private static async Task<StatusCode> Outcome(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Everything a refused call might have touched, read as headquarters.</summary>
    private async Task<string> Snapshot()
    {
        var order = await _journey.Get(_target.OrderId);
        var stock = await server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = _target.OutletId });
        var policy = await server.ServiceLevels.GetCategoryPolicyAsync(new Api.GetCategoryPolicyRequest { Category = _target.Category });
        var technicians = await server.Technicians.ListTechniciansAsync(new Api.ListTechniciansRequest { OutletId = _target.OutletId });
        return string.Join("\n", order, stock, policy, technicians);
    }
}
