"""Briefs that raise, hang or kill their kernel fail alone; hostile text never runs; Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from html import unescape
from html.parser import HTMLParser

import pytest
from build_helpers import EPOCH, FIXTURES, REPO, build, matrix, processes_with_marker

pytestmark = [pytest.mark.slow, pytest.mark.fault]


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """One build of five briefs: ok, raising, hanging (3 s cell timeout), dying, hostile."""
    out = tmp_path_factory.mktemp("faults")
    marker = uuid.uuid4().hex
    result = build("--matrix", matrix("matrix_faults.yaml"), "--out", str(out),
                   env={"POLICYLENS_TEST_MARKER": marker})
    return out, result, marker


def test_each_failure_is_reported_alone_with_brief_cell_and_exception(faults):
    out, result, _ = faults
    assert result.returncode == 3, result.stderr
    err = " ".join(result.stderr.split())
    assert "FAILED raises.en: raises.py, cell 3" in err
    assert "ValueError: deliberate failure in the fixture" in err
    assert "FAILED hangs.en: hangs.py, cell 3 ('while True:'): timed out after 3 s" in err
    assert "FAILED dies.en: dies.py, cell 3" in err and "kernel died (signal SIGKILL)" in err
    built = json.loads((out / "manifest.json").read_text())["briefs"]
    assert sorted(built) == ["hostile.en", "profile-GB.en"]
    assert (out / "briefs" / "profile-GB.en.pdf").exists()


def test_failed_briefs_keep_their_executed_notebook(faults):
    out, _, _ = faults
    nb = json.loads((out / ".build" / "failed" / "raises.en.ipynb").read_text())
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert errors[0]["ename"] == "ValueError"
    assert (out / ".build" / "failed" / "hangs.en.ipynb").exists()
    assert (out / ".build" / "failed" / "dies.en.ipynb").exists()


def test_no_worker_is_left_running(faults):
    _, _, marker = faults
    assert processes_with_marker(marker) == []


class _Executable(HTMLParser):
    """Collects every tag, attribute or URL a browser could execute."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "base", "form"):
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.append(f"{tag}[{name}]")
            if value.startswith(("javascript:", "vbscript:", "data:text")):
                self.found.append(f"{tag}[{name}={value[:30]}]")
            if tag == "img" and name == "src" and not value.startswith(
                    "data:image/svg+xml;base64,"):
                self.found.append(f"img[src={value[:30]}]")


@pytest.mark.security
def test_hostile_strings_are_shown_not_executed(faults):
    out, _, _ = faults
    html = (out / "briefs" / "hostile.en.html").read_text()
    parser = _Executable()
    parser.feed(html)
    assert parser.found == []
    assert html.count("<style>") == 1  # ours, in <head>; the caption's <style> is text
    assert "<script>alert('title')</script> Hostile" in unescape(html)  # shown as text
    links = [a for a in html.split("<a ")[1:]]
    assert all('rel="noopener noreferrer nofollow"' in a for a in links)
    index = (out / "index.html").read_text()
    parser = _Executable()
    parser.feed(index)
    assert parser.found == []


def test_a_failed_rebuild_keeps_the_last_good_outputs(tmp_path):
    first = build("--matrix", matrix("matrix_flaky.yaml"), "--out", str(tmp_path))
    assert first.returncode == 0, first.stderr
    page = tmp_path / "briefs" / "flaky.en.html"
    good, manifest = page.read_bytes(), (tmp_path / "manifest.json").read_bytes()
    again = build("--matrix", matrix("matrix_flaky.yaml"), "--out", str(tmp_path), "--force",
                  env={"POLICYLENS_TEST_FAIL": "1"})
    assert again.returncode == 3
    assert "RuntimeError: failing on demand" in again.stderr
    assert page.read_bytes() == good
    assert (tmp_path / "manifest.json").read_bytes() == manifest
    assert not list((tmp_path / ".build").glob("staging/*"))


def test_the_kernel_engine_fails_alone_and_leaves_no_kernel(tmp_path):
    marker = uuid.uuid4().hex
    result = build("--matrix", matrix("matrix_faults.yaml"), "--out", str(tmp_path), "--engine",
                   "kernel", "--only", "profile", "raises", env={"POLICYLENS_TEST_MARKER": marker})
    assert result.returncode == 3, result.stderr
    assert "ValueError: deliberate failure in the fixture" in result.stderr
    assert (tmp_path / "briefs" / "profile-GB.en.pdf").exists()
    assert processes_with_marker(marker) == []


def test_ctrl_c_stops_workers_and_releases_the_lock(tmp_path):
    marker = uuid.uuid4().hex
    env = {"SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0", "POLICYLENS_TEST_MARKER": marker,
           "PATH": "/usr/bin:/bin", "POLICYLENS_CURATED_DIR": str(FIXTURES / "curated")}
    proc = subprocess.Popen([sys.executable, "-m", "policylens", "build", "--matrix",
                             matrix("matrix_interrupt.yaml"), "--out", str(tmp_path)],
                            cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not list((tmp_path / ".build").glob("staging/*/hangs.en/progress")):
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert processes_with_marker(marker) == []
    assert not list((tmp_path / ".build").glob("staging/*"))
    assert not (tmp_path / "briefs").exists()
    again = build("--matrix", matrix("matrix_ok.yaml"), "--out", str(tmp_path), "--only",
                  "profile-NO.en")
    assert again.returncode == 0, again.stderr
