"""P5: time from submitting a lead to the mail server accepting its sales
notification. A local SMTP server records when each message arrives; leads are
submitted one by one with pre-issued form tokens.

usage: mail_latency.py BASE_URL SMTP_PORT TOKENS_FILE COUNT
"""
import asyncore
import smtpd
import sys
import threading
import time
import urllib.parse
import urllib.request

base, smtp_port, tokens_file, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
arrivals = {}


class Recorder(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        for line in text.splitlines():
            if line.startswith("Reply-To:") and "latency" in line:
                key = line.split("latency")[1].split("@")[0]
                arrivals.setdefault(key, time.monotonic())


server = Recorder(("127.0.0.1", smtp_port), None, decode_data=False)
threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True).start()

tokens = open(tokens_file).read().split()
sent = {}
opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
for i in range(count):
    body = urllib.parse.urlencode({
        "name": "Latency Buyer", "email": f"latency{i}@latency-bench.example", "company": "Latency Co",
        "country": "GB", "message": "Timing the notification path.", "consent": "yes", "website": "",
        "form_token": tokens[i],
    }).encode()
    request = urllib.request.Request(f"{base}/reports/global-medical-second-opinion-market/inquiry", data=body)
    sent[str(i)] = time.monotonic()
    try:
        urllib.request.urlopen(request, timeout=10).read()
    except urllib.error.HTTPError as error:
        if error.code != 303:
            raise
    time.sleep(0.05)

deadline = time.monotonic() + 30
while len(arrivals) < count and time.monotonic() < deadline:
    time.sleep(0.1)
latencies = sorted(arrivals[k] - sent[k] for k in sent if k in arrivals)
if not latencies:
    print("P5 no mail arrived")
    sys.exit(1)
p50 = latencies[len(latencies) // 2]
p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
print(f"P5 delivered {len(latencies)}/{count} p50_ms {p50 * 1000:.1f} p99_ms {p99 * 1000:.1f}")
