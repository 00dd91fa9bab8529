using RepairNetwork.Domain.Dispatch;
using RepairNetwork.Domain.Geo;
using static RepairNetwork.Domain.Tests.TestData;

namespace RepairNetwork.Domain.Tests;

public sealed class OutletSpatialIndexTests
{
    private const int OutletCount = 2000;
    private static readonly string[] AllCapabilities = ["laptop.keyboard", "phone.battery", "phone.screen"];
    private static readonly Lazy<IReadOnlyList<OutletListing>> SharedListings = new(() => RandomListings(new Random(2024), OutletCount));

    private static IReadOnlyList<OutletListing> Listings => SharedListings.Value;

    [Fact]
    public void Nearest_returns_the_same_outlets_in_the_same_order_as_a_brute_force_great_circle_scan()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);

        foreach (var query in QueryPoints(new Random(1)))
        {
            AssertNearestMatchesBruteForce(index, Listings, query, _ => true, k: 25);
        }
    }

    [Fact]
    public void Nearest_orders_every_outlet_on_earth_by_distance_when_enumerated_to_the_end()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);
        GeoPoint[] queries = [Shanghai, new(89.9, 10), new(-90, 0), new(0, 180), new(-12.5, -179.95)];

        foreach (var query in queries)
        {
            var expected = BruteForce(Listings, query, _ => true);
            var actual = index.Nearest(query, _ => true).ToList();

            Assert.Equal(OutletCount, actual.Count);
            Assert.Equal(expected.Select(e => e.Listing.OutletId), actual.Select(a => a.Listing.OutletId));
        }
    }

    [Fact]
    public void Nearest_only_returns_outlets_accepted_by_the_filter_and_skips_rejected_ones_in_order()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);
        Func<OutletListing, bool> filter = l => l.Profile.OffersCapability("laptop.keyboard");
        Assert.InRange(Listings.Count(filter), 100, OutletCount - 100); // the filter really removes some

        foreach (var query in QueryPoints(new Random(2)).Take(150))
        {
            var found = AssertNearestMatchesBruteForce(index, Listings, query, filter, k: 15);
            Assert.All(found, f => Assert.True(filter(f.Listing)));
        }
    }

    [Fact]
    public void Nearest_with_a_filter_that_rejects_everything_returns_nothing()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);

        Assert.Empty(index.Nearest(Shanghai, _ => false));
    }

    [Fact]
    public void Nearest_on_an_empty_index_returns_nothing()
    {
        Assert.Empty(OutletSpatialIndex.Empty.Nearest(Shanghai, _ => true));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(5000)]
    public void Nearest_returns_exactly_the_outlets_within_the_maximum_distance(double maxDistanceKm)
    {
        var index = OutletSpatialIndex.Empty.With(Listings);

        foreach (var query in QueryPoints(new Random(3)).Take(100))
        {
            var expected = BruteForce(Listings, query, _ => true).Where(e => e.DistanceKm <= maxDistanceKm).ToList();
            var actual = index.Nearest(query, _ => true, maxDistanceKm).ToList();

            Assert.All(actual, a => Assert.True(a.DistanceKm <= maxDistanceKm));
            Assert.Equal(expected.Select(e => e.Listing.OutletId), actual.Select(a => a.Listing.OutletId));
        }
    }

    [Fact]
    public void Nearest_with_a_zero_maximum_distance_finds_only_an_outlet_at_the_very_spot()
    {
        var here = new GeoPoint(10, 20);
        var index = OutletSpatialIndex.Empty.With([Listing("here", here), Listing("near", Destination(here, 90, 0.01))]);

        var found = index.Nearest(here, _ => true, maxDistanceKm: 0).ToList();

        Assert.Equal("here", Assert.Single(found).Listing.OutletId);
    }

    [Fact]
    public void Nearest_reports_the_great_circle_distance_of_each_outlet()
    {
        var index = OutletSpatialIndex.Empty.With([Listing("beijing", Beijing)]);

        var found = Assert.Single(index.Nearest(Shanghai, _ => true));

        Assert.Equal(GreatCircle.DistanceKm(Shanghai, Beijing), found.DistanceKm, 9);
    }

    [Fact]
    public void Nearest_across_the_antimeridian_prefers_the_outlet_just_over_the_line()
    {
        var index = OutletSpatialIndex.Empty.With(
        [
            Listing("west-of-line", new GeoPoint(0, 179.0)),     // about 100 km away
            Listing("over-the-line", new GeoPoint(0, -179.95)),  // about 11 km away
        ]);

        var found = index.Nearest(new GeoPoint(0, 179.95), _ => true).Select(n => n.Listing.OutletId).ToList();

        Assert.Equal(["over-the-line", "west-of-line"], found);
    }

    [Fact]
    public void Nearest_near_a_pole_finds_an_outlet_on_the_far_side_of_the_pole_first()
    {
        var index = OutletSpatialIndex.Empty.With(
        [
            Listing("same-meridian", new GeoPoint(88.0, 0)),     // about 167 km away
            Listing("across-the-pole", new GeoPoint(89.5, 180)), // about 111 km away
        ]);

        var found = index.Nearest(new GeoPoint(89.5, 0), _ => true).Select(n => n.Listing.OutletId).ToList();

        Assert.Equal(["across-the-pole", "same-meridian"], found);
    }

    [Fact]
    public void A_newer_version_with_a_moved_location_moves_the_outlet_in_the_index()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);
        var original = Listings[17];
        var oldLocation = original.Profile.Location;
        var newLocation = new GeoPoint(-41.2865, 174.7762);
        var moved = original with { Profile = original.Profile with { Location = newLocation }, Version = original.Version + 1 };

        var updated = index.With([moved]);

        Assert.DoesNotContain(updated.Nearest(oldLocation, _ => true, maxDistanceKm: 0.001), n => n.Listing.OutletId == original.OutletId);
        var atNewPlace = Assert.Single(updated.Nearest(newLocation, _ => true, maxDistanceKm: 0.001), n => n.Listing.OutletId == original.OutletId);
        Assert.Equal(moved.Version, atNewPlace.Listing.Version);
        Assert.Equal(newLocation, updated.Find(original.OutletId)!.Profile.Location);
        Assert.Equal(OutletCount, updated.Count);

        // The snapshot it was derived from is unchanged.
        Assert.Contains(index.Nearest(oldLocation, _ => true, maxDistanceKm: 0.001), n => n.Listing.OutletId == original.OutletId);
        var all = Listings.Select(l => l.OutletId == original.OutletId ? moved : l).ToList();
        foreach (var query in QueryPoints(new Random(4)).Take(50).Append(oldLocation).Append(newLocation))
        {
            AssertNearestMatchesBruteForce(updated, all, query, _ => true, k: 10);
        }
    }

    [Fact]
    public void An_outlet_moved_twice_is_only_found_at_its_latest_location()
    {
        var a = new GeoPoint(10, 10);
        var b = new GeoPoint(20, 20);
        var c = new GeoPoint(30, 30);
        var index = OutletSpatialIndex.Empty.With([Listing("x", a, version: 1)]);

        index = index.With([Listing("x", b, version: 2)]).With([Listing("x", c, version: 3)]);

        var found = Assert.Single(index.Nearest(b, _ => true));
        Assert.Equal(c, found.Listing.Profile.Location);
        Assert.Equal(3, found.Listing.Version);
    }

    [Fact]
    public void An_older_or_equal_version_of_a_listing_is_ignored()
    {
        var index = OutletSpatialIndex.Empty.With([Listing("x", new GeoPoint(10, 10), version: 5)]);

        var afterOlder = index.With([Listing("x", new GeoPoint(50, 50), version: 4)]);
        var afterEqual = index.With([Listing("x", new GeoPoint(50, 50), version: 5)]);

        Assert.Same(index, afterOlder);
        Assert.Same(index, afterEqual);
        Assert.Equal(new GeoPoint(10, 10), afterOlder.Find("x")!.Profile.Location);
        Assert.Empty(afterOlder.Nearest(new GeoPoint(50, 50), _ => true, maxDistanceKm: 1));
    }

    [Fact]
    public void Only_the_highest_version_in_one_batch_is_kept_whatever_the_order()
    {
        var index = OutletSpatialIndex.Empty.With(
        [
            Listing("x", new GeoPoint(10, 10), version: 3),
            Listing("x", new GeoPoint(20, 20), version: 1),
            Listing("x", new GeoPoint(30, 30), version: 2),
        ]);

        Assert.Equal(3, index.Find("x")!.Version);
        Assert.Equal(new GeoPoint(10, 10), Assert.Single(index.Nearest(new GeoPoint(0, 0), _ => true)).Listing.Profile.Location);
    }

    [Fact]
    public void Index_version_increases_with_every_change_and_not_otherwise()
    {
        var empty = OutletSpatialIndex.Empty;
        Assert.Equal(0, empty.Version);
        Assert.Equal(0, empty.Count);

        var one = empty.With([Listing("a", new GeoPoint(1, 1))]);
        var two = one.With([Listing("b", new GeoPoint(2, 2)), Listing("c", new GeoPoint(3, 3))]);
        var three = two.With([Listing("a", new GeoPoint(1, 1), version: 2)]);
        var unchanged = three.With([Listing("a", new GeoPoint(1, 1), version: 2)]);
        var nothing = three.With([]);

        Assert.Equal(1, one.Version);
        Assert.Equal(2, two.Version);
        Assert.Equal(3, three.Version);
        Assert.Equal(3, unchanged.Version);
        Assert.Equal(3, nothing.Version);
        Assert.Equal(3, three.Count);
    }

    [Fact]
    public void An_outlet_added_after_the_index_was_built_is_found()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);
        var spot = new GeoPoint(-75.1, 123.4);

        var withNew = index.With([Listing("brand-new", spot)]);

        Assert.Equal("brand-new", withNew.Nearest(spot, _ => true).First().Listing.OutletId);
        Assert.Equal(OutletCount + 1, withNew.Count);
        Assert.Null(index.Find("brand-new"));
    }

    [Fact]
    public void Results_stay_exact_through_more_updates_than_the_rebuild_threshold_one_at_a_time()
    {
        var random = new Random(5);
        var current = Listings.ToDictionary(l => l.OutletId);
        var index = OutletSpatialIndex.Empty.With(Listings);
        var updates = OutletSpatialIndex.RebuildThreshold + 60;
        int[] checkpoints = [1, OutletSpatialIndex.RebuildThreshold - 1, OutletSpatialIndex.RebuildThreshold, OutletSpatialIndex.RebuildThreshold + 1, updates];

        for (var i = 1; i <= updates; i++)
        {
            // Some outlets move more than once; a few new outlets appear.
            var id = i % 10 == 0 ? $"new-{i:D4}" : Listings[random.Next(300)].OutletId;
            var location = i % 3 == 0 ? RandomPointNear(random, new GeoPoint(random.NextDouble() * 160 - 80, 179.9), 100) : RandomPoint(random);
            var next = current.TryGetValue(id, out var existing)
                ? existing with { Profile = existing.Profile with { Location = location }, Version = existing.Version + 1 }
                : Listing(id, location);
            current[id] = next;
            var versionBefore = index.Version;

            index = index.With([next]);

            Assert.Equal(versionBefore + 1, index.Version);
            if (checkpoints.Contains(i))
            {
                Assert.Equal(current.Count, index.Count);
                foreach (var query in QueryPoints(new Random(i)).Take(40))
                {
                    AssertNearestMatchesBruteForce(index, current.Values.ToList(), query, _ => true, k: 10);
                }
            }
        }
    }

    [Fact]
    public void Compacting_folds_recent_changes_into_the_tree_without_changing_answers_or_version()
    {
        var random = new Random(8);
        var moved = Listings.Take(40)
            .Select(l => l with { Profile = l.Profile with { Location = RandomPoint(random) }, Version = l.Version + 1 })
            .ToList();
        var all = moved.Concat(Listings.Skip(moved.Count)).ToList();
        var index = OutletSpatialIndex.Empty.With(Listings).With(moved);

        var compacted = index.Compacted();

        Assert.NotSame(index, compacted);
        Assert.Same(compacted, compacted.Compacted());
        Assert.Equal(index.Version, compacted.Version);
        Assert.Equal(index.Count, compacted.Count);
        foreach (var query in QueryPoints(new Random(9)).Take(60))
        {
            AssertNearestMatchesBruteForce(compacted, all, query, _ => true, k: 10);
        }

        // Later changes still shadow the compacted tree.
        var again = moved[0] with { Profile = moved[0].Profile with { Location = new GeoPoint(0.5, 0.5) }, Version = moved[0].Version + 1 };
        compacted = compacted.With([again]);
        Assert.Empty(compacted.Nearest(moved[0].Profile.Location, l => l.OutletId == again.OutletId, maxDistanceKm: 0.001));
        Assert.Single(compacted.Nearest(new GeoPoint(0.5, 0.5), l => l.OutletId == again.OutletId, maxDistanceKm: 0.001));
    }

    [Fact]
    public void Results_stay_exact_after_one_batch_larger_than_the_rebuild_threshold()
    {
        var random = new Random(6);
        var index = OutletSpatialIndex.Empty.With(Listings);
        var moved = Listings.Take(OutletSpatialIndex.RebuildThreshold + 10)
            .Select(l => l with { Profile = l.Profile with { Location = RandomPoint(random) }, Version = l.Version + 1 })
            .ToList();
        var all = moved.Concat(Listings.Skip(moved.Count)).ToList();

        index = index.With(moved);

        Assert.Equal(2, index.Version);
        foreach (var query in QueryPoints(new Random(7)).Take(100).Concat(Listings.Take(20).Select(l => l.Profile.Location)))
        {
            AssertNearestMatchesBruteForce(index, all, query, _ => true, k: 10);
        }

        // Updates after the rebuild still shadow the rebuilt tree.
        var again = moved[0] with { Profile = moved[0].Profile with { Location = new GeoPoint(0.5, 0.5) }, Version = moved[0].Version + 1 };
        index = index.With([again]);
        Assert.Empty(index.Nearest(moved[0].Profile.Location, l => l.OutletId == again.OutletId, maxDistanceKm: 0.001));
        Assert.Single(index.Nearest(new GeoPoint(0.5, 0.5), l => l.OutletId == again.OutletId, maxDistanceKm: 0.001));
    }

    [Fact]
    public void InIdOrder_pages_through_every_outlet_once_in_ordinal_id_order()
    {
        var index = OutletSpatialIndex.Empty.With(Listings);
        var expected = Listings.Select(l => l.OutletId).Order(StringComparer.Ordinal).ToList();

        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = index.InIdOrder(after).Take(97).Select(l => l.OutletId).ToList();
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page);
            after = page[^1];
        }

        Assert.Equal(expected, seen);
    }

    [Fact]
    public void InIdOrder_starts_strictly_after_the_given_id_even_when_it_is_not_an_outlet()
    {
        var index = OutletSpatialIndex.Empty.With(
            new[] { "b", "B", "a-1", "a-2", "c", "0" }.Select((id, i) => Listing(id, new GeoPoint(i, i))));

        Assert.Equal(["0", "B", "a-1", "a-2", "b", "c"], index.InIdOrder(null).Select(l => l.OutletId));
        Assert.Equal(["a-2", "b", "c"], index.InIdOrder("a-1").Select(l => l.OutletId));
        Assert.Equal(["a-1", "a-2", "b", "c"], index.InIdOrder("a").Select(l => l.OutletId));
        Assert.Empty(index.InIdOrder("c"));
        Assert.Empty(index.InIdOrder("zzz"));
    }

    private static List<NearbyOutlet> AssertNearestMatchesBruteForce(OutletSpatialIndex index, IReadOnlyCollection<OutletListing> listings, GeoPoint query, Func<OutletListing, bool> filter, int k)
    {
        var expected = BruteForce(listings, query, filter).Take(k).ToList();
        var actual = index.Nearest(query, filter).Take(k).ToList();

        Assert.True(
            expected.Select(e => e.Listing.OutletId).SequenceEqual(actual.Select(a => a.Listing.OutletId)),
            $"query {query}: expected [{string.Join(", ", expected.Select(Describe))}] but got [{string.Join(", ", actual.Select(Describe))}]");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].DistanceKm, actual[i].DistanceKm, 9);
            Assert.Same(expected[i].Listing, actual[i].Listing);
            Assert.True(i == 0 || actual[i - 1].DistanceKm <= actual[i].DistanceKm, "distances ascend");
        }

        return actual;

        static string Describe(NearbyOutlet n) => $"{n.Listing.OutletId}@{n.DistanceKm:0.###}";
    }

    private static List<NearbyOutlet> BruteForce(IEnumerable<OutletListing> listings, GeoPoint query, Func<OutletListing, bool> filter) =>
        listings.Where(filter)
            .Select(l => new NearbyOutlet(l, GreatCircle.DistanceKm(query, l.Profile.Location)))
            .OrderBy(n => n.DistanceKm)
            .ThenBy(n => n.Listing.OutletId, StringComparer.Ordinal)
            .ToList();

    private static IEnumerable<GeoPoint> QueryPoints(Random random)
    {
        GeoPoint[] fixedPoints = [Shanghai, new(90, 0), new(-90, 0), new(0, 180), new(0, -180), new(89.5, 179.9), new(-89.5, -179.9)];
        foreach (var point in fixedPoints)
        {
            yield return point;
        }

        for (var i = 0; i < 250; i++)
        {
            yield return (i % 5) switch
            {
                0 => new GeoPoint((random.NextDouble() * 140) - 70, random.Next(2) == 0 ? 179.5 + (random.NextDouble() * 0.5) : -180 + (random.NextDouble() * 0.5)),
                1 => new GeoPoint((random.Next(2) == 0 ? 1 : -1) * (85 + (random.NextDouble() * 5)), (random.NextDouble() * 360) - 180),
                2 => RandomPointNear(random, Shanghai, 60),
                _ => RandomPoint(random),
            };
        }
    }

    private static List<OutletListing> RandomListings(Random random, int count)
    {
        string[] prefixes = ["o", "O", "7", "x-"];
        var listings = new List<OutletListing>(count);
        for (var i = 0; i < count; i++)
        {
            var location = (i % 10) switch
            {
                // Dense cluster around Shanghai: the first search rings already hold many outlets.
                0 or 1 => RandomPointNear(random, Shanghai, 50),
                // Straddling the antimeridian.
                2 => RandomPointNear(random, new GeoPoint((random.NextDouble() * 140) - 70, 180), 300),
                // Around the poles.
                3 => RandomPointNear(random, new GeoPoint(random.Next(2) == 0 ? 90 : -90, 0), 1000),
                _ => RandomPoint(random),
            };
            if (i == 5)
            {
                location = new GeoPoint(3, 180);
            }
            else if (i == 6)
            {
                location = new GeoPoint(-3, -180);
            }
            else if (i == 7)
            {
                location = new GeoPoint(90, 0);
            }

            IEnumerable<string> capabilities = AllCapabilities.Where(_ => random.Next(2) == 0).DefaultIfEmpty("phone.screen").ToList();
            listings.Add(Listing($"{prefixes[i % prefixes.Length]}{i:D4}", location, version: 1 + random.Next(3), capabilities: capabilities));
        }

        return listings;
    }
}
