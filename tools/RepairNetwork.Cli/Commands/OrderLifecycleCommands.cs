using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary>
/// <c>rn order accept|decline|technician|diagnose|quote|approve|reject-quote|start|complete|collect|close|cancel|rate|complain|resolve</c>:
/// one command per lifecycle RPC, each printing the order after the step.
/// </summary>
internal static partial class OrderLifecycleCommands
{
    private delegate Task<RepairOrder> StepCall(ParseResult r, string orderId, RepairOrderService.RepairOrderServiceClient client, CallOptions options);

    public static IEnumerable<Command> Create(CliApp app)
    {
        yield return Step(app, "accept", "The offered outlet takes the job (offered -> accepted)", [], async (_, id, c, o) =>
            (await c.AcceptRepairOrderAsync(new AcceptRepairOrderRequest { OrderId = id }, o)).Order);

        var declineReason = Reason("Why the outlet cannot take the job", required: true);
        yield return Step(app, "decline", "The offered outlet turns the job down; it goes at once to the next capable outlet", [declineReason], async (r, id, c, o) =>
            (await c.DeclineRepairOrderAsync(new DeclineRepairOrderRequest { OrderId = id, Reason = r.GetRequiredValue(declineReason) }, o)).Order);

        var technician = new Option<string>("--technician") { Description = "A technician of the outlet, on shift and certified for the job (default: the least loaded such technician)" };
        yield return Step(app, "technician", "Put a technician on the order", [technician], async (r, id, c, o) =>
            (await c.AssignTechnicianAsync(new AssignTechnicianRequest { OrderId = id, TechnicianId = r.GetValue(technician) ?? string.Empty }, o)).Order);

        yield return Diagnose(app);
        yield return QuoteOrder(app);

        var approveVersion = QuoteVersion();
        var approveNote = new Option<string>("--note") { Description = "How the customer consented, e.g. \"by phone, call ref 123\"" };
        yield return Step(app, "approve", "Record the customer's consent to the current quote (quoted -> approved)", [approveVersion, approveNote], async (r, id, c, o) =>
            (await c.ApproveQuoteAsync(new ApproveQuoteRequest { OrderId = id, QuoteVersion = r.GetValue(approveVersion), Note = r.GetValue(approveNote) ?? string.Empty }, o)).Order);

        var rejectVersion = QuoteVersion();
        var rejectNote = new Option<string>("--note") { Description = "What the customer said" };
        yield return Step(app, "reject-quote", "Record that the customer refused the quote (quoted -> declined): the product goes back unrepaired", [rejectVersion, rejectNote], async (r, id, c, o) =>
            (await c.DeclineQuoteAsync(new DeclineQuoteRequest { OrderId = id, QuoteVersion = r.GetValue(rejectVersion), Note = r.GetValue(rejectNote) ?? string.Empty }, o)).Order);

        yield return Step(app, "start", "Start the repair (diagnosed with free warranty work, or approved -> repairing)", [], async (_, id, c, o) =>
            (await c.StartRepairAsync(new StartRepairRequest { OrderId = id }, o)).Order);

        var work = new Option<string>("--work") { Description = "The work done, for the repair certificate", Required = true };
        var fitted = PartsOption("Genuine part fitted, from the outlet's stock (repeatable)");
        yield return Step(app, "complete", "Complete the repair with its record (repairing -> completed); fitted parts leave the outlet's stock", [work, fitted], async (r, id, c, o) =>
        {
            var request = new CompleteRepairOrderRequest { OrderId = id, WorkDone = r.GetRequiredValue(work) };
            request.PartsReplaced.AddRange(ParseParts(r.GetValue(fitted)).Select(p => new ReplacedPart { Sku = p.Sku, Quantity = p.Quantity }));
            return (await c.CompleteRepairOrderAsync(request, o)).Order;
        });

        yield return Step(app, "collect", "The customer has the product back (completed or declined -> collected)", [], async (_, id, c, o) =>
            (await c.CollectRepairOrderAsync(new CollectRepairOrderRequest { OrderId = id }, o)).Order);

        yield return Step(app, "close", "Close a collected order (refused while a complaint is open)", [], async (_, id, c, o) =>
            (await c.CloseRepairOrderAsync(new CloseRepairOrderRequest { OrderId = id }, o)).Order);

        var cancelReason = Reason("Why the order is cancelled", required: true);
        yield return Step(app, "cancel", "Cancel an order before its repair starts", [cancelReason], async (r, id, c, o) =>
            (await c.CancelRepairOrderAsync(new CancelRepairOrderRequest { OrderId = id, Reason = r.GetRequiredValue(cancelReason) }, o)).Order);

        var stars = new Option<int>("--stars") { Description = "The customer's rating, 1 (poor) to 5 (excellent)", Required = true };
        stars.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 5)
            {
                result.AddError("--stars must be 1-5");
            }
        });
        var comment = new Option<string>("--comment") { Description = "The customer's words" };
        yield return Step(app, "rate", "Record the customer's rating after collection (once)", [stars, comment], async (r, id, c, o) =>
            (await c.RateRepairOrderAsync(new RateRepairOrderRequest { OrderId = id, Rating = r.GetValue(stars), Comment = r.GetValue(comment) ?? string.Empty }, o)).Order);

        var complaintId = new Option<string>("--id") { Description = "Complaint id chosen by the caller, unique within the order (retrying with it files once)", Required = true };
        var text = new Option<string>("--text") { Description = "What the customer complains about", Required = true };
        yield return Step(app, "complain", "File a customer complaint; it must be answered by its deadline", [complaintId, text], async (r, id, c, o) =>
            (await c.FileComplaintAsync(new FileComplaintRequest { OrderId = id, ComplaintId = r.GetRequiredValue(complaintId), Text = r.GetRequiredValue(text) }, o)).Order);

        var resolveId = new Option<string>("--id") { Description = "The complaint's id", Required = true };
        var resolution = new Option<string>("--resolution") { Description = "How the complaint was resolved", Required = true };
        yield return Step(app, "resolve", "Record how a complaint was resolved", [resolveId, resolution], async (r, id, c, o) =>
            (await c.ResolveComplaintAsync(new ResolveComplaintRequest { OrderId = id, ComplaintId = r.GetRequiredValue(resolveId), Resolution = r.GetRequiredValue(resolution) }, o)).Order);
    }

    private static Command Diagnose(CliApp app)
    {
        var qualityFault = new Option<bool>("--quality-fault") { Description = "A manufacturing (quality) fault, as opposed to wear or damage" };
        var exclusions = new Option<string[]>("--exclusion")
        {
            Description = "A warranty exclusion found (repeatable)",
            HelpName = string.Join('|', Names.Exclusions.Keys),
        };
        exclusions.AcceptOnlyFromAmong([.. Names.Exclusions.Keys]);
        var parts = new Option<string[]>("--part") { Description = "SKU of a part the repair needs (repeatable)", HelpName = "sku" };
        var notes = new Option<string>("--notes") { Description = "The technician's notes" };
        var hours = new Option<double>("--hours") { Description = "Expected repair time in hours, from diagnosis to completion" };
        hours.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is var h && (!double.IsFinite(h) || h < 0))
            {
                result.AddError("--hours must be a number of hours, 0 or more");
            }
        });

        return Step(app, "diagnose", "Record the diagnosis (accepted -> diagnosed); the warranty is decided again", [qualityFault, exclusions, parts, notes, hours], async (r, id, c, o) =>
        {
            var diagnosis = new Diagnosis
            {
                QualityFault = r.GetValue(qualityFault),
                Notes = r.GetValue(notes) ?? string.Empty,
                ExpectedRepairHours = r.GetValue(hours),
            };
            diagnosis.Exclusions.AddRange((r.GetValue(exclusions) ?? []).Select(e => Names.Exclusions[e]));
            diagnosis.PartSkus.AddRange(r.GetValue(parts) ?? []);
            return (await c.DiagnoseRepairOrderAsync(new DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = diagnosis }, o)).Order;
        });
    }

    private static Command QuoteOrder(CliApp app)
    {
        var labour = new Option<string[]>("--labour")
        {
            Description = "A labour line: description=price in minor units (fen, cents), optionally xQTY, e.g. \"Screen replacement=8000\" (repeatable)",
            HelpName = "desc=price[xQTY]",
        };
        labour.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (ParseLabour(value) is null)
                {
                    result.AddError($"--labour '{value}' must be written description=price, with the price in minor units and an optional xQTY, e.g. \"Screen replacement=8000\"");
                }
            }
        });
        var parts = PartsOption("A part line at the catalog price (repeatable)");
        var reason = Reason("Why the quote is made or changed (required for a change during the repair)", required: false);

        var command = Step(app, "quote", "Submit an itemized quote (-> quoted); part prices come from the catalog", [labour, parts, reason], async (r, id, c, o) =>
        {
            var request = new QuoteRepairOrderRequest { OrderId = id, Reason = r.GetValue(reason) ?? string.Empty };
            foreach (var value in r.GetValue(labour) ?? [])
            {
                var (description, price, quantity) = ParseLabour(value)!.Value;
                request.Lines.Add(new QuoteLineInput { Kind = QuoteLineKind.Labour, Description = description, UnitPriceMinor = price, Quantity = quantity });
            }

            request.Lines.AddRange(ParseParts(r.GetValue(parts)).Select(p => new QuoteLineInput { Kind = QuoteLineKind.Part, Sku = p.Sku, Quantity = p.Quantity }));
            return (await c.QuoteRepairOrderAsync(request, o)).Order;
        });
        command.Validators.Add(result =>
        {
            if ((result.GetValue(labour)?.Length ?? 0) + (result.GetValue(parts)?.Length ?? 0) == 0)
            {
                result.AddError("a quote needs at least one --labour or --part line");
            }
        });
        return command;
    }

    private static Command Step(CliApp app, string name, string description, Option[] options, StepCall call)
    {
        var id = OrderCommands.IdArgument();
        var command = new Command(name, description) { id };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new RepairOrderService.RepairOrderServiceClient(app.Channel(r));
            var order = await call(r, r.GetRequiredValue(id), client, CliApp.Call(ct));
            OrderCommands.PrintSummary(order);
            return 0;
        }));
        return command;
    }

    private static Option<string> Reason(string description, bool required) =>
        new("--reason") { Description = description, Required = required };

    private static Option<int> QuoteVersion()
    {
        var option = new Option<int>("--version") { Description = "The quote version the customer answered (shown by 'rn order show'); must be the current one", Required = true };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--version must be 1 or more");
            }
        });
        return option;
    }

    private static Option<string[]> PartsOption(string description)
    {
        var option = new Option<string[]>("--part")
        {
            Description = $"{description}; SKU or SKUxQTY, e.g. SCR-X200 or SCR-X200x2 (a SKU that itself ends in x and digits needs an explicit x1)",
            HelpName = "sku[xQTY]",
        };
        option.Validators.Add(result =>
        {
            foreach (var value in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (ParsePart(value) is null)
                {
                    result.AddError($"--part '{value}' must be a SKU, optionally followed by x and a quantity of 1 or more, e.g. SCR-X200x2");
                }
            }
        });
        return option;
    }

    private static IEnumerable<(string Sku, int Quantity)> ParseParts(string[]? values) =>
        (values ?? []).Select(v => ParsePart(v) ?? throw new CliException($"--part '{v}' is not SKU[xQTY]"));

    /// <summary>"SKU" or "SKUxQTY"; the last x followed only by digits separates the quantity.</summary>
    private static (string Sku, int Quantity)? ParsePart(string value)
    {
        var match = PartPattern().Match(value);
        if (!match.Success)
        {
            return value.Length > 0 && !value.Any(char.IsWhiteSpace) ? (value, 1) : null;
        }

        return int.TryParse(match.Groups["qty"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity > 0
            ? (match.Groups["sku"].Value, quantity)
            : null;
    }

    /// <summary>"description=price[xQTY]", split at the last '='.</summary>
    private static (string Description, long Price, int Quantity)? ParseLabour(string value)
    {
        var equals = value.LastIndexOf('=');
        if (equals <= 0)
        {
            return null;
        }

        var description = value[..equals].Trim();
        var match = LabourPricePattern().Match(value[(equals + 1)..].Trim());
        if (description.Length == 0 || !match.Success
            || !long.TryParse(match.Groups["price"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var price))
        {
            return null;
        }

        var quantity = 1;
        if (match.Groups["qty"].Success && (!int.TryParse(match.Groups["qty"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out quantity) || quantity < 1))
        {
            return null;
        }

        return (description, price, quantity);
    }

    [GeneratedRegex("^(?<sku>[^\\s]+)x(?<qty>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PartPattern();

    [GeneratedRegex("^(?<price>[0-9]{1,12})(?:x(?<qty>[0-9]{1,6}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabourPricePattern();
}
