"""Runs the moto server for the tests on a free loopback port, prints the port, and exits when
its standard input closes, so it never outlives the test process that started it. The Cognito
operations moto lacks are added first (cognito_plugins.py).

Usage: moto_server.py [PORT]   (0 or nothing: any free port)
"""

import logging
import sys

from moto.server import ThreadedMotoServer

import cognito_plugins


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    cognito_plugins.install()
    # One access-log line per call drowns the service's own logs.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
