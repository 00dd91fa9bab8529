using Grpc.Net.Client;
using RepairNetwork.Contracts.Security;
using Api = RepairNetwork.Contracts.V1;

namespace RepairNetwork.Server.Tests;

/// <summary>How far <see cref="OrderJourney.OrderAt"/> takes a new order.</summary>
public enum Stage
{
    Offered,
    Accepted,
    Diagnosed,
    Quoted,
    Approved,
    Repairing,
    Completed,
    Collected,

    /// <summary>Offered, with complaint <see cref="OrderJourney.ComplaintId"/> open.</summary>
    Complained,
}

/// <summary>
/// A patch of the globe with outlets 1.1 km apart, the nearest first, each with a certified technician
/// and a catalog part in stock; and clients for the roles that work an order. <see cref="OrderAt"/>
/// drives a new order through the lifecycle over gRPC, each step by the role that does it in practice:
/// the call center opens orders and records the customer's answers, the outlet does the work.
/// </summary>
public sealed class OrderJourney : IDisposable
{
    /// <summary>
    /// 20 months before the fixture's today (2026-11-18): past the default 12-month whole-unit
    /// warranty, within the 36-month main-part warranty, so a repair with a non-main part is paid.
    /// </summary>
    public const string OutOfWarrantyPurchaseDate = "2025-03-15";

    /// <summary>The catalog price of <see cref="PartSku"/>; quotes must use it whatever the outlet sends.</summary>
    public const long PartPriceMinor = 12_345;

    public const long LabourMinor = 8_000;

    /// <summary>Units of the part on the quote and fitted at completion.</summary>
    public const int PartsQuoted = 2;

    /// <summary>Units of the part each outlet has on its shelf at the start.</summary>
    public const int StockReceived = 5;

    public const string ComplaintId = "C-1";

    private readonly ServerFixture _server;
    private readonly List<GrpcChannel> _channels = [];

    private OrderJourney(ServerFixture server, double lat, double lon, string[] outletIds, string partSku)
    {
        _server = server;
        Lat = lat;
        Lon = lon;
        OutletIds = outletIds;
        PartSku = partSku;
        CallCenter = new(Open(server.ChannelFor(Roles.CallCenter)));
        Outlet = OutletClient(outletIds[0]);
    }

    public double Lat { get; }

    public double Lon { get; }

    /// <summary>The outlets, nearest to the customer first.</summary>
    public string[] OutletIds { get; }

    /// <summary>The nearest outlet, which new orders are offered to.</summary>
    public string OutletId => OutletIds[0];

    /// <summary>The only technician of <see cref="OutletId"/>.</summary>
    public string TechnicianId => TechnicianOf(OutletId);

    /// <summary>A genuine, non-main part for the "phone" X200 of the sample orders.</summary>
    public string PartSku { get; }

    public Api.RepairOrderService.RepairOrderServiceClient Hq => _server.Orders;

    public Api.RepairOrderService.RepairOrderServiceClient CallCenter { get; }

    /// <summary>The nearest outlet's own system.</summary>
    public Api.RepairOrderService.RepairOrderServiceClient Outlet { get; }

    public static string TechnicianOf(string outletId) => outletId + "-T1";

    public static async Task<OrderJourney> Start(ServerFixture server, int outlets = 1)
    {
        var (lat, lon) = TestArea.Next();
        var partSku = Samples.UniqueId("PORT");
        var part = Samples.Part(partSku, "phone", "X200");
        part.Name = "X200 charging port";
        part.MainPart = false;
        part.UnitPrice.UnitsMinor = PartPriceMinor;
        await server.Parts.CreatePartAsync(new Api.CreatePartRequest { Part = part });

        var ids = new string[outlets];
        for (var i = 0; i < outlets; i++)
        {
            ids[i] = Samples.UniqueId($"SHOP{i}");
            await server.Outlets.CreateOutletAsync(new Api.CreateOutletRequest { Outlet = Samples.Outlet(ids[i], lat + ((i + 1) * 0.01), lon) });
            await server.Technicians.CreateTechnicianAsync(new Api.CreateTechnicianRequest { Technician = Samples.Technician(TechnicianOf(ids[i]), ids[i]) });
            await server.Inventory.AdjustStockAsync(new Api.AdjustStockRequest
            {
                OutletId = ids[i], Sku = partSku, Kind = Api.StockAdjustmentKind.Receive, Quantity = StockReceived, Reason = "delivery", IdempotencyKey = "setup-" + ids[i],
            });
        }

        return new OrderJourney(server, lat, lon, ids, partSku);
    }

    /// <summary>A client whose calls carry the given outlet's token.</summary>
    public Api.RepairOrderService.RepairOrderServiceClient OutletClient(string outletId) => new(Open(_server.ChannelFor(Roles.Outlet, outletId)));

    /// <summary>A valid order for an X200 phone bought <see cref="OutOfWarrantyPurchaseDate"/>, next to the outlets.</summary>
    public Api.CreateRepairOrderRequest NewOrder()
    {
        var request = Samples.Order(Lat, Lon);
        request.Product.PurchaseDate = OutOfWarrantyPurchaseDate;
        request.FaultDescription = "Does not charge";
        return request;
    }

    /// <summary>No exclusion, the repair needs <see cref="PartSku"/>: past the whole-unit warranty the customer pays everything.</summary>
    public Api.Diagnosis Diagnosis() => new()
    {
        QualityFault = true,
        PartSkus = { PartSku },
        Notes = "Charging port corroded",
        ExpectedRepairHours = 4,
    };

    /// <summary>Labour plus <see cref="PartsQuoted"/> parts; the part line names a price the catalog must override.</summary>
    public Api.QuoteRepairOrderRequest Quote(string orderId) => new()
    {
        OrderId = orderId,
        Lines =
        {
            new Api.QuoteLineInput { Kind = Api.QuoteLineKind.Labour, Description = "Replace the charging port", Quantity = 1, UnitPriceMinor = LabourMinor },
            new Api.QuoteLineInput { Kind = Api.QuoteLineKind.Part, Sku = PartSku, Quantity = PartsQuoted, UnitPriceMinor = 1 },
        },
    };

    public Api.CompleteRepairOrderRequest Completion(string orderId) => new()
    {
        OrderId = orderId,
        WorkDone = "Replaced the charging port; tested charging at 18 W",
        PartsReplaced = { new Api.ReplacedPart { Sku = PartSku, Quantity = PartsQuoted } },
    };

    public async Task<Api.RepairOrder> Get(string orderId) =>
        (await Hq.GetRepairOrderAsync(new Api.GetRepairOrderRequest { OrderId = orderId })).Order;

    public async Task<int> OnHand(string outletId)
    {
        var stock = await _server.Inventory.GetOutletInventoryAsync(new Api.GetOutletInventoryRequest { OutletId = outletId, Skus = { PartSku } });
        return stock.Items.Single(i => i.Sku == PartSku).OnHand;
    }

    /// <summary>A new order taken through the lifecycle up to <paramref name="stage"/>.</summary>
    public async Task<Api.RepairOrder> OrderAt(Stage stage, Api.CreateRepairOrderRequest? request = null)
    {
        var order = (await CallCenter.CreateRepairOrderAsync(request ?? NewOrder())).Order;
        var id = order.OrderId;
        if (order.Status != Api.RepairOrderStatus.Offered || order.Assignment.OutletId != OutletId)
        {
            throw new InvalidOperationException($"expected the order offered to {OutletId}, got {order.Status} at {order.Assignment?.OutletId}");
        }

        if (stage == Stage.Complained)
        {
            return (await CallCenter.FileComplaintAsync(new Api.FileComplaintRequest { OrderId = id, ComplaintId = ComplaintId, Text = "Nobody called me back" })).Order;
        }

        var steps = new Func<Task<Api.RepairOrder>>[]
        {
            async () => (await Outlet.AcceptRepairOrderAsync(new Api.AcceptRepairOrderRequest { OrderId = id })).Order,
            async () => (await Outlet.DiagnoseRepairOrderAsync(new Api.DiagnoseRepairOrderRequest { OrderId = id, Diagnosis = Diagnosis() })).Order,
            async () => (await Outlet.QuoteRepairOrderAsync(Quote(id))).Order,
            async () => (await CallCenter.ApproveQuoteAsync(new Api.ApproveQuoteRequest { OrderId = id, QuoteVersion = 1, Note = "by phone" })).Order,
            async () => (await Outlet.StartRepairAsync(new Api.StartRepairRequest { OrderId = id })).Order,
            async () => (await Outlet.CompleteRepairOrderAsync(Completion(id))).Order,
            async () => (await Outlet.CollectRepairOrderAsync(new Api.CollectRepairOrderRequest { OrderId = id })).Order,
        };
        foreach (var step in steps.Take((int)stage))
        {
            order = await step();
        }

        return order;
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Open(GrpcChannel channel)
    {
        _channels.Add(channel);
        return channel;
    }
}
