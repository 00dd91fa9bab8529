using System.Text.RegularExpressions;

namespace RepairNetwork.Domain;

/// <summary>Syntax rules shared by ids, SKUs and capability names.</summary>
public static partial class Identifiers
{
    public const int MaxIdLength = 64;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z0-9]+([._-][a-z0-9]+)*\z")]
    private static partial Regex CapabilityPattern();

    public static bool IsValidId(string? value) => !string.IsNullOrEmpty(value) && IdPattern().IsMatch(value);

    /// <summary>Ids chosen by callers (outlets, technicians) and SKUs.</summary>
    public static string RequireId(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw DomainException.Invalid(field, "is required");
        }

        if (!IdPattern().IsMatch(value))
        {
            throw DomainException.Invalid(field, "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }

        return value;
    }

    /// <summary>An optional value with id syntax (e.g. an outlet's region); empty when null or empty.</summary>
    public static string OptionalId(string? value, string field) =>
        string.IsNullOrEmpty(value) ? string.Empty : RequireId(value, field);

    public static string RequireCapability(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw DomainException.Invalid(field, "is required");
        }

        if (value.Length > MaxIdLength || !CapabilityPattern().IsMatch(value))
        {
            throw DomainException.Invalid(field, $"'{Truncate(value)}' is not a capability: use up to 64 lower-case letters and digits in words joined by '.', '_' or '-', e.g. 'phone.screen'");
        }

        return value;
    }

    /// <summary>Required free text with a length limit; trimmed.</summary>
    public static string RequireText(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw DomainException.Invalid(field, "is required");
        }

        return LimitText(trimmed, field, maxLength);
    }

    /// <summary>Optional free text with a length limit; trimmed, empty when absent.</summary>
    public static string OptionalText(string? value, string field, int maxLength) =>
        LimitText(value?.Trim() ?? string.Empty, field, maxLength);

    private static string LimitText(string value, string field, int maxLength)
    {
        if (value.Length > maxLength)
        {
            throw DomainException.Invalid(field, $"must be at most {maxLength} characters (got {value.Length})");
        }

        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw DomainException.Invalid(field, "must not contain control characters");
        }

        return value;
    }

    /// <summary>Keeps error messages short when the offending value is huge.</summary>
    public static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
