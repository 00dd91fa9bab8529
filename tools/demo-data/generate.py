#!/usr/bin/env python3
"""Generates the demo repair network shipped in src/RepairNetwork.Server/DemoData/.

Reads the GeoNames city list (tools/demo-data/cities-cn.csv, sorted by population, largest first)
and writes outlets-cn.csv and technicians-cn.csv. Each outlet's region is "CN-" followed by its
city's GeoNames admin1 code (e.g. CN-23 for Shanghai; these are GeoNames codes, not GB/T 2260 or
ISO 3166-2 codes). Python 3 standard library only; the random
seed is fixed, so the same input always gives byte-identical output.

    python3 tools/demo-data/generate.py [--cities PATH] [--out DIR] [--outlets N] [--by-population]

The demo (2,000 outlets) gives each big city one outlet per 500,000 inhabitants and every other city
one. For benchmark networks larger than that rule can fill, --by-population spreads N outlets over
all cities in proportion to population (unknown population counts as 1,000; every city gets at
least one) with the jitter growing with the city's outlet count, e.g.

    python3 tools/demo-data/generate.py --outlets 50000 --by-population --out /tmp/rn-50k

writes /tmp/rn-50k/outlets-cn.csv and /tmp/rn-50k/technicians-cn.csv (same format and same
deterministic seed; ids CN-<city code>-NNNN). The default output is unchanged by this option.

Contains data from GeoNames (geonames.org), CC BY 4.0.
"""

import argparse
import csv
import datetime
import math
import os
import random
import re
import sys
import unicodedata
from collections import Counter

SEED = 20261122
TOTAL_OUTLETS = 2000
# One outlet per this many inhabitants in the big cities; every other city gets one outlet.
PEOPLE_PER_OUTLET = 500_000

CATALOGUE = [
    "phone.screen", "phone.battery", "phone.board",
    "laptop.screen", "laptop.battery", "laptop.board",
    "tv.panel", "tv.board",
    "appliance.washer", "appliance.fridge",
]

# GeoNames first-level division codes for China.
PROVINCES = {
    "01": "Anhui", "02": "Zhejiang", "03": "Jiangxi", "04": "Jiangsu", "05": "Jilin",
    "06": "Qinghai", "07": "Fujian", "08": "Heilongjiang", "09": "Henan", "10": "Hebei",
    "11": "Hunan", "12": "Hubei", "13": "Xinjiang", "14": "Tibet", "15": "Gansu",
    "16": "Guangxi", "18": "Guizhou", "19": "Liaoning", "20": "Inner Mongolia", "21": "Ningxia",
    "22": "Beijing", "23": "Shanghai", "24": "Shanxi", "25": "Shandong", "26": "Shaanxi",
    "28": "Tianjin", "29": "Yunnan", "30": "Guangdong", "31": "Hainan", "32": "Sichuan",
    "33": "Chongqing",
}
MUNICIPALITIES = {"22", "23", "28", "33"}

# Real area codes of some big cities (keyed by name, or by (name, admin1) where the name is
# shared by several cities); elsewhere a fake but well-formed code from the
# province's range. The local numbers are all fictitious (5555 xxxx).
AREA_CODES = {
    "Beijing": "10", "Shanghai": "21", "Tianjin": "22", "Chongqing": "23", "Shenyang": "24",
    "Nanjing": "25", "Wuhan": "27", "Chengdu": "28", "Xi’an": "29", "Guangzhou": "20",
    "Shenzhen": "755", "Dongguan": "769", "Foshan": "757", "Hangzhou": "571", "Ningbo": "574",
    ("Suzhou", "04"): "512", "Wuxi": "510", "Harbin": "451", "Changchun": "431", "Dalian": "411",
    "Qingdao": "532", "Jinan": "531", "Zhengzhou": "371", "Changsha": "731", "Kunming": "871",
    "Hefei": "551", "Fuzhou": "591", "Xiamen": "592", "Nanchang": "791", "Nanning": "771",
    "Guiyang": "851", "Lanzhou": "931", "Taiyuan": "351", "Shijiazhuang": "311",
    "Ürümqi": "991", "Shantou": "754",
}
PROVINCE_AREA_PREFIX = {
    "01": "55", "02": "57", "03": "79", "04": "51", "05": "43", "06": "97", "07": "59",
    "08": "45", "09": "37", "10": "31", "11": "73", "12": "71", "13": "99", "14": "89",
    "15": "93", "16": "77", "18": "85", "19": "41", "20": "47", "21": "95", "22": "10",
    "23": "21", "24": "35", "25": "53", "26": "91", "28": "22", "29": "87", "30": "75",
    "31": "89", "32": "83", "33": "23",
}

STREETS = [
    "Renmin Road", "Jiefang Road", "Zhongshan Road", "Jianshe Road", "Heping Road",
    "Xinhua Road", "Wenhua Road", "Chaoyang Road", "Changjiang Road", "Huanghe Road",
    "Shengli Road", "Youyi Road", "Dongfeng Road", "Gongyuan Road", "Binhe Road",
    "Yingbin Avenue", "Century Avenue", "Xingfu Street", "Nanjing Road", "Beijing Road",
    "Huancheng East Road", "Huancheng West Road", "Zhongshan North Road", "Jinqiao Road",
]

HOURS = [
    # (template, weight for small outlets, weight for big outlets)
    ("Mon-Fri 09:00-18:00; Sat 10:00-16:00", 30, 20),
    ("Mon-Sat 09:00-18:00", 25, 15),
    ("Mon-Fri 08:30-12:00; Mon-Fri 13:30-17:30; Sat 09:00-12:00", 20, 2),
    ("Mon-Sun 09:00-18:00", 10, 15),
    ("Mon-Sun 10:00-22:00", 2, 30),
    ("Tue-Sun 09:30-18:30", 8, 8),
]

SURNAMES = [
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo", "Zheng", "Liang", "Xie", "Song",
    "Tang", "Han", "Feng", "Deng", "Cao", "Peng", "Zeng", "Xiao", "Tian", "Dong", "Pan",
    "Yuan", "Cai", "Jiang", "Yu", "Du", "Ye", "Cheng", "Wei", "Su", "Lu", "Ding", "Ren", "Shen",
]
GIVEN_NAMES = [
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan",
    "Jie", "Tao", "Ming", "Chao", "Xiuying", "Xiaoming", "Hui", "Hao", "Yu", "Peng", "Hua",
    "Ping", "Gang", "Bo", "Xin", "Lin", "Dan", "Ting", "Haiyan", "Jianguo", "Zhiqiang",
    "Xiaohong", "Guiying", "Yuxuan", "Zihan", "Haoran", "Yiming", "Shuang", "Kai", "Rui",
    "Lan", "Qian", "Mei", "Jianhua", "Xiaoyan", "Wenjie", "Zhiwei", "Lili",
]

OUTLET_COLUMNS = [
    "outlet_id", "name", "address", "phone", "latitude", "longitude", "time_zone",
    "capabilities", "carry_in", "mail_in", "on_site_radius_km", "daily_capacity", "opening_hours", "region",
]
TECHNICIAN_COLUMNS = ["technician_id", "outlet_id", "display_name", "certifications", "on_shift"]

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CAPABILITY_RE = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
HOURS_RE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))? ([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
EARTH_RADIUS_KM = 6371.0088


def read_cities(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["population"] = int(r["population"])
        r["lat"] = float(r["lat"])
        r["lon"] = float(r["lon"])
    return rows


def select_cities(cities, total):
    """Cities with a known population in file order (largest first), then those with unknown
    population (county seats), prefecture seats (PPLA2) before the rest; each gets
    max(1, round(population / PEOPLE_PER_OUTLET)) outlets until the total is reached."""
    known = [c for c in cities if c["population"] > 0]
    unknown = [c for c in cities if c["population"] == 0]
    unknown.sort(key=lambda c: 0 if c["feature_code"] in ("PPLA", "PPLA2") else 1)  # stable
    chosen, count = [], 0
    for c in known + unknown:
        if count >= total:
            break
        n = min(max(1, round(c["population"] / PEOPLE_PER_OUTLET)), total - count)
        chosen.append((c, n))
        count += n
    if count != total:
        sys.exit(f"only {count} outlets fit the city list, wanted {total} (for larger networks add --by-population)")
    return chosen


def select_cities_by_population(cities, total):
    """Every city gets one outlet; the rest are shared out in proportion to population (unknown
    population counts as 1,000) by largest remainder, ties to the earlier (larger) city."""
    if total < len(cities):
        sys.exit(f"--by-population needs at least one outlet per city: {len(cities)} or more, got {total}")
    weights = [max(c["population"], 1_000) for c in cities]
    spare = total - len(cities)
    whole = sum(weights)
    shares = [spare * w / whole for w in weights]
    counts = [1 + int(s) for s in shares]
    left = total - sum(counts)
    by_remainder = sorted(range(len(cities)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in by_remainder[:left]:
        counts[i] += 1
    return list(zip(cities, counts))


def jitter_radius_km(n, by_population):
    """How far from the city centre a city's n outlets are spread (the demo keeps its 10 km cap)."""
    if n <= 1:
        return 0.0
    if by_population:
        return min(40.0, 2.0 + 1.2 * math.sqrt(n))
    return min(10.0, 2.0 + 1.2 * math.sqrt(n))


def ascii_letters(name):
    folded = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in folded if "A" <= ch.upper() <= "Z").upper()


def city_code(name, taken):
    """A unique 3-letter code for the city, airport-code style: the first three letters when
    free, else the first letter followed by two later letters in order, else any free code."""
    letters = ascii_letters(name) or "X"
    candidates = [letters[:3]] if len(letters) >= 3 else []
    for j in range(1, len(letters)):
        for k in range(j + 1, len(letters)):
            candidates.append(letters[0] + letters[j] + letters[k])
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    candidates += [letters[0] + a + b for a in alphabet for b in alphabet]
    for code in candidates:
        if code not in taken:
            taken.add(code)
            return code
    sys.exit(f"no free code for {name}")


def offset_point(lat, lon, distance_km, bearing_rad):
    """The point distance_km from (lat, lon) along the bearing, on a sphere."""
    d = distance_km / EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing_rad))
    l2 = l1 + math.atan2(math.sin(bearing_rad) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def size_of_city(population):
    """0 (village) .. 1 (Shanghai), by log population; unknown population counts as 30,000."""
    p = population if population > 0 else 30_000
    return min(1.0, max(0.0, (math.log10(max(p, 2_000)) - 3.3) / (7.35 - 3.3)))


def pick_capabilities(rng, s):
    caps = []
    has_phone = rng.random() < 0.9
    has_laptop = rng.random() < 0.3 + 0.6 * s
    has_tv = rng.random() < 0.2 + 0.6 * s
    has_appliance = rng.random() < 0.25 + 0.45 * s
    if not (has_phone or has_laptop or has_tv or has_appliance):
        has_phone = True
    if has_phone:
        caps += ["phone.screen", "phone.battery"]
        if rng.random() < 0.3 + 0.6 * s:
            caps.append("phone.board")
    if has_laptop:
        if rng.random() < 0.6 + 0.4 * s:
            caps.append("laptop.screen")
        caps.append("laptop.battery")
        if rng.random() < 0.2 + 0.6 * s:
            caps.append("laptop.board")
    if has_tv:
        if rng.random() < 0.3 + 0.6 * s:
            caps.append("tv.panel")
        caps.append("tv.board")
    if has_appliance:
        washer = rng.random() < 0.75
        fridge = rng.random() < 0.6 or not washer
        if washer:
            caps.append("appliance.washer")
        if fridge:
            caps.append("appliance.fridge")
    return [c for c in CATALOGUE if c in caps]


def pick_hours(rng, s):
    weights = [small * (1 - s) + big * s for _, small, big in HOURS]
    return rng.choices([h for h, _, _ in HOURS], weights=weights)[0]


def random_date(rng, first_year, last_year):
    start = datetime.date(first_year, 1, 1).toordinal()
    end = datetime.date(last_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end)).isoformat()


def build(cities_path, total, by_population=False):
    rng = random.Random(SEED)
    cities = read_cities(cities_path)
    chosen = select_cities_by_population(cities, total) if by_population else select_cities(cities, total)
    name_counts = Counter(c["name"] for c, _ in chosen)
    taken_codes = set()
    outlets, technicians = [], []
    city_area = {}

    for city, n in chosen:
        code = city_code(city["name"], taken_codes)
        province = PROVINCES.get(city["admin1"], "")
        city_label = city["name"]
        if name_counts[city["name"]] > 1 and province:
            city_label = f"{city['name']} ({province})"
        area = AREA_CODES.get((city["name"], city["admin1"]))
        if area is None and name_counts[city["name"]] == 1:
            area = AREA_CODES.get(city["name"])
        if area is None:
            area = PROVINCE_AREA_PREFIX.get(city["admin1"], "99") + str(rng.randint(0, 9))
            if city["admin1"] in MUNICIPALITIES:
                area = PROVINCE_AREA_PREFIX[city["admin1"]]
        city_area[code] = area
        base = size_of_city(city["population"])
        jitter_km = jitter_radius_km(n, by_population)
        for i in range(1, n + 1):
            outlet_id = f"CN-{code}-{i:04d}" if n <= 9999 else f"CN-{code}-{i:05d}"
            name = f"{city_label} Service Center {i}" if n > 1 else f"{city_label} Service Center"
            if n > 1 and i == 1:
                s = 1.0  # the flagship
            elif n > 1:
                s = min(1.0, base * 0.75 + rng.random() * 0.25)
            else:
                s = min(1.0, max(0.0, base + rng.uniform(-0.1, 0.1)))
            if jitter_km > 0:
                lat, lon = offset_point(city["lat"], city["lon"], jitter_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))
            else:
                lat, lon = city["lat"], city["lon"]
            street = rng.choice(STREETS)
            address = f"No. {rng.randint(1, 999)} {street}, {city['name']}"
            if province and city["admin1"] not in MUNICIPALITIES:
                address += f", {province}"
            phone = f"+86 {area} 5555 {rng.randint(0, 9999):04d}"
            caps = pick_capabilities(rng, s)
            carry_in = rng.random() < 0.93
            mail_in = rng.random() < 0.30
            radius = rng.choice([10, 15, 20, 25, 30]) if rng.random() < 0.40 else 0
            if not (carry_in or mail_in or radius > 0):
                carry_in = True
            capacity = max(5, min(60, 5 + round(55 * s) + rng.randint(-3, 3)))
            outlets.append({
                "outlet_id": outlet_id,
                "name": name,
                "address": address,
                "phone": phone,
                "latitude": f"{lat:.5f}",
                "longitude": f"{lon:.5f}",
                "time_zone": "Asia/Urumqi" if lon < 90 else "Asia/Shanghai",
                "capabilities": ";".join(caps),
                "carry_in": "true" if carry_in else "false",
                "mail_in": "true" if mail_in else "false",
                "on_site_radius_km": str(radius),
                "daily_capacity": str(capacity),
                "opening_hours": pick_hours(rng, s),
                # The reporting region: the city's GeoNames first-level division (see PROVINCES), e.g. CN-23 for Shanghai.
                "region": f"CN-{city['admin1']}",
            })
            technicians += make_technicians(rng, outlet_id, caps, s)
    return outlets, technicians


def make_technicians(rng, outlet_id, caps, s):
    count = max(1, min(4, 1 + int(s * 3 + rng.random())))
    certs = [set() for _ in range(count)]
    for cap in caps:  # every capability is covered by someone...
        certs[rng.randrange(count)].add(cap)
    for held in certs:  # ...and technicians overlap a little
        for cap in caps:
            if rng.random() < 0.3:
                held.add(cap)
        if not held:
            held.add(rng.choice(caps))
    result = []
    for t, held in enumerate(certs, start=1):
        entries = []
        for cap in [c for c in CATALOGUE if c in held]:
            expired = rng.random() < 0.04
            date = random_date(rng, 2025, 2025) if expired else random_date(rng, 2027, 2029)
            entries.append(f"{cap}:{date}")
        result.append({
            "technician_id": f"{outlet_id}-T{t:02d}",
            "outlet_id": outlet_id,
            "display_name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}",
            "certifications": ";".join(entries),
            "on_shift": "true" if rng.random() >= 0.15 else "false",
        })
    return result


def check(outlets, technicians):
    ids = set()
    for o in outlets:
        assert ID_RE.match(o["outlet_id"]) and o["outlet_id"] not in ids, o
        ids.add(o["outlet_id"])
        assert len(o["name"]) <= 200 and len(o["address"]) <= 500 and len(o["phone"]) <= 32, o
        assert re.match(r"^\+[0-9 ]+$", o["phone"]), o
        caps = o["capabilities"].split(";")
        assert caps and all(CAPABILITY_RE.match(c) for c in caps), o
        assert o["carry_in"] == "true" or o["mail_in"] == "true" or int(o["on_site_radius_km"]) > 0, o
        assert 5 <= int(o["daily_capacity"]) <= 60, o
        assert all(HOURS_RE.match(e) for e in o["opening_hours"].split("; ")), o
        assert re.match(r"^CN-[0-9]{2}$", o["region"]) and ID_RE.match(o["region"]), o
    tids = set()
    by_outlet = {o["outlet_id"]: set(o["capabilities"].split(";")) for o in outlets}
    covered = {k: set() for k in by_outlet}
    for t in technicians:
        assert ID_RE.match(t["technician_id"]) and t["technician_id"] not in tids, t
        tids.add(t["technician_id"])
        for entry in t["certifications"].split(";"):
            cap, _, date = entry.partition(":")
            assert CAPABILITY_RE.match(cap) and re.match(r"^\d{4}-\d{2}-\d{2}$", date), t
            covered[t["outlet_id"]].add(cap)
    assert all(covered[k] == v for k, v in by_outlet.items())


def write_csv(path, columns, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        w.writerows(rows)


def summary(outlets, technicians, today):
    caps = Counter(c for o in outlets for c in o["capabilities"].split(";"))
    # (outlet, capability) pairs offered but with no on-shift technician holding a valid
    # certification, and how many of those only an expired certification stands in the way of.
    valid, any_on_shift = set(), set()
    for t in technicians:
        if t["on_shift"] == "true":
            for e in t["certifications"].split(";"):
                cap, date = e.split(":")
                any_on_shift.add((t["outlet_id"], cap))
                if date >= today:
                    valid.add((t["outlet_id"], cap))
    offered = [(o["outlet_id"], c) for o in outlets for c in o["capabilities"].split(";")]
    uncovered = [p for p in offered if p not in valid]
    only_expired = [p for p in uncovered if p in any_on_shift]
    expired = sum(1 for t in technicians for e in t["certifications"].split(";") if e.split(":")[1] < "2026")
    certs = sum(len(t["certifications"].split(";")) for t in technicians)
    lines = [
        f"outlets: {len(outlets)} in {len({o['outlet_id'][:-5] for o in outlets})} cities",
        f"technicians: {len(technicians)} ({sum(t['on_shift'] == 'false' for t in technicians)} off shift), "
        f"certifications: {certs} ({expired} expired in 2025)",
        f"carry_in {sum(o['carry_in'] == 'true' for o in outlets)}, mail_in {sum(o['mail_in'] == 'true' for o in outlets)}, "
        f"on_site {sum(o['on_site_radius_km'] != '0' for o in outlets)}, "
        f"Asia/Urumqi {sum(o['time_zone'] == 'Asia/Urumqi' for o in outlets)}",
        f"offered capabilities without a valid on-shift certification (as of {today}): {len(uncovered)} "
        f"of {len(offered)}, {len(only_expired)} of them only because the certification expired",
        "outlets offering each capability:",
    ] + [f"  {c}: {caps[c]}" for c in CATALOGUE]
    return "\n".join(lines)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.normpath(os.path.join(here, "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", default=os.path.join(here, "cities-cn.csv"),
                        help="GeoNames city list (default: tools/demo-data/cities-cn.csv, see cities-cn.md)")
    parser.add_argument("--out", default=os.path.join(repo, "src", "RepairNetwork.Server", "DemoData"))
    parser.add_argument("--outlets", type=int, default=TOTAL_OUTLETS)
    parser.add_argument("--by-population", action="store_true",
                        help="spread --outlets over all cities in proportion to population (benchmark networks, e.g. 50000)")
    args = parser.parse_args()

    outlets, technicians = build(args.cities, args.outlets, args.by_population)
    check(outlets, technicians)
    os.makedirs(args.out, exist_ok=True)
    write_csv(os.path.join(args.out, "outlets-cn.csv"), OUTLET_COLUMNS, outlets)
    write_csv(os.path.join(args.out, "technicians-cn.csv"), TECHNICIAN_COLUMNS, technicians)
    print(summary(outlets, technicians, datetime.date.today().isoformat()), file=sys.stderr)


if __name__ == "__main__":
    main()
