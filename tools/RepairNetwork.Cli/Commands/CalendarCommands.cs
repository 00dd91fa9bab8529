using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using RepairNetwork.Cli.Infrastructure;
using RepairNetwork.Contracts.V1;

namespace RepairNetwork.Cli.Commands;

/// <summary><c>rn calendar put|list|show</c>: headquarters' holiday calendars.</summary>
internal static class CalendarCommands
{
    public static Command Create(CliApp app)
    {
        var command = new Command("calendar", "Put, list and show holiday calendars (headquarters)")
        {
            Put(app),
            List(app),
            Show(app),
        };
        command.Aliases.Add("calendars");
        return command;
    }

    private static Command Put(CliApp app)
    {
        var file = new Option<FileInfo>("--file") { Description = "The calendar as JSON (the API's HolidayCalendar message: calendar_id, name, holidays, make_up_workdays, regions)" };
        var id = new Option<string>("--id") { Description = "Calendar id, e.g. cn-national-2027 (overrides the file's)" };
        var name = new Option<string>("--name") { Description = "Display name (overrides the file's)" };
        var holidays = new Option<string[]>("--holiday") { Description = "A holiday FIRST..LAST:NAME or DAY:NAME (repeatable; replaces the file's)", HelpName = "range:name" };
        var makeUps = new Option<string[]>("--make-up") { Description = "A make-up working weekend day DAY:NAME (repeatable; replaces the file's)", HelpName = "day:name" };
        var regions = new Option<string[]>("--region") { Description = "Region it applies to: a code (CN-23), a prefix (CN-*) or * (repeatable; replaces the file's)", HelpName = "pattern" };
        var expectedVersion = new Option<long>("--expected-version") { Description = "Store only if the calendar is still at this version (0: no check)" };

        var command = new Command("put", "Create or replace a holiday calendar; putting the same content again changes nothing")
        {
            file, id, name, holidays, makeUps, regions, expectedVersion,
        };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var calendar = r.GetValue(file) is { } path
                ? JsonParser.Default.Parse<HolidayCalendar>(await File.ReadAllTextAsync(path.FullName, ct))
                : new HolidayCalendar();
            calendar.CalendarId = r.GetValue(id) ?? calendar.CalendarId;
            calendar.Name = r.GetValue(name) ?? calendar.Name;
            if (r.GetValue(holidays) is { Length: > 0 } given)
            {
                calendar.Holidays.Clear();
                calendar.Holidays.AddRange(given.Select(h => BusinessTimeInput.DatedReason(h, "--holiday")).Select(h => new Holiday { FirstDay = h.First, LastDay = h.Last, Name = h.Reason }));
            }

            if (r.GetValue(makeUps) is { Length: > 0 } days)
            {
                calendar.MakeUpWorkdays.Clear();
                calendar.MakeUpWorkdays.AddRange(days.Select(d => BusinessTimeInput.DatedReason(d, "--make-up")).Select(d => new MakeUpWorkday { Date = d.First, Name = d.Reason }));
            }

            if (r.GetValue(regions) is { Length: > 0 } patterns)
            {
                calendar.Regions.Clear();
                calendar.Regions.AddRange(patterns);
            }

            var client = new CalendarService.CalendarServiceClient(app.Channel(r));
            var stored = (await client.PutHolidayCalendarAsync(new PutHolidayCalendarRequest { Calendar = calendar, ExpectedVersion = r.GetValue(expectedVersion) }, CliApp.Call(ct))).Calendar;
            Print(stored);
            return 0;
        }));
        return command;
    }

    private static Command List(CliApp app)
    {
        var command = new Command("list", "List the holiday calendars");
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new CalendarService.CalendarServiceClient(app.Channel(r));
            var request = new ListHolidayCalendarsRequest { PageSize = 100 };
            var table = Tables.New("Id", "Name", "Regions", "Holidays", "Make-up days", "First", "Last", "Version").RightAlign(3, 4, 7);
            var count = 0;
            do
            {
                var page = await client.ListHolidayCalendarsAsync(request, CliApp.Call(ct));
                foreach (var calendar in page.Calendars)
                {
                    table.Row(
                        calendar.CalendarId,
                        calendar.Name,
                        calendar.Regions.Count == 0 ? "(assigned one by one)" : string.Join(", ", calendar.Regions),
                        calendar.Holidays.Count.ToString(CultureInfo.InvariantCulture),
                        calendar.MakeUpWorkdays.Count.ToString(CultureInfo.InvariantCulture),
                        calendar.Holidays.FirstOrDefault()?.FirstDay,
                        calendar.Holidays.LastOrDefault()?.LastDay,
                        calendar.Version.ToString(CultureInfo.InvariantCulture));
                    count++;
                }

                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);

            Tables.PageFooter(table, count, "calendar", "calendars", string.Empty);
            return 0;
        }));
        return command;
    }

    private static Command Show(CliApp app)
    {
        var id = new Argument<string>("calendar-id") { Description = "The calendar's id, e.g. cn-national-2027" };
        var command = new Command("show", "Show a holiday calendar's holidays and make-up working days") { id };
        command.SetAction(CliApp.Guard(async (r, ct) =>
        {
            var client = new CalendarService.CalendarServiceClient(app.Channel(r));
            Print((await client.GetHolidayCalendarAsync(new GetHolidayCalendarRequest { CalendarId = r.GetRequiredValue(id) }, CliApp.Call(ct))).Calendar);
            return 0;
        }));
        return command;
    }

    private static void Print(HolidayCalendar calendar)
    {
        Tables.Details(
        [
            ("Calendar", calendar.CalendarId),
            ("Name", calendar.Name),
            ("Regions", calendar.Regions.Count == 0 ? "none (assigned to outlets one by one)" : string.Join(", ", calendar.Regions)),
            ("Version", calendar.Version.ToString(CultureInfo.InvariantCulture)),
        ]);
        var table = Tables.New("Dates", "Day", "What");
        foreach (var holiday in calendar.Holidays)
        {
            table.Row(BusinessTimeInput.Range(holiday.FirstDay, holiday.LastDay), "closed", holiday.Name);
        }

        foreach (var makeUp in calendar.MakeUpWorkdays)
        {
            table.Row(makeUp.Date, $"works as {BusinessTimeInput.DayName(makeUp.WorksAs)}", makeUp.Name);
        }

        Tables.PageFooter(table, calendar.Holidays.Count + calendar.MakeUpWorkdays.Count, "entry", "entries", string.Empty);
    }
}
