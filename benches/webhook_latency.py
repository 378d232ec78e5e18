"""P8: time from submitting a lead to its lead.created webhook arriving. A
local HTTP receiver records when each delivery arrives (keyed by the buyer's
address in the payload); leads are submitted at RATE per second for SECONDS,
each from its own thread so a slow answer does not delay the next.

usage: webhook_latency.py BASE_URL RECEIVER_PORT TOKENS_FILE RATE SECONDS
"""
import http.server
import json
import sys
import threading
import time
import urllib.parse
import urllib.request

base, port, tokens_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rate, seconds = int(sys.argv[4]), int(sys.argv[5])
arrivals, sent, baseline = {}, {}, []


class Receiver(http.server.BaseHTTPRequestHandler):
    # Keep-alive, as a real receiver behind a web server would.
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        email = json.loads(body)["data"]["lead"]["contact"]["email"]
        arrivals.setdefault(email, time.monotonic())
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    # Python's default listen backlog is 5: a sixth connection at once waits
    # a second for its SYN to be sent again, which would be measured here.
    request_queue_size = 256


server = Server(("127.0.0.1", port), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
tokens = open(tokens_file).read().split()


def submit(i):
    email = f"hook{i}@webhook-bench.example"
    body = urllib.parse.urlencode({
        "name": "Webhook Buyer", "email": email, "company": "Hook Co", "country": "GB",
        "message": "Timing the webhook path.", "consent": "yes", "website": "", "form_token": tokens[i],
    }).encode()
    request = urllib.request.Request(f"{base}/reports/global-medical-second-opinion-market/inquiry", data=body)
    sent[email] = time.monotonic()
    try:
        urllib.request.urlopen(request, timeout=10).read()
    except urllib.error.HTTPError as error:
        if error.code != 303:
            raise


# The floor: the same kind of body posted straight to the receiver.
sample = json.dumps({"data": {"lead": {"contact": {"email": "baseline@webhook-bench.example"}}}}).encode()
for _ in range(50):
    start = time.monotonic()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/hook", data=sample), timeout=5).read()
    baseline.append(time.monotonic() - start)
arrivals.clear()

count = rate * seconds
started = time.monotonic()
threads = []
for i in range(count):
    delay = started + i / rate - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    thread = threading.Thread(target=submit, args=(i,))
    thread.start()
    threads.append(thread)
for thread in threads:
    thread.join()
deadline = time.monotonic() + 30
while len(arrivals) < count and time.monotonic() < deadline:
    time.sleep(0.1)
latencies = sorted(arrivals[k] - sent[k] for k in sent if k in arrivals)
if not latencies:
    print("P8 no webhook arrived")
    sys.exit(1)
pick = lambda xs, q: sorted(xs)[min(len(xs) - 1, int(len(xs) * q))]
p50, p99, floor = pick(latencies, 0.5), pick(latencies, 0.99), pick(baseline, 0.5)
print(f"P8 delivered {len(latencies)}/{count} at {rate}/s p50_ms {p50 * 1000:.1f} p99_ms {p99 * 1000:.1f}"
      f" baseline_post_p50_ms {floor * 1000:.2f} ratio_p99_to_baseline {p99 / floor:.0f}")
