#!/usr/bin/env python3
"""Attacks the example service the way issue 16 found its weaknesses, on loopback only, and prints
the figures: live heap after the 200 KB-path attack, the size of /traces, the inventory breaker
after the caller-deadline attack, /health/live during slowloris, and the answer to overflowing
deadline headers.

Usage (after `./mvnw -q install -DskipTests && ./mvnw -q -f examples/http-api package -DskipTests`):

    python3 benchmarks/scripts/attack-example.py [--requests 2100] [--jar other/http-api.jar]

Every request goes to 127.0.0.1; every loop is bounded in count and time; the script stops the
processes it started.
"""
import argparse
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JAR = os.path.join(ROOT, "examples", "http-api", "target", "http-api.jar")


class Inventory(http.server.BaseHTTPRequestHandler):
    """A healthy inventory: every stock request answers 7 at once."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"7"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def raw_request(port, request_bytes, timeout=10):
    """Sends one request on its own connection; returns the status code, or None."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request_bytes)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return None
            data += chunk
        m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        return int(m.group(1)) if m else None


def get(port, path, timeout=5):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read(), time.monotonic() - start
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - start
    except Exception as e:  # a time-out or a refused connection
        return None, str(e).encode(), time.monotonic() - start


def live_heap_mb(pid):
    jcmd = shutil.which("jcmd") or os.path.join(os.path.dirname(os.path.realpath(shutil.which("java"))), "jcmd")
    subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) / 1024 if m else float("nan")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2100)
    parser.add_argument("--jar", default=JAR, help="the example's jar (another build, to compare)")
    args = parser.parse_args()
    jar = args.jar
    if not os.path.exists(jar):
        sys.exit(f"{jar} is missing: build it first")

    inventory = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Inventory)
    threading.Thread(target=inventory.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLATFORM_", "OTEL_"))}
    env.update({
        "HTTP_PORT": "0", "PLATFORM_ADMIN_PORT": "0", "SHUTDOWN_DRAIN": "0s",
        "INVENTORY_URL": f"http://127.0.0.1:{inventory.server_address[1]}", "INVENTORY_API_KEY": "attack-test-key-1",
    })
    app = subprocess.Popen(["java", "-Xmx256m", "-jar", jar], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    threading.Thread(target=lambda: [lines.append(l) for l in app.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        ports = None
        while time.monotonic() < deadline and ports is None:
            for l in list(lines):
                m = re.search(r"http-api listening on port (\d+), admin on port (\d+)", l)
                if m:
                    ports = int(m.group(1)), int(m.group(2))
            time.sleep(0.1)
        if ports is None:
            sys.exit("the example did not start:\n" + "".join(lines[-20:]))
        api, admin = ports
        results = {}
        results["heap_before_mb"] = round(live_heap_mb(app.pid), 1)

        # 1. Memory: 200 KB paths and 170 KB User-Agents.
        path = "/api/orders/" + "p" * 200_000
        agent = "a" * 170_000
        request = f"GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: {agent}\r\nConnection: close\r\n\r\n".encode()
        statuses = {}
        started = time.monotonic()
        for _ in range(args.requests):
            code = raw_request(api, request)
            statuses[code] = statuses.get(code, 0) + 1
            if time.monotonic() - started > 300:
                break
        results["big_requests"] = statuses
        results["heap_after_big_requests_mb"] = round(live_heap_mb(app.pid), 1)
        results["rss_after_big_requests_mb"] = round(rss_mb(app.pid), 1)
        code, body, _ = get(admin, "/traces?limit=500", timeout=30)
        results["traces_limit_500"] = {"status": code, "bytes": len(body)}
        code, _, took = get(admin, "/health/live")
        results["live_after_big_requests"] = {"status": code, "seconds": round(took, 3)}

        # 2. The shared breaker: 21 requests whose caller allows 1 ms.
        for _ in range(21):
            raw_request(api, b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nx-paved-timeout-ms: 1\r\nConnection: close\r\n\r\n")
        _, ready, _ = get(admin, "/health/ready")
        breakers = [c for c in json.loads(ready)["checks"] if c["name"] == "circuit-breakers"]
        results["breakers_after_deadline_attack"] = breakers[0] if breakers else None
        _, order, _ = get(api, "/api/orders/1")
        results["order_after_deadline_attack"] = json.loads(order)

        # 3. Overflowing deadlines.
        results["overflowing_deadlines"] = {
            h: raw_request(api, f"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\n{h}: {v}\r\nConnection: close\r\n\r\n".encode())
            for h, v in [("x-paved-timeout-ms", "9223372036854775807"), ("x-envoy-expected-rq-timeout-ms", "9223372036854775807"), ("grpc-timeout", "99999999H")]
        }

        # 4. Slowloris on the admin port: connections that send only a request line.
        slow = []
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", admin), timeout=10)
            s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        probes = []
        for _ in range(10):
            code, _, took = get(admin, "/health/live", timeout=2)
            probes.append((code, round(took, 3)))
            time.sleep(1)
        for s in slow:
            s.close()
        results["live_during_slowloris_8_connections"] = probes
        print(json.dumps(results, indent=2))
    finally:
        app.terminate()
        try:
            app.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
        inventory.shutdown()


if __name__ == "__main__":
    main()
