using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class OutletProfileTests
{
    /// <summary>
    /// An OutletProfile as the Orleans serializer wrote it before the region existed (ids 0-9):
    /// Profile("SH-0001", Shanghai, ["phone.screen", "laptop.battery"]) from TestData.
    /// </summary>
    private const string ProfileWithoutRegion =
        "IOhAD1NILTAwMDFBHU91dGxldCBTSC0wMDAxQRcxIFRlc3QgUm9hZEEhKzg2IDIxIDU1NTUgMDEwMCHogGKE8GjjOD9AgcXm49pQXV5A4CHoQBtBc2lhL1NoYW5naGFpISAADyHoAAWBAKjnb0sAAACBAFDP35YAAADgIOgACYEAqOdvSwAAAIEAUM/flgAAAOAg6AANgQCo529LAAAAgQBQz9+WAAAA4CDoABGBAKjnb0sAAACBAFDP35YAAADgIOgAFYEAqOdvSwAAAIEAUM/flgAAAOAg6AAZgQCo529LAAAAgQBQz9+WAAAA4CDoAAGBAKjnb0sAAACBAFDP35YAAADg4ODgIegAAwEDAQGBAAAAAAAAAADgISAABUEdbGFwdG9wLmJhdHRlcnlAGXBob25lLnNjcmVlbuDgASnBAeA=";

    [Theory]
    [InlineData("CN-23")]
    [InlineData("shanghai")]
    [InlineData("EU.west_2")]
    public void A_region_with_id_syntax_is_kept(string region)
    {
        Assert.Equal(region, Profile("SH-0001", Shanghai, region: region).Region);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void The_region_is_optional(string? region)
    {
        Assert.Equal(string.Empty, Profile("SH-0001", Shanghai, region: region).Region);
    }

    [Fact]
    public void A_region_may_be_64_characters_but_not_65()
    {
        Assert.Equal(64, Profile("SH-0001", Shanghai, region: new string('r', 64)).Region.Length);
        AssertInvalid("outlet.region", () => Profile("SH-0001", Shanghai, region: new string('r', 65)));
    }

    [Theory]
    [InlineData("CN 23")]
    [InlineData(" CN-23")]
    [InlineData("-CN")]
    [InlineData("CN/23")]
    [InlineData("上海")]
    [InlineData("CN-23\n")]
    public void A_region_with_other_characters_is_rejected(string region)
    {
        AssertInvalid("outlet.region", () => Profile("SH-0001", Shanghai, region: region));
    }

    [Fact]
    public void Profiles_that_differ_only_in_region_are_not_the_same()
    {
        var a = Profile("SH-0001", Shanghai, region: "CN-23");

        Assert.True(a.SameAs(Profile("SH-0001", Shanghai, region: "CN-23")));
        Assert.False(a.SameAs(Profile("SH-0001", Shanghai, region: "CN-22")));
        Assert.False(a.SameAs(Profile("SH-0001", Shanghai)));
    }

    [Fact]
    public void A_profile_stored_before_regions_existed_reads_back_with_an_empty_region()
    {
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        var stored = serializer.Deserialize<OutletProfile>(Convert.FromBase64String(ProfileWithoutRegion));

        Assert.NotNull(stored);
        Assert.Equal(string.Empty, stored.Region);
        Assert.True(stored.SameAs(Profile("SH-0001", Shanghai, ["phone.screen", "laptop.battery"])));
    }
}
