using System.Text;
using System.Text.RegularExpressions;
using Grpc.Core;
using RepairNetwork.Contracts.Import;
using RepairNetwork.Domain;
using RepairNetwork.Grains.Outlets;
using RepairNetwork.Server.Demo;
using RepairNetwork.Server.Mapping;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>Outlet import files (the reader shared by the demo loader and <c>rn import</c>), read and sent to the server.</summary>
public sealed class ImportTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private const string Header = "outlet_id,name,address,phone,latitude,longitude,time_zone,capabilities,carry_in,mail_in,on_site_radius_km,daily_capacity,opening_hours";

    [Fact]
    public void An_outlet_file_without_a_region_column_still_imports_with_no_region()
    {
        var rows = ReadCsv(
            Header,
            "IMP-1,Outlet One,\"1 Test Road, Shanghai\",+86 21 5555 0001,31.2,121.4,Asia/Shanghai,phone.screen;phone.battery,true,false,0,10,Mon-Fri 09:00-18:00");

        var row = Assert.Single(rows);
        Assert.True(row.IsOk, row.Error);
        Assert.Equal("IMP-1", row.Item!.OutletId);
        Assert.Equal(string.Empty, row.Item.Region);
    }

    [Fact]
    public void The_region_column_is_optional_found_by_name_in_any_position_and_trimmed()
    {
        var rows = ReadCsv(
            "Region," + Header,
            "CN-23,IMP-1,Outlet One,1 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,",
            " shanghai ,IMP-2,Outlet Two,2 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,",
            ",IMP-3,Outlet Three,3 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,");

        Assert.All(rows, r => Assert.True(r.IsOk, r.Error));
        Assert.Equal(["CN-23", "shanghai", string.Empty], rows.Select(r => r.Item!.Region));
    }

    [Fact]
    public void A_geojson_feature_carries_the_region_in_its_properties()
    {
        const string json = """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.4, 31.2]},
               "properties": {"outlet_id": "IMP-G1", "name": "Outlet G1", "address": "1 Test Road", "time_zone": "Asia/Shanghai",
                              "capabilities": ["phone.screen"], "carry_in": true, "mail_in": false, "on_site_radius_km": 0,
                              "daily_capacity": 10, "region": "CN-23"}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
               "properties": {"outlet_id": "IMP-G2", "name": "Outlet G2", "address": "2 Test Road", "time_zone": "Asia/Shanghai",
                              "capabilities": ["phone.screen"], "carry_in": true, "mail_in": false, "on_site_radius_km": 0,
                              "daily_capacity": 10}}
            ]}
            """;

        var rows = OutletFileReader.ReadOutletsGeoJson(new MemoryStream(Encoding.UTF8.GetBytes(json))).ToList();

        Assert.All(rows, r => Assert.True(r.IsOk, r.Error));
        Assert.Equal(["CN-23", string.Empty], rows.Select(r => r.Item!.Region));
    }

    [Fact]
    public async Task Imported_rows_keep_their_region_on_the_server_and_a_bad_region_is_refused_naming_the_field()
    {
        var prefix = Samples.UniqueId("IMP");
        var rows = ReadCsv(
            Header + ",region",
            $"{prefix}-1,Outlet One,1 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,,CN-23",
            $"{prefix}-2,Outlet Two,2 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,,",
            $"{prefix}-3,Outlet Three,3 Test Road,,31.2,121.4,Asia/Shanghai,phone.screen,true,false,0,10,,CN 23");
        Assert.All(rows, r => Assert.True(r.IsOk, r.Error));

        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = rows[0].Item });
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = rows[1].Item });
        var refused = await Assert.ThrowsAsync<RpcException>(() => server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = rows[2].Item }).ResponseAsync);

        Assert.Equal("CN-23", (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = $"{prefix}-1" })).Outlet.Region);
        Assert.Equal(string.Empty, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = $"{prefix}-2" })).Outlet.Region);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith("outlet.region:", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_demo_outlet_has_its_province_as_region()
    {
        using var file = File.OpenText(Path.Combine(AppContext.BaseDirectory, "DemoData", "outlets-cn.csv"));

        var rows = OutletFileReader.ReadOutletsCsv(file).ToList();

        Assert.Equal(2000, rows.Count);
        Assert.All(rows, r => Assert.True(r.IsOk, r.Error));
        Assert.All(rows, r => Assert.Matches(new Regex(@"^CN-[0-9]{2}\z"), r.Item!.Region));
        Assert.Equal("CN-23", rows.Single(r => r.Item!.OutletId == "CN-SHA-0001").Item!.Region); // Shanghai, GeoNames admin1 23
        Assert.Equal("CN-22", rows.Single(r => r.Item!.OutletId == "CN-BEI-0001").Item!.Region); // Beijing, GeoNames admin1 22
    }

    [Fact]
    public async Task Reloading_the_demo_adds_the_region_to_outlets_stored_without_one_and_nothing_else()
    {
        var grains = server.Services.GetRequiredService<IGrainFactory>();
        var old = Samples.Outlet(Samples.UniqueId("DEMO"), 31.2, 121.4);
        var renamed = Samples.Outlet(Samples.UniqueId("DEMO"), 31.2, 121.4);
        var stored = (await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = old })).Outlet;
        await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = renamed });
        var withRegion = old.Clone();
        withRegion.Region = "CN-23";
        var renamedWithRegion = renamed.Clone();
        renamedWithRegion.Region = "CN-23";
        renamedWithRegion.Name = "Another name";

        await DemoNetworkLoader.CreateOrAddRegion(grains.GetGrain<IOutletGrain>(old.OutletId), OutletMapping.ToDomain(withRegion));
        await DemoNetworkLoader.CreateOrAddRegion(grains.GetGrain<IOutletGrain>(old.OutletId), OutletMapping.ToDomain(withRegion));
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            DemoNetworkLoader.CreateOrAddRegion(grains.GetGrain<IOutletGrain>(renamed.OutletId), OutletMapping.ToDomain(renamedWithRegion)));

        var reloaded = (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = old.OutletId })).Outlet;
        Assert.Equal("CN-23", reloaded.Region);
        Assert.Equal(stored.Version + 1, reloaded.Version);
        Assert.Equal(DomainErrorKind.AlreadyExists, refused.Kind);
        Assert.Equal(string.Empty, (await server.Outlets.GetOutletAsync(new Api.GetOutletRequest { OutletId = renamed.OutletId })).Outlet.Region);
    }

    private static List<ImportRow<Api.Outlet>> ReadCsv(params string[] lines) =>
        OutletFileReader.ReadOutletsCsv(new StringReader(string.Join("\n", lines) + "\n")).ToList();
}
