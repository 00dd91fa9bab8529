using RepairNetwork.Domain.Appointments;
using RepairNetwork.Domain.Calendars;
using RepairNetwork.Domain.Geo;
using RepairNetwork.Domain.Outlets;
using RepairNetwork.Domain.Technicians;
using static RepairNetwork.Domain.Tests.Calendars.CalendarTestData;

namespace RepairNetwork.Domain.Tests.Appointments;

/// <summary>
/// Builders for slot planning. The default outlet is SH-001 in Shanghai (UTC+8, no DST), open Monday to
/// Friday 09:00-18:00; 2027-03-01 is a Monday and "now" is the Sunday evening before unless a test says otherwise.
/// </summary>
internal static class SlotTestData
{
    public const string OutletId = "SH-001";
    public const string Skill = "phone.screen";
    public const string Field = "slot_id";

    public static readonly AppointmentPolicy Policy = AppointmentPolicy.Default;
    public static readonly GeoPoint Outlet = TestData.Shanghai;
    public static readonly DateOnly Monday = D(3, 1);
    public static readonly DateTimeOffset SundayEvening = Sh(2, 28, 20);

    /// <summary>11.5 km east of the outlet: 14.95 km by road, 29.9 min at 30 km/h, booked as 30 min.</summary>
    public static readonly GeoPoint East = TestData.Destination(Outlet, 90, 11.5);

    /// <summary>11.5 km west of the outlet: 30 min from it, 60 min from <see cref="East"/> (23 km, 29.9 km by road).</summary>
    public static readonly GeoPoint West = TestData.Destination(Outlet, 270, 11.5);

    public static JobTemplate Job(int minutes = 60, int bufferMinutes = 0) => JobTemplate.Create(Skill, minutes, null, null, bufferMinutes, "template");

    public static TechnicianProfile Tech(string id, TechnicianSchedule? schedule = null, string skill = Skill) =>
        TestData.Technician(id, OutletId, true, (skill, D(12, 31, 2030))) with { Schedule = schedule ?? TechnicianSchedule.WhenOutletOpen };

    public static OutletAgenda Time(BusinessCalendar? calendar = null, IEnumerable<TechnicianProfile>? technicians = null, IEnumerable<Appointment>? booked = null) => new()
    {
        OutletId = OutletId,
        OutletName = "Outlet SH-001",
        Location = Outlet,
        Calendar = calendar ?? Calendar(OfficeHours()),
        Technicians = [.. technicians ?? [Tech("tech-1")]],
        Booked = [.. booked ?? []],
    };

    public static SlotQuery CarryIn(JobTemplate? job = null, DateTimeOffset? now = null) =>
        new() { Template = job ?? Job(), Mode = ServiceMode.CarryIn, Location = Outlet, Now = now ?? SundayEvening };

    public static SlotQuery OnSite(GeoPoint customer, JobTemplate? job = null, DateTimeOffset? now = null) =>
        new() { Template = job ?? Job(), Mode = ServiceMode.OnSite, Location = customer, Now = now ?? SundayEvening };

    public static SlotRange Day(DateOnly date) => new() { From = date, To = date };

    public static OutletSlots Find(OutletAgenda outlet, SlotQuery query, DateOnly date, int max = 50) =>
        SlotPlanner.Find(outlet, query, Day(date), max, Policy);

    /// <summary>The local windows offered, e.g. "09:00-09:30".</summary>
    public static string[] Windows(OutletSlots slots) => [.. slots.Slots.Select(s => s.LocalWindow)];

    /// <summary>A booked on-site visit (or carry-in job when <paramref name="at"/> is the outlet) in Shanghai on 2027-03-01.</summary>
    public static Appointment Visit(string orderId, string technicianId, GeoPoint at, int startHour, int startMinute, int endHour, int endMinute, DateOnly? date = null, int? windowHour = null)
    {
        var day = date ?? Monday;
        var onSite = at != Outlet;
        var windowStart = Sh(day.Month, day.Day, windowHour ?? startHour, 0, day.Year);
        var windowEnd = windowStart + Policy.WindowFor(onSite ? ServiceMode.OnSite : ServiceMode.CarryIn);
        return new Appointment
        {
            OrderId = orderId,
            OutletId = OutletId,
            TechnicianId = technicianId,
            Mode = onSite ? ServiceMode.OnSite : ServiceMode.CarryIn,
            WindowStart = windowStart,
            WindowEnd = windowEnd,
            PlannedStart = Sh(day.Month, day.Day, startHour, startMinute, day.Year),
            PlannedEnd = Sh(day.Month, day.Day, endHour, endMinute, day.Year),
            Location = at,
            TimeZoneId = Shanghai,
            LocalDate = day,
            LocalWindow = $"{windowStart.ToOffset(ChinaOffset):HH\\:mm}-{windowEnd.ToOffset(ChinaOffset):HH\\:mm}",
            HeldAt = SundayEvening,
            Confirmed = true,
        };
    }
}
