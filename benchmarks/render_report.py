"""Open an HTML report in headless Chromium as a reader would: screenshot it and list console errors.

    .venv/bin/python benchmarks/render_report.py report.html --screenshot report.png

Needs Debian's chromium (`apt-get install chromium`) and, for the console check, the Python
`playwright` package from the `[bench]` extra (it drives the installed browser; nothing is
downloaded). The network is blocked for the page, so a report that fetched anything at view time
would show it as a failed request. Exit status 1 when the page logged an error or requested
anything outside itself.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def render(page_path: Path, screenshot: Path, width: int = 1200) -> list[str]:
    """Problems seen while the page loaded: console errors, page errors, requests that left the file."""
    from playwright.sync_api import sync_playwright

    browser_path = shutil.which("chromium") or "/usr/bin/chromium"
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_FLAGS[1:])
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(("file:", "data:"))
                else problems.append(f"network request: {request.url}")
            ),
        )
        page.goto(page_path.resolve().as_uri())
        page.wait_for_load_state("load")
        for summary in page.locator("details").all()[:2]:
            summary.evaluate("element => element.open = true")
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args()
    screenshot = args.screenshot or args.page.with_suffix(".png")
    problems = render(args.page, screenshot)
    print(f"wrote {screenshot}")
    for problem in problems:
        print(problem)
    print("no console errors, no network requests" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
