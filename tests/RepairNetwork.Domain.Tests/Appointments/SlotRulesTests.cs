using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Inventory;
using RepairNetwork.Domain.Outlets;
using static RepairNetwork.Domain.Tests.Appointments.SlotTestData;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>Slot ids, slot search ranges and job templates.</summary>
public sealed class SlotRulesTests
{
    private static readonly DateTimeOffset Now = Utc(3, 1, 12);

    [Theory]
    [InlineData(ServiceMode.CarryIn, "SH-001@2027-12-03T08:00Z/carry-in")]
    [InlineData(ServiceMode.OnSite, "SH-001@2027-12-03T08:00Z/on-site")]
    public void A_slot_id_names_outlet_utc_start_and_mode_and_parses_back(ServiceMode mode, string id)
    {
        var start = Sh(12, 3, 16);

        Assert.Equal(id, SlotIds.Format(OutletId, mode, start));
        var (outlet, parsedMode, parsedStart) = SlotIds.Parse(id, Field);
        Assert.Equal((OutletId, mode, start), (outlet, parsedMode, parsedStart));
        Assert.Equal(TimeSpan.Zero, parsedStart.Offset);
    }

    [Fact]
    public void A_slot_option_id_parses_back_to_a_bookable_start()
    {
        var slot = Find(Time(), CarryIn(), Monday).Slots[3];

        var (outlet, mode, start) = SlotIds.Parse(slot.SlotId, Field);

        Assert.Equal((slot.OutletId, slot.Mode, slot.WindowStart), (outlet, mode, start));
        Assert.Equal(slot.WindowStart, SlotPlanner.Book(Time(), CarryIn(), "order-1", start, Policy, Field).WindowStart);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SH-001-2027-12-03T08:00Z/on-site")]      // no '@'
    [InlineData("@2027-12-03T08:00Z/on-site")]            // no outlet
    [InlineData("SH 001@2027-12-03T08:00Z/on-site")]      // not an outlet id
    [InlineData("SH-001@2027-13-03T08:00Z/on-site")]      // no 13th month
    [InlineData("SH-001@2027-12-03 08:00/on-site")]       // not the date format
    [InlineData("SH-001@2027-12-03T08:00Z")]              // no mode
    [InlineData("SH-001@2027-12-03T08:00Z/mail-in")]      // mail-in has no slots
    [InlineData("SH-001@2027-12-03T08:00Z/On-Site")]      // modes are lower case
    public void A_malformed_slot_id_is_an_invalid_argument_naming_the_field(string? id)
    {
        var ex = TestData.AssertInvalid("reschedule.slot_id", () => SlotIds.Parse(id, "reschedule.slot_id"));

        Assert.Contains("is not a slot id", ex.Message);
    }

    [Fact]
    public void A_range_ending_before_it_starts_is_invalid_naming_to_date()
    {
        var ex = TestData.AssertInvalid("to_date", () => SlotRange.Create(D(3, 5), D(3, 4), Now, Policy));

        Assert.Contains("must not be before from_date", ex.Message);
    }

    [Fact]
    public void A_range_may_cover_at_most_31_days()
    {
        Assert.Equal(D(3, 31), SlotRange.Create(D(3, 1), D(3, 31), Now, Policy).To);

        var ex = TestData.AssertInvalid("to_date", () => SlotRange.Create(D(3, 1), D(4, 1), Now, Policy));
        Assert.Contains("at most 31 days", ex.Message);
    }

    [Fact]
    public void A_range_ending_in_the_past_everywhere_is_invalid_naming_to_date()
    {
        var ex = TestData.AssertInvalid("to_date", () => SlotRange.Create(null, D(2, 28), Now, Policy));
        Assert.Contains("2027-02-28 is in the past", ex.Message);

        // Still today somewhere on earth (UTC-12 at 00:30 UTC on 03-01 is 02-28): not rejected.
        Assert.Equal(D(2, 28), SlotRange.Create(null, D(2, 28), Utc(3, 1, 0, 30), Policy).To);
    }

    [Fact]
    public void A_range_starting_more_than_400_days_ahead_is_invalid_naming_from_date()
    {
        TestData.AssertInvalid("from_date", () => SlotRange.Create(D(3, 1).AddDays(401), null, Now, Policy));
        Assert.NotNull(SlotRange.Create(D(3, 1).AddDays(400), null, Now, Policy));
    }

    [Fact]
    public void A_range_is_read_at_each_outlet_from_its_own_today()
    {
        var today = D(3, 10);

        Assert.Equal((today, D(3, 16)), new SlotRange().At(today, Policy));                               // default 7 days
        Assert.Equal((today, D(3, 12)), new SlotRange { From = D(3, 8), To = D(3, 12) }.At(today, Policy)); // never before today
        Assert.Equal((D(3, 20), D(3, 26)), new SlotRange { From = D(3, 20) }.At(today, Policy));
        Assert.Equal((today, D(4, 9)), new SlotRange { To = D(5, 30) }.At(today, Policy));                 // at most 31 days
        Assert.Equal((today, D(3, 9)), new SlotRange { To = D(3, 9) }.At(today, Policy));                  // nothing left: Find says why
    }

    [Fact]
    public void A_range_already_over_at_the_outlet_has_no_slots_and_says_so()
    {
        // Validated at UTC-12 (still 02-28 there), but 03-01 in Shanghai.
        var range = SlotRange.Create(D(2, 28), D(2, 28), Utc(3, 1, 0, 30), Policy);

        var slots = SlotPlanner.Find(Time(), CarryIn(now: Utc(3, 1, 0, 30)), range, 10, Policy);

        Assert.Empty(slots.Slots);
        Assert.Contains("before today at SH-001", slots.Reason);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(721)]
    [InlineData(0)]
    [InlineData(-30)]
    public void A_job_template_duration_outside_5_minutes_to_12_hours_is_invalid(int minutes)
    {
        var ex = TestData.AssertInvalid("template.duration_minutes", () => JobTemplate.Create(Skill, minutes, null, null, 0, "template"));

        Assert.Contains("5-720 minutes", ex.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(720)]
    public void A_job_template_duration_at_the_bounds_is_accepted(int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), JobTemplate.Create(Skill, minutes, null, null, 0, "template").Duration);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(241)]
    public void A_travel_buffer_outside_0_to_4_hours_is_invalid(int minutes)
    {
        TestData.AssertInvalid("template.travel_buffer_minutes", () => JobTemplate.Create(Skill, 60, null, null, minutes, "template"));
    }

    [Fact]
    public void The_skill_defaults_to_the_capability_and_an_explicit_one_is_checked()
    {
        Assert.Equal(Skill, JobTemplate.Create(Skill, 60, null, null, 0, "template").Skill);
        Assert.Equal(Skill, JobTemplate.Create(Skill, 60, "", null, 0, "template").Skill);
        Assert.Equal("phone.board", JobTemplate.Create(Skill, 60, "phone.board", null, 240, "template").Skill);
        TestData.AssertInvalid("template.skill", () => JobTemplate.Create(Skill, 60, "Phone Board", null, 0, "template"));
        TestData.AssertInvalid("template.capability", () => JobTemplate.Create("", 60, null, null, 0, "template"));
        TestData.AssertInvalid("template.default_parts[0].quantity", () => JobTemplate.Create(Skill, 60, null, [PartQuantity.Of("SKU-1", 0)], 0, "template"));
    }

    [Fact]
    public void A_slot_search_checks_the_templates_skill_not_the_capability()
    {
        var job = JobTemplate.Create("phone.screen", 60, "phone.board", null, 0, "template");

        Assert.Empty(Find(Time(technicians: [Tech("tech-1", skill: "phone.screen")]), CarryIn(job), Monday).Slots);
        Assert.NotEmpty(Find(Time(technicians: [Tech("tech-1", skill: "phone.board")]), CarryIn(job), Monday).Slots);
    }

    [Fact]
    public void The_on_site_buffer_is_booked_only_on_site()
    {
        var job = JobTemplate.Create(Skill, 60, null, null, 20, "template");

        Assert.Equal(TimeSpan.FromMinutes(80), job.TimeBooked(onSite: true));
        Assert.Equal(TimeSpan.FromMinutes(60), job.TimeBooked(onSite: false));
    }

    [Fact]
    public void Putting_a_template_makes_a_new_version_unless_it_is_identical()
    {
        var screen = JobTemplate.Create(Skill, 60, null, [PartQuantity.Of("SKU-1", 1)], 0, "template");

        var v1 = JobTemplates.None.Put(screen);
        Assert.Equal(1, v1.Version);
        Assert.Same(v1, v1.Put(JobTemplate.Create(Skill, 60, null, [PartQuantity.Of("SKU-1", 1)], 0, "template")));

        var v2 = v1.Put(JobTemplate.Create(Skill, 90, null, [PartQuantity.Of("SKU-1", 1)], 0, "template"));
        Assert.Equal(2, v2.Version);
        Assert.Equal(TimeSpan.FromMinutes(90), v2.For(Skill)!.Duration);
        Assert.Equal(3, v2.Put(JobTemplate.Create(Skill, 90, null, [PartQuantity.Of("SKU-1", 2)], 0, "template")).Version);
    }

    [Fact]
    public void Deleting_a_template_makes_a_new_version_only_when_there_was_one()
    {
        var v1 = JobTemplates.None.Put(Job());

        var v2 = v1.Delete(Skill);
        Assert.Equal(2, v2.Version);
        Assert.Null(v2.For(Skill));
        Assert.Same(v2, v2.Delete(Skill));

        var ex = TestData.AssertPrecondition(() => v2.Require(Skill, "capability"));
        Assert.Contains("'phone.screen' has no job template", ex.Message);
    }
}
