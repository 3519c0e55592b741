"""Every odd thing a merchant or a script can give the command line or the settings file
(tests/reliability/bad_inputs/cli/*.json: wrong types, out-of-range dates and intervals,
unknown platforms, garbage JSON, a folder that is a file, impossible characters) is answered
in one sentence with exit 2, and the journal loses nothing.

A case is ``args`` for ``desktop-sync``, and optionally ``env`` laid over a complete profile
(pointed at closed ports: no case may get as far as the network), ``settings`` (values laid
over good saved settings), ``settings_text`` or ``settings_bytes`` (hex) for the whole file,
and ``home``: ``file`` (DESKTOP_SYNC_HOME names a file) or ``data_file`` (a file where the data
folder goes). ``expect`` is part of the sentence.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop_sync import cli
from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.state.journal import Journal

CASES = sorted((Path(__file__).parent / "bad_inputs" / "cli").glob("*.json"))
CLOSED = "http://127.0.0.1:9"
PROFILE_ENV = {
    "ORDERDESK_API_URL": f"{CLOSED}/api/v2",
    "ORDERDESK_STORE_ID": "100001",
    "ORDERDESK_API_KEY": "od-key-3f9a1c7e5b",
    "STORE_PLATFORM": "bigcommerce",
    "STORE_URL": f"{CLOSED}/stores/abc123/v3",
    "STORE_KEY": "bc-token-8d2e6f0a4c",
}


def _journal_with_history() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    with Journal(journal_path()) as journal:
        for n in range(5):
            journal.record_order_seen(f"id-{n}", str(100 + n), moment, moment)
        journal.mark_sent("id-0", "od-1")
        journal.mark_failed("id-1", "No customer name.")
        journal.set_cursor("push", moment, 600)
        journal.add_event(moment, "info", "orders", "Sent to Order Desk.", "100")


def _snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall())
            for table in ("orders", "shipments", "cursors", "events")
        }


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(args)
    except SystemExit as exit_:  # argparse refuses an argument this way, with its own sentence
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case_file", CASES, ids=lambda p: p.stem)
def test_bad_input_is_answered_in_a_sentence_with_exit_2_and_nothing_lost(
    case_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    for name, value in {**PROFILE_ENV, **case.get("env", {})}.items():
        monkeypatch.setenv(name, value)
    save_settings(Settings(stores=(StoreSettings(sync_since="2025-06-01T00:00:00+00:00"),)))
    _journal_with_history()
    journal = journal_path()
    before = _snapshot(journal)
    if "settings" in case:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
        settings_path().write_text(json.dumps({**data, **case["settings"]}), encoding="utf-8")
    if "settings_text" in case:
        settings_path().write_text(case["settings_text"], encoding="utf-8")
    if "settings_bytes" in case:
        settings_path().write_bytes(bytes.fromhex(case["settings_bytes"]))
    if case.get("home") == "file":
        home = tmp_path / "a-file"
        home.write_text("not a folder")
        monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))
    elif case.get("home") == "data_file":
        home = tmp_path / "other-home"
        home.mkdir()
        (home / "data").write_text("not a folder")
        monkeypatch.setenv("DESKTOP_SYNC_HOME", str(home))

    code, out, err = _run(case["args"], capsys)

    assert code == cli.EXIT_CONFIG, f"{case['about']}: exit {code}\n{out}{err}"
    assert "Traceback" not in out + err
    sentence = err.strip().splitlines()[-1]  # argparse puts its usage line first
    assert case["expect"] in sentence, sentence
    assert _snapshot(journal) == before, "the journal changed"


def test_the_corpus_has_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20
