using System.Globalization;
using RepairNetwork.Domain.Warranty;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class WarrantyRulesTests
{
    private const string Mainboard = "MB-100";
    private const string Panel = "LCD-200";
    private const string Battery = "BAT-300";

    // Bought 2025-06-01: return through 06-08, exchange through 06-16, whole unit through 2026-05-31,
    // main parts through 2028-05-31.
    private static readonly DateOnly Purchase = new(2025, 6, 1);

    private static readonly CategoryPolicy Phone = new()
    {
        Category = "phone",
        WholeUnitMonths = 12,
        MainPartMonths = 36,
        MainPartSkus = [Mainboard, Panel],
        ReturnDays = 7,
        ExchangeDays = 15,
    };

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DiagnosisFindings Quality(params string[] parts) => new() { QualityFault = true, PartSkus = [.. parts] };

    private static DiagnosisFindings Excluded(params WarrantyExclusion[] exclusions) =>
        new() { QualityFault = true, Exclusions = [.. exclusions], PartSkus = [Mainboard] };

    private static void AssertDecision(WarrantyDecision decision, WarrantyCoverage coverage, WarrantyRule rule, CustomerCharge pays)
    {
        Assert.Equal((coverage, rule, pays), (decision.Coverage, decision.Rule, decision.CustomerPays));
    }

    [Theory]
    [InlineData("2025-06-01", WarrantyRule.ReturnWindow)]
    [InlineData("2025-06-08", WarrantyRule.ReturnWindow)]
    [InlineData("2025-06-09", WarrantyRule.ExchangeWindow)]
    [InlineData("2025-06-16", WarrantyRule.ExchangeWindow)]
    [InlineData("2025-06-17", WarrantyRule.WholeUnitWarranty)]
    public void A_quality_fault_may_be_returned_through_day_7_and_exchanged_through_day_15(string today, WarrantyRule expected)
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Day(today), Quality(Battery));

        AssertDecision(decision, WarrantyCoverage.InWarranty, expected, CustomerCharge.Nothing);
        Assert.False(decision.NeedsQuote);
    }

    [Theory]
    [InlineData("2025-06-01")]
    [InlineData("2025-06-08")]
    [InlineData("2025-06-16")]
    public void A_fault_that_is_not_a_quality_fault_gets_no_return_or_exchange_but_the_whole_unit_warranty(string today)
    {
        var findings = new DiagnosisFindings { QualityFault = false, PartSkus = [Battery] };

        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Day(today), findings);

        AssertDecision(decision, WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing);
    }

    [Theory]
    [InlineData("2025-06-01", WarrantyRule.ReturnWindow)]
    [InlineData("2025-06-02", WarrantyRule.ExchangeWindow)]
    public void With_zero_return_days_only_the_purchase_day_is_in_the_return_window(string today, WarrantyRule expected)
    {
        var policy = Phone with { ReturnDays = 0 };

        Assert.Equal(expected, WarrantyRules.AtDiagnosis(policy, Purchase, Day(today), Quality()).Rule);
    }

    [Theory]
    [InlineData("2025-06-01", 12, "2026-05-31")]
    [InlineData("2025-01-31", 12, "2026-01-30")]
    [InlineData("2025-01-31", 1, "2025-02-27")]
    [InlineData("2024-01-31", 1, "2024-02-28")]
    [InlineData("2025-03-31", 1, "2025-04-29")]
    [InlineData("2024-02-29", 12, "2025-02-27")]
    [InlineData("2024-02-29", 48, "2028-02-28")]
    [InlineData("2025-12-31", 2, "2026-02-27")]
    public void The_whole_unit_warranty_covers_through_the_day_before_the_same_date_months_later(string purchase, int months, string lastDay)
    {
        var policy = Phone with { WholeUnitMonths = months, MainPartMonths = 240 };
        var last = Day(lastDay);

        Assert.Equal(last, WarrantyRules.WholeUnitUntil(policy, Day(purchase)));

        var lastIn = WarrantyRules.AtDiagnosis(policy, Day(purchase), last, Quality(Battery));
        AssertDecision(lastIn, WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing);
        Assert.Equal(last, lastIn.WholeUnitUntil);

        var firstOut = WarrantyRules.AtDiagnosis(policy, Day(purchase), last.AddDays(1), Quality(Battery));
        AssertDecision(firstOut, WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Everything);
    }

    [Theory]
    [InlineData("2025-06-01", 36, "2028-05-31")]
    [InlineData("2025-01-31", 36, "2028-01-30")]
    [InlineData("2024-02-29", 36, "2027-02-27")]
    [InlineData("2024-02-29", 48, "2028-02-28")]
    [InlineData("2023-12-31", 2, "2024-02-28")]
    public void The_main_part_warranty_covers_main_parts_through_the_day_before_the_same_date_months_later(string purchase, int months, string lastDay)
    {
        var policy = Phone with { WholeUnitMonths = 1, MainPartMonths = months };
        var last = Day(lastDay);

        Assert.Equal(last, WarrantyRules.MainPartUntil(policy, Day(purchase)));

        var lastIn = WarrantyRules.AtDiagnosis(policy, Day(purchase), last, Quality(Mainboard));
        AssertDecision(lastIn, WarrantyCoverage.InWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Nothing);
        Assert.Equal(last, lastIn.MainPartUntil);

        var firstOut = WarrantyRules.AtDiagnosis(policy, Day(purchase), last.AddDays(1), Quality(Mainboard));
        AssertDecision(firstOut, WarrantyCoverage.OutOfWarranty, WarrantyRule.WarrantyExpired, CustomerCharge.Everything);
        Assert.True(firstOut.NeedsQuote);
    }

    [Fact]
    public void Zero_whole_unit_months_means_no_whole_unit_warranty_even_on_the_purchase_day()
    {
        var policy = Phone with { WholeUnitMonths = 0, ReturnDays = 0, ExchangeDays = 0 };

        var decision = WarrantyRules.AtDiagnosis(policy, Purchase, Purchase, new DiagnosisFindings { QualityFault = false, PartSkus = [Battery] });

        AssertDecision(decision, WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Everything);
        Assert.Equal(Day("2025-05-31"), decision.WholeUnitUntil);
    }

    [Theory]
    [InlineData(WarrantyExclusion.UserDamage, WarrantyRule.UserDamage, "2025-06-01")]
    [InlineData(WarrantyExclusion.UserDamage, WarrantyRule.UserDamage, "2025-06-10")]
    [InlineData(WarrantyExclusion.UserDamage, WarrantyRule.UserDamage, "2026-05-31")]
    [InlineData(WarrantyExclusion.UserDamage, WarrantyRule.UserDamage, "2027-01-01")]
    [InlineData(WarrantyExclusion.UserDamage, WarrantyRule.UserDamage, "2030-01-01")]
    [InlineData(WarrantyExclusion.UnauthorizedDisassembly, WarrantyRule.UnauthorizedDisassembly, "2025-06-01")]
    [InlineData(WarrantyExclusion.UnauthorizedDisassembly, WarrantyRule.UnauthorizedDisassembly, "2025-06-10")]
    [InlineData(WarrantyExclusion.UnauthorizedDisassembly, WarrantyRule.UnauthorizedDisassembly, "2026-05-31")]
    [InlineData(WarrantyExclusion.UnauthorizedDisassembly, WarrantyRule.UnauthorizedDisassembly, "2027-01-01")]
    [InlineData(WarrantyExclusion.ForceMajeure, WarrantyRule.ForceMajeure, "2025-06-01")]
    [InlineData(WarrantyExclusion.ForceMajeure, WarrantyRule.ForceMajeure, "2025-06-10")]
    [InlineData(WarrantyExclusion.ForceMajeure, WarrantyRule.ForceMajeure, "2026-05-31")]
    [InlineData(WarrantyExclusion.ForceMajeure, WarrantyRule.ForceMajeure, "2027-01-01")]
    public void Every_exclusion_beats_every_warranty_and_the_customer_pays_everything(WarrantyExclusion exclusion, WarrantyRule expected, string today)
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Day(today), Excluded(exclusion));

        AssertDecision(decision, WarrantyCoverage.Excluded, expected, CustomerCharge.Everything);
        Assert.False(decision.Covers(Mainboard, Phone));
    }

    [Fact]
    public void With_several_exclusions_the_first_one_found_is_the_rule()
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Purchase, Excluded(WarrantyExclusion.ForceMajeure, WarrantyExclusion.UserDamage));

        Assert.Equal(WarrantyRule.ForceMajeure, decision.Rule);
        Assert.Contains("force majeure", decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_exclusion_is_rejected_rather_than_ignored()
    {
        var findings = Excluded(WarrantyExclusion.UserDamage, (WarrantyExclusion)99);

        var ex = AssertInvalid("findings.exclusions", () => WarrantyRules.AtDiagnosis(Phone, Purchase, Purchase, findings));

        Assert.Contains("[1]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { Mainboard }, WarrantyCoverage.InWarranty, CustomerCharge.Nothing)]
    [InlineData(new[] { Mainboard, Panel }, WarrantyCoverage.InWarranty, CustomerCharge.Nothing)]
    [InlineData(new[] { Mainboard, Battery }, WarrantyCoverage.OutOfWarranty, CustomerCharge.NonMainParts)]
    [InlineData(new[] { Battery, Panel, Battery }, WarrantyCoverage.OutOfWarranty, CustomerCharge.NonMainParts)]
    [InlineData(new[] { Battery }, WarrantyCoverage.OutOfWarranty, CustomerCharge.Everything)]
    [InlineData(new string[0], WarrantyCoverage.OutOfWarranty, CustomerCharge.Everything)]
    public void In_the_main_part_period_the_parts_replaced_decide_who_pays(string[] parts, WarrantyCoverage coverage, CustomerCharge pays)
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Day("2027-01-01"), Quality(parts));

        AssertDecision(decision, coverage, WarrantyRule.MainPartWarranty, pays);
        Assert.Equal(pays != CustomerCharge.Nothing, decision.NeedsQuote);
    }

    [Fact]
    public void A_partial_main_part_decision_covers_the_main_parts_only()
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Day("2027-01-01"), Quality(Mainboard, Battery));

        Assert.True(decision.Covers(Mainboard, Phone));
        Assert.False(decision.Covers(Battery, Phone));
        Assert.Equal(
            "Purchased 2025-06-01; whole-unit warranty ran until 2026-05-31 and main parts are covered until 2028-05-31: the main parts are free, and the customer pays for the other parts and their labour by an approved quote.",
            decision.Explanation);
    }

    [Fact]
    public void A_category_without_main_parts_pays_nothing_for_any_part_in_the_main_part_period()
    {
        var policy = Phone with { MainPartSkus = [] };

        var decision = WarrantyRules.AtDiagnosis(policy, Purchase, Day("2027-01-01"), Quality(Mainboard));

        AssertDecision(decision, WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Everything);
    }

    [Fact]
    public void Unset_part_lists_count_as_empty()
    {
        var findings = new DiagnosisFindings { QualityFault = true, PartSkus = default, Exclusions = default };

        var decision = WarrantyRules.AtDiagnosis(Phone with { MainPartSkus = default }, Purchase, Day("2027-01-01"), findings);

        AssertDecision(decision, WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Everything);
    }

    [Fact]
    public void Today_before_the_purchase_date_is_the_purchase_day_not_an_error()
    {
        var yesterday = Purchase.AddDays(-1);

        var diagnosed = WarrantyRules.AtDiagnosis(Phone with { ReturnDays = 0 }, Purchase, yesterday, Quality());
        var created = WarrantyRules.AtCreation(Phone, Purchase, Purchase.AddDays(-3));

        Assert.Equal(0, WarrantyRules.AgeInDays(Purchase, yesterday));
        AssertDecision(diagnosed, WarrantyCoverage.InWarranty, WarrantyRule.ReturnWindow, CustomerCharge.Nothing);
        Assert.Equal(yesterday, diagnosed.DecidedOn);
        AssertDecision(created, WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing);
        Assert.Contains("return the product until 2025-06-08", created.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Today_before_the_purchase_date_does_not_turn_a_zero_month_warranty_into_one()
    {
        var policy = Phone with { WholeUnitMonths = 0, MainPartMonths = 0, ReturnDays = 0, ExchangeDays = 0 };

        var decision = WarrantyRules.AtDiagnosis(policy, Purchase, Purchase.AddDays(-1), new DiagnosisFindings { QualityFault = false });

        AssertDecision(decision, WarrantyCoverage.OutOfWarranty, WarrantyRule.WarrantyExpired, CustomerCharge.Everything);
    }

    [Fact]
    public void At_creation_within_the_whole_unit_warranty_the_repair_is_free()
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day("2025-07-01"));

        AssertDecision(decision, WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing);
        Assert.Equal("Purchased 2025-06-01; whole-unit warranty runs until 2026-05-31: the repair is free.", decision.Explanation);
        Assert.Equal(Day("2026-05-31"), decision.WholeUnitUntil);
        Assert.Equal(Day("2028-05-31"), decision.MainPartUntil);
        Assert.Equal(Day("2025-07-01"), decision.DecidedOn);
    }

    [Theory]
    [InlineData("2025-06-01", "return the product until 2025-06-08 or exchange it until 2025-06-16")]
    [InlineData("2025-06-08", "return the product until 2025-06-08 or exchange it until 2025-06-16")]
    [InlineData("2025-06-09", "exchange the product until 2025-06-16")]
    [InlineData("2025-06-16", "exchange the product until 2025-06-16")]
    public void At_creation_within_the_return_or_exchange_window_the_explanation_says_a_quality_fault_may_entitle_to_it(string today, string mention)
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day(today));

        AssertDecision(decision, WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing);
        Assert.Contains("quality fault", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains(mention, decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void At_creation_past_the_exchange_window_no_return_or_exchange_is_mentioned()
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day("2025-06-17"));

        Assert.DoesNotContain("quality fault", decision.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-05-31", WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing)]
    [InlineData("2026-06-01", WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.NonMainParts)]
    [InlineData("2028-05-31", WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.NonMainParts)]
    [InlineData("2028-06-01", WarrantyCoverage.OutOfWarranty, WarrantyRule.WarrantyExpired, CustomerCharge.Everything)]
    public void At_creation_the_dates_alone_decide_between_whole_unit_main_part_and_expired(string today, WarrantyCoverage coverage, WarrantyRule rule, CustomerCharge pays)
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day(today));

        AssertDecision(decision, coverage, rule, pays);
        Assert.Equal(Day("2026-05-31"), decision.WholeUnitUntil);
        Assert.Equal(Day("2028-05-31"), decision.MainPartUntil);
        Assert.Equal(Day(today), decision.DecidedOn);
    }

    [Fact]
    public void At_creation_in_the_main_part_period_the_explanation_says_diagnosis_decides()
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day("2027-01-01"));

        Assert.Equal(
            "Purchased 2025-06-01; whole-unit warranty ran until 2026-05-31, but main parts are still covered until 2028-05-31: diagnosis decides which parts the customer pays for.",
            decision.Explanation);
    }

    [Fact]
    public void At_creation_past_every_warranty_the_explanation_gives_the_last_covered_day()
    {
        var decision = WarrantyRules.AtCreation(Phone, Purchase, Day("2029-01-01"));

        Assert.Equal(
            "Purchased 2025-06-01; the warranty ran until 2028-05-31: the customer pays for parts and labour by an approved quote.",
            decision.Explanation);
    }

    [Fact]
    public void At_creation_without_a_whole_unit_warranty_a_return_is_still_mentioned()
    {
        var decision = WarrantyRules.AtCreation(Phone with { WholeUnitMonths = 0 }, Purchase, Purchase);

        AssertDecision(decision, WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.NonMainParts);
        Assert.Contains("return the product until 2025-06-08", decision.Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(WarrantyExclusion.UserDamage, "user")]
    [InlineData(WarrantyExclusion.UnauthorizedDisassembly, "not authorized")]
    [InlineData(WarrantyExclusion.ForceMajeure, "force majeure")]
    public void An_exclusion_is_explained_by_what_was_found(WarrantyExclusion exclusion, string words)
    {
        var decision = WarrantyRules.AtDiagnosis(Phone, Purchase, Purchase, Excluded(exclusion));

        Assert.StartsWith("Purchased 2025-06-01; diagnosis found ", decision.Explanation, StringComparison.Ordinal);
        Assert.Contains(words, decision.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Diagnosis_explanations_give_the_window_end_dates()
    {
        Assert.Equal(
            "Purchased 2025-06-01; a quality fault within the return window (until 2025-06-08): the customer may return the product or have it repaired free.",
            WarrantyRules.AtDiagnosis(Phone, Purchase, Purchase, Quality()).Explanation);
        Assert.Equal(
            "Purchased 2025-06-01; a quality fault within the exchange window (until 2025-06-16): the customer may exchange the product or have it repaired free.",
            WarrantyRules.AtDiagnosis(Phone, Purchase, Day("2025-06-10"), Quality()).Explanation);
    }

    [Fact]
    public void Sentinel_purchase_dates_give_a_decision_rather_than_an_exception()
    {
        var farFuture = WarrantyRules.AtCreation(Phone, new DateOnly(9999, 6, 1), new DateOnly(9999, 7, 1));
        var unset = WarrantyRules.AtCreation(Phone with { WholeUnitMonths = 0, MainPartMonths = 0 }, DateOnly.MinValue, new DateOnly(2025, 6, 1));

        Assert.Equal(DateOnly.MaxValue, farFuture.WholeUnitUntil);
        Assert.Equal(WarrantyRule.WholeUnitWarranty, farFuture.Rule);
        Assert.Equal(WarrantyRule.WarrantyExpired, unset.Rule);
    }
}
