using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn order create|show|list|watch</c>; the lifecycle steps are in <see cref="OrderLifecycleCommands"/>.</summary>
internal static class OrderCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("order", "Create, inspect, list and watch repair orders, and take them through their lifecycle")
        {
            CreateOrder(app),
            Show(app),
            List(app),
        };
        foreach (var step in OrderLifecycleCommands.Create(app))
        {
            command.Subcommands.Add(step);
        }

        command.Subcommands.Add(Watch(app));
        return command;
    }

    /// <summary>The <c>order-id</c> argument every single-order command takes.</summary>
    internal static Argument<string> IdArgument() => new("order-id") { Description = "The order's id, e.g. RO-7KQ2M4X9TBW3ZC5D" };

    private static Command CreateOrder(CliApp app)
    {
        var lat = new Option<double>("--lat") { Description = "Customer latitude in degrees", Required = true };
        var lon = new Option<double>("--lon") { Description = "Customer longitude in degrees", Required = true };
        var capability = new Option<string>("--capability") { Description = "Capability the repair needs, e.g. phone.screen", Required = true };
        var mode = Names.Choice("--mode", "How the customer wants to be served", Names.ServiceModes, required: true);
        var name = new Option<string>("--name") { Description = "Customer's full name", Required = true };
        var phone = new Option<string>("--phone") { Description = "Customer's phone number", Required = true };
        var address = new Option<string>("--address") { Description = "Customer's postal address (required for on-site and mail-in)" };
        var category = new Option<string>("--category") { Description = "Product category, e.g. phone", Required = true };
        var model = new Option<string>("--model") { Description = "Product model", Required = true };
        var serial = new Option<string>("--serial") { Description = "Product serial number", Required = true };
        var purchaseDate = new Option<string>("--purchase-date") { Description = "Purchase date", HelpName = "YYYY-MM-DD", Required = true };
        purchaseDate.Validators.Add(result =>
        {
            if (!DateOnly.TryParseExact(result.GetValueOrDefault<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError("--purchase-date must be a date written YYYY-MM-DD");
            }
        });
        var fault = new Option<string>("--fault") { Description = "The fault as the customer describes it", Required = true };
        var requestId = new Option<string>("--request-id") { Description = "Idempotency key; reuse the one printed by a failed attempt to retry safely (default: a new GUID)" };
        var parts = new Option<string[]>("--part")
        {
            Description = "A spare part the repair needs, SKU or SKU:QUANTITY (repeatable); the job then goes where the part can be held",
            HelpName = "SKU[:QTY]",
            AllowMultipleArgumentsPerToken = false,
        };
        parts.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (ParsePart(value) is null)
                {
                    result.AddError($"--part '{value}' must be SKU or SKU:QUANTITY with a quantity of at least 1");
                }
            }
        });

        var slot = new Option<string>("--slot")
        {
            Description = "A slot from 'rn slots': the order goes to that outlet and the slot is booked with it, or nothing is created if it was taken meanwhile",
            HelpName = "slot-id",
        };

        var command = new Command("create", "Create a repair order and dispatch it to the nearest outlet able to take it, or book it into a slot (--slot)")
        {
            lat, lon, capability, mode, name, phone, address, category, model, serial, purchaseDate, fault, requestId, parts, slot,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var id = Tables.IdempotencyKey(r.GetValue(requestId), "request id", "--request-id");

            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var response = await client.CreateRepairOrderAsync(
                new CreateRepairOrderRequest
                {
                    RequestId = id,
                    Customer = new Customer
                    {
                        Name = r.GetRequiredValue(name),
                        Phone = r.GetRequiredValue(phone),
                        Address = r.GetValue(address) ?? string.Empty,
                    },
                    Product = new Product
                    {
                        Category = r.GetRequiredValue(category),
                        Model = r.GetRequiredValue(model),
                        SerialNumber = r.GetRequiredValue(serial),
                        PurchaseDate = r.GetRequiredValue(purchaseDate),
                    },
                    FaultDescription = r.GetRequiredValue(fault),
                    CustomerLocation = new LatLng { Latitude = r.GetValue(lat), Longitude = r.GetValue(lon) },
                    ServiceMode = Names.ServiceModes[r.GetRequiredValue(mode)],
                    RequiredCapability = r.GetRequiredValue(capability),
                    RequiredParts = { (r.GetValue(parts) ?? []).Select(p => ParsePart(p)!) },
                    SlotId = r.GetValue(slot) ?? string.Empty,
                },
                CliApp.Call(ct));

            Print(response.Order, detailed: false, await OutletZone(app.Channel(r), response.Order, ct));
            return 0;
        }));
        return command;
    }

    internal static RequiredPart? ParsePart(string value)
    {
        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return value.Length > 0 ? new RequiredPart { Sku = value, Quantity = 1 } : null;
        }

        return colon > 0 && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity >= 1
            ? new RequiredPart { Sku = value[..colon], Quantity = quantity }
            : null;
    }

    private static Command Show(CliApp app)
    {
        var id = IdArgument();
        var command = new Command("show", "Show one repair order: warranty, deadlines, quote, repair record and audit trail") { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var response = await client.GetRepairOrderAsync(new GetRepairOrderRequest { OrderId = r.GetRequiredValue(id) }, CliApp.Call(ct));
            Print(response.Order, detailed: true, await OutletZone(app.Channel(r), response.Order, ct));
            return 0;
        }));
        return command;
    }

    private static Command List(CliApp app)
    {
        var outlet = new Option<string>("--outlet") { Description = "The outlet whose orders to list" };
        var status = Names.Choice("--status", "Only orders in this status", Names.OrderStatuses);
        var unassigned = new Option<bool>("--unassigned") { Description = "List the orders no outlet could take (instead of --outlet)" };
        var pageSize = OutletCommands.PageSizeOption();
        var pageToken = new Option<string>("--page-token") { Description = "Continue from a previous page" };
        var all = new Option<bool>("--all") { Description = "Follow every page" };

        var command = new Command("list", "List an outlet's orders, or the unassigned orders, newest first")
        {
            outlet, status, unassigned, pageSize, pageToken, all,
        };
        command.Validators.Add(result =>
        {
            var hasOutlet = result.GetValue(outlet) is { Length: > 0 };
            var isUnassigned = result.GetValue(unassigned);
            if (hasOutlet == isUnassigned)
            {
                result.AddError("give either --outlet <id> or --unassigned");
            }
            else if (isUnassigned && result.GetValue(status) is not null)
            {
                result.AddError("--status cannot be combined with --unassigned");
            }
        });
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var followAll = r.GetValue(all);
            var request = new ListRepairOrdersRequest
            {
                OutletId = r.GetValue(outlet) ?? string.Empty,
                Status = r.GetValue(unassigned)
                    ? RepairOrderStatus.Unassigned
                    : Names.Parse(Names.OrderStatuses, r.GetValue(status), RepairOrderStatus.Unspecified),
                PageSize = r.GetValue(pageSize),
                PageToken = r.GetValue(pageToken) ?? string.Empty,
            };

            var table = Tables.New("Order", "Created", "Status", "Capability", "Mode", "Outlet", "Distance km", "Customer", "Note").RightAlign(6);
            var count = 0;
            string next;
            do
            {
                var page = await client.ListRepairOrdersAsync(request, CliApp.Call(ct));
                foreach (var order in page.Orders)
                {
                    table.Row(
                        order.OrderId,
                        Names.Timestamp(order.CreateTime),
                        Names.Of(order.Status),
                        order.RequiredCapability,
                        Names.Of(order.ServiceMode),
                        order.Assignment?.OutletId,
                        order.Assignment is { } a ? Names.Km(a.DistanceKm) : null,
                        order.Customer?.Name,
                        order.UnassignedReason);
                    count++;
                }

                next = page.NextPageToken;
                request.PageToken = next;
            }
            // A page may come back empty with a token when the server's scan bound was reached before
            // anything matched: go on until something is found, so one command answers the question.
            while (next.Length > 0 && (followAll || count == 0));

            Tables.PageFooter(table, count, "order", "orders", next);

            return 0;
        }));
        return command;
    }

    private static Command Watch(CliApp app)
    {
        var id = IdArgument();
        var after = new Option<int>("--after") { HelpName = "revision", Description = "The revision already seen: print only later steps (default: the whole trail so far)" };
        after.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--after must not be negative");
            }
        });

        var command = new Command("watch", "Print each step of one order as it happens, one line per audit entry, until Ctrl+C") { id, after };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var seen = r.GetValue(after);
            using var call = client.WatchRepairOrder(
                new WatchRepairOrderRequest { OrderId = r.GetRequiredValue(id), AfterRevision = seen },
                cancellationToken: ct);
            RepairOrder? last = null;
            await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
            {
                last = message.Order;
                foreach (var entry in last.AuditTrail.Where(e => e.Sequence > seen))
                {
                    Console.WriteLine(AuditLine(entry)); // never wrapped: one line per step
                }

                seen = Math.Max(seen, last.Revision);
            }

            if (last is not null)
            {
                Tables.Line($"{last.OrderId} is {Names.Of(last.Status)} at revision {last.Revision}: nothing more can happen to it");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>One audit entry on one line: sequence, time, action, status change, who, detail.</summary>
    internal static string AuditLine(AuditEntry entry)
    {
        var change = entry.FromStatus == entry.ToStatus ? Names.Of(entry.ToStatus) : $"{Names.Of(entry.FromStatus)} -> {Names.Of(entry.ToStatus)}";
        var detail = entry.Detail.Length > 0 ? $"  {entry.Detail}" : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{entry.Sequence,-3} {Names.Timestamp(entry.Time)}  {Names.Of(entry.Action),-22} {change,-25} by {Actor(entry)}{detail}");
    }

    /// <summary>Who made a step: the role, and the id unless it only repeats the role ("platform").</summary>
    private static string Actor(AuditEntry entry)
    {
        var role = Names.Of(entry.ActorRole);
        return entry.ActorId.Length == 0 || entry.ActorId == role ? role : $"{role} {entry.ActorId}";
    }

    /// <summary>The order after a lifecycle step: status, outlet, warranty, quote totals, revision.</summary>
    internal static void PrintSummary(RepairOrder order)
    {
        var rows = new List<(string, string?)>
        {
            ("Order", order.OrderId),
            ("Status", Names.Of(order.Status) + (order.Escalated ? " (escalated to headquarters)" : string.Empty)),
            ("Outlet", order.Assignment is { } a ? $"{a.OutletId} ({a.OutletName})" : order.UnassignedReason is { Length: > 0 } reason ? $"none: {reason}" : null),
        };
        if (order.Status == RepairOrderStatus.Offered)
        {
            rows.Add(("Offer expires", Names.Timestamp(order.OfferExpireTime)));
        }

        if (order.Appointment is { } appointment)
        {
            rows.Add(("Appointment", $"{AppointmentCommands.Describe(appointment)}, technician {appointment.TechnicianId}"));
        }

        if (order.TechnicianId.Length > 0)
        {
            rows.Add(("Technician", order.TechnicianId));
        }

        rows.Add(("Warranty", Warranty(order.Warranty)));
        if (order.Quote is { } quote)
        {
            rows.Add(("Quote", QuoteSummary(quote)));
        }

        if (order.Loaner is { } loaner)
        {
            rows.Add(("Loaner", Loaner(loaner)));
        }

        if (order.Feedback is { } feedback)
        {
            rows.Add(("Rating", Rating(feedback)));
        }

        if (order.Complaints.Count > 0)
        {
            var open = order.Complaints.Count(c => c.Resolution.Length == 0);
            rows.Add(("Complaints", string.Create(CultureInfo.InvariantCulture, $"{order.Complaints.Count} ({open} open)")));
        }

        if (order.CancelReason.Length > 0)
        {
            rows.Add(("Cancelled", order.CancelReason));
        }

        rows.Add(("Revision", order.Revision.ToString(CultureInfo.InvariantCulture)));
        Tables.Details(rows);
    }

    private static string? Warranty(WarrantyDecision? warranty) =>
        warranty is null ? null : $"{Names.Of(warranty.Coverage)} ({Names.Of(warranty.Rule)}), customer pays {Names.Of(warranty.CustomerPays)}";

    private static string Rating(Feedback feedback) =>
        string.Create(CultureInfo.InvariantCulture, $"{feedback.Rating}/5{(feedback.Comment.Length > 0 ? ": " + feedback.Comment : string.Empty)}");

    private static string QuoteSummary(Quote quote) =>
        $"v{quote.Version} {Names.Of(quote.Decision)}: total {Names.Money(quote.TotalMinor, quote.CurrencyCode)}, customer pays {Names.Money(quote.CustomerPaysMinor, quote.CurrencyCode)}";

    private static string Loaner(Loaner loaner) =>
        $"{loaner.Sku}, lent {Names.Timestamp(loaner.IssueTime)}{(loaner.ReturnTime is null ? ", still out" : ", back " + Names.Timestamp(loaner.ReturnTime))}";

    /// <summary>
    /// The time zone of the outlet an order is booked at: its booked-for date is that outlet's local
    /// date. One GetOutlet call; null when the order has no outlet or the outlet cannot be read.
    /// </summary>
    private static async Task<string?> OutletZone(Grpc.Net.Client.GrpcChannel channel, RepairOrder order, CancellationToken ct)
    {
        if (order.Assignment is not { OutletId.Length: > 0, BookedForDate.Length: > 0 } assignment)
        {
            return null;
        }

        try
        {
            var outlet = await new OutletService.OutletServiceClient(channel).GetOutletAsync(
                new GetOutletRequest { OutletId = assignment.OutletId },
                new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct));
            return outlet.Outlet?.OpeningHours?.TimeZone is { Length: > 0 } zone ? zone : null;
        }
        catch (RpcException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A date the server gives in an outlet's zone, with the zone, e.g. "2026-12-03 (Asia/Shanghai)".</summary>
    private static string OutletDate(string date, string? zone) =>
        date.Length == 0 ? "-" : $"{date} ({zone ?? "the outlet's local date"})";

    private static void Print(RepairOrder order, bool detailed, string? outletZone)
    {
        var rows = new List<(string, string?)>
        {
            ("Order", order.OrderId),
            ("Status", Names.Of(order.Status)),
        };
        if (order.Assignment is { } assignment)
        {
            rows.Add(("Outlet", $"{assignment.OutletId} ({assignment.OutletName})"));
            rows.Add(("Distance", $"{Names.Km(assignment.DistanceKm)} km"));
            rows.Add(("Booked for", OutletDate(assignment.BookedForDate, outletZone)));
            AddAppointment(rows, order.Appointment);
            if (assignment.PartsSupply is { } supply)
            {
                rows.Add(("Parts", supply.Mode == PartsSupplyMode.Transfer
                    ? $"held at {supply.HeldAtOutletId} ({Names.Km(supply.TransferDistanceKm)} km away), coming by transfer {supply.TransferId}"
                    : "held in the outlet's stock"));
            }

            rows.Add(("Why", assignment.Explanation));
        }

        if (order.Status == RepairOrderStatus.Unassigned || order.UnassignedReason.Length > 0)
        {
            rows.Add(("Unassigned", order.UnassignedReason));
        }

        if (detailed)
        {
            rows.Add(("Request id", order.RequestId));
            rows.Add(("Created", Names.Timestamp(order.CreateTime)));
            rows.Add(("Assigned", Names.Timestamp(order.Assignment?.AssignTime)));
            rows.Add(("Capability", order.RequiredCapability));
            rows.Add(("Mode", Names.Of(order.ServiceMode)));
            rows.Add(("Customer", order.Customer is { } c ? $"{c.Name}, {c.Phone}{(c.Address.Length > 0 ? ", " + c.Address : string.Empty)}" : null));
            rows.Add(("Location", order.CustomerLocation is { } l ? string.Create(CultureInfo.InvariantCulture, $"{l.Latitude:0.00000}, {l.Longitude:0.00000}") : null));
            rows.Add(("Product", order.Product is { } p ? $"{p.Category} {p.Model}, serial {p.SerialNumber}, bought {p.PurchaseDate}" : null));
            rows.Add(("Fault", order.FaultDescription));
            AddLifecycle(rows, order);
        }
        else if (order.Warranty is not null)
        {
            rows.Add(("Warranty", Warranty(order.Warranty)));
        }

        Tables.Details(rows);

        if (order.PassedOver.Count > 0)
        {
            Tables.Line(order.Assignment is null ? "Outlets examined:" : "Closer outlets passed over:");
            var table = Tables.New("Outlet", "Distance km", "Reasons").RightAlign(1);
            foreach (var passed in order.PassedOver)
            {
                table.Row(passed.OutletId, Names.Km(passed.DistanceKm), Names.Reasons(passed.Reasons));
            }

            AnsiConsole.Write(table);
        }

        if (detailed)
        {
            PrintQuote(order.Quote);
            PrintComplaints(order.Complaints);
            PrintAuditTrail(order.AuditTrail);
        }
    }

    /// <summary>The booked time, as the agent confirms it to the customer, and who comes.</summary>
    private static void AddAppointment(List<(string, string?)> rows, Appointment? appointment)
    {
        if (appointment is null)
        {
            return;
        }

        rows.Add(("Appointment", AppointmentCommands.Describe(appointment)));
        rows.Add(("Booked technician", $"{appointment.TechnicianId}, {AppointmentCommands.Planned(appointment)}"));
        rows.Add(("Slot", appointment.SlotId));
    }

    private static void AddLifecycle(List<(string, string?)> rows, RepairOrder order)
    {
        if (order.Warranty is { } w)
        {
            rows.Add(("Warranty", Warranty(w)));
            rows.Add(("Warranty rule", w.Explanation));
            rows.Add(("Warranty until", $"whole unit {Or(w.WholeUnitUntil)}, main parts {Or(w.MainPartUntil)} (decided on {Or(w.DecidedOn)})"));
        }

        rows.Add(("Respond by", Names.Timestamp(order.ResponseDueTime)));
        rows.Add(("Complete by", Names.Timestamp(order.CompletionDueTime)));
        if (order.OfferExpireTime is not null)
        {
            rows.Add(("Offer expires", Names.Timestamp(order.OfferExpireTime)));
        }

        if (order.AcceptTime is not null)
        {
            rows.Add(("Accepted", Names.Timestamp(order.AcceptTime)));
        }

        if (order.ExcludedOutletIds.Count > 0)
        {
            rows.Add(("Turned down by", string.Join(", ", order.ExcludedOutletIds)));
        }

        if (order.Escalated)
        {
            rows.Add(("Escalated", "yes: headquarters must act"));
        }

        if (order.TechnicianId.Length > 0)
        {
            rows.Add(("Technician", order.TechnicianId));
        }

        if (order.Diagnosis is { } d)
        {
            var findings = new List<string> { d.QualityFault ? "quality fault" : "no quality fault" };
            findings.AddRange(d.Exclusions.Select(Names.Of));
            if (d.PartSkus.Count > 0)
            {
                findings.Add("parts " + string.Join(", ", d.PartSkus));
            }

            findings.Add(string.Create(CultureInfo.InvariantCulture, $"expected {d.ExpectedRepairHours:0.#} h"));
            rows.Add(("Diagnosis", string.Join("; ", findings)));
            if (d.Notes.Length > 0)
            {
                rows.Add(("Diagnosis notes", d.Notes));
            }
        }

        if (order.Loaner is { } loaner)
        {
            rows.Add(("Loaner", Loaner(loaner)));
        }

        if (order.RepairRecord is { } record)
        {
            rows.Add(("Repair", record.WorkDone));
            rows.Add(("Parts replaced", record.PartsReplaced.Count == 0 ? "none" : string.Join(", ", record.PartsReplaced.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Sku} x{p.Quantity}")))));
            rows.Add(("Repaired by", record.TechnicianId));
            rows.Add(("Completed", $"{Names.Timestamp(record.CompleteTime)} ({(record.OnTime ? "on time" : "late")})"));
        }

        if (order.Feedback is { } feedback)
        {
            rows.Add(("Rating", $"{Rating(feedback)} ({Names.Timestamp(feedback.RateTime)})"));
        }

        if (order.CancelReason.Length > 0)
        {
            rows.Add(("Cancelled", order.CancelReason));
        }

        rows.Add(("Revision", order.Revision.ToString(CultureInfo.InvariantCulture)));
    }

    private static string Or(string value) => value.Length > 0 ? value : "-";

    private static void PrintQuote(Quote? quote)
    {
        if (quote is null)
        {
            return;
        }

        Tables.Line($"Quote {QuoteSummary(quote)}; submitted {Names.Timestamp(quote.QuoteTime)}{(quote.Reason.Length > 0 ? ", because: " + quote.Reason : string.Empty)}");
        if (quote.DecideTime is not null)
        {
            Tables.Line($"  answered {Names.Timestamp(quote.DecideTime)}{(quote.DecisionNote.Length > 0 ? ": " + quote.DecisionNote : string.Empty)}");
        }

        var table = Tables.New("Kind", "Item", "Qty", "Unit price", "Amount", "Warranty pays").RightAlign(2, 3, 4);
        foreach (var line in quote.Lines)
        {
            var item = line.Kind == QuoteLineKind.Part ? (line.Description.Length > 0 ? $"{line.Sku} {line.Description}" : line.Sku) : line.Description;
            table.Row(
                line.Kind == QuoteLineKind.Part ? "part" : "labour",
                item,
                line.Quantity.ToString(CultureInfo.InvariantCulture),
                Names.Money(line.UnitPriceMinor, quote.CurrencyCode),
                Names.Money(line.UnitPriceMinor * line.Quantity, quote.CurrencyCode),
                Names.YesNo(line.CoveredByWarranty));
        }

        AnsiConsole.Write(table);
    }

    private static void PrintComplaints(IReadOnlyCollection<Complaint> complaints)
    {
        if (complaints.Count == 0)
        {
            return;
        }

        Tables.Line("Complaints:");
        var table = Tables.New("Id", "Filed", "Respond by", "Complaint", "Resolution", "Resolved");
        foreach (var complaint in complaints)
        {
            table.Row(
                complaint.ComplaintId,
                Names.Timestamp(complaint.FileTime),
                Names.Timestamp(complaint.RespondBy) + (complaint.Overdue ? " (overdue)" : string.Empty),
                complaint.Text,
                complaint.Resolution.Length > 0 ? complaint.Resolution : "open",
                Names.Timestamp(complaint.ResolveTime));
        }

        AnsiConsole.Write(table);
    }

    private static void PrintAuditTrail(IReadOnlyCollection<AuditEntry> trail)
    {
        if (trail.Count == 0)
        {
            return;
        }

        Tables.Line("Audit trail:");
        var table = Tables.New("#", "Time", "Action", "From", "To", "By", "Outlet", "Detail").RightAlign(0);
        foreach (var entry in trail)
        {
            table.Row(
                entry.Sequence.ToString(CultureInfo.InvariantCulture),
                Names.Timestamp(entry.Time),
                Names.Of(entry.Action),
                Names.Of(entry.FromStatus),
                Names.Of(entry.ToStatus),
                Actor(entry),
                entry.OutletId,
                entry.Detail);
        }

        AnsiConsole.Write(table);
    }
}
