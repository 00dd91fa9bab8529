using System.Globalization;

namespace RepairNetwork.Domain.Warranty;

/// <summary>
/// The warranty card's rules. Pure: every date comes from the caller (the outlet's or customer's
/// local date), so a decision can be replayed and tested.
/// </summary>
/// <remarks>
/// Date arithmetic, all in whole calendar days:
/// <list type="bullet">
/// <item>Age in days = <c>today.DayNumber − purchaseDate.DayNumber</c>; the purchase day is age 0.
/// A <c>today</c> before the purchase date is treated as age 0: that is clock skew between time
/// zones, not an error.</item>
/// <item>The return window covers ages 0..ReturnDays inclusive (bought 1 June, ReturnDays 7: through
/// 8 June); the exchange window likewise covers ages 0..ExchangeDays.</item>
/// <item>The whole-unit warranty's last day is <c>purchaseDate.AddMonths(WholeUnitMonths).AddDays(-1)</c>
/// (bought 2025-01-31, 12 months: through 2026-01-30; bought 2024-02-29, 12 months: through
/// 2025-02-27, because AddMonths clamps to 2025-02-28). The main-part warranty likewise. 0 months
/// means no such warranty: its last day is the day before purchase.</item>
/// <item>A last day past 9999-12-31 is 9999-12-31 (the warranty never ends).</item>
/// </list>
/// Only the return and exchange windows need a quality fault; any fault without an exclusion is
/// covered by the whole-unit and main-part warranties, because damage, tampering and force majeure
/// are what exclusions are for.
/// </remarks>
public static class WarrantyRules
{
    /// <summary>
    /// The decision when the order is created, before diagnosis: only the dates are known, so the
    /// return and exchange windows (which need a quality fault) are only mentioned in the explanation,
    /// and past the whole-unit warranty the main-part warranty may still pay for part of the repair.
    /// </summary>
    public static WarrantyDecision AtCreation(CategoryPolicy policy, DateOnly purchaseDate, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var dates = new Dates(policy, purchaseDate, today);
        var returnOrExchange = ReturnOrExchangeClause(policy, dates);

        if (dates.WithinWholeUnit)
        {
            return dates.Decide(WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing,
                $"Purchased {D(purchaseDate)}; whole-unit warranty runs until {D(dates.WholeUnitUntil)}: the repair is free{returnOrExchange}.");
        }

        if (dates.WithinMainPart)
        {
            // Which parts the repair needs is unknown until diagnosis; the customer may pay for some.
            return dates.Decide(WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.NonMainParts,
                $"Purchased {D(purchaseDate)}; whole-unit warranty ran until {D(dates.WholeUnitUntil)}, but main parts are still covered until {D(dates.MainPartUntil)}: diagnosis decides which parts the customer pays for{returnOrExchange}.");
        }

        return Expired(dates, returnOrExchange);
    }

    /// <summary>
    /// The decision once a technician has diagnosed the fault. Rules in order, the first that applies wins:
    /// <list type="number">
    /// <item>Any exclusion: <see cref="WarrantyCoverage.Excluded"/>, rule of the first exclusion listed,
    /// the customer pays everything, whatever the dates.</item>
    /// <item>Quality fault within the return window: <see cref="WarrantyRule.ReturnWindow"/>, free.</item>
    /// <item>Quality fault within the exchange window: <see cref="WarrantyRule.ExchangeWindow"/>, free.</item>
    /// <item>Within the whole-unit warranty: <see cref="WarrantyRule.WholeUnitWarranty"/>, free.</item>
    /// <item>Within the main-part warranty, by the parts the repair replaces:
    /// only main parts: in warranty, free; main and other parts: out of warranty, the customer pays
    /// for the non-main parts and their labour; no main part, or no parts at all (labour only): out of
    /// warranty, the customer pays everything, since the main-part warranty covers only main parts.</item>
    /// <item>Otherwise <see cref="WarrantyRule.WarrantyExpired"/>, the customer pays everything.</item>
    /// </list>
    /// </summary>
    /// <exception cref="DomainException">An exclusion is not a defined <see cref="WarrantyExclusion"/>
    /// (field "findings.exclusions").</exception>
    public static WarrantyDecision AtDiagnosis(CategoryPolicy policy, DateOnly purchaseDate, DateOnly today, DiagnosisFindings findings)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(findings);
        var dates = new Dates(policy, purchaseDate, today);

        if (!findings.Exclusions.IsDefaultOrEmpty)
        {
            for (var i = 0; i < findings.Exclusions.Length; i++)
            {
                if (!Enum.IsDefined(findings.Exclusions[i]))
                {
                    throw DomainException.Invalid("findings.exclusions", $"[{i}] {(int)findings.Exclusions[i]} is not a known exclusion");
                }
            }

            var (rule, what) = findings.Exclusions[0] switch
            {
                WarrantyExclusion.UserDamage => (WarrantyRule.UserDamage, "damage caused by the user"),
                WarrantyExclusion.UnauthorizedDisassembly => (WarrantyRule.UnauthorizedDisassembly, "that the product was opened or repaired by someone not authorized"),
                _ => (WarrantyRule.ForceMajeure, "damage by force majeure (flood, fire, lightning or the like)"),
            };
            return dates.Decide(WarrantyCoverage.Excluded, rule, CustomerCharge.Everything,
                $"Purchased {D(purchaseDate)}; diagnosis found {what}, which no warranty covers: the customer pays for all parts and labour by an approved quote.");
        }

        if (findings.QualityFault && dates.Age <= policy.ReturnDays)
        {
            return dates.Decide(WarrantyCoverage.InWarranty, WarrantyRule.ReturnWindow, CustomerCharge.Nothing,
                $"Purchased {D(purchaseDate)}; a quality fault within the return window (until {D(dates.ReturnUntil)}): the customer may return the product or have it repaired free.");
        }

        if (findings.QualityFault && dates.Age <= policy.ExchangeDays)
        {
            return dates.Decide(WarrantyCoverage.InWarranty, WarrantyRule.ExchangeWindow, CustomerCharge.Nothing,
                $"Purchased {D(purchaseDate)}; a quality fault within the exchange window (until {D(dates.ExchangeUntil)}): the customer may exchange the product or have it repaired free.");
        }

        if (dates.WithinWholeUnit)
        {
            return dates.Decide(WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing,
                $"Purchased {D(purchaseDate)}; whole-unit warranty runs until {D(dates.WholeUnitUntil)}: the repair is free.");
        }

        if (dates.WithinMainPart)
        {
            var parts = findings.PartSkus.IsDefault ? [] : findings.PartSkus;
            var mainParts = policy.MainPartSkus.IsDefaultOrEmpty ? 0 : parts.Count(policy.IsMainPart);
            var lead = $"Purchased {D(purchaseDate)}; whole-unit warranty ran until {D(dates.WholeUnitUntil)} and main parts are covered until {D(dates.MainPartUntil)}";

            if (mainParts > 0 && mainParts == parts.Length)
            {
                return dates.Decide(WarrantyCoverage.InWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Nothing,
                    $"{lead}: the repair replaces only main parts, so it is free.");
            }

            if (mainParts > 0)
            {
                return dates.Decide(WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.NonMainParts,
                    $"{lead}: the main parts are free, and the customer pays for the other parts and their labour by an approved quote.");
            }

            return dates.Decide(WarrantyCoverage.OutOfWarranty, WarrantyRule.MainPartWarranty, CustomerCharge.Everything,
                parts.Length == 0
                    ? $"{lead}: the repair replaces no part, so the customer pays for the labour by an approved quote."
                    : $"{lead}: the repair replaces no main part, so the customer pays for all parts and labour by an approved quote.");
        }

        return Expired(dates, string.Empty);
    }

    /// <summary>Whole days from purchase to <paramref name="today"/>; 0 when today is before the purchase date.</summary>
    public static int AgeInDays(DateOnly purchaseDate, DateOnly today) => Math.Max(0, today.DayNumber - purchaseDate.DayNumber);

    /// <summary>Last day of the whole-unit warranty.</summary>
    public static DateOnly WholeUnitUntil(CategoryPolicy policy, DateOnly purchaseDate)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return LastDay(purchaseDate, policy.WholeUnitMonths);
    }

    /// <summary>Last day of the main-part warranty.</summary>
    public static DateOnly MainPartUntil(CategoryPolicy policy, DateOnly purchaseDate)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return LastDay(purchaseDate, policy.MainPartMonths);
    }

    /// <summary>Last day a quality fault entitles the customer to a return.</summary>
    public static DateOnly ReturnUntil(CategoryPolicy policy, DateOnly purchaseDate)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PlusDays(purchaseDate, policy.ReturnDays);
    }

    /// <summary>Last day a quality fault entitles the customer to an exchange.</summary>
    public static DateOnly ExchangeUntil(CategoryPolicy policy, DateOnly purchaseDate)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PlusDays(purchaseDate, policy.ExchangeDays);
    }

    private static WarrantyDecision Expired(Dates dates, string returnOrExchange) =>
        dates.Decide(WarrantyCoverage.OutOfWarranty, WarrantyRule.WarrantyExpired, CustomerCharge.Everything,
            $"Purchased {D(dates.PurchaseDate)}; the warranty ran until {D(Max(dates.WholeUnitUntil, dates.MainPartUntil))}: the customer pays for parts and labour by an approved quote{returnOrExchange}.");

    /// <summary>At creation the fault kind is unknown, so a return or exchange is only a possibility.</summary>
    private static string ReturnOrExchangeClause(CategoryPolicy policy, Dates dates)
    {
        var canReturn = dates.Age <= policy.ReturnDays;
        var canExchange = dates.Age <= policy.ExchangeDays;
        return (canReturn, canExchange) switch
        {
            (true, true) => $", and if diagnosis finds a quality fault the customer may instead return the product until {D(dates.ReturnUntil)} or exchange it until {D(dates.ExchangeUntil)}",
            (true, false) => $", and if diagnosis finds a quality fault the customer may instead return the product until {D(dates.ReturnUntil)}",
            (false, true) => $", and if diagnosis finds a quality fault the customer may instead exchange the product until {D(dates.ExchangeUntil)}",
            _ => string.Empty,
        };
    }

    private static DateOnly LastDay(DateOnly purchaseDate, int months)
    {
        // Guards keep a sentinel date (0001-01-01 from an unset field, 9999-12-31) from throwing.
        if (months > 0 && purchaseDate > DateOnly.MaxValue.AddMonths(-months))
        {
            return DateOnly.MaxValue;
        }

        var end = purchaseDate.AddMonths(months);
        return end == DateOnly.MinValue ? end : end.AddDays(-1);
    }

    private static DateOnly PlusDays(DateOnly date, int days) =>
        DateOnly.FromDayNumber((int)Math.Clamp((long)date.DayNumber + days, DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber));

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static string D(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly struct Dates(CategoryPolicy policy, DateOnly purchaseDate, DateOnly today)
    {
        public DateOnly PurchaseDate { get; } = purchaseDate;

        public DateOnly Today { get; } = today;

        public int Age { get; } = AgeInDays(purchaseDate, today);

        public DateOnly WholeUnitUntil { get; } = LastDay(purchaseDate, policy.WholeUnitMonths);

        public DateOnly MainPartUntil { get; } = LastDay(purchaseDate, policy.MainPartMonths);

        public DateOnly ReturnUntil { get; } = PlusDays(purchaseDate, policy.ReturnDays);

        public DateOnly ExchangeUntil { get; } = PlusDays(purchaseDate, policy.ExchangeDays);

        /// <summary>Today, or the purchase date when the clocks disagree.</summary>
        private DateOnly Effective => Today < PurchaseDate ? PurchaseDate : Today;

        public bool WithinWholeUnit => Effective <= WholeUnitUntil;

        public bool WithinMainPart => Effective <= MainPartUntil;

        public WarrantyDecision Decide(WarrantyCoverage coverage, WarrantyRule rule, CustomerCharge pays, string explanation) => new()
        {
            Coverage = coverage,
            Rule = rule,
            CustomerPays = pays,
            Explanation = explanation,
            WholeUnitUntil = WholeUnitUntil,
            MainPartUntil = MainPartUntil,
            DecidedOn = Today,
        };
    }
}
