using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("outlet-001")]
    [InlineData("SH.Pudong_02")]
    public void Ids_of_letters_digits_dots_underscores_and_dashes_are_accepted(string id)
    {
        Assert.Equal(id, Identifiers.RequireId(id, "outlet_id"));
    }

    [Fact]
    public void An_id_may_be_64_characters_but_not_65()
    {
        Assert.Equal(64, Identifiers.RequireId(new string('a', 64), "outlet_id").Length);
        AssertInvalid("outlet_id", () => Identifiers.RequireId(new string('a', 65), "outlet_id"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void An_id_is_required(string? id)
    {
        var ex = AssertInvalid("outlet_id", () => Identifiers.RequireId(id, "outlet_id"));

        Assert.Contains("required", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-abc")]
    [InlineData(".abc")]
    [InlineData("_abc")]
    [InlineData("a b")]
    [InlineData(" abc")]
    [InlineData("abc ")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("café")]
    [InlineData("ａbc")] // full-width letter
    [InlineData("a\tb")]
    [InlineData("\nabc")]
    [InlineData("abc\u0000")]
    public void Ids_with_other_characters_or_not_starting_with_a_letter_or_digit_are_rejected(string id)
    {
        AssertInvalid("outlet_id", () => Identifiers.RequireId(id, "outlet_id"));
    }

    [Fact]
    public void An_id_with_a_trailing_newline_is_rejected()
    {
        AssertInvalid("outlet_id", () => Identifiers.RequireId("abc\n", "outlet_id"));
        AssertInvalid("outlet_id", () => Identifiers.RequireId(new string('a', 64) + "\n", "outlet_id"));
        AssertInvalid("capability", () => Identifiers.RequireCapability("phone.screen\n", "capability"));
    }

    [Theory]
    [InlineData("phone")]
    [InlineData("phone.screen")]
    [InlineData("laptop.keyboard-backlight")]
    [InlineData("tv_panel.4k")]
    [InlineData("a1.b2.c3")]
    public void Capabilities_of_lower_case_words_joined_by_dot_dash_or_underscore_are_accepted(string capability)
    {
        Assert.Equal(capability, Identifiers.RequireCapability(capability, "capability"));
    }

    [Theory]
    [InlineData("Phone.Screen")]
    [InlineData("phone..screen")]
    [InlineData("phone.")]
    [InlineData(".phone")]
    [InlineData("phone screen")]
    [InlineData("phone/screen")]
    [InlineData("phone.-screen")]
    [InlineData("téléphone")]
    public void Capabilities_that_are_not_lower_case_words_joined_by_single_separators_are_rejected(string capability)
    {
        var ex = AssertInvalid("outlet.capabilities[0]", () => Identifiers.RequireCapability(capability, "outlet.capabilities[0]"));

        Assert.Contains(capability, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_capability_is_required(string? capability)
    {
        AssertInvalid("capability", () => Identifiers.RequireCapability(capability, "capability"));
    }

    [Fact]
    public void A_capability_may_be_64_characters_but_not_65()
    {
        var sixtyFour = new string('a', 30) + "." + new string('b', 33);
        Assert.Equal(64, sixtyFour.Length);

        Assert.Equal(sixtyFour, Identifiers.RequireCapability(sixtyFour, "capability"));
        AssertInvalid("capability", () => Identifiers.RequireCapability(sixtyFour + "c", "capability"));
    }

    [Fact]
    public void A_rejected_huge_capability_is_shortened_in_the_message()
    {
        var ex = AssertInvalid("capability", () => Identifiers.RequireCapability(new string('X', 10_000), "capability"));

        Assert.True(ex.Message.Length < 400, $"message is {ex.Message.Length} characters");
        Assert.Contains(new string('X', 40) + "…", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Required_text_is_trimmed()
    {
        Assert.Equal("Pudong Repair", Identifiers.RequireText("  Pudong Repair \t", "name", 200));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void Required_text_that_is_blank_is_rejected(string? text)
    {
        var ex = AssertInvalid("name", () => Identifiers.RequireText(text, "name", 200));

        Assert.Contains("required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_may_be_exactly_the_length_limit_after_trimming_but_not_one_more()
    {
        Assert.Equal(10, Identifiers.RequireText("  " + new string('a', 10) + "  ", "name", 10).Length);

        var ex = AssertInvalid("name", () => Identifiers.RequireText(new string('a', 11), "name", 10));
        Assert.Contains("at most 10", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bell\u0007")]
    [InlineData("nul\u0000byte")]
    [InlineData("escape\u001b[31m")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085control")]
    public void Text_with_control_characters_is_rejected(string text)
    {
        var ex = AssertInvalid("fault_description", () => Identifiers.RequireText(text, "fault_description", 2000));

        Assert.Contains("control", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_may_contain_line_breaks_and_tabs_inside()
    {
        const string text = "Screen cracked.\r\nTouch\tworks.\nNo water damage.";

        Assert.Equal(text, Identifiers.RequireText(text, "fault_description", 2000));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Optional_text_that_is_absent_becomes_empty(string? text)
    {
        Assert.Equal(string.Empty, Identifiers.OptionalText(text, "phone", 32));
    }

    [Fact]
    public void Optional_text_still_obeys_the_length_limit_and_control_character_rule()
    {
        Assert.Equal("+86 21", Identifiers.OptionalText(" +86 21 ", "phone", 32));
        AssertInvalid("phone", () => Identifiers.OptionalText(new string('1', 33), "phone", 32));
        AssertInvalid("phone", () => Identifiers.OptionalText("123\u0007", "phone", 32));
    }
}
