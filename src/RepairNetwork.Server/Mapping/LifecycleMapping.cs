using System.Collections.Immutable;
using RepairNetwork.Domain;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Warranty;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Errors;
using RepairNetwork.Server.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Mapping;

/// <summary>Proto ↔ domain for the order lifecycle: steps, quotes, repair records, audit trail, job events.</summary>
public static class LifecycleMapping
{
    public const int MaxReasonLength = 500;
    public const int MaxLongTextLength = 2000;
    public const int MaxLines = 100;
    public const int MaxQuantity = 1000;
    public const long MaxPriceMinor = 100_000_000;

    public static Actor ToActor(Caller caller) => new()
    {
        Role = caller.Role switch
        {
            Contracts.Security.Roles.Hq => ActorRole.Headquarters,
            Contracts.Security.Roles.CallCenter => ActorRole.CallCenter,
            _ => ActorRole.Outlet,
        },
        Id = caller.IsOutlet ? caller.OutletId! : caller.ClientId,
    };

    public static string Reason(string? text, string field = "reason") => Identifiers.RequireText(text, field, MaxReasonLength);

    public static Diagnosis ToDomain(Api.Diagnosis? diagnosis)
    {
        var d = diagnosis ?? throw RpcErrors.Required("diagnosis");
        if (d.Exclusions.Any(e => e == Api.WarrantyExclusion.Unspecified || !Enum.IsDefined((WarrantyExclusion)(int)e)))
        {
            throw RpcErrors.InvalidArgument("diagnosis.exclusions", "each must be a known exclusion");
        }

        if (d.PartSkus.Count > MaxLines)
        {
            throw RpcErrors.InvalidArgument("diagnosis.part_skus", $"must list at most {MaxLines} parts");
        }

        if (!double.IsFinite(d.ExpectedRepairHours) || d.ExpectedRepairHours is < 0 or > 24 * 90)
        {
            throw RpcErrors.InvalidArgument("diagnosis.expected_repair_hours", "must be 0-2160 hours");
        }

        return new Diagnosis
        {
            Findings = new DiagnosisFindings
            {
                QualityFault = d.QualityFault,
                Exclusions = [.. d.Exclusions.Select(e => (WarrantyExclusion)(int)e).Distinct()],
                PartSkus = [.. d.PartSkus.Select((sku, i) => Identifiers.RequireId(sku, $"diagnosis.part_skus[{i}]")).Distinct(StringComparer.Ordinal)],
            },
            Notes = Identifiers.OptionalText(d.Notes, "diagnosis.notes", MaxLongTextLength),
            ExpectedRepairTime = TimeSpan.FromHours(d.ExpectedRepairHours),
        };
    }

    /// <summary>Validates quote lines; part prices are filled from the catalog by the caller.</summary>
    public static ImmutableArray<QuoteLine> ToDomain(IReadOnlyList<Api.QuoteLineInput> lines)
    {
        if (lines.Count is 0 or > MaxLines)
        {
            throw RpcErrors.InvalidArgument("lines", $"must have 1-{MaxLines} lines");
        }

        return [.. lines.Select((line, i) =>
        {
            var field = $"lines[{i}]";
            if (line.Quantity is < 1 or > MaxQuantity)
            {
                throw RpcErrors.InvalidArgument($"{field}.quantity", $"must be 1-{MaxQuantity}");
            }

            return line.Kind switch
            {
                Api.QuoteLineKind.Labour => line.UnitPriceMinor is < 0 or > MaxPriceMinor
                    ? throw RpcErrors.InvalidArgument($"{field}.unit_price_minor", $"must be 0-{MaxPriceMinor}")
                    : new QuoteLine { Kind = QuoteLineKind.Labour, Description = Identifiers.RequireText(line.Description, $"{field}.description", 200), Quantity = line.Quantity, UnitPriceMinor = line.UnitPriceMinor, CoveredByWarranty = false },
                Api.QuoteLineKind.Part => new QuoteLine { Kind = QuoteLineKind.Part, Description = Identifiers.OptionalText(line.Description, $"{field}.description", 200), Sku = Identifiers.RequireId(line.Sku, $"{field}.sku"), Quantity = line.Quantity, UnitPriceMinor = 0, CoveredByWarranty = false },
                _ => throw RpcErrors.InvalidArgument($"{field}.kind", "must be QUOTE_LINE_KIND_LABOUR or QUOTE_LINE_KIND_PART"),
            };
        })];
    }

    public static ImmutableArray<ReplacedPart> ToDomain(IReadOnlyList<Api.ReplacedPart> parts)
    {
        if (parts.Count > MaxLines)
        {
            throw RpcErrors.InvalidArgument("parts_replaced", $"must list at most {MaxLines} parts");
        }

        var result = parts.Select((part, i) => part.Quantity is < 1 or > MaxQuantity
            ? throw RpcErrors.InvalidArgument($"parts_replaced[{i}].quantity", $"must be 1-{MaxQuantity}")
            : new ReplacedPart { Sku = Identifiers.RequireId(part.Sku, $"parts_replaced[{i}].sku"), Quantity = part.Quantity }).ToImmutableArray();
        if (result.Select(p => p.Sku).Distinct(StringComparer.Ordinal).Count() != result.Length)
        {
            throw RpcErrors.InvalidArgument("parts_replaced", "must name each SKU once");
        }

        return result;
    }

    public static void AddLifecycle(Api.RepairOrder proto, RepairOrder order)
    {
        if (order.Warranty is { } w)
        {
            proto.Warranty = ToProto(w);
        }

        if (order.OfferExpiresAt is { } expires)
        {
            proto.OfferExpireTime = CommonMapping.ToProto(expires);
        }

        if (order.AcceptedAt is { } accepted)
        {
            proto.AcceptTime = CommonMapping.ToProto(accepted);
        }

        if (order.Diagnosis is { } d)
        {
            proto.Diagnosis = new Api.Diagnosis
            {
                QualityFault = d.Findings.QualityFault,
                Exclusions = { d.Findings.Exclusions.Select(e => (Api.WarrantyExclusion)(int)e) },
                PartSkus = { d.Findings.PartSkus },
                Notes = d.Notes,
                ExpectedRepairHours = d.ExpectedRepairTime.TotalHours,
            };
        }

        if (order.Quote is { } q)
        {
            proto.Quote = new Api.Quote
            {
                Version = q.Version,
                Lines = { q.Lines.Select(l => new Api.QuoteLine { Kind = (Api.QuoteLineKind)(int)l.Kind, Description = l.Description, Sku = l.Sku, Quantity = l.Quantity, UnitPriceMinor = l.UnitPriceMinor, CoveredByWarranty = l.CoveredByWarranty }) },
                CurrencyCode = q.Currency,
                TotalMinor = q.TotalMinor,
                CustomerPaysMinor = q.CustomerPaysMinor,
                QuoteTime = CommonMapping.ToProto(q.QuotedAt),
                Decision = (Api.QuoteDecision)(int)q.Decision,
                DecisionNote = q.DecisionNote,
                Reason = q.Reason,
            };
            if (q.DecidedAt is { } decided)
            {
                proto.Quote.DecideTime = CommonMapping.ToProto(decided);
            }
        }

        if (order.Loaner is { } loaner)
        {
            proto.Loaner = new Api.Loaner { Sku = loaner.Sku, IssueTime = CommonMapping.ToProto(loaner.IssuedAt) };
            if (loaner.ReturnedAt is { } back)
            {
                proto.Loaner.ReturnTime = CommonMapping.ToProto(back);
            }
        }

        if (order.RepairRecord is { } r)
        {
            proto.RepairRecord = new Api.RepairRecord
            {
                WorkDone = r.WorkDone,
                TechnicianId = r.TechnicianId,
                PartsReplaced = { r.PartsReplaced.Select(p => new Api.ReplacedPart { Sku = p.Sku, Quantity = p.Quantity }) },
                CompleteTime = CommonMapping.ToProto(r.CompletedAt),
                OnTime = r.CompletedAt <= order.CompletionDueAt,
            };
        }

        if (order.Feedback is { } f)
        {
            proto.Feedback = new Api.Feedback { Rating = f.Rating, Comment = f.Comment, RateTime = CommonMapping.ToProto(f.At) };
        }
    }

    public static Api.WarrantyDecision ToProto(WarrantyDecision w) => new()
    {
        Coverage = (Api.WarrantyCoverage)(int)w.Coverage,
        Rule = (Api.WarrantyRule)(int)w.Rule,
        CustomerPays = (Api.CustomerCharge)(int)w.CustomerPays,
        Explanation = w.Explanation,
        WholeUnitUntil = CommonMapping.ToText(w.WholeUnitUntil),
        MainPartUntil = CommonMapping.ToText(w.MainPartUntil),
        DecidedOn = CommonMapping.ToText(w.DecidedOn),
    };

    public static Api.AuditEntry ToProto(AuditEntry e) => new()
    {
        Sequence = e.Sequence,
        Time = CommonMapping.ToProto(e.At),
        ActorRole = (Api.ActorRole)(int)e.By.Role,
        ActorId = e.By.Id,
        Action = (Api.OrderAction)(int)e.Action,
        FromStatus = (Api.RepairOrderStatus)(int)e.From,
        ToStatus = (Api.RepairOrderStatus)(int)e.To,
        Detail = e.Detail,
        OutletId = e.OutletId,
    };

    public static Api.Complaint ToProto(Complaint c)
    {
        var proto = new Api.Complaint
        {
            ComplaintId = c.ComplaintId,
            Text = c.Text,
            FileTime = CommonMapping.ToProto(c.FiledAt),
            RespondBy = CommonMapping.ToProto(c.RespondBy),
            Resolution = c.Resolution,
            Overdue = c.Overdue,
        };
        if (c.ResolvedAt is { } resolved)
        {
            proto.ResolveTime = CommonMapping.ToProto(resolved);
        }

        return proto;
    }

    public static Api.JobEvent ToProto(JobEvent e) => new()
    {
        Sequence = e.Sequence,
        OrderId = e.OrderId,
        Kind = (Api.JobEventKind)(int)e.Kind,
        Time = CommonMapping.ToProto(e.At),
        Detail = e.Detail,
    };
}
