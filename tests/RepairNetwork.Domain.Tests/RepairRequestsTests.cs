using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Orders;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed partial class RepairRequestsTests
{
    [GeneratedRegex(@"\ARO-[0-9A-HJKMNP-TV-Z]{16}\z")]
    private static partial Regex OrderIdPattern();

    [Fact]
    public void The_order_id_for_a_request_id_is_always_the_same()
    {
        Assert.Equal(RepairRequests.OrderIdFor("req-123"), RepairRequests.OrderIdFor("req-123"));
        Assert.Equal(RepairRequests.OrderIdFor("重试-✓"), RepairRequests.OrderIdFor("重试-✓"));
    }

    [Theory]
    [InlineData("req-123")]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("重试-✓")]
    [InlineData("a very long idempotency key with spaces and punctuation!? 0123456789")]
    public void An_order_id_is_RO_dash_and_16_Crockford_base32_characters(string requestId)
    {
        var id = RepairRequests.OrderIdFor(requestId);

        Assert.Matches(OrderIdPattern(), id);
        Assert.Equal(19, id.Length);
    }

    [Theory]
    [InlineData("req-123")]
    [InlineData("")]
    [InlineData("重试-✓")]
    public void The_order_id_encodes_the_first_80_bits_of_the_SHA256_of_the_request_id(string requestId)
    {
        // Independent reference: the first 10 hash bytes as a big-endian number, written in base 32.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(requestId));
        var value = new BigInteger(hash.AsSpan(0, 10), isUnsigned: true, isBigEndian: true);
        var digits = new char[16];
        for (var i = 15; i >= 0; i--)
        {
            digits[i] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(int)(value % 32)];
            value /= 32;
        }

        Assert.Equal("RO-" + new string(digits), RepairRequests.OrderIdFor(requestId));
    }

    [Fact]
    public void Different_request_ids_give_different_order_ids()
    {
        var keys = Enumerable.Range(0, 20_000).Select(i => $"request-{i}")
            .Concat(["a", "A", "a ", " a", "request-1\n"])
            .ToList();

        var ids = keys.Select(RepairRequests.OrderIdFor).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(keys.Count, ids.Count);
    }

    [Theory]
    [InlineData("+86 21 5555 0100")]
    [InlineData("(021) 5555-0100")]
    [InlineData("12345")]
    [InlineData("+1-800-555-0199")]
    public void Phone_numbers_of_digits_spaces_plus_dash_and_parentheses_are_accepted(string phone)
    {
        var customer = RepairRequests.CreateCustomer("Li Wei", phone, "88 Century Avenue", addressRequired: true);

        Assert.Equal(phone, customer.Phone);
    }

    [Fact]
    public void A_phone_number_is_trimmed()
    {
        Assert.Equal("13800138000", RepairRequests.CreateCustomer("Li Wei", "  13800138000 ", null, addressRequired: false).Phone);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("1234")]
    [InlineData("   1234   ")]
    [InlineData("12345x")]
    [InlineData("555-0100 ext. 2")]
    [InlineData("+86.21.5555.0100")]
    [InlineData("１２３４５")] // full-width digits
    [InlineData("123456789012345678901234567890123")] // 33 characters
    public void Phone_numbers_that_are_missing_too_short_too_long_or_contain_other_characters_are_rejected(string? phone)
    {
        AssertInvalid("customer.phone", () => RepairRequests.CreateCustomer("Li Wei", phone, "88 Century Avenue", addressRequired: true));
    }

    [Fact]
    public void A_32_character_phone_number_is_accepted()
    {
        var phone = "+" + new string('1', 31);

        Assert.Equal(phone, RepairRequests.CreateCustomer("Li Wei", phone, null, addressRequired: false).Phone);
    }

    [Fact]
    public void The_customer_address_is_required_only_when_asked_for()
    {
        AssertInvalid("customer.address", () => RepairRequests.CreateCustomer("Li Wei", "13800138000", "  ", addressRequired: true));
        Assert.Equal(string.Empty, RepairRequests.CreateCustomer("Li Wei", "13800138000", null, addressRequired: false).Address);
        AssertInvalid("customer.address", () => RepairRequests.CreateCustomer("Li Wei", "13800138000", new string('a', 501), addressRequired: false));
    }

    [Fact]
    public void The_customer_name_is_required()
    {
        AssertInvalid("customer.name", () => RepairRequests.CreateCustomer(" ", "13800138000", null, addressRequired: false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("line\nbreak")]
    public void A_request_id_must_be_present_and_printable(string? requestId)
    {
        var customer = RepairRequests.CreateCustomer("Li Wei", "13800138000", null, addressRequired: false);
        var product = RepairRequests.CreateProduct("phone", "X1", "SN1", new DateOnly(2024, 1, 1));
        var job = new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = Shanghai };

        AssertInvalid("request_id", () => RepairRequests.Create(requestId, customer, product, "cracked", job));
        AssertInvalid("request_id", () => RepairRequests.Create(new string('r', RepairRequests.MaxRequestIdLength + 1), customer, product, "cracked", job));
        Assert.Equal(RepairRequests.MaxRequestIdLength, RepairRequests.Create(new string('r', RepairRequests.MaxRequestIdLength), customer, product, "cracked", job).RequestId.Length);
    }

    [Fact]
    public void A_fault_description_is_required()
    {
        var customer = RepairRequests.CreateCustomer("Li Wei", "13800138000", null, addressRequired: false);
        var product = RepairRequests.CreateProduct("phone", "X1", "SN1", new DateOnly(2024, 1, 1));
        var job = new JobRequirement { Capability = "phone.screen", Mode = ServiceMode.CarryIn, CustomerLocation = Shanghai };

        AssertInvalid("fault_description", () => RepairRequests.Create("r-1", customer, product, "  ", job));
    }

    [Fact]
    public void Product_fields_are_required_and_named()
    {
        var date = new DateOnly(2024, 1, 1);

        AssertInvalid("product.category", () => RepairRequests.CreateProduct("", "X1", "SN1", date));
        AssertInvalid("product.model", () => RepairRequests.CreateProduct("phone", null, "SN1", date));
        AssertInvalid("product.serial_number", () => RepairRequests.CreateProduct("phone", "X1", " ", date));
    }
}
