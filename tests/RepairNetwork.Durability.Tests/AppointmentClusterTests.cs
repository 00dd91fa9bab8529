using Grpc.Core;
using RepairNetwork.Server.Tests;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Durability.Tests;

/// <summary>Appointments across silos: a technician's time is booked once whichever silo each caller reaches.</summary>
public sealed class AppointmentClusterTests
{
    [Fact]
    public async Task Fifty_bookings_of_one_slot_through_two_silos_book_exactly_one()
    {
        await using var database = await TestDatabase.CreateAsync();
        var cluster = "appt-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string> { ["OutletIndex:PollInterval"] = "00:00:00.500" };
        await using var a = await ServerProcess.StartAsync("A", database.ConnectionString, cluster, settings);
        await using var b = await ServerProcess.StartAsync("B", database.ConnectionString, cluster, settings);
        var (lat, lon) = (31.23, 121.47);
        await a.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet("SLOT-0001", lat + 0.01, lon, alwaysOpen: true) });
        await a.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician("SLOT-0001-T1", "SLOT-0001", expiresOn: "2099-12-31") });
        await new Api.AppointmentService.AppointmentServiceClient(a.Channel).PutJobTemplateAsync(new Api.PutJobTemplateRequest
        {
            Template = new Api.JobTemplate { Capability = "phone.screen", DurationMinutes = 45 },
        });

        // Both silos must know the outlet and the template (each keeps its own copy) before the race.
        var query = new Api.FindSlotsRequest { Location = new Api.LatLng { Latitude = lat, Longitude = lon }, Capability = "phone.screen", ServiceMode = Api.ServiceMode.CarryIn };
        var slot = (await SlotsVia(a, query)).Slots[0];
        var seenByB = await SlotsVia(b, query);
        Assert.Equal(slot.SlotId, seenByB.Slots[0].SlotId);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            var request = Samples.Order(lat, lon, requestId: $"race-{i}");
            request.SlotId = slot.SlotId;
            try
            {
                return (await (i % 2 == 0 ? a : b).Orders.CreateRepairOrderAsync(request)).Order.Appointment.SlotId;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
            {
                return null;
            }
        }));

        Assert.Single(outcomes, o => o is not null);
        Assert.Equal(49, outcomes.Count(o => o is null));
        var after = await SlotsVia(b, query);
        Assert.DoesNotContain(after.Slots, s => s.SlotId == slot.SlotId);
    }

    /// <summary>Slots as a silo sees them, waiting (up to ~30 s) for it to have the outlet and the template.</summary>
    private static async Task<Api.FindSlotsResponse> SlotsVia(ServerProcess server, Api.FindSlotsRequest query)
    {
        var client = new Api.AppointmentService.AppointmentServiceClient(server.Channel);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var found = await client.FindSlotsAsync(query);
                if (found.Slots.Count > 0 || attempt == 60)
                {
                    return found;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && attempt < 60)
            {
                // This silo has not copied the template yet.
            }

            await Task.Delay(500);
        }
    }
}
