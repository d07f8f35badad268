"""Load driver for benches/signin.sh and benches/store.sh: sign-ins through cognito-bff, or
the same Cognito calls sent straight to the emulator, for a fixed time, from threads that
each keep one HTTP connection (kept alive where the server allows it). Standard library only,
except `mfa-users`, which sets users up with boto3.

    flows.py run       one timed run; prints one JSON line
    flows.py mfa-users gives users of a pool TOTP MFA, so that each sign-in meets a challenge
    flows.py report-signin FILE    the table of benches/signin.sh, from its JSON lines
    flows.py report-store FILE     the table of benches/store.sh

The flows, each the same work on both targets:

    password  cognito-bff POST /login (COGNITO_AUTH_FLOW=USER_PASSWORD_AUTH), or InitiateAuth
              with USER_PASSWORD_AUTH and SECRET_HASH
    srp       cognito-bff POST /login (COGNITO_AUTH_FLOW=USER_SRP_AUTH), or InitiateAuth with
              USER_SRP_AUTH and RespondToAuthChallenge with PASSWORD_VERIFIER. The emulator
              checks no SRP value, so the direct client sends well-formed values without the
              big-number work; cognito-bff does it all, as it must against Cognito.
    mfa       cognito-bff POST /login, which stores the SOFTWARE_TOKEN_MFA challenge, then
              POST /challenge with the Challenge-Handle header; or InitiateAuth then
              RespondToAuthChallenge with SOFTWARE_TOKEN_MFA and the Session

Latency is taken around each HTTP exchange (request sent, whole answer read), before the
answer is parsed. CPU is read from /proc/<pid>/stat (utime + stime, in clock ticks) just
before the first request and just after the last.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import math
import os
import secrets
import statistics
import sys
import threading
import time
import urllib.parse

TARGET = "AWSCognitoIdentityProviderService."
AMZ_JSON = "application/x-amz-json-1.1"
# The emulator checks no TOTP code unless MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP is set, and
# the benchmarks start it without: any six digits answer SOFTWARE_TOKEN_MFA.
TOTP_CODE = "123456"
HZ = os.sysconf("SC_CLK_TCK")


class Failure(Exception):
    pass


class Connection:
    """One HTTP connection; http.client reopens it when the server closed it."""

    def __init__(self, url):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.prefix = parsed.path.rstrip("/")
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def post(self, path, body, headers):
        """Sends one request; returns (status, headers, body, seconds)."""
        started = time.perf_counter()
        self.conn.request("POST", self.prefix + path, body, headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        return response.status, response, data, elapsed

    def reset(self):
        self.conn.close()


def secret_hash(secret, username, client_id):
    if not secret:
        return None
    mac = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def expect(status, data, marker, what):
    if status != 200 or marker not in data:
        raise Failure(f"{what}: {status} {data[:300]!r}")


class Flow:
    """One kind of sign-in against one target; `once` runs one and records its steps."""

    def __init__(self, args):
        self.args = args
        self.json_headers = {"Content-Type": "application/json"}
        self.phase = ""

    def headers(self, k, step, replica):
        headers = dict(self.json_headers)
        if self.args.request_ids:
            # Warm-up flows are told apart from measured ones.
            headers["X-Request-Id"] = f"{self.args.request_ids}{self.phase}-{k}-{step}"
        if self.args.cross_header and replica:
            headers[self.args.cross_header] = replica
        return headers

    # -- cognito-bff ------------------------------------------------------------------------
    def bff(self, conn, user, k, record):
        a = self.args
        # Flow k's login goes to one replica and its answer to the other (when asked).
        first, second = ("a", "b") if k % 2 == 0 else ("b", "a")
        body = json.dumps({"username": user, "password": a.password})
        status, response, data, t = conn.post("/login", body, self.headers(k, "login", first))
        if a.flow in ("password", "srp"):
            expect(status, data, b'"authenticated"', "POST /login")
            record("login", t)
            return
        expect(status, data, b'"SOFTWARE_TOKEN_MFA"', "POST /login")
        handle = response.getheader("Challenge-Handle")
        if not handle:
            raise Failure("POST /login: no Challenge-Handle header")
        record("login", t)
        body = json.dumps(
            {"challenge": "SOFTWARE_TOKEN_MFA", "responses": {"SOFTWARE_TOKEN_MFA_CODE": TOTP_CODE}}
        )
        headers = self.headers(k, "challenge", second)
        headers["Challenge-Handle"] = handle
        status, _, data, t2 = conn.post("/challenge", body, headers)
        expect(status, data, b'"authenticated"', "POST /challenge")
        record("challenge", t2)
        record("flow", t + t2)

    # -- the emulator, directly -------------------------------------------------------------
    def call(self, conn, operation, payload):
        headers = {"Content-Type": AMZ_JSON, "X-Amz-Target": TARGET + operation}
        return conn.post("/", json.dumps(payload), headers)

    def direct(self, conn, user, k, record):
        a = self.args
        parameters = {"USERNAME": user}
        if a.flow == "srp":
            parameters["SRP_A"] = self.srp_a
        else:
            parameters["PASSWORD"] = a.password
        hashed = secret_hash(a.client_secret, user, a.client_id)
        if hashed:
            parameters["SECRET_HASH"] = hashed
        flow = "USER_SRP_AUTH" if a.flow == "srp" else "USER_PASSWORD_AUTH"
        status, _, data, t = self.call(
            conn,
            "InitiateAuth",
            {"AuthFlow": flow, "ClientId": a.client_id, "AuthParameters": parameters},
        )
        if a.flow == "password":
            expect(status, data, b'"AccessToken"', "InitiateAuth")
            record("login", t)
            return
        name = "PASSWORD_VERIFIER" if a.flow == "srp" else "SOFTWARE_TOKEN_MFA"
        expect(status, data, name.encode(), "InitiateAuth")
        challenge = json.loads(data)
        params = challenge.get("ChallengeParameters") or {}
        username = params.get("USERNAME", user)
        if a.flow == "srp":
            stamp = time.strftime("%a %b %-d %H:%M:%S UTC %Y", time.gmtime())
            block = params["SECRET_BLOCK"]
            signature = hmac.new(self.srp_key, (block + stamp).encode(), hashlib.sha256)
            responses = {
                "USERNAME": username,
                "PASSWORD_CLAIM_SECRET_BLOCK": block,
                "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(signature.digest()).decode(),
                "TIMESTAMP": stamp,
            }
        else:
            responses = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": TOTP_CODE}
        hashed = secret_hash(a.client_secret, username, a.client_id)
        if hashed:
            responses["SECRET_HASH"] = hashed
        status, _, data, t2 = self.call(
            conn,
            "RespondToAuthChallenge",
            {
                "ChallengeName": name,
                "ClientId": a.client_id,
                "Session": challenge["Session"],
                "ChallengeResponses": responses,
            },
        )
        expect(status, data, b'"AccessToken"', "RespondToAuthChallenge")
        if a.flow == "srp":
            # One sign-in: both calls, as cognito-bff's /login makes both.
            record("login", t + t2)
        else:
            record("login", t)
            record("challenge", t2)
            record("flow", t + t2)

    # Well-formed SRP values for the direct client (3072-bit A, any key for the signature).
    srp_a = secrets.token_hex(384)
    srp_key = secrets.token_bytes(32)


def cpu_ticks(args):
    """utime + stime of each named process, and of every process whose command line contains
    a given string (a database's backends), summed per name."""
    ticks = {}
    for spec in args.cpu:
        name, pid = spec.split("=", 1)
        ticks[name] = ticks.get(name, 0) + stat_ticks(pid)
    for spec in args.cpu_cmdline:
        name, needle = spec.split("=", 1)
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if needle.encode() not in f.read():
                        continue
            except OSError:
                continue
            total += stat_ticks(pid)
        ticks[name] = ticks.get(name, 0) + total
    own = os.times()
    ticks["driver"] = round((own.user + own.system) * HZ)
    # The whole machine's busy time, to tell what other processes took meanwhile.
    with open("/proc/stat") as f:
        cpu = f.readline().split()
    ticks["machine"] = sum(int(cpu[i]) for i in (1, 2, 3, 6, 7, 8))
    return ticks


def stat_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def run(args):
    flow = Flow(args)
    step = flow.bff if args.target == "bff" else flow.direct
    users = args.users.split(",")
    lock = threading.Lock()
    totals = {"flows": 0, "errors": 0, "first_error": None}
    samples = {}

    def worker(index, until, measured):
        conn = Connection(args.url)
        user = users[index % len(users)]
        mine = {}
        done = errors = 0
        first_error = None
        k = index

        def record(name, seconds):
            mine.setdefault(name, []).append(seconds)

        while time.perf_counter() < until:
            try:
                step(conn, user, k, record)
                done += 1
            except (Failure, OSError, http.client.HTTPException, KeyError, ValueError) as e:
                errors += 1
                first_error = first_error or f"{type(e).__name__}: {e}"
                conn.reset()
                if errors > 20:
                    break
            # Distinct request ids per thread: thread i runs flows i, i + n, i + 2n, ...
            k += args.concurrency
        conn.reset()
        if measured:
            with lock:
                totals["flows"] += done
                totals["errors"] += errors
                totals["first_error"] = totals["first_error"] or first_error
                for name, values in mine.items():
                    samples.setdefault(name, []).extend(values)

    def phase(seconds, measured):
        flow.phase = "" if measured else "w"
        until = time.perf_counter() + seconds
        threads = [
            threading.Thread(target=worker, args=(i, until, measured))
            for i in range(args.concurrency)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    if args.warmup > 0:
        phase(args.warmup, False)
    before = cpu_ticks(args)
    started = time.perf_counter()
    phase(args.duration, True)
    elapsed = time.perf_counter() - started
    after = cpu_ticks(args)
    result = {
        "label": args.label,
        "round": args.round,
        "flow": args.flow,
        "target": args.target,
        "concurrency": args.concurrency,
        "elapsed": elapsed,
        "flows": totals["flows"],
        "errors": totals["errors"],
        "first_error": totals["first_error"],
        "hz": HZ,
        "cpu_ticks": {name: after[name] - before[name] for name in after},
        "steps": {
            name: {
                "n": len(values),
                "p50_ms": percentile(values, 0.50) * 1000,
                "p99_ms": percentile(values, 0.99) * 1000,
                "mean_ms": statistics.fmean(values) * 1000,
            }
            for name, values in samples.items()
        },
    }
    print(json.dumps(result), flush=True)
    return 0 if totals["errors"] == 0 and totals["flows"] > 0 else 1


# -- Setting users up --------------------------------------------------------------------------
def mfa_users(args):
    import boto3

    idp = boto3.client(
        "cognito-idp",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    for name in args.names:
        idp.admin_create_user(
            UserPoolId=args.pool_id,
            Username=name,
            UserAttributes=[
                {"Name": "email", "Value": f"{name}@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
            MessageAction="SUPPRESS",
        )
        idp.admin_set_user_password(
            UserPoolId=args.pool_id, Username=name, Password=args.password, Permanent=True
        )
        parameters = {"USERNAME": name, "PASSWORD": args.password}
        hashed = secret_hash(args.client_secret, name, args.client_id)
        if hashed:
            parameters["SECRET_HASH"] = hashed
        auth = lambda: idp.initiate_auth(  # noqa: E731
            AuthFlow="USER_PASSWORD_AUTH", ClientId=args.client_id, AuthParameters=parameters
        )
        token = auth()["AuthenticationResult"]["AccessToken"]
        idp.associate_software_token(AccessToken=token)
        idp.verify_software_token(AccessToken=token, UserCode=TOTP_CODE)
        idp.set_user_mfa_preference(
            AccessToken=token,
            SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
        )
        if auth().get("ChallengeName") != "SOFTWARE_TOKEN_MFA":
            sys.exit(f"error: {name} signs in without SOFTWARE_TOKEN_MFA")
    return 0


# -- Reports ------------------------------------------------------------------------------------
def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def spread(values, spec):
    """median (min-max); the value alone when there is one."""
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:{spec}}"
    return f"{statistics.median(values):{spec}} ({min(values):{spec}}-{max(values):{spec}})"


def table(headers, rows, left=1):
    """Prints rows under headers (each a list of one or more header lines), columns as wide
    as their widest cell; the first `left` columns left-aligned, the others right-aligned."""
    depth = max(len(h) for h in headers)
    headers = [[""] * (depth - len(h)) + h for h in headers]
    widths = [max(len(c) for c in [*h, *(r[i] for r in rows)]) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(
            f"{c:<{w}}" if i < left else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths))
        ).rstrip()

    for i in range(depth):
        print(line([h[i] for h in headers]))
    for r in rows:
        print(line(r))


def rounds_phrase(runs):
    n = len({r["round"] for r in runs})
    return f"{n} round" + ("s" if n != 1 else "")


def per_flow_us(run, names):
    ticks = sum(run["cpu_ticks"].get(n, 0) for n in names)
    return ticks / run["hz"] / run["flows"] * 1e6


def other_pct(run):
    """CPU other processes used during the run, in % of one core: the machine's busy time less
    that of every process measured."""
    ticks = run["cpu_ticks"]
    mine = sum(v for n, v in ticks.items() if n != "machine")
    return max(0.0, (ticks.get("machine", 0) - mine) / run["hz"] / run["elapsed"] * 100)


def warn_other(runs):
    worst = max(runs, key=other_pct)
    if other_pct(worst) > 10:
        print(
            f"warning: other processes used up to {other_pct(worst):.0f}% of a core during a run "
            f"({worst['label']}, round {worst['round']}); rerun on an idle machine for figures "
            "of record"
        )


SIGNIN_FLOWS = [
    ("password", "USER_PASSWORD_AUTH", ["login"]),
    ("srp", "USER_SRP_AUTH", ["login"]),
    ("mfa", "USER_PASSWORD_AUTH + TOTP", ["login", "challenge", "flow"]),
]


def report_signin(args):
    runs = load(args.file)
    step_names = {"login": "/login", "challenge": "/challenge", "flow": "both steps"}
    rounds = sorted({r["round"] for r in runs})

    def run_of(flow, target, r):
        found = [x for x in runs if x["flow"] == flow and x["target"] == target and x["round"] == r]
        return found[0] if found else None

    print(
        f"Latency in ms, one sign-in at a time: median over {rounds_phrase(runs)} (min-max). "
        "added = cognito-bff - direct, paired by round."
    )
    print()
    rows = []
    added_p50 = {}
    for flow, title, steps in SIGNIN_FLOWS:
        for step in steps:
            pairs = []
            for r in rounds:
                bff, direct = run_of(flow, "bff", r), run_of(flow, "direct", r)
                if bff and direct and step in bff["steps"] and step in direct["steps"]:
                    pairs.append((bff["steps"][step], direct["steps"][step]))
            if not pairs:
                continue
            col = lambda f: [f(b, d) for b, d in pairs]  # noqa: E731
            added_p50[(flow, step)] = col(lambda b, d: b["p50_ms"] - d["p50_ms"])
            first = step == steps[0]
            for pct in ("p50", "p99"):
                key = f"{pct}_ms"
                rows.append(
                    [
                        title if first and pct == "p50" else "",
                        step_names[step] if pct == "p50" else "",
                        f"{statistics.median(col(lambda b, d: min(b['n'], d['n']))):.0f}"
                        if pct == "p50"
                        else "",
                        pct,
                        spread(col(lambda b, d: b[key]), ".2f"),
                        spread(col(lambda b, d: d[key]), ".2f"),
                        spread(col(lambda b, d: b[key] - d[key]), ".2f"),
                    ]
                )
    table(
        [["flow"], ["step"], ["n/run"], [""], ["cognito-bff"], ["direct"], ["added"]],
        rows,
        left=2,
    )
    print()
    print("CPU per sign-in in us (TOTP: both steps), median (min-max). cognito-bff's process, the")
    print("emulator's for the same sign-ins through cognito-bff and directly, and the load driver's:")
    print()
    rows = []
    for flow, title, _ in SIGNIN_FLOWS:
        bff = [x for x in runs if x["flow"] == flow and x["target"] == "bff" and x["flows"]]
        direct = [x for x in runs if x["flow"] == flow and x["target"] == "direct" and x["flows"]]
        if not bff:
            continue
        rows.append(
            [
                title,
                spread([per_flow_us(x, ["bff"]) for x in bff], ".0f"),
                spread([per_flow_us(x, ["emulator"]) for x in bff], ".0f"),
                spread([per_flow_us(x, ["emulator"]) for x in direct], ".0f"),
                spread([per_flow_us(x, ["driver"]) for x in bff], ".0f"),
                spread([per_flow_us(x, ["driver"]) for x in direct], ".0f"),
            ]
        )
    table(
        [["flow"], ["cognito-bff"], ["emulator", "via bff"], ["emulator", "direct"],
         ["driver", "via bff"], ["driver", "direct"]],
        rows,
    )
    print()
    fewest = min((x["cpu_ticks"].get("bff", 0) for x in runs if x["target"] == "bff"), default=0)
    print(
        f"(CPU from /proc/<pid>/stat, in ticks of 1/{runs[0]['hz']} s; the fewest cognito-bff "
        f"ticks in one run: {fewest})"
    )
    warn_other(runs)
    if ("password", "login") in added_p50:
        value = statistics.median(added_p50[("password", "login")])
        verdict = "met" if value < 1.0 else "NOT met"
        print()
        print(f"target: USER_PASSWORD_AUTH /login adds < 1 ms at p50: {value:.2f} ms, {verdict}")
    return 0


def report_store(args):
    runs = load(args.file)
    labels = []
    for r in runs:
        if r["label"] not in labels:
            labels.append(r["label"])
    print(
        f"Complete sign-ins with a challenge (POST /login, then POST /challenge), "
        f"{runs[0]['concurrency']} at a time: median over {rounds_phrase(runs)} (min-max)."
    )
    print(
        "Latency is the whole flow's. CPU in us per completed flow (the service: all its "
        "replicas), the emulator's in % of one core."
    )
    print()
    rows = []
    for label in labels:
        mine = [r for r in runs if r["label"] == label and r["flows"]]
        if not mine:
            continue
        step = "flow" if "flow" in mine[0]["steps"] else "login"
        services = sorted({n for r in mine for n in r["cpu_ticks"] if n.startswith("bff")})
        has = lambda name: any(name in r["cpu_ticks"] for r in mine)  # noqa: E731
        rows.append(
            [
                label,
                spread([r["flows"] / r["elapsed"] for r in mine], ".0f"),
                spread([r["steps"][step]["p50_ms"] for r in mine], ".1f"),
                spread([r["steps"][step]["p99_ms"] for r in mine], ".1f"),
                spread([per_flow_us(r, services) for r in mine], ".0f") if services else "-",
                spread([per_flow_us(r, ["postgres"]) for r in mine], ".0f") if has("postgres") else "-",
                spread([per_flow_us(r, ["nginx"]) for r in mine], ".0f") if has("nginx") else "-",
                spread([per_flow_us(r, ["emulator"]) for r in mine], ".0f"),
                spread(
                    [r["cpu_ticks"].get("emulator", 0) / r["hz"] / r["elapsed"] * 100 for r in mine],
                    ".0f",
                ),
            ]
        )
    table(
        [["setup"], ["flows/s"], ["p50 ms"], ["p99 ms"], ["CPU us/flow", "service"],
         ["CPU us/flow", "postgres"], ["CPU us/flow", "nginx"], ["CPU us/flow", "emulator"],
         ["emulator", "% of a core"]],
        rows,
    )
    warn_other(runs)
    if args.access_log:
        crossed, total, missing = crossings(args.access_log)
        print()
        print(
            f"flows whose challenge was answered by the other replica (nginx's access log): "
            f"{crossed} of {total}{f'; {missing} without both lines' if missing else ''}"
        )
    return 0


def crossings(path):
    """Counts flows whose /login and /challenge went to different upstreams, from lines
    '<x-request-id> <upstream_addr>' with request ids '<run>-<k>-<step>'."""
    seen = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            # Warm-up flows ("r1w-...") and requests without an id ("-") don't count.
            if len(parts) < 2 or parts[0].count("-") < 2 or parts[0].split("-")[0].endswith("w"):
                continue
            flow, _, step = parts[0].rpartition("-")
            seen.setdefault(flow, {})[step] = parts[1]
    total = crossed = missing = 0
    for steps in seen.values():
        if "login" in steps and "challenge" in steps:
            total += 1
            crossed += steps["login"] != steps["challenge"]
        else:
            missing += 1
    return crossed, total, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run")
    p.add_argument("--flow", choices=["password", "srp", "mfa"], required=True)
    p.add_argument("--target", choices=["bff", "direct"], required=True)
    p.add_argument("--url", required=True, help="cognito-bff's base URL, or the emulator's")
    p.add_argument("--client-id", default="")
    p.add_argument("--client-secret", default="")
    p.add_argument("--users", required=True, help="comma-separated; thread i signs in as user i mod n")
    p.add_argument("--password", required=True)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--warmup", type=float, default=1)
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument("--cpu", action="append", default=[], metavar="NAME=PID")
    p.add_argument("--cpu-cmdline", action="append", default=[], metavar="NAME=TEXT")
    p.add_argument("--label", default="")
    p.add_argument("--round", type=int, default=1)
    p.add_argument("--request-ids", default="", metavar="PREFIX", help="send X-Request-Id PREFIX-<flow>-<step>")
    p.add_argument("--cross-header", default="", metavar="NAME", help="send NAME: a or b, the two steps of a flow to different replicas")

    p = sub.add_parser("mfa-users")
    p.add_argument("--endpoint", required=True)
    p.add_argument("--pool-id", required=True)
    p.add_argument("--client-id", required=True)
    p.add_argument("--client-secret", default="")
    p.add_argument("--password", required=True)
    p.add_argument("names", nargs="+")

    p = sub.add_parser("report-signin")
    p.add_argument("file")

    p = sub.add_parser("report-store")
    p.add_argument("file")
    p.add_argument("--access-log")

    args = parser.parse_args()
    return {
        "run": run,
        "mfa-users": mfa_users,
        "report-signin": report_signin,
        "report-store": report_store,
    }[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
