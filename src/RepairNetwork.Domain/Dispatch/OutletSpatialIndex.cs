using System.Collections.Immutable;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;
using RepairNetwork.Domain.Geo;

namespace RepairNetwork.Domain.Dispatch;

/// <summary>An outlet found near a point, with its great-circle distance.</summary>
public readonly record struct NearbyOutlet(OutletListing Listing, double DistanceKm);

/// <summary>
/// An immutable, versioned snapshot of the outlet directory with a spatial index. Readers share a
/// snapshot without locks; a change produces a new snapshot. Recent changes sit in a small overlay
/// beside an NTS STRtree (which cannot be changed once built) until the overlay grows large enough to
/// fold into a rebuilt tree.
/// </summary>
public sealed class OutletSpatialIndex
{
    /// <summary>
    /// Smallest overlay size at which the tree is rebuilt; keeps overlay scans short. Larger networks
    /// rebuild at a 32nd of their size, so that a burst of changes (an import) does not rebuild a tree
    /// of tens of thousands of outlets every 256 changes.
    /// </summary>
    public const int RebuildThreshold = 256;

    // Small, because a dense network (tens of thousands of outlets, hundreds in one city) would otherwise
    // measure and sort every outlet of a 16 km disc to return 5; a sparse one pays a few cheap extra rings.
    private const double InitialSearchRadiusKm = 2;

    private readonly ImmutableSortedDictionary<string, OutletListing> _byId;
    private readonly STRtree<OutletListing> _tree;
    private readonly ImmutableDictionary<string, OutletListing> _overlay;

    // Read-side copy of the overlay, made on the first lookup of this snapshot (not per change, so an
    // import pays nothing for it): a hash set and an array are much cheaper to probe and scan on every
    // lookup than the immutable dictionary.
    private OverlayView? _overlayView;

    private sealed class OverlayView(ImmutableDictionary<string, OutletListing> overlay)
    {
        public HashSet<string> Ids { get; } = new(overlay.Keys, StringComparer.Ordinal);

        public OutletListing[] Listings { get; } = [.. overlay.Values];
    }

    private OutletSpatialIndex(long version, ImmutableSortedDictionary<string, OutletListing> byId, STRtree<OutletListing> tree, ImmutableDictionary<string, OutletListing> overlay)
    {
        Version = version;
        _byId = byId;
        _tree = tree;
        _overlay = overlay;
    }

    public static OutletSpatialIndex Empty { get; } = new(0, ImmutableSortedDictionary.Create<string, OutletListing>(StringComparer.Ordinal), BuildTree([]), ImmutableDictionary.Create<string, OutletListing>(StringComparer.Ordinal));

    /// <summary>Increases with every change applied to the index.</summary>
    public long Version { get; }

    public int Count => _byId.Count;

    public OutletListing? Find(string outletId) => _byId.GetValueOrDefault(outletId);

    /// <summary>
    /// Applies listings, keeping per outlet only the highest outlet version. Returns this instance when
    /// nothing is newer.
    /// </summary>
    public OutletSpatialIndex With(IEnumerable<OutletListing> listings)
    {
        var byId = _byId.ToBuilder();
        var overlay = _overlay.ToBuilder();
        var changed = false;
        foreach (var listing in listings)
        {
            if (byId.TryGetValue(listing.OutletId, out var current) && current.Version >= listing.Version)
            {
                continue;
            }

            byId[listing.OutletId] = listing;
            overlay[listing.OutletId] = listing;
            changed = true;
        }

        if (!changed)
        {
            return this;
        }

        var all = byId.ToImmutable();
        return overlay.Count >= Math.Max(RebuildThreshold, all.Count / 32)
            ? new OutletSpatialIndex(Version + 1, all, BuildTree(all.Values), _overlay.Clear())
            : new OutletSpatialIndex(Version + 1, all, _tree, overlay.ToImmutable());
    }

    /// <summary>
    /// The same outlets with every change folded into a rebuilt tree and an empty overlay; this instance
    /// when the overlay is already empty. Not a change, so the version stays.
    /// </summary>
    public OutletSpatialIndex Compacted() =>
        _overlay.IsEmpty ? this : new OutletSpatialIndex(Version, _byId, BuildTree(_byId.Values), _overlay.Clear());

    /// <summary>Outlets in id order, starting after <paramref name="afterId"/> (exclusive) when given.</summary>
    public IEnumerable<OutletListing> InIdOrder(string? afterId) =>
        afterId is null ? _byId.Values : _byId.Values.SkipWhile(l => string.CompareOrdinal(l.OutletId, afterId) <= 0);

    /// <summary>
    /// Outlets matching <paramref name="filter"/> in ascending great-circle distance from
    /// <paramref name="center"/>, up to <paramref name="maxDistanceKm"/>. Exact: the search grows a
    /// spherical cap and only yields outlets inside the cap, so the order is correct on the sphere,
    /// across the antimeridian and near the poles. Lazy: stop enumerating when satisfied.
    /// </summary>
    public IEnumerable<NearbyOutlet> Nearest(GeoPoint center, Func<OutletListing, bool> filter, double maxDistanceKm = GreatCircle.MaxDistanceKm)
    {
        maxDistanceKm = Math.Min(maxDistanceKm, GreatCircle.MaxDistanceKm);
        var yieldedUpTo = -1.0;
        var radius = Math.Min(InitialSearchRadiusKm, maxDistanceKm);
        var found = new List<NearbyOutlet>();
        while (true)
        {
            found.Clear();
            Collect(center, radius, yieldedUpTo, filter, found);
            found.Sort(static (a, b) => a.DistanceKm != b.DistanceKm ? a.DistanceKm.CompareTo(b.DistanceKm) : string.CompareOrdinal(a.Listing.OutletId, b.Listing.OutletId));
            foreach (var item in found)
            {
                yield return item;
            }

            if (radius >= maxDistanceKm)
            {
                yield break;
            }

            yieldedUpTo = radius;
            radius = Math.Min(radius * 2, maxDistanceKm);
        }
    }

    // Outlets with yieldedUpTo < distance <= radius: the ring not yet returned.
    private void Collect(GeoPoint center, double radius, double yieldedUpTo, Func<OutletListing, bool> filter, List<NearbyOutlet> found)
    {
        var boxes = GreatCircle.BoundingBoxes(center, radius);
        var overlay = _overlayView ??= new OverlayView(_overlay); // a racing reader may build an identical copy
        var ring = new RingCollector(center, radius, yieldedUpTo, filter, found, overlay.Ids);
        foreach (var (minLon, minLat, maxLon, maxLat) in boxes)
        {
            var envelope = new Envelope(minLon, maxLon, minLat, maxLat);

            // Visits the tree's items in place (no result list); skips those the overlay supersedes.
            _tree.Query(envelope, ring);

            foreach (var listing in overlay.Listings)
            {
                var location = listing.Profile.Location;
                if (envelope.Contains(location.Longitude, location.Latitude))
                {
                    ring.Consider(listing);
                }
            }
        }

        if (boxes.Count > 1)
        {
            // An outlet exactly on the antimeridian can fall in both boxes.
            var distinct = found.DistinctBy(f => f.Listing.OutletId).ToList();
            found.Clear();
            found.AddRange(distinct);
        }
    }

    /// <summary>Keeps the tree items of one ring that pass the filter, with their distance.</summary>
    private sealed class RingCollector(GeoPoint center, double radius, double yieldedUpTo, Func<OutletListing, bool> filter, List<NearbyOutlet> found, HashSet<string> superseded)
        : IItemVisitor<OutletListing>
    {
        public void VisitItem(OutletListing item)
        {
            // The overlay holds the current version of anything changed since the tree was built.
            if (superseded.Count == 0 || !superseded.Contains(item.OutletId))
            {
                Consider(item);
            }
        }

        public void Consider(OutletListing listing)
        {
            var distance = GreatCircle.DistanceKm(center, listing.Profile.Location);
            if (distance > yieldedUpTo && distance <= radius && filter(listing))
            {
                found.Add(new NearbyOutlet(listing, distance));
            }
        }
    }

    private static STRtree<OutletListing> BuildTree(IEnumerable<OutletListing> listings)
    {
        var tree = new STRtree<OutletListing>();
        foreach (var listing in listings)
        {
            var location = listing.Profile.Location;
            tree.Insert(new Envelope(location.Longitude, location.Longitude, location.Latitude, location.Latitude), listing);
        }

        // Built now, while the snapshot is private, so concurrent readers never race the lazy build.
        tree.Build();
        return tree;
    }
}
