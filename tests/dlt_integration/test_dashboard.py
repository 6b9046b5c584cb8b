"""``dlt pipeline tiktok_ads show`` after the demo: dlt's dashboard serves, lists our tables and reads their data.

The test runs what the README tells users to run, in a temporary folder: ``python tiktok_ads_pipeline.py
--demo`` and then ``dlt pipeline tiktok_ads show`` (with ``--pipelines-dir``; ``BROWSER=true`` so that
marimo's attempt to open a browser is a no-op). The dashboard is a marimo app: the page is served over
HTTP and its cells run in a kernel that talks to the page over a websocket, so the test

1. waits until the page answers (HTTP 200, the dashboard's page),
2. opens a session like the page does and checks the pipeline and its tables in the cells' output,
3. presses "Load row counts" (marimo's HTTP API) and checks the counts the dashboard read from duckdb
   equal the warehouse's,
4. where Chromium is installed, renders the page headless and checks the tables are listed on screen,

then stops the dashboard's process group (its own, started here).
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests
import websockets

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TABLES = ("advertisers", "campaigns", "ad_insights", "ad_insights_by_country")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__"))}
    # dlt starts `marimo` from PATH; BROWSER=true turns marimo's "open a browser" into a no-op
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(ROOT),
        RUNTIME__DLTHUB_TELEMETRY="false",
        BROWSER="true",
    )
    return env


class Dashboard:
    """A running ``dlt pipeline tiktok_ads show`` (its own process group) and where it serves."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.output: list[str] = []
        self.proc = subprocess.Popen(
            [
                str(BIN / "dlt"),
                "pipeline",
                "--pipelines-dir",
                str(workdir / "pipelines"),
                "tiktok_ads",
                "show",
            ],
            cwd=workdir,
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def url(self, timeout: float = 60) -> str:
        """The URL marimo prints once it serves (port 2718, or the next free one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.output):
                match = re.search(r"URL: (http://\S+)", line)
                if match:
                    return match.group(1).rstrip("/").replace("localhost", "127.0.0.1")
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("the dashboard did not start:\n" + "".join(self.output))

    def stop(self) -> None:
        """Stop the dashboard and marimo (the process group started here)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, loaded the way the README says, into a fresh folder."""
    workdir = tmp_path_factory.mktemp("dashboard")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tiktok_ads_pipeline.py"),
            "--demo",
            "--tables",
            ",".join(TABLES),
            "--pipelines-dir",
            str(workdir / "pipelines"),
        ],
        cwd=workdir,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "dlt pipeline tiktok_ads show" in proc.stdout
    return workdir


@pytest.fixture(scope="module")
def dashboard(demo: Path) -> Iterator[tuple[Dashboard, str]]:
    """``dlt pipeline tiktok_ads show`` serving, and its URL."""
    board = Dashboard(demo)
    try:
        url = board.url()
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the dashboard never answered:\n" + "".join(board.output)
            time.sleep(0.2)
        yield board, url
    finally:
        board.stop()


def _warehouse_counts(workdir: Path) -> dict[str, int]:
    with duckdb.connect(str(workdir / "tiktok_ads.duckdb"), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM tiktok_ads_demo.{t}").fetchone()[0] for t in TABLES}  # type: ignore[index]


async def _receive_until(ws: Any, done: Callable[[str], bool], timeout: float) -> list[str]:
    """Messages until one makes ``done`` true and the kernel then reports a completed run."""
    messages: list[str] = []
    seen = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            break
        messages.append(message)
        seen = seen or done(html.unescape(message))
        if seen and '"completed-run"' in message:
            break
    return messages


def _outputs(messages: list[str]) -> str:
    """The cells' HTML outputs, unescaped."""
    parts = []
    for message in messages:
        data = json.loads(message).get("data") or {}
        output = data.get("output") if isinstance(data, dict) else None
        if output and isinstance(output.get("data"), str):
            parts.append(html.unescape(output["data"]))
    return "\n".join(parts)


async def _session(url: str, token: str) -> tuple[str, str]:
    """Open a kernel session like the page does; press "Load row counts". Returns both outputs."""
    session = "s_" + uuid.uuid4().hex[:8]
    ws_url = url.replace("http://", "ws://") + f"/ws?session_id={session}"
    async with websockets.connect(ws_url, max_size=None) as ws:
        first = _outputs(await _receive_until(ws, lambda m: "Load row counts" in m, timeout=90))
        button = re.search(r"object-id='([^']+)'[^>]*>\s*<marimo-button[^>]*Load row counts", first)
        assert button, "no 'Load row counts' button in the dashboard"
        answer = requests.post(
            url + "/api/kernel/set_ui_element_value",
            headers={"Marimo-Session-Id": session, "Marimo-Server-Token": token},
            json={"objectIds": [button.group(1)], "values": [1]},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        second = _outputs(await _receive_until(ws, lambda m: "row_count" in m, timeout=90))
    return first, second


def test_dashboard_serves_the_pipeline_its_tables_and_their_row_counts(
    demo: Path, dashboard: tuple[Dashboard, str]
) -> None:
    board, url = dashboard
    page = requests.get(url + "/", timeout=10)
    assert page.status_code == 200 and "dlt_dashboard" in page.text and "<marimo-" in page.text
    token = re.search(r'marimo-server-token data-token="([^"]+)"', page.text)
    assert token, "no server token in the page"

    first, second = asyncio.run(_session(url, token.group(1)))
    shown_text = " ".join(re.sub(r"<[^>]+>", " ", first).split())
    assert "Pipeline tiktok_ads" in shown_text and "Browse Data" in shown_text, shown_text[:2000]
    listed = re.search(r"<marimo-table[^>]*data-data='(\"\[\{\\\"name\\\":\\\"ad_insights.*?)'", first)
    assert listed, "the dashboard lists no tables"
    for name in TABLES:
        assert f'\\"name\\":\\"{name}\\"' in listed.group(1), name

    # the row counts the dashboard read from duckdb equal the warehouse's
    shown = dict(re.findall(r'\\"name\\":\\"(\w+)\\",\\"row_count\\":(\d+)', second))
    assert shown, "no row counts after 'Load row counts':\n" + "".join(board.output)[-3000:]
    assert {t: int(shown[t]) for t in TABLES} == _warehouse_counts(demo)


async def _page_text(port: int, url: str, wanted: tuple[str, ...], timeout: float) -> str:
    """Navigate Chromium (DevTools protocol) to ``url``; poll the rendered text, shadow roots included."""
    targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=5).json()
    page = next(t for t in targets if t["type"] == "page")
    script = (
        "(() => { const out = [document.body ? document.body.innerText : '']; "
        "const walk = (root) => { for (const el of root.querySelectorAll('*')) { "
        "if (el.shadowRoot) { out.push(el.shadowRoot.textContent || ''); walk(el.shadowRoot); } } }; "
        "walk(document); return out.join('\\n'); })()"
    )
    async with websockets.connect(page["webSocketDebuggerUrl"], max_size=None) as ws:
        ids = iter(range(1, 10_000))

        async def call(method: str, **params: Any) -> dict[str, Any]:
            number = next(ids)
            await ws.send(json.dumps({"id": number, "method": method, "params": params}))
            while True:
                reply = json.loads(await ws.recv())
                if reply.get("id") == number:
                    return dict(reply)

        await call("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            reply = await call("Runtime.evaluate", expression=script, returnByValue=True)
            text = str(reply.get("result", {}).get("result", {}).get("value", ""))
            if all(name in text for name in wanted):
                break
            await asyncio.sleep(0.5)
        return text


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_dashboard_lists_the_tables_in_a_headless_browser(dashboard: tuple[Dashboard, str]) -> None:
    _, url = dashboard
    with tempfile.TemporaryDirectory() as profile:
        browser = subprocess.Popen(
            [
                str(CHROMIUM),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text().strip()):
                assert time.monotonic() < deadline and browser.poll() is None, "Chromium did not start"
                time.sleep(0.05)
            port = int(port_file.read_text().split()[0])
            text = asyncio.run(_page_text(port, url + "/", TABLES, timeout=60))
        finally:
            os.killpg(browser.pid, signal.SIGTERM)
            browser.wait(timeout=10)
    assert "Pipeline" in text and "tiktok_ads" in text, text[:2000]
    for name in TABLES:
        assert name in text, f"{name} is not listed on the rendered page"
