"""The notices file: what the last cycles said the merchant must see, kept across processes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.app.notices import KEPT_FOR, load_notices, record_cycle
from desktop_sync.engine.events import CycleResult, Failure, Health, PushResult

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
OFF = "This computer's clock is 1 h ahead of Order Desk's."


def _cycle(*attention: Failure, offset: timedelta | None = None, clock: str = "") -> CycleResult:
    return CycleResult(
        Health.OK, push=PushResult(attention=attention), clock_offset=offset, clock_message=clock
    )


def test_attention_is_kept_once_until_it_is_old_and_the_clock_until_read_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notices.json"
    shipped = Failure("100", "Order 100 was cancelled after it shipped.")
    record_cycle(path, _cycle(shipped, offset=timedelta(hours=1), clock=OFF), now=NOW)
    record_cycle(path, _cycle(shipped), now=NOW + timedelta(minutes=5))  # no clock reading
    assert load_notices(path).attention == (shipped,)
    assert load_notices(path).clock_message == OFF
    record_cycle(path, _cycle(offset=timedelta(0)), now=NOW + KEPT_FOR + timedelta(hours=1))
    assert load_notices(path).attention == ()
    assert load_notices(path).clock_message == ""


def test_a_missing_or_damaged_file_has_no_notices(tmp_path: Path) -> None:
    path = tmp_path / "notices.json"
    assert load_notices(path) == load_notices(tmp_path / "none.json")
    path.write_text("{not json", encoding="utf-8")
    assert load_notices(path).attention == () and load_notices(path).clock_message == ""
