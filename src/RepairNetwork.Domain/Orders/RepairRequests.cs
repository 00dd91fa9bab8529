using System.Security.Cryptography;
using System.Text;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Inventory;

namespace RepairNetwork.Domain.Orders;

/// <summary>Rules for what a caller may submit as a repair request, and the ids derived from it.</summary>
public static class RepairRequests
{
    public const int MaxRequestIdLength = 128;

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// The order id is a hash of the caller's idempotency key, so a retried create reaches the same
    /// order grain wherever it lands in the cluster. 80 bits keep collisions out of reach.
    /// </summary>
    public static string OrderIdFor(string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(requestId));
        var text = new StringBuilder("RO-", 19);
        ulong bits = 0;
        var bitCount = 0;
        var byteIndex = 0;
        while (text.Length < 19)
        {
            if (bitCount < 5)
            {
                bits = (bits << 8) | hash[byteIndex++];
                bitCount += 8;
            }

            bitCount -= 5;
            text.Append(Crockford[(int)((bits >> bitCount) & 31)]);
        }

        return text.ToString();
    }

    /// <summary>Most part lines an order may name.</summary>
    public const int MaxRequiredParts = 20;

    public static RepairRequest Create(string? requestId, Customer customer, Product product, string? faultDescription, JobRequirement job, IReadOnlyList<PartQuantity>? requiredParts = null, string? slotId = null)
    {
        if (slotId is not null)
        {
            Appointments.SlotIds.Parse(slotId, "slot_id"); // well formed here; whether it is free is the outlet's to say
        }

        if (requiredParts is { Count: > MaxRequiredParts })
        {
            throw DomainException.Invalid("required_parts", $"must list at most {MaxRequiredParts} parts (got {requiredParts.Count})");
        }

        if (string.IsNullOrEmpty(requestId) || requestId.Length > MaxRequestIdLength || requestId.Any(char.IsControl))
        {
            throw DomainException.Invalid("request_id", $"must be 1-{MaxRequestIdLength} printable characters");
        }

        return new RepairRequest
        {
            RequestId = requestId,
            Customer = customer,
            Product = product,
            FaultDescription = Identifiers.RequireText(faultDescription, "fault_description", 2000),
            Job = job,
            RequiredParts = Reservations.Lines(requiredParts, "required_parts", allowEmpty: true),
            SlotId = slotId,
        };
    }

    public static Customer CreateCustomer(string? name, string? phone, string? address, bool addressRequired)
    {
        var checkedPhone = Identifiers.RequireText(phone, "customer.phone", 32);
        if (checkedPhone.Length < 5 || checkedPhone.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')')))
        {
            throw DomainException.Invalid("customer.phone", "must be 5-32 characters of digits, spaces and + - ( )");
        }

        return new Customer
        {
            Name = Identifiers.RequireText(name, "customer.name", 200),
            Phone = checkedPhone,
            Address = addressRequired ? Identifiers.RequireText(address, "customer.address", 500) : Identifiers.OptionalText(address, "customer.address", 500),
        };
    }

    public static Product CreateProduct(string? category, string? model, string? serialNumber, DateOnly purchaseDate) => new()
    {
        Category = Identifiers.RequireText(category, "product.category", 64),
        Model = Identifiers.RequireText(model, "product.model", 128),
        SerialNumber = Identifiers.RequireText(serialNumber, "product.serial_number", 128),
        PurchaseDate = purchaseDate,
    };
}
