"""The client of bench/national-reads (run it through that script).

One client, one keep-alive connection, requests one after another against a
server on the national database; p50/p99/max per scenario, PASS or MISS
against the targets of issue 9, and a Markdown table for BENCHMARKS.md.
Python standard library only. Settings come from the environment, as
documented in bench/national-reads.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import time

PORT = int(os.environ["BENCH_PORT"])
DATABASE_URL = os.environ["NATIONAL_DATABASE_URL"]
SAMPLES = int(os.environ.get("NATIONAL_READS_SAMPLES", "200"))
WARMUP = int(os.environ.get("NATIONAL_READS_WARMUP", "10"))
TIMEOUT = float(os.environ.get("NATIONAL_READS_TIMEOUT", "30"))
BUDGET = float(os.environ.get("NATIONAL_READS_BUDGET", "60"))
EXPORT_BUDGET = float(os.environ.get("NATIONAL_READS_EXPORT_BUDGET", "300"))
INDICATOR = os.environ.get("NATIONAL_READS_INDICATOR", "synthetic_001")


def query(sql):
    """Rows of a query against the national database, as lists of text."""
    out = subprocess.run(["psql", DATABASE_URL, "-qAtF", "\t", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


class Client:
    """One keep-alive connection, reopened after a timeout or a close."""

    def __init__(self):
        self.conn = None

    def get(self, path, read=lambda response: response.read()):
        """(status, whatever `read` makes of the response, seconds)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = read(response)
            if response.will_close:
                self.close()
            return response.status, body, time.perf_counter() - started
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return type(error).__name__, None, time.perf_counter() - started

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def percentile(sorted_values, p):
    """Nearest-rank percentile."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


class Report:
    """Two Markdown tables: latencies, and exports."""

    def __init__(self):
        self.latencies = []
        self.exports = []
        self.missed = []

    def verdict(self, label, passed):
        if not passed:
            self.missed.append(label)
        return "PASS" if passed else "MISS"

    def latency(self, label, target_ms, times, failures, note=""):
        """A row of p50/p99/max; MISS on any failure or a p99 over target."""
        if times:
            times = sorted(times)
            p50, p99, worst = (ms(percentile(times, 50)), ms(percentile(times, 99)), ms(times[-1]))
            passed = not failures and percentile(times, 99) * 1000 < target_ms
        else:
            p50 = p99 = worst = "–"
            passed = False
        failed = ", ".join(f"{n}× {kind}" for kind, n in sorted(failures.items())) or "0"
        row = (label, str(len(times)), p50, p99, worst, failed, f"p99 < {target_ms} ms",
               self.verdict(label, passed) + note)
        self.latencies.append(row)
        print("  " + " | ".join(row), file=sys.stderr, flush=True)

    def export(self, label, expected, status, rows, seconds, target_rows_per_s):
        """A row of rows, time and rows/s; MISS unless every row came, fast enough."""
        complete = status == 200 and rows == expected
        rate = rows / seconds if rows else 0
        passed = complete and rate >= (target_rows_per_s or 0)
        got = f"{rows:,}" + ("" if status == 200 else f" ({status})")
        target = "all rows" + (f", ≥ {target_rows_per_s:,} rows/s" if target_rows_per_s else "")
        row = (label, f"{expected:,}", got, f"{seconds:.1f} s", f"{rate:,.0f}", target,
               self.verdict(label, passed))
        self.exports.append(row)
        print("  " + " | ".join(row), file=sys.stderr, flush=True)

    def print(self):
        print("| Scenario | Requests | p50 | p99 | max | Failed | Target | Result |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for row in self.latencies:
            print("| " + " | ".join(row) + " |")
        print()
        print("| Export | Rows in the database | Rows received | Time | Rows/s | Target | Result |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for row in self.exports:
            print("| " + " | ".join(row) + " |")


def sample(client, label, paths):
    """Warm-up (at most BUDGET seconds of it), then up to SAMPLES timed
    requests within BUDGET seconds."""
    print(f"{label} …", file=sys.stderr, flush=True)
    deadline = time.monotonic() + BUDGET
    for path in paths[:WARMUP]:
        if time.monotonic() > deadline:
            break
        client.get(path)
    times, failures = [], {}
    deadline = time.monotonic() + BUDGET
    for path in paths[WARMUP:WARMUP + SAMPLES]:
        if time.monotonic() > deadline:
            break
        status, _, seconds = client.get(path)
        if status == 200:
            times.append(seconds)
        else:
            failures[status] = failures.get(status, 0) + 1
    return times, failures


def walk_pages(client, first):
    """Follows meta.next from the first page: (times, failures, last page's time or None)."""
    print("pages …", file=sys.stderr, flush=True)
    client.get(first)
    times, failures, path = [], {}, first
    deadline = time.monotonic() + EXPORT_BUDGET
    while path is not None:
        if time.monotonic() > deadline:
            return times, failures, None
        status, body, seconds = client.get(path)
        if status != 200:
            failures[status] = failures.get(status, 0) + 1
            return times, failures, None
        times.append(seconds)
        path = json.loads(body)["meta"]["next"]
    return times, failures, times[-1]


class CsvCounter:
    """A reader for Client.get: counts a CSV's records (CRLF-terminated,
    header excluded) as they stream, and gives up at the deadline. The
    count so far survives an exception."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.records = 0

    def __call__(self, response):
        if response.status != 200:
            return response.read()
        previous = b""
        while chunk := response.read(1 << 20):
            self.records += chunk.count(b"\r\n") + (previous == b"\r" and chunk[:1] == b"\n")
            previous = chunk[-1:]
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"export budget of {EXPORT_BUDGET:.0f} s spent")
        return None

    @property
    def rows(self):
        return max(0, self.records - 1)


def export(client, report, label, path, expected, target_rows_per_s):
    """One streamed CSV export, its records counted; abandoned after EXPORT_BUDGET."""
    print(f"{label} …", file=sys.stderr, flush=True)
    counter = CsvCounter(time.monotonic() + EXPORT_BUDGET)
    status, _, seconds = client.get(path, counter)
    report.export(label, expected, status, counter.rows, seconds, target_rows_per_s)


def main():
    rng = random.Random(9)
    counties = [row[0] for row in query(
        "select distinct region_code from observations o join regions r on r.code = o.region_code "
        "where r.level = 'county' and o.source_id = 'synthetic-national'")]
    provinces = [row[0] for row in query(
        "select code from regions where level = 'province' and deleted_at is null")]
    indicators = [row[0] for row in query(
        "select distinct indicator_code from observations where source_id = 'synthetic-national'")]
    pick = lambda items: items[rng.randrange(len(items))]
    n = WARMUP + SAMPLES
    report = Report()

    client = Client()
    times, failures = sample(client, "series", [
        f"/api/v1/series?indicator={pick(indicators)}&region={pick(counties)}" for _ in range(n)])
    report.latency("`/series?indicator=X&region=<county>`", 10, times, failures)
    times, failures = sample(client, "observations of a province", [
        f"/api/v1/observations?indicator={pick(indicators)}&region={pick(provinces)}&descendants=true"
        for _ in range(n)])
    report.latency("`/observations?indicator=X&region=<province>&descendants=true`", 30, times, failures)
    # Pages as a client gets them by default (100 rows), and at the largest
    # page the API allows (1000 rows).
    for limit, size in (("", 100), ("&limit=1000", 1000)):
        times, failures, last = walk_pages(client, f"/api/v1/observations?indicator={INDICATOR}{limit}")
        pages = query(f"select ceil(count(*) / {size}.0) from observations "
                      f"where indicator_code = '{INDICATOR}' and valid_to is null")[0][0]
        note = (f"; {len(times)} pages, last page {ms(last)}" if last is not None
                else f"; stopped after {len(times)} of {pages} pages")
        report.latency(f"every page of `/observations?indicator={INDICATOR}{limit}` via `meta.next`",
                       30, times, failures, note)
    times, failures = sample(client, "dashboard", [
        f"/api/v1/regions/{pick(counties)}/dashboard" for _ in range(n)])
    report.latency("`/regions/<county>/dashboard`", 30, times, failures)
    times, failures = sample(client, "compare", [] if len(counties) < 2 else [
        f"/api/v1/compare?indicator={pick(indicators)}&regions={','.join(rng.sample(counties, min(10, len(counties))))}"
        for _ in range(n)])
    report.latency("`/compare?indicator=X&regions=<10 counties>`", 20, times, failures)

    expected = int(query(f"select count(*) from observations "
                         f"where indicator_code = '{INDICATOR}' and valid_to is null")[0][0])
    export(client, report, f"CSV export of one indicator, `/observations?indicator={INDICATOR}&format=csv`",
           f"/api/v1/observations?indicator={INDICATOR}&format=csv", expected, 100_000)
    expected = int(query("select count(*) from observations where valid_to is null")[0][0])
    export(client, report, "CSV export of every row, `/observations?format=csv`",
           "/api/v1/observations?format=csv", expected, None)
    client.close()

    print()
    report.print()
    if report.missed:
        print(f"\nMISS: {', '.join(report.missed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
