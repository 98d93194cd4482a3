"""Benchmarks of ethos-sdk: each figure against a baseline measured in the same run.

    python bench/run.py            # the full run (under a minute on 2 idle cores)
    python bench/run.py --quick    # a smoke run with small counts (seconds)
    python bench/run.py --only stream_throughput,cold_start

The run prints how long it took; on a busy machine it takes longer, and the
ratios, which compare figures taken in turn in the same run, still hold.

Every figure is a ratio (or a difference) against a baseline measured in the
same run on the same machine, so the table means something on any machine.
Servers are the loopback one in ``bench/_server.py``: in another process for
the per-call, throughput and memory figures (so the two cores are split
between server and client), in this process for the latency figure (both
time stamps come from one ``time.perf_counter``).

Nothing here is run by the test suite or by CI.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # the checkout's ethos_sdk, not an installed copy
sys.path.insert(0, str(HERE))

import requests  # noqa: E402

from _server import BenchServer  # noqa: E402

FAKE_KEY = "sk-ethos-" + "0123456789abcdef" * 4
ORIGIN = "http://localhost:3001"


# -- results -----------------------------------------------------------------------


class Row:
    def __init__(self, name: str, figure: str, target: str, ok: Optional[bool], note: str = "") -> None:
        self.name, self.figure, self.target, self.ok, self.note = name, figure, target, ok, note


ROWS: List[Row] = []


def record(name: str, figure: str, target: str, ok: Optional[bool], note: str = "") -> None:
    ROWS.append(Row(name, figure, target, ok, note))
    verdict = "-" if ok is None else ("PASS" if ok else "FAIL")
    print(f"  -> {name}: {figure} (target {target}) {verdict}", flush=True)


def print_table() -> None:
    headers = ("benchmark", "figure", "target", "result")
    lines = [
        (r.name, r.figure, r.target, "info" if r.ok is None else ("PASS" if r.ok else "FAIL"))
        for r in ROWS
    ]
    widths = [max(len(h), *(len(l[i]) for l in lines)) for i, h in enumerate(headers)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    print()
    print(fmt.format(*headers))
    print(fmt.format(*("-" * w for w in widths)))
    for l in lines:
        print(fmt.format(*l))
    notes = [r for r in ROWS if r.note]
    if notes:
        print()
        for r in notes:
            print(f"* {r.name}: {r.note}")


def percentile(values: List[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1)))))
    return ordered[k]


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} us"


# -- servers -----------------------------------------------------------------------


@contextmanager
def server_process() -> Iterator[str]:
    """``bench/_server.py`` in a child process; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        yield f"http://127.0.0.1:{port}"
    finally:
        try:
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def make_client(base_url: str) -> Any:
    from ethos_sdk import EthosClient

    return EthosClient(base_url, api_key=FAKE_KEY, origin=ORIGIN, max_retries=0)


# -- 1. client construction -------------------------------------------------------


def bench_construction(quick: bool) -> None:
    from ethos_sdk import EthosClient

    print("client construction: EthosClient(...) vs requests.Session()", flush=True)
    rounds = 200 if quick else 2000
    sdk: List[float] = []
    base: List[float] = []
    clock = time.perf_counter
    for i in range(rounds):
        for which in ((0, 1) if i % 2 == 0 else (1, 0)):
            if which == 0:
                t = clock()
                c = EthosClient("http://127.0.0.1:9", api_key=FAKE_KEY, origin=ORIGIN)
                sdk.append(clock() - t)
                c.close()
            else:
                t = clock()
                s = requests.Session()
                base.append(clock() - t)
                s.close()
    ms, mb = statistics.median(sdk), statistics.median(base)
    record(
        "client construction",
        f"{ms / mb:.2f}x ({fmt_us(ms)} vs {fmt_us(mb)})",
        "report only",
        None,
        f"median of {rounds} each, alternated",
    )


# -- 2. import cost ------------------------------------------------------------------


def _import_time(module: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, check=True)
    return time.perf_counter() - t


def bench_import(quick: bool) -> None:
    print("import cost: python -c 'import ethos_sdk' vs 'import requests'", flush=True)
    n = 5 if quick else 20
    sdk: List[float] = []
    base: List[float] = []
    # A user's pip install leaves compiled bytecode beside every module, as it
    # did for requests. Compile the checkout the same way, or each run would
    # time the compiler (PYTHONDONTWRITEBYTECODE stops Python writing it).
    compileall.compile_dir(str(ROOT / "ethos_sdk"), quiet=1)
    _import_time("requests")  # warm the file cache
    _import_time("ethos_sdk")
    for i in range(n):
        pair = [("ethos_sdk", sdk), ("requests", base)]
        if i % 2:
            pair.reverse()
        for module, out in pair:
            out.append(_import_time(module))
    ms, mb = statistics.median(sdk), statistics.median(base)
    extra = (ms - mb) * 1000
    # which modules the SDK adds on top of requests
    code = (
        "import sys, requests; before = set(sys.modules); import ethos_sdk; "
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    added = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    own = [m for m in added if m.startswith("ethos_sdk")]
    other = [m for m in added if not m.startswith("ethos_sdk")]
    print(f"    ethos_sdk modules loaded at import ({len(own)}): {' '.join(own)}")
    print(f"    other modules it adds to requests' ({len(other)}): {' '.join(other)}")
    record(
        "import cost",
        f"{extra:+.1f} ms ({ms * 1000:.1f} vs {mb * 1000:.1f} ms)",
        "<= +10 ms",
        extra <= 10.0,
        f"median of {n} fresh processes each, alternated; the SDK adds "
        f"{len(own)} of its own modules and {len(other)} others: {' '.join(other) or 'none'}",
    )


# -- 3. per-call overhead ------------------------------------------------------------


def bench_per_call(quick: bool) -> None:
    from ethos_sdk import _envelope

    print("per-call overhead: client.sessions.list(limit=1) vs requests.Session.post", flush=True)
    calls = 200 if quick else 2000
    block = 50 if quick else 100
    with server_process() as base_url:
        client = make_client(base_url)
        transport = client._transport
        headers, _ = transport.headers_for(None)  # the SDK's own headers, one fixed request id
        body = _envelope.encode_input({"limit": 1})
        url = f"{base_url}/rpc/sessions/list"
        timeout = transport.resolve_timeout(transport.timeout)
        bare = requests.Session()
        clock = time.perf_counter

        def sdk_call() -> None:
            client.sessions.list(limit=1)

        def bare_call() -> None:
            r = bare.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
            r.content  # noqa: B018 - read the body, as the SDK does

        for _ in range(block):  # warm up both connections
            sdk_call()
            bare_call()
        sdk: List[float] = []
        base: List[float] = []
        cpu = {"sdk": 0.0, "base": 0.0}  # this thread's CPU time: the client side only
        thread_time = time.thread_time
        for b in range(calls // block):
            order = [(sdk_call, sdk, "sdk"), (bare_call, base, "base")]
            if b % 2:
                order.reverse()
            for fn, out, side in order:
                c = thread_time()
                for _ in range(block):
                    t = clock()
                    fn()
                    out.append(clock() - t)
                cpu[side] += thread_time() - c
        client.close()
        bare.close()
    target = 0.6
    med = statistics.median(sdk) / statistics.median(base)
    p99 = percentile(sdk, 99) / percentile(base, 99)
    cpu_ratio = cpu["sdk"] / cpu["base"]
    record(
        "per-call wall, median",
        f"{med:.3f}x ({fmt_us(statistics.median(sdk))} vs {fmt_us(statistics.median(base))})",
        f"<= {target}x",
        med <= target,
        f"{len(sdk)} calls each in alternated blocks of {block}, kept-alive connections, against "
        "bench/_server.py (recorded sessions.list bytes) in another process; the baseline is a bare "
        "requests.Session().post of the same body and headers, reading the body; the SDK side "
        "includes building the body and headers, decoding the answer and mapping errors",
    )
    record(
        "per-call wall, p99",
        f"{p99:.3f}x ({fmt_us(percentile(sdk, 99))} vs {fmt_us(percentile(base, 99))})",
        f"<= {target}x",
        p99 <= target,
    )
    record(
        "per-call client CPU",
        f"{cpu_ratio:.3f}x ({fmt_us(cpu['sdk'] / len(sdk))} vs {fmt_us(cpu['base'] / len(base))} per call)",
        f"<= {target}x",
        cpu_ratio <= target,
        "time.thread_time() of the calling thread over the same blocks: the client's own CPU, "
        "not the server's",
    )


# -- 3b. OpenTelemetry ---------------------------------------------------------------


def bench_otel(quick: bool) -> None:
    """Per call: not instrumented, vs instrument() with no tracer provider, vs a provider and a no-op exporter."""
    print("OpenTelemetry: per-call cost of ethos_sdk.otel.instrument(), without and with a tracer provider", flush=True)
    try:
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult
    except ImportError:
        record("otel, no provider", "not measured", "<= 1.02x", None, "opentelemetry-sdk is not installed")
        return
    from ethos_sdk.otel import instrument, uninstrument

    class Discard(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(Discard()))
    calls = 300 if quick else 3000
    block = 50 if quick else 100
    with server_process() as base_url:
        plain, bare_api, traced = make_client(base_url), make_client(base_url), make_client(base_url)
        instrument(bare_api)  # the global provider: none is set in this process
        instrument(traced, tracer_provider=provider)
        sides: Dict[str, Any] = {"plain": plain, "no provider": bare_api, "provider": traced}
        times: Dict[str, List[float]] = {name: [] for name in sides}
        cpu = {name: 0.0 for name in sides}  # this thread's CPU time: the client side only
        clock, thread_time = time.perf_counter, time.thread_time
        for client in sides.values():
            for _ in range(block):  # warm up each connection
                client.sessions.list(limit=1)
        order = list(sides)
        for b in range(calls // block):
            for name in order[b % 3:] + order[: b % 3]:  # rotate who goes first
                call = sides[name].sessions.list
                out = times[name]
                c = thread_time()
                for _ in range(block):
                    t = clock()
                    call(limit=1)
                    out.append(clock() - t)
                cpu[name] += thread_time() - c
        uninstrument()
        for client in sides.values():
            client.close()
    base = statistics.median(times["plain"])
    none = statistics.median(times["no provider"])
    full = statistics.median(times["provider"])
    per_call = {name: spent / len(times[name]) for name, spent in cpu.items()}
    cpu_ratio = per_call["no provider"] / per_call["plain"]
    record(
        "otel installed, instrumented, no provider (client CPU)",
        f"{cpu_ratio:.3f}x ({fmt_us(per_call['no provider'])} vs {fmt_us(per_call['plain'])} per call)",
        "<= 1.02x",
        cpu_ratio <= 1.02,
        f"{calls} sessions.list calls each, in rotated blocks of {block}; instrument(client) with no tracer "
        "provider set: the API is a no-op, and requests skip the middleware. time.thread_time() of the "
        "calling thread, as for the per-call CPU figure: the wall clock of a loopback call moves by a few "
        "per cent with the server process's scheduling",
    )
    record(
        "otel installed, instrumented, no provider (wall)",
        f"{none / base:.3f}x ({fmt_us(none)} vs {fmt_us(base)} not instrumented)",
        "report only",
        None,
        "medians of the same calls",
    )
    record(
        "otel with a provider, no-op exporter",
        f"{full / base:.3f}x ({fmt_us(full)} vs {fmt_us(base)}; +{fmt_us(full - base)} per call)",
        "report only",
        None,
        "opentelemetry-sdk TracerProvider with a SimpleSpanProcessor and an exporter that drops the spans: "
        "one CLIENT span and a traceparent header per call",
    )


# -- 4. stream latency ----------------------------------------------------------------


def bench_latency(quick: bool) -> None:
    print("stream latency: server write -> event in the caller's loop", flush=True)
    n = 300 if quick else 2000
    for framing in ("chunked", "close"):
        with BenchServer() as server:
            client = make_client(server.base_url)
            name = f"lat{framing}"
            q = server.paced_writer(name)
            t0 = server.t0
            lat: List[float] = []
            deadline = time.monotonic() + 60
            with client.events(f"paced-{framing}-{name}", idle_timeout=10, check_session=False) as stream:
                stream.wait_ready()
                q.put(1)
                for event in stream:
                    now = time.perf_counter()
                    lat.append(now - (t0 + event["t"] / 1e6))  # type: ignore[typeddict-item]
                    seq = len(lat)
                    if seq >= n or time.monotonic() > deadline:
                        break
                    q.put(seq + 1)
                q.put(None)
            size = len(b'data: {"type":"t","t":%d}\nid: %d\n\n' % (int((time.perf_counter() - t0) * 1e6), n))
            client.close()
        p50, p99 = statistics.median(lat), percentile(lat, 99)
        record(
            f"stream latency, {framing} body, p99",
            f"{p99 * 1000:.3f} ms (p50 {p50 * 1000:.3f} ms, max {max(lat) * 1000:.3f} ms)",
            "< 5 ms",
            p99 < 0.005 and len(lat) == n,
            f"{len(lat)} events of ~{size} bytes, written one at a time, each after the "
            "previous one reached the loop",
        )


# -- 5. stream throughput -------------------------------------------------------------


def sdk_events(base_url: str, spec: str, count: int) -> Tuple[float, int]:
    client = make_client(base_url)
    got = 0
    t = time.perf_counter()
    # check_session=False: the bench server has no sessions.get, and the stream alone is measured.
    with client.events(spec, idle_timeout=30, check_session=False) as stream:
        for event in stream:
            got += 1
            if got >= count:
                break
    elapsed = time.perf_counter() - t
    client.close()
    return elapsed, got


def baseline_events(base_url: str, spec: str, count: int) -> Tuple[float, int]:
    """The bare loop: ``read1``, split lines, ``json.loads`` the data lines."""
    client = make_client(base_url)
    headers, _ = client._transport.headers_for(None, accept="text/event-stream")
    got = 0
    loads = json.loads
    t = time.perf_counter()
    with requests.Session() as s:
        r = s.get(f"{base_url}/sse/sessions/{spec}", headers=headers, stream=True, timeout=(10, 30))
        read1 = r.raw.read1
        rest = b""
        done = False
        while not done:
            chunk = read1(64 * 1024)
            if not chunk:
                break
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                if line.startswith(b"data:"):
                    if loads(line[5:])["type"] == "stream_meta":
                        continue
                    got += 1
                    if got >= count:
                        done = True
                        break
        r.close()
    elapsed = time.perf_counter() - t
    client.close()
    return elapsed, got


def iter_lines_events(base_url: str, spec: str, count: int) -> Tuple[float, int]:
    """What a ``requests`` user writes: ``iter_lines()`` and ``json.loads`` of the data lines."""
    client = make_client(base_url)
    headers, _ = client._transport.headers_for(None, accept="text/event-stream")
    got = 0
    loads = json.loads
    t = time.perf_counter()
    with requests.Session() as s:
        r = s.get(f"{base_url}/sse/sessions/{spec}", headers=headers, stream=True, timeout=(10, 30))
        for line in r.iter_lines():
            if line.startswith(b"data:"):
                if loads(line[5:])["type"] == "stream_meta":
                    continue
                got += 1
                if got >= count:
                    break
        r.close()
    elapsed = time.perf_counter() - t
    client.close()
    return elapsed, got


STREAM_READERS: Dict[str, Callable[[str, str, int], Tuple[float, int]]] = {
    "sdk": sdk_events,
    "read1 loop": baseline_events,
    "iter_lines": iter_lines_events,
}
STREAM_TARGETS = {"read1 loop": 0.95, "iter_lines": 1.0}


def bench_throughput(quick: bool) -> None:
    print("stream throughput: EventStream vs the read1 loop and vs iter_lines() + json.loads", flush=True)
    n = 20_000 if quick else 200_000
    rounds = 1 if quick else 5
    with server_process() as base_url:
        for framing in ("chunked", "close"):
            spec = f"bulk-{framing}-{n}"
            times: Dict[str, List[float]] = {name: [] for name in STREAM_READERS}
            order = list(STREAM_READERS)
            for i in range(rounds):
                for name in order[i % len(order):] + order[: i % len(order)]:  # rotate who goes first
                    elapsed, got = STREAM_READERS[name](base_url, spec, n)
                    assert got == n, (name, got)
                    times[name].append(elapsed)
            # Per round, each baseline's time over the SDK's: pairs taken minutes apart
            # would mix the machine's slow and fast moments.
            for baseline, target in STREAM_TARGETS.items():
                ratios = [b / s for b, s in zip(times[baseline], times["sdk"])]
                ts, tb = min(times["sdk"]), min(times[baseline])
                best = tb / ts
                record(
                    f"stream throughput, {framing} body, vs {baseline}",
                    f"{best:.2f}x (best of {rounds}: {n / ts:,.0f} vs {n / tb:,.0f} events/s; "
                    f"per round min {min(ratios):.2f}x, median {statistics.median(ratios):.2f}x)",
                    f">= {target}x",
                    best >= target,
                    f"{n:,} events of ~52 bytes; "
                    + ("one HTTP chunk per event, as the server writes them" if framing == "chunked" else "no framing")
                    + ("; the bare loop reads the socket with read1, splits lines and json.loads the data"
                       if baseline == "read1 loop" else
                       "; requests' own Response.iter_lines() and json.loads of each data line"),
                )


# -- 5b. cold start ---------------------------------------------------------------------

COLD_SDK = """
import sys
from ethos_sdk import EthosClient
client = EthosClient(sys.argv[1], api_key=sys.argv[2], origin=sys.argv[3], max_retries=0)
assert client.sessions.list(limit=1)["items"]
"""

COLD_REQUESTS = """
import sys
import requests
session = requests.Session()
answer = session.post(
    sys.argv[1] + "/rpc/sessions/list",
    json={"json": {"limit": 1}},
    headers={"Authorization": "Bearer " + sys.argv[2], "Origin": sys.argv[3]},
    timeout=(10, 30),
)
answer.raise_for_status()
assert answer.json()["json"]["items"]
"""


def _process_time(script: str, base_url: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, base_url, FAKE_KEY, ORIGIN], cwd=ROOT, check=True)
    return time.perf_counter() - t


def bench_cold_start(quick: bool) -> None:
    print("cold start: a fresh process (import, client, first sessions.list) vs the same with requests", flush=True)
    n = 5 if quick else 15
    compileall.compile_dir(str(ROOT / "ethos_sdk"), quiet=1)  # as a pip install leaves it
    sdk: List[float] = []
    base: List[float] = []
    with server_process() as base_url:
        _process_time(COLD_SDK, base_url)  # warm the file cache
        _process_time(COLD_REQUESTS, base_url)
        for i in range(n):
            pair = [(COLD_SDK, sdk), (COLD_REQUESTS, base)]
            if i % 2:
                pair.reverse()
            for script, out in pair:
                out.append(_process_time(script, base_url))
    extra = (min(sdk) - min(base)) * 1000
    diffs = sorted((s - b) * 1000 for s, b in zip(sdk, base))
    record(
        "cold start",
        f"{extra:+.1f} ms (min {min(sdk) * 1000:.1f} vs {min(base) * 1000:.1f} ms; "
        f"per pair median {statistics.median(diffs):+.1f} ms)",
        "<= +5 ms",
        extra <= 5.0,
        f"min of {n} fresh processes each, alternated: python -c 'import ethos_sdk, construct "
        "EthosClient, sessions.list(limit=1)' against bench/_server.py in another process, vs "
        "requests.Session().post of the same call and .json() of its answer",
    )


# -- 6. memory -------------------------------------------------------------------------


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def bench_memory(quick: bool) -> None:
    print("memory: RSS while consuming events through EventStream", flush=True)
    n = 200_000 if quick else 1_000_000
    every = 20_000 if quick else 100_000
    threshold = 1024.0  # bytes per 1,000 events
    samples: List[Tuple[int, int]] = []
    with server_process() as base_url:
        client = make_client(base_url)
        got = 0
        with client.events(f"bulk-chunked-{n}", idle_timeout=30, check_session=False) as stream:
            for _ in stream:
                got += 1
                if got % every == 0:
                    samples.append((got, rss_bytes()))
                if got >= n:
                    break
        client.close()
    print("    " + "  ".join(f"{c // 1000}k:{r / 2**20:.1f}MiB" for c, r in samples))
    pts = samples[1:]  # the first interval is warm-up (buffers, caches)
    xs = [c / 1000 for c, _ in pts]
    ys = [float(r) for _, r in pts]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    growth = ys[-1] - ys[0]
    record(
        "memory growth",
        f"{slope:+.1f} bytes per 1,000 events ({growth / 1024:+.0f} KiB from {pts[0][0]:,} to {pts[-1][0]:,})",
        f"|slope| <= {threshold:.0f} B/1k",
        abs(slope) <= threshold,
        f"{n:,} events, RSS sampled every {every:,}; least-squares slope after the first sample. "
        f"The threshold ({threshold:.0f} B per 1,000 events, 1 byte per event) is below any "
        "per-event leak (the smallest Python object is 16 bytes) and above page-granular RSS noise",
    )


# -- 8. many turns at once -------------------------------------------------------------


@contextmanager
def local_server_process() -> Iterator[Tuple[str, str]]:
    """``python -m ethos_sdk.testing`` (the scripted agent) in a child process; yields (base URL, API key)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ethos_sdk.testing", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        assert proc.stdout is not None
        base_url = api_key = ""
        while not (base_url and api_key):
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("the local server did not start")
            if " server on " in line:
                base_url = line.rsplit(" ", 1)[1].strip()
            elif "API key" in line:
                api_key = line.rsplit(" ", 1)[1].strip()
        yield base_url, api_key
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_ask_many(quick: bool) -> None:
    import gc
    import tracemalloc
    from concurrent.futures import ThreadPoolExecutor

    from ethos_sdk import EthosClient

    turns = 40 if quick else 200
    at_once = 16
    rounds = 1 if quick else 7
    print(f"many turns: chat.ask_many vs a ThreadPoolExecutor around chat.ask ({turns} turns, {at_once} at once)",
          flush=True)
    with local_server_process() as (base_url, api_key):
        client = EthosClient(base_url, api_key=api_key, origin=base_url, timeout=60)
        prompts = [f"ticket {i}: the export button does nothing" for i in range(turns)]

        def sdk() -> Any:
            results = client.chat.ask_many(prompts, max_concurrency=at_once)
            assert len(results) == turns
            return results

        def by_hand() -> Any:
            with ThreadPoolExecutor(at_once) as pool:
                replies = list(pool.map(lambda text: client.chat.ask(text), prompts))
            assert len(replies) == turns
            return replies

        sdk()  # warm up: connections, imports
        by_hand()
        wall: Dict[str, List[float]] = {"sdk": [], "base": []}
        cpu: Dict[str, List[float]] = {"sdk": [], "base": []}
        for r in range(rounds):
            order = [("sdk", sdk), ("base", by_hand)]
            if r % 2:
                order.reverse()
            for side, run in order:
                c, t = time.process_time(), time.perf_counter()
                run()
                wall[side].append(time.perf_counter() - t)
                cpu[side].append(time.process_time() - c)
        in_flight: Dict[str, List[float]] = {"sdk": [], "base": []}
        for _ in range(1 if quick else 3):
            for side, run in (("sdk", sdk), ("base", by_hand)):
                gc.collect()
                tracemalloc.start()
                before = tracemalloc.get_traced_memory()[0]
                kept = run()
                peak = tracemalloc.get_traced_memory()[1]
                gc.collect()
                held = tracemalloc.get_traced_memory()[0] - before  # the results themselves, which stay
                tracemalloc.stop()
                in_flight[side].append((peak - before - held) / at_once)
                del kept
        memory = {side: statistics.median(values) for side, values in in_flight.items()}
        client.close()
    rate = {side: turns / statistics.median(times) for side, times in wall.items()}
    per_turn = {side: statistics.median(times) / turns for side, times in cpu.items()}
    # Each round's two runs follow each other: their ratio is the least disturbed by a busy machine.
    ratio = statistics.median(base / sdk_time for base, sdk_time in zip(wall["base"], wall["sdk"]))
    record(
        "ask_many throughput",
        f"{ratio:.3f}x ({rate['sdk']:.0f} vs {rate['base']:.0f} turns/s, medians)",
        ">= 1.0x",
        ratio >= 1.0,
        f"{turns} turns, {at_once} at once, in {rounds} rounds of one run each, alternated; the figure is the "
        "median of the rounds' ratios. Against the local test server (python -m ethos_sdk.testing, scripted "
        "agent) in another process; the baseline is ThreadPoolExecutor(16).map(client.chat.ask, ...) with the "
        "same client",
    )
    record(
        "ask_many client CPU per turn",
        f"{per_turn['sdk'] * 1000:.2f} ms vs {per_turn['base'] * 1000:.2f} ms "
        f"({per_turn['sdk'] / per_turn['base']:.2f}x)",
        "report only",
        None,
        "time.process_time() of this process (the server runs in another one) over a run, per turn",
    )
    record(
        "ask_many memory per turn in flight",
        f"{memory['sdk'] / 1024:.0f} KiB vs {memory['base'] / 1024:.0f} KiB "
        f"({memory['sdk'] / memory['base']:.2f}x)",
        "report only",
        None,
        f"tracemalloc: the peak of a run above its start, less what its results hold once it is over, "
        f"divided by the {at_once} turns in flight; median of {len(in_flight['sdk'])} runs each",
    )


# -- main --------------------------------------------------------------------------------

BENCHES: Dict[str, Callable[[bool], None]] = {
    "construction": bench_construction,
    "import": bench_import,
    "per_call": bench_per_call,
    "otel": bench_otel,
    "stream_latency": bench_latency,
    "stream_throughput": bench_throughput,
    "cold_start": bench_cold_start,
    "memory": bench_memory,
    "ask_many": bench_ask_many,
}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run in seconds")
    parser.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(BENCHES))
    args = parser.parse_args(argv)
    chosen = [b.strip() for b in args.only.split(",") if b.strip()] or list(BENCHES)
    unknown = [b for b in chosen if b not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    import ethos_sdk
    import sseclient  # noqa: F401
    import urllib3

    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}; "
        f"ethos_sdk {ethos_sdk.__version__}, requests {requests.__version__}, urllib3 {urllib3.__version__}"
        + (" [--quick]" if args.quick else ""),
        flush=True,
    )
    started = time.perf_counter()
    for name in chosen:
        BENCHES[name](args.quick)
    print_table()
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0 if all(r.ok is not False for r in ROWS) else 1


if __name__ == "__main__":
    sys.exit(main())
