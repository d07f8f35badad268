"""Sends exactly N GET requests over one kept-alive connection, for benches/instructions.sh.

    fixed_requests.py URL N [--header "Name: value"] [--lines FILE --name NAME [--prefix P]]

--header adds the same header to every request. --lines sends, round-robin, one line of FILE
per request as the header NAME (with PREFIX before it: "Bearer " for tokens). Every answer
must be 200; the first other status stops it with exit code 1. One connection and one request
at a time, so that the server answers exactly N requests, whatever the machine is doing.
"""

import argparse
import http.client
import sys
import urllib.parse


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("count", type=int)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--lines")
    parser.add_argument("--name")
    parser.add_argument("--prefix", default="")
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.url)
    path = url.path or "/"
    fixed = dict(h.split(": ", 1) for h in args.header)
    values = [None]
    if args.lines:
        with open(args.lines) as f:
            values = [args.prefix + line.strip() for line in f if line.strip()]
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    for i in range(args.count):
        headers = dict(fixed)
        value = values[i % len(values)]
        if value is not None:
            headers[args.name] = value
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            print(f"request {i + 1}: status {answer.status}", file=sys.stderr)
            return 1
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
