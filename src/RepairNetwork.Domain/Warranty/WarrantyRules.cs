namespace RepairNetwork.Domain.Warranty;

// Placeholder until the warranty branch lands; replaced wholesale by it.
public static class WarrantyRules
{
    public static WarrantyDecision AtCreation(CategoryPolicy policy, DateOnly purchaseDate, DateOnly today) =>
        AtDiagnosis(policy, purchaseDate, today, new DiagnosisFindings { QualityFault = false });

    public static WarrantyDecision AtDiagnosis(CategoryPolicy policy, DateOnly purchaseDate, DateOnly today, DiagnosisFindings findings)
    {
        var wholeUntil = purchaseDate.AddMonths(policy.WholeUnitMonths).AddDays(-1);
        var mainUntil = purchaseDate.AddMonths(policy.MainPartMonths).AddDays(-1);
        var (coverage, rule, pays) = findings.Exclusions.IsEmpty
            ? today <= wholeUntil ? (WarrantyCoverage.InWarranty, WarrantyRule.WholeUnitWarranty, CustomerCharge.Nothing) : (WarrantyCoverage.OutOfWarranty, WarrantyRule.WarrantyExpired, CustomerCharge.Everything)
            : (WarrantyCoverage.Excluded, WarrantyRule.UserDamage, CustomerCharge.Everything);
        return new WarrantyDecision { Coverage = coverage, Rule = rule, CustomerPays = pays, Explanation = rule.ToString(), WholeUnitUntil = wholeUntil, MainPartUntil = mainUntil, DecidedOn = today };
    }
}
