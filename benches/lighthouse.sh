#!/usr/bin/env bash
# Lighthouse (mobile, its default: Moto G Power emulation, slow 4G, 4× CPU
# slowdown) on the report page and the catalogue of the release build, with
# the bundled report. Prints each page's four category scores (0–100).
# Needs node/npm (installs lighthouse 12 into a temporary folder unless
# LIGHTHOUSE names one) and Chromium (CHROME_PATH, default /usr/bin/chromium).
#
#   bash benches/lighthouse.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_setup lighthouse
lighthouse=${LIGHTHOUSE:-}
if [ -z "$lighthouse" ]; then
  (cd "$work" && npm install --silent --no-audit --no-fund lighthouse@12 >/dev/null)
  lighthouse="$work/node_modules/.bin/lighthouse"
fi
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export REPORTDESK_PUBLISHER_NAME="Meridian Market Insights"
export REPORTDESK_PUBLISHER_ADDRESS="1 Example Street, London"
export REPORTDESK_PUBLISHER_URL="https://publisher.example"
export REPORTDESK_PUBLIC_URL="$base"
start_app

for path in /reports/global-medical-second-opinion-market /; do
  "$lighthouse" "$base$path" --quiet --output=json --output-path="$work/report.json" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1
  python3 - "$work/report.json" "$path" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
failed = [a["id"] for a in report["audits"].values()
          if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"]
print(f"{sys.argv[2]}: " + " | ".join(f"{k} {v}" for k, v in scores.items())
      + (f"  (binary audits not passed: {', '.join(failed)})" if failed else ""))
PY
done
