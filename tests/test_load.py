"""A bounded load test on 127.0.0.1: a real ``workreport serve`` while four uploads of hostile
files run; an unrelated GET stays fast (p95 under 100 ms) and nothing answers 5xx.

Bounded: at most 200 GETs and 24 uploads, about half a minute, and traffic only to 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import REPORTS
from tests.test_hostile_files import hostile_files
from workreport import registry
from workreport.registry.users import add_user, create_token
from workreport.store import Database

HOST = "127.0.0.1"
UPLOADERS = 4
UPLOADS_EACH = 6
GETS = 200
HOSTILE = [
    "many-paragraphs.docx",
    "many-tags.html",
    "numbers.txt",
    "30k-pages-count-lies.pdf",
    "entities.html",
    "bomb.docx",
    "quadratic-attrs-big.html",
    "deep-divs.html",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("load")
    url = f"sqlite:///{folder / 'load.sqlite'}"
    db = Database(url)
    registry.ingest(db, [REPORTS / "city_2024.txt"])
    add_user(db, "loader", "a long load-test secret", "editor")
    token = create_token(db, "loader", "load")
    db.close()
    port = _free_port()
    env = {**os.environ, "WORKREPORT_SECRET_KEY": "l" * 48}
    log = open(folder / "server.log", "wb")  # noqa: SIM115  (the server writes to it until the end)
    proc = subprocess.Popen(
        [sys.executable, "-m", "workreport.cli", "serve", "--host", HOST, "--port", str(port), "--db", url,
         "--doc-seconds", "4", "--doc-memory-mb", "512", "--insecure-cookies"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://{HOST}:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/api/documents", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail((folder / "server.log").read_text())
                time.sleep(0.1)
        yield base, token
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _upload(base: str, token: str, name: str, data: bytes) -> int:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{base}/api/documents",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        exc.read()
        return int(exc.code)


def test_gets_stay_fast_while_hostile_uploads_run(server: tuple[str, str]) -> None:
    base, token = server
    files = {name: hostile_files()[name]() for name in HOSTILE}
    statuses: list[int] = []
    stop = threading.Event()

    def uploader(k: int) -> None:
        for i in range(UPLOADS_EACH):
            if stop.is_set():
                return
            name = HOSTILE[(k * UPLOADS_EACH + i) % len(HOSTILE)]
            statuses.append(_upload(base, token, name, files[name]))

    threads = [threading.Thread(target=uploader, args=(k,), daemon=True) for k in range(UPLOADERS)]
    for t in threads:
        t.start()
    time.sleep(1.0)  # the uploads are under way
    latencies: list[float] = []
    get_statuses: list[int] = []
    for _ in range(GETS):
        started = time.monotonic()
        with urllib.request.urlopen(f"{base}/api/documents?per_page=5", timeout=10) as r:
            json.loads(r.read())
            get_statuses.append(int(r.status))
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
        if not any(t.is_alive() for t in threads):
            break
    stop.set()
    for t in threads:
        t.join(timeout=90)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 20 else max(latencies)
    print(f"{len(latencies)} GETs: p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; uploads {sorted(statuses)}")
    assert len(latencies) >= 20, "the uploads ended before the GETs could be measured"
    assert all(s == 200 for s in get_statuses)
    assert statuses and all(s < 500 for s in statuses), statuses
    assert p95 < 0.1, f"p95 of GET /api/documents was {p95 * 1000:.0f} ms"
