"""Groups a `perf report` of one process by what the time went to, and draws the shares as
bars: the picture of where a request's CPU goes, for BENCHMARKS.md.

Usage: perf_groups.py PERF_DATA [TITLE]

The release binary keeps function names (no call graphs: it has no frame pointers), so the
groups are read off each sample's own function: its library or crate, by name.
"""

import re
import subprocess
import sys

# First match wins; the patterns are read against "dso symbol".
GROUPS = [
    ("the database (SQLite)", r"sqlite3|libsqlite|sqlx"),
    ("decrypting the tokens (AES-GCM, base64)", r"aes::|polyval|ghash|aes_gcm|base64::"),
    ("JSON", r"serde_json|serde::"),
    ("allocation (malloc, free)", r"malloc|_int_free|cfree|_mi_|mi_free|mi_malloc|mi_theap|consolidate|unlink_chunk|realloc|calloc"),
    ("copying (memmove, memcpy)", r"memmove|memcpy|memset"),
    ("the HTTP client (reqwest, hyper's client, url)", r"reqwest|hyper_util::client|client::legacy|url::|idna::|hyper::proto::h1::role::Client|Checkout"),
    ("HTTP server, routing, layers (hyper, axum, tower)", r"hyper::|axum::|tower|httparse|http::|bytes::"),
    ("the runtime (tokio)", r"tokio::"),
    ("the verifier's cache, hashing", r"cognito_verifier|moka|foldhash|sha2|hashbrown|sip::"),
    ("state copied per request (AppState, Cognito, ...)", r"AppState|cognito::Cognito|drop_in_place<cognito_bff::(state|signin|sessions)"),
    ("the service's own code", r"cognito_bff"),
    ("the kernel (sockets, scheduling)", r"\[kernel"),
]


def main() -> None:
    data = sys.argv[1]
    title = sys.argv[2] if len(sys.argv) > 2 else data
    out = subprocess.run(
        ["perf", "report", "-i", data, "--no-children", "--sort", "dso,symbol", "--stdio", "-g", "none"],
        capture_output=True, text=True, check=True,
    ).stdout
    shares = {name: 0.0 for name, _ in GROUPS}
    shares["other"] = 0.0
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*)", line)
        if not m:
            continue
        pct, dso, symbol = float(m.group(1)), m.group(2), m.group(3)
        text = f"{dso} {symbol}"
        for name, pattern in GROUPS:
            if re.search(pattern, text):
                shares[name] += pct
                break
        else:
            shares["other"] += pct
    print(title)
    width = max(len(n) for n in shares)
    for name, pct in sorted(shares.items(), key=lambda kv: -kv[1]):
        if pct < 0.5:
            continue
        print(f"  {name:<{width}}  {pct:5.1f}%  {'#' * round(pct / 2)}")


if __name__ == "__main__":
    main()
