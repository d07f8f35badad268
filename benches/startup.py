"""Start-up harness for benches/startup.sh. Spawns `cognito-bff serve` again and again and
times each start from a monotonic clock read just before the spawn:

    listening     its JSON "listening" line on standard output, read by a thread as it comes
    first answer  the first HTTP answer of any status from /readyz
    ready         the first 200 from /readyz (database answering, JWKS loaded), which is
                  polled from the spawn on every --poll-ms

then, after the process has sat idle for --settle seconds, its resident set (VmRSS) and peak
(VmHWM), and the time from SIGTERM to its exit. The service's settings come from the
environment, with LISTEN_ADDR, METRICS_ADDR and DATABASE_URL set per run.

    startup.py run --bin PATH --label NAME --database-url URL|fresh-sqlite:DIR [...]
    startup.py report FILE BINARY
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
    return values


def poll(port):
    """The status /readyz answers, or None while nothing listens."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", "/readyz")
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


def one_start(args, run, database_url, log):
    port, metrics_port = free_port(), free_port()
    env = dict(os.environ)
    env.update(
        {
            "LISTEN_ADDR": f"127.0.0.1:{port}",
            "METRICS_ADDR": f"127.0.0.1:{metrics_port}",
            "DATABASE_URL": database_url,
            "LOG_FORMAT": "json",
        }
    )
    listening = threading.Event()
    stamps = {}

    def read(stdout):
        for line in iter(stdout.readline, b""):
            now = time.monotonic()
            log.write(line.decode(errors="replace"))
            try:
                event = json.loads(line)
            except ValueError:
                continue
            message = event.get("message") or event.get("fields", {}).get("message")
            if message == "listening" and "listening" not in stamps:
                stamps["listening"] = now
                listening.set()

    started = time.monotonic()
    child = subprocess.Popen(
        [args.bin, "serve"], env=env, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL
    )
    spawned = time.monotonic()
    reader = threading.Thread(target=read, args=(child.stdout,), daemon=True)
    reader.start()
    first_answer = ready = None
    deadline = started + args.timeout
    while time.monotonic() < deadline:
        status = poll(port)
        now = time.monotonic()
        if status is not None and first_answer is None:
            first_answer = now
        if status == 200:
            ready = now
            break
        if child.poll() is not None:
            break
        time.sleep(args.poll_ms / 1000)
    listening.wait(timeout=1)
    if ready is None or "listening" not in stamps:
        child.kill()
        child.wait()
        sys.exit(f"error: run {run} of {args.label}: not ready within {args.timeout} s (see the log)")
    time.sleep(args.settle)
    memory = status_kib(child.pid)
    stopping = time.monotonic()
    child.send_signal(signal.SIGTERM)
    try:
        code = child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        code = child.wait()
    stopped = time.monotonic()
    reader.join(timeout=5)
    ms = lambda t: (t - started) * 1000  # noqa: E731
    return {
        "label": args.label,
        "run": run,
        "spawn_ms": ms(spawned),
        "listening_ms": ms(stamps["listening"]),
        "first_answer_ms": ms(first_answer),
        "ready_ms": ms(ready),
        "rss_kib": memory.get("VmRSS", 0),
        "hwm_kib": memory.get("VmHWM", 0),
        "stop_ms": (stopped - stopping) * 1000,
        "exit": code,
    }


def run(args):
    with open(args.log, "a") as log:
        for i in range(-args.discard + 1, args.runs + 1):
            if args.database_url.startswith("fresh-sqlite:"):
                # A new file every start: the migrations run each time.
                directory = args.database_url.split(":", 1)[1]
                url = f"sqlite://{directory}/start-{i + args.discard}.db"
            else:
                url = args.database_url
            result = one_start(args, i, url, log)
            if i >= 1:
                print(json.dumps(result), flush=True)
    return 0


def report(args):
    with open(args.file) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    labels = []
    for r in runs:
        if r["label"] not in labels:
            labels.append(r["label"])

    def cell(values, spec):
        if len(values) == 1:
            return f"{values[0]:{spec}}"
        return f"{statistics.median(values):{spec}} ({min(values):{spec}}-{max(values):{spec}})"

    columns = [
        ("exec->listening ms", lambda r: r["listening_ms"], ".1f"),
        ("exec->first answer ms", lambda r: r["first_answer_ms"], ".1f"),
        ("exec->ready ms", lambda r: r["ready_ms"], ".1f"),
        ("idle RSS MiB", lambda r: r["rss_kib"] / 1024, ".1f"),
        ("peak RSS MiB", lambda r: r["hwm_kib"] / 1024, ".1f"),
        ("SIGTERM->exit ms", lambda r: r["stop_ms"], ".1f"),
    ]
    cells = {
        label: [cell([f(r) for r in runs if r["label"] == label], spec) for _, f, spec in columns]
        for label in labels
    }
    widths = [max(len(t), *(len(cells[l][i]) for l in labels)) for i, (t, _, _) in enumerate(columns)]
    first = max(len("database"), *(len(l) for l in labels))
    print(f"{'database':<{first}}  " + "  ".join(f"{t:>{w}}" for (t, _, _), w in zip(columns, widths)))
    for label in labels:
        print(f"{label:<{first}}  " + "  ".join(f"{v:>{w}}" for v, w in zip(cells[label], widths)))
    print()
    spawn = statistics.median(r["spawn_ms"] for r in runs)
    print(f"(of which the spawn itself, fork and exec until Popen returns: median {spawn:.2f} ms)")
    bad = [r for r in runs if r["exit"] != 0]
    if bad:
        print(f"warning: {len(bad)} runs did not exit 0 on SIGTERM: {sorted({r['exit'] for r in bad})}")
    size = os.path.getsize(args.binary)
    print(f"binary: {size / 1048576:.1f} MiB ({size} bytes), {args.binary}")
    print()
    for label in labels:
        mine = [r for r in runs if r["label"] == label]
        listening = statistics.median(r["listening_ms"] for r in mine)
        ready = statistics.median(r["ready_ms"] for r in mine)
        print(
            f"targets, {label}: listening within 50 ms: {listening:.1f} ms, "
            f"{'met' if listening <= 50 else 'NOT met'}; ready within 200 ms: {ready:.1f} ms, "
            f"{'met' if ready <= 200 else 'NOT met'} (medians)"
        )
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run")
    p.add_argument("--bin", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--database-url", required=True, help="a URL, or fresh-sqlite:DIR for a new SQLite file per start")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--discard", type=int, default=1, help="starts run first and not counted")
    p.add_argument("--poll-ms", type=float, default=1)
    p.add_argument("--settle", type=float, default=1)
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--log", required=True)
    p = sub.add_parser("report")
    p.add_argument("file")
    p.add_argument("binary")
    args = parser.parse_args()
    return run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    sys.exit(main())
