using System.Globalization;
using Grpc.Core;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Console.Tests;

/// <summary>The console in a real headless browser against the real server with the demo network.</summary>
public sealed class ConsoleTests(ConsoleServer server)
{
    [Fact]
    public void Loads_with_no_network_beyond_the_server_and_the_map_shows_the_demo_outlets()
    {
        using var browser = Browser.Open(server);
        browser.SignIn(Roles.Hq);
        browser.Go("#/map");

        var map = browser.WaitFor(By.Id("map"));
        var drawn = browser.Until(_ => int.TryParse(map.GetAttribute("data-points"), out var n) && n >= ConsoleServer.DemoOutlets ? n : (int?)null, "the demo outlets on the map");
        Assert.True(drawn >= ConsoleServer.DemoOutlets);
        Assert.Contains($"of {drawn:N0} outlets", browser.Driver.FindElement(By.Id("map-status")).Text, StringComparison.Ordinal);
        Assert.True(int.Parse(map.GetAttribute("data-drawn")!, CultureInfo.InvariantCulture) > 0, "no outlet within the map's view");

        // Not blank: outlet markers (saturated colours) were painted on the canvas, not just the base map.
        var coloured = Convert.ToInt64(browser.Script("""
            const c = document.querySelector('#map canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) { const max = Math.max(d[i], d[i+1], d[i+2]), min = Math.min(d[i], d[i+1], d[i+2]); if (max - min > 80) n++; }
            return n;
            """), CultureInfo.InvariantCulture);
        Assert.True(coloured > 500, $"only {coloured} coloured pixels on the map canvas");

        // Every request went to the server itself: scripts, styles, the base map and the API.
        var resources = browser.Resources();
        Assert.Contains(resources, r => r.Name.EndsWith("/console/data/china.geo.json", StringComparison.Ordinal));
        Assert.Contains(resources, r => r.Name.Contains("/v1/outlets", StringComparison.Ordinal));
        Assert.All(resources, r => Assert.StartsWith(server.WebAddress + "/", r.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_order_created_through_grpc_shows_in_the_queue_and_its_page_follows_the_lifecycle()
    {
        var shop = await TestShop.Create(server);
        using var browser = Browser.Open(server);
        browser.SignIn(Roles.Hq);
        browser.Go("#/queues");

        var order = await shop.CreateOrder();
        Assert.Equal(Api.RepairOrderStatus.Offered, order.Status);

        // The queue refreshes itself: the new offer appears, linking to the order's page.
        var link = browser.Until(d => d.FindElements(By.CssSelector($"#q-offers a[href='#/orders/{order.OrderId}']")).FirstOrDefault(), "the new offer in the queue");
        link.Click();
        WaitForStatus(browser, "REPAIR_ORDER_STATUS_OFFERED");
        Assert.Contains(shop.OutletId, browser.Driver.FindElement(By.Id("order-detail")).Text, StringComparison.Ordinal);

        // The outlet's shop system moves the order; the open page follows without a reload.
        await shop.Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = order.OrderId });
        WaitForStatus(browser, "REPAIR_ORDER_STATUS_ACCEPTED");
        await shop.Outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest
        {
            OrderId = order.OrderId,
            Diagnosis = new Api.Diagnosis { QualityFault = true, Notes = "Loose display connector", ExpectedRepairHours = 1 },
        });
        WaitForStatus(browser, "REPAIR_ORDER_STATUS_DIAGNOSED");
        Assert.Contains("Loose display connector", browser.Driver.FindElement(By.Id("order-detail")).Text, StringComparison.Ordinal);

        // Quote, the customer's consent through the call center, repair: the page ends on the certificate.
        await shop.Outlet.QuoteRepairOrderAsync(new Api.QuoteRepairOrderRequest
        {
            OrderId = order.OrderId,
            Lines = { new Api.QuoteLineInput { Kind = Api.QuoteLineKind.Labour, Description = "Reseat the display connector", Quantity = 1, UnitPriceMinor = 5_000 } },
        });
        await shop.CallCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = order.OrderId, QuoteVersion = 1, Note = "by phone" });
        await shop.Outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = order.OrderId });
        await shop.Outlet.CompleteRepairOrderAsync(new Api.CompleteRepairOrderRequest { OrderId = order.OrderId, WorkDone = "Reseated the display connector" });
        WaitForStatus(browser, "REPAIR_ORDER_STATUS_COMPLETED");
        // Followed through the order's stream (WatchRepairOrder over REST), not the polling fallback.
        Assert.Equal("on", browser.Driver.FindElement(By.CssSelector("#order-root .live")).GetAttribute("data-state"));
        var detail = browser.Driver.FindElement(By.Id("order-detail")).Text;
        Assert.Contains("Reseated the display connector", detail, StringComparison.Ordinal);
        Assert.Contains("50.00 CNY", detail, StringComparison.Ordinal);

        var timeline = browser.Driver.FindElements(By.CssSelector("#timeline li")).Select(li => li.GetAttribute("data-action")).ToList();
        Assert.Equal(
            ["ORDER_ACTION_COMPLETED", "ORDER_ACTION_REPAIR_STARTED", "ORDER_ACTION_QUOTE_APPROVED", "ORDER_ACTION_QUOTED", "ORDER_ACTION_DIAGNOSED", "ORDER_ACTION_ACCEPTED", "ORDER_ACTION_OFFERED", "ORDER_ACTION_CREATED"],
            timeline.Where(a => a != "ORDER_ACTION_TECHNICIAN_ASSIGNED"));
    }

    [Fact]
    public async Task An_outlet_sees_a_new_offer_in_its_live_job_feed()
    {
        var shop = await TestShop.Create(server);
        using var browser = Browser.Open(server);
        browser.SignIn(Roles.Outlet, shop.OutletId);
        browser.Go("#/queues");
        browser.WaitFor(By.Id("feed-note"));

        var order = await shop.CreateOrder();

        var feed = browser.Until(d => d.FindElements(By.CssSelector($"#feed li[data-order='{order.OrderId}']")).FirstOrDefault(), "the offer in the job feed");
        Assert.Contains("Offered", feed.Text, StringComparison.Ordinal);
        browser.Until(d => d.FindElements(By.CssSelector($"#offered tr[data-order='{order.OrderId}']")).FirstOrDefault(), "the offer among those waiting for an answer");
    }

    [Fact]
    public async Task An_outlet_sign_in_sees_its_own_outlet_and_stock_and_cannot_open_another()
    {
        // Its shelf holds 2 of a part it reorders at 5: low stock.
        var sku = await LowStockAt("CN-SHA-0002", onHand: 2, reorderPoint: 5);
        using var browser = Browser.Open(server);
        browser.SignIn(Roles.Outlet, "CN-SHA-0002");

        // Its start page is its own outlet, with the low stock marked.
        browser.Until(d => d.FindElement(By.CssSelector(".outlet-profile[data-outlet='CN-SHA-0002']")), "the outlet's own page");
        var row = browser.Until(d => d.FindElements(By.CssSelector("tr.low-stock")).FirstOrDefault(r => r.Text.Contains(sku, StringComparison.Ordinal)), "the low-stock mark");
        Assert.Contains("low (reorder at 5)", row.Text, StringComparison.Ordinal);

        browser.Go("#/outlets/CN-SHA-0001");
        var refusal = browser.WaitFor(By.CssSelector(".refused"));
        Assert.Equal("403", refusal.GetAttribute("data-status"));
        Assert.Contains("Not your outlet", refusal.Text, StringComparison.Ordinal);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector(".outlet-profile")));

        browser.Go("#/orders?outlet=CN-SHA-0001");
        Assert.Contains("Not your outlet", browser.WaitFor(By.CssSelector(".refused")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_nearest_ranks_the_outlets_around_a_clicked_point_and_says_why()
    {
        using var browser = Browser.Open(server);
        browser.SignIn(Roles.CallCenter);
        browser.Go("#/nearest");
        var map = browser.WaitFor(By.CssSelector("#nearest-map canvas"));

        // Zoom to Shanghai, then click People's Square.
        browser.Script("const m = document.querySelector('#nearest-map').canvasMap; m.fit([{ lat: 31.2304, lon: 121.4737 }], 10); m.render();");
        var (x, y) = ScreenOffset(browser, "#nearest-map", 31.2304, 121.4737);
        new Actions(browser.Driver).MoveToElement(map, x, y).Click().Perform();

        var ranked = browser.Until(d => d.FindElements(By.CssSelector("#ranked > li")) is { Count: > 0 } items ? items : null, "the ranked outlets");
        Assert.Equal(10, ranked.Count);
        // Each says whether it can take the job, and one that cannot says why.
        Assert.All(ranked, li => Assert.Contains(li.GetAttribute("class"), new[] { "can", "cannot" }));
        Assert.All(ranked.Where(li => li.GetAttribute("class") == "cannot"), li =>
        {
            Assert.Contains("Cannot take it", li.Text, StringComparison.Ordinal);
            Assert.NotEmpty(li.FindElements(By.CssSelector("ul li")));
        });
        var clicked = browser.Driver.FindElement(By.CssSelector("#nearest-form input[name=lat]")).GetAttribute("value");
        Assert.InRange(double.Parse(clicked!, CultureInfo.InvariantCulture), 31.15, 31.31);
        var distances = ranked.Select(li => double.Parse(li.FindElement(By.CssSelector(".rank-head .num")).Text.Replace(" km", "", StringComparison.Ordinal), CultureInfo.InvariantCulture)).ToList();
        Assert.True(distances[0] < 10, $"the nearest demo outlet to People's Square is {distances[0]} km away");
    }

    private async Task<string> LowStockAt(string outletId, int onHand, int reorderPoint)
    {
        var hq = server.Channel(Roles.Hq);
        var sku = "SCR-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await new Api.PartsCatalogService.PartsCatalogServiceClient(hq).CreatePartAsync(new Api.CreatePartRequest
        {
            Part = new Api.Part { Sku = sku, Name = "X200 display", Category = "phone", CompatibleModels = { "X200" }, MainPart = true, UnitPrice = new Api.Money { CurrencyCode = "CNY", UnitsMinor = 45_900 } },
        });
        var inventory = new Api.InventoryService.InventoryServiceClient(hq);
        await inventory.AdjustStockAsync(new Api.AdjustStockRequest { OutletId = outletId, Sku = sku, Kind = Api.StockAdjustmentKind.Receive, Quantity = onHand, Reason = "delivery", IdempotencyKey = "console-test-" + sku });
        await inventory.SetReorderPointAsync(new Api.SetReorderPointRequest { OutletId = outletId, Sku = sku, ReorderPoint = reorderPoint, ReorderQuantity = 10 });
        return sku;
    }

    private static void WaitForStatus(Browser browser, string status) =>
        browser.Until(d => d.FindElement(By.Id("order-root")).GetAttribute("data-status") == status ? true : (bool?)null, $"the order page to show {status}");

    /// <summary>Offset from the canvas's centre (what Selenium's MoveToElement takes) of a point on the map.</summary>
    private static (int X, int Y) ScreenOffset(Browser browser, string container, double lat, double lon)
    {
        var xy = (IReadOnlyCollection<object>)browser.Script(
            "const m = document.querySelector(arguments[0]).canvasMap; const [x, y] = m.screenOf({ lat: arguments[1], lon: arguments[2] }); return [x - m.width / 2, y - m.height / 2];",
            container, lat, lon)!;
        var values = xy.Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
        return ((int)Math.Round(values[0]), (int)Math.Round(values[1]));
    }
}
