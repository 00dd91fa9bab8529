using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Warranty;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class CategoryPoliciesTests
{
    private const long ThirtyDaysInSeconds = 30 * 24 * 3600;
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan ThirtyDays = TimeSpan.FromDays(30);

    /// <summary>A valid policy unless a test changes one argument; null times are the valid values below.</summary>
    private static CategoryPolicy Create(
        string? category = "phone",
        int wholeUnitMonths = 12,
        int mainPartMonths = 36,
        IEnumerable<string>? mainPartSkus = null,
        int returnDays = 7,
        int exchangeDays = 15,
        TimeSpan? responseWithin = null,
        TimeSpan? completionWithin = null,
        IReadOnlyDictionary<ServiceMode, ServiceLevelOverride>? modeOverrides = null,
        TimeSpan? acceptanceWindow = null,
        TimeSpan? complaintResponseWithin = null,
        TimeSpan? loanerThreshold = null,
        string? loanerSku = "",
        string? currency = "CNY") =>
        CategoryPolicies.Create(
            category,
            wholeUnitMonths,
            mainPartMonths,
            mainPartSkus,
            returnDays,
            exchangeDays,
            responseWithin ?? TimeSpan.FromHours(12),
            completionWithin ?? TimeSpan.FromHours(36),
            modeOverrides,
            acceptanceWindow ?? TimeSpan.FromHours(1),
            complaintResponseWithin ?? TimeSpan.FromHours(48),
            loanerThreshold ?? TimeSpan.FromHours(24),
            loanerSku,
            currency);

    private static Dictionary<ServiceMode, ServiceLevelOverride> Override(ServiceMode mode, TimeSpan? response, TimeSpan? completion) =>
        new() { [mode] = new ServiceLevelOverride { ResponseWithin = response, CompletionWithin = completion } };

    [Fact]
    public void Policies_built_from_the_same_values_have_the_same_terms_whatever_their_version()
    {
        CategoryPolicy Build(string sku = "MB-2", TimeSpan? onSiteResponse = null) =>
            Create(mainPartSkus: ["COMP-1", sku], modeOverrides: Override(ServiceMode.OnSite, onSiteResponse ?? TimeSpan.FromHours(4), null));

        Assert.True(Build().SameTerms(Build() with { Version = 7 }));
        Assert.False(Build().SameTerms(Build(sku: "MB-3")));
        Assert.False(Build().SameTerms(Build(onSiteResponse: TimeSpan.FromHours(5))));
        Assert.False(Build().SameTerms(Build() with { ModeOverrides = ModeOverridesNone }));
        Assert.False(Build().SameTerms(Build() with { ReturnDays = 3 }));
    }

    private static readonly System.Collections.Immutable.ImmutableDictionary<ServiceMode, ServiceLevelOverride> ModeOverridesNone =
        System.Collections.Immutable.ImmutableDictionary<ServiceMode, ServiceLevelOverride>.Empty;

    [Fact]
    public void A_valid_policy_keeps_every_value_given()
    {
        var policy = CategoryPolicies.Create(
            "home.fridge",
            24,
            120,
            ["COMP-1", "MB-2"],
            10,
            20,
            TimeSpan.FromHours(6),
            TimeSpan.FromDays(5),
            Override(ServiceMode.OnSite, TimeSpan.FromHours(4), TimeSpan.FromDays(3)),
            TimeSpan.FromMinutes(30),
            TimeSpan.FromHours(12),
            TimeSpan.FromDays(3),
            "LOANER-FRIDGE",
            "HKD");

        Assert.Equal("home.fridge", policy.Category);
        Assert.Equal((24, 120, 10, 20), (policy.WholeUnitMonths, policy.MainPartMonths, policy.ReturnDays, policy.ExchangeDays));
        Assert.Equal(["COMP-1", "MB-2"], policy.MainPartSkus);
        Assert.Equal(TimeSpan.FromHours(6), policy.ResponseWithin);
        Assert.Equal(TimeSpan.FromDays(5), policy.CompletionWithin);
        Assert.Equal(TimeSpan.FromHours(4), policy.ResponseWithinFor(ServiceMode.OnSite));
        Assert.Equal(TimeSpan.FromDays(3), policy.CompletionWithinFor(ServiceMode.OnSite));
        Assert.Equal(TimeSpan.FromHours(6), policy.ResponseWithinFor(ServiceMode.CarryIn));
        Assert.Equal(TimeSpan.FromMinutes(30), policy.AcceptanceWindow);
        Assert.Equal(TimeSpan.FromHours(12), policy.ComplaintResponseWithin);
        Assert.Equal(TimeSpan.FromDays(3), policy.LoanerThreshold);
        Assert.Equal("LOANER-FRIDGE", policy.LoanerSku);
        Assert.Equal("HKD", policy.Currency);
        Assert.Equal(0, policy.Version);
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("home.air-conditioner")]
    public void A_category_is_a_capability_word(string category)
    {
        Assert.Equal(category, Create(category: category).Category);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Phone")]
    [InlineData("phone screen")]
    [InlineData("phone..screen")]
    public void A_category_that_is_missing_or_not_a_capability_word_is_rejected(string? category)
    {
        AssertInvalid("policy.category", () => Create(category: category));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(120)]
    public void Whole_unit_months_from_0_to_120_are_accepted(int months)
    {
        Assert.Equal(months, Create(wholeUnitMonths: months, mainPartMonths: 240).WholeUnitMonths);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(121)]
    public void Whole_unit_months_outside_0_to_120_are_rejected(int months)
    {
        AssertInvalid("policy.whole_unit_months", () => Create(wholeUnitMonths: months, mainPartMonths: 240));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(240)]
    public void Main_part_months_from_the_whole_unit_months_to_240_are_accepted(int months)
    {
        Assert.Equal(months, Create(wholeUnitMonths: 12, mainPartMonths: months).MainPartMonths);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(241)]
    public void Main_part_months_below_the_whole_unit_months_or_above_240_are_rejected(int months)
    {
        AssertInvalid("policy.main_part_months", () => Create(wholeUnitMonths: 12, mainPartMonths: months));
    }

    [Fact]
    public void Main_part_skus_may_be_absent_or_up_to_500_distinct_ids()
    {
        var fiveHundred = Enumerable.Range(0, 500).Select(i => $"PART-{i}").ToList();

        Assert.Empty(Create(mainPartSkus: null).MainPartSkus);
        Assert.Equal(fiveHundred, Create(mainPartSkus: fiveHundred).MainPartSkus);
    }

    [Fact]
    public void More_than_500_main_part_skus_are_rejected()
    {
        var ex = AssertInvalid("policy.main_part_skus", () => Create(mainPartSkus: Enumerable.Range(0, 501).Select(i => $"PART-{i}")));

        Assert.Contains("at most 500", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_main_part_sku_listed_twice_is_rejected()
    {
        var ex = AssertInvalid("policy.main_part_skus", () => Create(mainPartSkus: ["MB-1", "LCD-1", "MB-1"]));

        Assert.Contains("[2] 'MB-1'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-MB")]
    [InlineData("MB 1")]
    [InlineData("MB/1")]
    public void A_main_part_sku_that_is_not_an_id_is_rejected_naming_its_position(string sku)
    {
        var ex = AssertInvalid("policy.main_part_skus", () => Create(mainPartSkus: ["MB-1", sku]));

        Assert.Contains("[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_main_part_sku_is_rejected()
    {
        AssertInvalid("policy.main_part_skus", () => Create(mainPartSkus: [null!]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90)]
    public void Return_days_from_0_to_90_are_accepted(int days)
    {
        Assert.Equal(days, Create(returnDays: days, exchangeDays: 90).ReturnDays);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(91)]
    public void Return_days_outside_0_to_90_are_rejected(int days)
    {
        AssertInvalid("policy.return_days", () => Create(returnDays: days, exchangeDays: 90));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(90)]
    public void Exchange_days_from_the_return_days_to_90_are_accepted(int days)
    {
        Assert.Equal(days, Create(returnDays: 7, exchangeDays: days).ExchangeDays);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(91)]
    public void Exchange_days_below_the_return_days_or_above_90_are_rejected(int days)
    {
        AssertInvalid("policy.exchange_days", () => Create(returnDays: 7, exchangeDays: days));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(ThirtyDaysInSeconds)]
    public void Response_time_from_1_minute_to_30_days_is_accepted(long seconds)
    {
        var time = TimeSpan.FromSeconds(seconds);

        Assert.Equal(time, Create(responseWithin: time, completionWithin: ThirtyDays, acceptanceWindow: TimeSpan.FromMinutes(1)).ResponseWithin);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(59)]
    [InlineData(ThirtyDaysInSeconds + 1)]
    public void Response_time_under_1_minute_or_over_30_days_is_rejected(long seconds)
    {
        AssertInvalid("policy.response_within", () => Create(responseWithin: TimeSpan.FromSeconds(seconds), completionWithin: ThirtyDays, acceptanceWindow: TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData(12 * 3600)]
    [InlineData(ThirtyDaysInSeconds)]
    public void Completion_time_from_the_response_time_to_30_days_is_accepted(long seconds)
    {
        var time = TimeSpan.FromSeconds(seconds);

        Assert.Equal(time, Create(responseWithin: TimeSpan.FromHours(12), completionWithin: time).CompletionWithin);
    }

    [Fact]
    public void Completion_time_shorter_than_the_response_time_or_over_30_days_is_rejected()
    {
        AssertInvalid("policy.completion_within", () => Create(responseWithin: TimeSpan.FromHours(12), completionWithin: TimeSpan.FromHours(12) - OneTick));
        AssertInvalid("policy.completion_within", () => Create(completionWithin: ThirtyDays + OneTick));
    }

    [Fact]
    public void Zero_service_times_mean_the_default_times()
    {
        var defaults = CategoryPolicy.Default("phone");

        var policy = Create(responseWithin: TimeSpan.Zero, completionWithin: TimeSpan.Zero, acceptanceWindow: TimeSpan.Zero, complaintResponseWithin: TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromHours(24), policy.ResponseWithin);
        Assert.Equal(TimeSpan.FromHours(48), policy.CompletionWithin);
        Assert.Equal(TimeSpan.FromHours(2), policy.AcceptanceWindow);
        Assert.Equal(TimeSpan.FromHours(72), policy.ComplaintResponseWithin);
        Assert.Equal(
            (defaults.ResponseWithin, defaults.CompletionWithin, defaults.AcceptanceWindow, defaults.ComplaintResponseWithin),
            (policy.ResponseWithin, policy.CompletionWithin, policy.AcceptanceWindow, policy.ComplaintResponseWithin));
    }

    [Fact]
    public void A_zero_response_time_is_checked_as_the_default_it_stands_for()
    {
        var ex = AssertInvalid("policy.completion_within", () => Create(responseWithin: TimeSpan.Zero, completionWithin: TimeSpan.FromHours(12)));

        Assert.Contains("1.00:00:00", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mode_override_replaces_the_times_it_sets_and_keeps_the_others()
    {
        var policy = Create(modeOverrides: Override(ServiceMode.MailIn, null, TimeSpan.FromDays(7)));

        Assert.Equal(TimeSpan.FromDays(7), policy.CompletionWithinFor(ServiceMode.MailIn));
        Assert.Equal(TimeSpan.FromHours(12), policy.ResponseWithinFor(ServiceMode.MailIn));
        Assert.Equal(TimeSpan.FromHours(36), policy.CompletionWithinFor(ServiceMode.CarryIn));
    }

    [Fact]
    public void Zero_or_null_override_times_keep_the_category_times_and_empty_overrides_are_dropped()
    {
        var overrides = new Dictionary<ServiceMode, ServiceLevelOverride>
        {
            [ServiceMode.OnSite] = new() { ResponseWithin = TimeSpan.Zero, CompletionWithin = TimeSpan.FromHours(40) },
            [ServiceMode.MailIn] = new() { ResponseWithin = TimeSpan.Zero, CompletionWithin = null },
            [ServiceMode.CarryIn] = null!,
        };

        var policy = Create(modeOverrides: overrides);

        var onSite = Assert.Single(policy.ModeOverrides);
        Assert.Equal(ServiceMode.OnSite, onSite.Key);
        Assert.Null(onSite.Value.ResponseWithin);
        Assert.Equal(TimeSpan.FromHours(40), onSite.Value.CompletionWithin);
    }

    [Theory]
    [InlineData(59L, null)]
    [InlineData(ThirtyDaysInSeconds + 1, null)]
    [InlineData(-60L, null)]
    [InlineData(null, 59L)]
    [InlineData(null, ThirtyDaysInSeconds + 1)]
    [InlineData(null, 3600L)] // shorter than the category's 12 h response time
    [InlineData(7200L, 3600L)]
    public void Override_times_obey_the_same_rules_as_the_category_times(long? responseSeconds, long? completionSeconds)
    {
        var overrides = Override(
            ServiceMode.OnSite,
            responseSeconds is { } r ? TimeSpan.FromSeconds(r) : null,
            completionSeconds is { } c ? TimeSpan.FromSeconds(c) : null);

        var ex = AssertInvalid("policy.mode_overrides", () => Create(modeOverrides: overrides, acceptanceWindow: TimeSpan.FromMinutes(1)));

        Assert.Contains("on_site", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_override_for_an_unknown_service_mode_is_rejected()
    {
        AssertInvalid("policy.mode_overrides", () => Create(modeOverrides: Override((ServiceMode)9, TimeSpan.FromHours(1), null)));
    }

    [Theory]
    [InlineData(60)]
    [InlineData(12 * 3600)]
    public void An_acceptance_window_from_1_minute_to_the_response_time_is_accepted(long seconds)
    {
        var window = TimeSpan.FromSeconds(seconds);

        Assert.Equal(window, Create(responseWithin: TimeSpan.FromHours(12), acceptanceWindow: window).AcceptanceWindow);
    }

    [Fact]
    public void An_acceptance_window_under_1_minute_or_longer_than_the_response_time_is_rejected()
    {
        AssertInvalid("policy.acceptance_window", () => Create(acceptanceWindow: TimeSpan.FromSeconds(59)));
        AssertInvalid("policy.acceptance_window", () => Create(acceptanceWindow: TimeSpan.FromSeconds(-60)));
        AssertInvalid("policy.acceptance_window", () => Create(responseWithin: TimeSpan.FromHours(12), acceptanceWindow: TimeSpan.FromHours(12) + OneTick));
    }

    [Fact]
    public void An_acceptance_window_longer_than_a_mode_override_response_time_is_rejected()
    {
        var overrides = Override(ServiceMode.OnSite, TimeSpan.FromMinutes(30), null);

        Assert.Equal(TimeSpan.FromMinutes(30), Create(modeOverrides: overrides, acceptanceWindow: TimeSpan.FromMinutes(30)).AcceptanceWindow);
        var ex = AssertInvalid("policy.acceptance_window", () => Create(modeOverrides: overrides, acceptanceWindow: TimeSpan.FromMinutes(31)));
        Assert.Contains("on_site", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(ThirtyDaysInSeconds)]
    public void A_complaint_response_time_from_1_minute_to_30_days_is_accepted(long seconds)
    {
        var time = TimeSpan.FromSeconds(seconds);

        Assert.Equal(time, Create(complaintResponseWithin: time).ComplaintResponseWithin);
    }

    [Theory]
    [InlineData(-60)]
    [InlineData(59)]
    [InlineData(ThirtyDaysInSeconds + 1)]
    public void A_complaint_response_time_under_1_minute_or_over_30_days_is_rejected(long seconds)
    {
        AssertInvalid("policy.complaint_response_within", () => Create(complaintResponseWithin: TimeSpan.FromSeconds(seconds)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(90 * 24 * 3600)]
    public void A_loaner_threshold_from_0_to_90_days_is_accepted_and_zero_is_kept(long seconds)
    {
        var threshold = TimeSpan.FromSeconds(seconds);

        Assert.Equal(threshold, Create(loanerThreshold: threshold).LoanerThreshold);
    }

    [Fact]
    public void A_negative_loaner_threshold_or_one_over_90_days_is_rejected()
    {
        AssertInvalid("policy.loaner_threshold", () => Create(loanerThreshold: -OneTick));
        AssertInvalid("policy.loaner_threshold", () => Create(loanerThreshold: TimeSpan.FromDays(90) + OneTick));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("LOANER-PHONE", "LOANER-PHONE")]
    public void A_loaner_sku_may_be_empty_or_an_id(string? sku, string expected)
    {
        Assert.Equal(expected, Create(loanerSku: sku).LoanerSku);
    }

    [Theory]
    [InlineData("LOANER PHONE")]
    [InlineData("-LOANER")]
    [InlineData(" ")]
    public void A_loaner_sku_that_is_not_an_id_is_rejected(string sku)
    {
        AssertInvalid("policy.loaner_sku", () => Create(loanerSku: sku));
    }

    [Theory]
    [InlineData(null, "CNY")]
    [InlineData("", "CNY")]
    [InlineData("USD", "USD")]
    public void A_currency_is_3_upper_case_letters_and_defaults_to_CNY(string? currency, string expected)
    {
        Assert.Equal(expected, Create(currency: currency).Currency);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("USDT")]
    [InlineData("US1")]
    [InlineData("ÜSD")]
    [InlineData(" US")]
    public void A_currency_that_is_not_3_upper_case_ascii_letters_is_rejected(string currency)
    {
        AssertInvalid("policy.currency_code", () => Create(currency: currency));
    }
}
