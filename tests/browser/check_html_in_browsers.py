#!/usr/bin/python3
"""Renders drsim's HTML report in headless Chromium (Debian's `chromium`), takes a
screenshot and checks that it is not blank, and that the page made no network request:
Chromium's net log lists every request, and those the page made carry the page's file://
site (the browser's own background requests do not). A control page that embeds a remote
image must be caught by the same check, or the check itself is broken. When Firefox
(Debian's `firefox-esr`) is there too, its screenshot must match Chromium's: the same
layout, down to text antialiasing (compared at 1/20 scale).

Exits 77 (CTest: skipped), saying why, when Chromium or Pillow (python3-pil) is absent.

usage: check_html_in_browsers.py SOURCE_DIR DRSIM_BINARY [SCREENSHOT_OUT]"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

chromium = shutil.which("chromium")
if chromium is None:
    print("skipped: chromium is not installed (scripts/bootstrap.sh installs it)")
    sys.exit(77)
try:
    from PIL import Image, ImageChops
except ImportError:
    print("skipped: python3-pil is not installed (scripts/bootstrap.sh installs it)")
    sys.exit(77)


def render(page, tmp, name):
    """Screenshot of `page` and the network URLs the page itself asked for."""
    shot, netlog = tmp / f"{name}.png", tmp / f"{name}-netlog.json"
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--no-first-run", f"--user-data-dir={tmp / name}",
                    "--window-size=1100,1600", f"--log-net-log={netlog}", f"--screenshot={shot}",
                    page.as_uri()],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    log = json.loads(netlog.read_text())
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    fetched = set()
    for e in log.get("events", []):
        p = e.get("params", {})
        if e.get("type") == start_job and "file://" in p.get("network_isolation_key", "") \
                and not p.get("url", "").startswith(("file:", "data:")):
            fetched.add(p["url"])
    return Image.open(shot).convert("L"), sorted(fetched)


root, drsim = pathlib.Path(sys.argv[1]), sys.argv[2]
problems = []
with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    report = tmp / "report.html"
    subprocess.run([drsim, "run", str(root / "scenarios/library/mangu-regional-failover.json"),
                    "--trials", "2000", "--quiet", "--html", str(report)],
                   check=True, stdout=subprocess.DEVNULL)
    image, fetched = render(report, tmp, "report")
    pixels = list(image.getdata())
    inked = sum(1 for p in pixels if p < 200) / len(pixels)
    shades = len(set(pixels))
    if inked < 0.02 or shades < 16:
        problems.append(f"the screenshot looks blank ({inked:.1%} dark pixels, {shades} shades)")
    if fetched:
        problems.append(f"the report made network requests: {fetched}")
    control = tmp / "control.html"
    control.write_text('<!DOCTYPE html><p>control</p><img src="https://example.invalid/x.png">')
    control_image, control_fetched = render(control, tmp, "control")
    if not control_fetched:
        problems.append("the check missed the control page's remote image")
    firefox = shutil.which("firefox-esr") or shutil.which("firefox")
    if firefox is None:
        print("Firefox is not installed: the cross-browser comparison is skipped")
    else:
        subprocess.run([firefox, "--headless", "--window-size=1100,1600", "--screenshot",
                        str(tmp / "firefox.png"), report.as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120, env={**os.environ, "HOME": str(tmp)})
        def differ(a, b):
            w, h = min(a.size[0], b.size[0]), min(a.size[1], b.size[1])
            small = [x.crop((0, 0, w, h)).resize((w // 20, h // 20)) for x in (a, b)]
            diff = list(ImageChops.difference(*small).getdata())
            mean, far = sum(diff) / len(diff), sum(1 for d in diff if d > 40) / len(diff)
            return mean > 6 or far > 0.02, mean, far
        other = Image.open(tmp / "firefox.png").convert("L")
        different, mean, far = differ(image, other)
        print(f"Chromium vs Firefox at 1/20 scale: mean difference {mean:.1f}/255, "
              f"{far:.1%} of cells differ by more than 40")
        if different:
            problems.append("Chromium and Firefox render the report differently")
        if not differ(image, control_image)[0]:
            problems.append("the comparison cannot tell the report from the control page")
    if len(sys.argv) > 3:
        shutil.copy(tmp / "report.png", sys.argv[3])
for p in problems:
    print(p)
if not problems:
    print(f"{image.size[0]}x{image.size[1]} screenshot, {inked:.1%} dark pixels, {shades} shades; "
          "no request from the page (the control page's remote image was caught)")
sys.exit(1 if problems else 0)
