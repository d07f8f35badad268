"""An HTTP proxy in front of the local Cognito emulator that can hold one call, so a request
to the service stays in flight for as long as a test needs it to.

Usage: hold_proxy.py UPSTREAM_PORT

Listens on a free loopback port and prints it. Then reads commands on standard input:

  hold OPERATION   hold the next call of OPERATION (e.g. InitiateAuth); when it arrives,
                   print "held OPERATION" and keep it until:
  release          forward the held call and answer it

Every other call is forwarded at once. Exits when standard input closes.
"""

import http.client
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


class Hold:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.operation: str | None = None
        self.released = threading.Event()

    def arm(self, operation: str) -> None:
        with self.lock:
            self.operation = operation
            self.released = threading.Event()

    def take(self, operation: str) -> threading.Event | None:
        """The event to wait for when this call is the one to hold."""
        with self.lock:
            if self.operation is None or operation != self.operation:
                return None
            self.operation = None
            return self.released


HOLD = Hold()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream_port = 0

    def log_message(self, *args) -> None:
        pass

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        target = self.headers.get("x-amz-target", "")
        operation = target.rsplit(".", 1)[-1]
        released = HOLD.take(operation)
        if released is not None:
            print(f"held {operation}", flush=True)
            released.wait()
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        finally:
            upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = forward


def main() -> None:
    Handler.upstream_port = int(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    for line in sys.stdin:
        command = line.split()
        if command[:1] == ["hold"] and len(command) == 2:
            HOLD.arm(command[1])
        elif command == ["release"]:
            HOLD.released.set()
        else:
            print(f"unknown command: {line.strip()}", file=sys.stderr, flush=True)
    HOLD.released.set()
    server.shutdown()


if __name__ == "__main__":
    main()
