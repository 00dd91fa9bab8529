using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Spectre.Console;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn order create|show|list</c>.</summary>
internal static class OrderCommands
{
    public static Command Create(CliApp app) => new("order", "Create, inspect and list repair orders")
    {
        CreateOrder(app),
        Show(app),
        List(app),
    };

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

        var command = new Command("create", "Create a repair order and dispatch it to the nearest outlet able to take it")
        {
            lat, lon, capability, mode, name, phone, address, category, model, serial, purchaseDate, fault, requestId,
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
                },
                CliApp.Call(ct));

            Print(response.Order, detailed: false);
            return 0;
        }));
        return command;
    }

    private static Command Show(CliApp app)
    {
        var id = new Argument<string>("order-id") { Description = "The order's id, e.g. RO-7KQ2M4X9TBW3ZC5D" };
        var command = new Command("show", "Show one repair order") { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var response = await client.GetRepairOrderAsync(new GetRepairOrderRequest { OrderId = r.GetRequiredValue(id) }, CliApp.Call(ct));
            Print(response.Order, detailed: true);
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
            while (followAll && next.Length > 0);

            Tables.PageFooter(table, count, "order", "orders", next);

            return 0;
        }));
        return command;
    }

    private static void Print(RepairOrder order, bool detailed)
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
            rows.Add(("Booked for", assignment.BookedForDate));
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
    }
}
