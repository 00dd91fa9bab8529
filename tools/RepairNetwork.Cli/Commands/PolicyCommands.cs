using System.CommandLine;
using System.Globalization;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn policy set|show</c>: warranty terms and service-level times per product category.</summary>
internal static class PolicyCommands
{
    public static Command Create(CliApp app) => new("policy", "Show and set a product category's warranty and service-level policy")
    {
        Set(app),
        Show(app),
    };

    private static Option<string> CategoryOption() => new("--category") { Description = "Product category, e.g. phone", Required = true };

    private static Command Show(CliApp app)
    {
        var category = CategoryOption();
        var command = new Command("show", "Show a category's policy (the brand's default terms when none is set)") { category };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new ServiceLevelService.ServiceLevelServiceClient(app.Channel(r));
            var policy = (await client.GetCategoryPolicyAsync(new GetCategoryPolicyRequest { Category = r.GetRequiredValue(category) }, CliApp.Call(ct))).Policy;
            Print(policy);
            return 0;
        }));
        return command;
    }

    private static Command Set(CliApp app)
    {
        var category = CategoryOption();
        var wholeUnitMonths = new Option<int?>("--whole-unit-months") { Description = "Whole-unit warranty in months, 0-120" };
        var mainPartMonths = new Option<int?>("--main-part-months") { Description = "Main-part warranty in months, at least the whole-unit months, at most 240" };
        var mainParts = new Option<string[]>("--main-part") { Description = "SKU of a main part of the category (repeatable; replaces the list)", HelpName = "sku" };
        var returnDays = new Option<int?>("--return-days") { Description = "Return window for quality faults, days after purchase, 0-90" };
        var exchangeDays = new Option<int?>("--exchange-days") { Description = "Exchange window for quality faults, days after purchase, at least the return days, at most 90" };
        var response = Names.DurationOption("--response", "An outlet must accept within this time of creation");
        var completion = Names.DurationOption("--completion", "The repair must be completed within this time of creation");
        var acceptance = Names.DurationOption("--acceptance", "Time an offered outlet has to accept or decline");
        var complaint = Names.DurationOption("--complaint", "Time to answer a complaint");
        var loanerSku = new Option<string>("--loaner-sku") { Description = "Stock SKU of the category's loaner devices (\"\" for none)" };
        var loanerThreshold = Names.DurationOption("--loaner-threshold", "A loaner is lent when the expected repair time exceeds this");
        var currency = new Option<string>("--currency") { Description = "ISO 4217 currency of quotes, e.g. CNY" };

        var command = new Command("set", "Change a category's policy: reads the current one, changes the values given, and stores it if nobody changed it meanwhile")
        {
            category, wholeUnitMonths, mainPartMonths, mainParts, returnDays, exchangeDays, response, completion, acceptance, complaint, loanerSku, loanerThreshold, currency,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new ServiceLevelService.ServiceLevelServiceClient(app.Channel(r));
            var current = (await client.GetCategoryPolicyAsync(new GetCategoryPolicyRequest { Category = r.GetRequiredValue(category) }, CliApp.Call(ct))).Policy;
            var policy = current.Clone();
            policy.WholeUnitMonths = r.GetValue(wholeUnitMonths) ?? policy.WholeUnitMonths;
            policy.MainPartMonths = r.GetValue(mainPartMonths) ?? policy.MainPartMonths;
            if (r.GetValue(mainParts) is { Length: > 0 } skus)
            {
                policy.MainPartSkus.Clear();
                policy.MainPartSkus.AddRange(skus);
            }

            policy.ReturnDays = r.GetValue(returnDays) ?? policy.ReturnDays;
            policy.ExchangeDays = r.GetValue(exchangeDays) ?? policy.ExchangeDays;
            policy.ResponseWithin = DurationOf(r.GetValue(response)) ?? policy.ResponseWithin;
            policy.CompletionWithin = DurationOf(r.GetValue(completion)) ?? policy.CompletionWithin;
            policy.AcceptanceWindow = DurationOf(r.GetValue(acceptance)) ?? policy.AcceptanceWindow;
            policy.ComplaintResponseWithin = DurationOf(r.GetValue(complaint)) ?? policy.ComplaintResponseWithin;
            policy.LoanerSku = r.GetValue(loanerSku) ?? policy.LoanerSku;
            policy.LoanerThreshold = DurationOf(r.GetValue(loanerThreshold)) ?? policy.LoanerThreshold;
            policy.CurrencyCode = r.GetValue(currency) ?? policy.CurrencyCode;

            var stored = (await client.SetCategoryPolicyAsync(new SetCategoryPolicyRequest { Policy = policy, ExpectedVersion = current.Version }, CliApp.Call(ct))).Policy;
            Print(stored);
            return 0;
        }));
        return command;
    }

    private static Duration? DurationOf(string? text) =>
        Names.ParseDuration(text) is { } span ? Duration.FromTimeSpan(span) : null;

    private static void Print(CategoryPolicy policy)
    {
        var rows = new List<(string, string?)>
        {
            ("Category", policy.Category),
            ("Version", policy.Version == 0 ? "0 (default terms, never set)" : policy.Version.ToString(CultureInfo.InvariantCulture)),
            ("Whole unit", string.Create(CultureInfo.InvariantCulture, $"{policy.WholeUnitMonths} months")),
            ("Main parts", string.Create(CultureInfo.InvariantCulture, $"{policy.MainPartMonths} months")),
            ("Main-part SKUs", policy.MainPartSkus.Count == 0 ? "none listed (catalog main-part flag applies)" : string.Join(", ", policy.MainPartSkus)),
            ("Return window", string.Create(CultureInfo.InvariantCulture, $"{policy.ReturnDays} days")),
            ("Exchange window", string.Create(CultureInfo.InvariantCulture, $"{policy.ExchangeDays} days")),
            ("Respond within", Names.Duration(policy.ResponseWithin)),
            ("Complete within", Names.Duration(policy.CompletionWithin)),
        };
        foreach (var mode in policy.ModeOverrides)
        {
            rows.Add(($"  {Names.Of(mode.ServiceMode)}", $"respond within {(mode.ResponseWithin is null ? "(category's)" : Names.Duration(mode.ResponseWithin))}, complete within {(mode.CompletionWithin is null ? "(category's)" : Names.Duration(mode.CompletionWithin))}"));
        }

        rows.Add(("Acceptance window", Names.Duration(policy.AcceptanceWindow)));
        rows.Add(("Answer complaints", Names.Duration(policy.ComplaintResponseWithin)));
        rows.Add(("Loaner", policy.LoanerSku.Length == 0 ? "none" : $"{policy.LoanerSku} when the repair is expected to take over {Names.Duration(policy.LoanerThreshold)}"));
        rows.Add(("Currency", policy.CurrencyCode.Length == 0 ? "CNY" : policy.CurrencyCode));
        Tables.Details(rows);
    }
}
