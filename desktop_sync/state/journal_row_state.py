"""The state updates orders and shipments share: a row's state, its retry, its requeue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_sync.state.journal_part import JournalPart
from desktop_sync.state.records import iso, utc_now
from desktop_sync.state.states import OrderState

# No retry is scheduled further ahead than the engine's longest back-off (an hour); one further
# ahead was scheduled while the PC's clock ran fast, and is due now that it has been set right.
RETRY_HORIZON = timedelta(hours=2)
DUE = "(next_attempt_at IS NULL OR next_attempt_at <= ? OR next_attempt_at > ?)"
"""The rows due now: takes ``now`` and ``now + RETRY_HORIZON``."""


@dataclass(frozen=True)
class Table:
    """The columns the shared state updates name (constants, never user input)."""

    name: str
    key: str
    link: str


class RowStates(JournalPart):
    """Sets one row's state in ``Table``, or makes it pending again."""

    def _set_state(
        self,
        table: Table,
        key: str,
        state: str,
        link: str | None,
        error: str | None,
        next_attempt_at: datetime | None,
        bump_attempts: bool,
        attempts: int | None = None,
    ) -> None:
        """One row's state, with its link on the other side (kept when None), its last error
        (kept when None), when to try next, and one more attempt when asked (or ``attempts``
        when given: a request refused unprocessed takes back the attempt it was counted as)."""
        with self._tx() as conn:
            conn.execute(
                f"UPDATE {table.name} SET state = ?, "
                f"{table.link} = COALESCE(?, {table.link}), "
                "last_error = COALESCE(?, last_error), next_attempt_at = ?, "
                f"attempts = COALESCE(?, attempts + ?), updated_at = ? "
                f"WHERE store = ? AND {table.key} = ?",
                (
                    state,
                    link,
                    error,
                    iso(next_attempt_at),
                    attempts,
                    int(bump_attempts),
                    iso(utc_now()),
                    self.store,
                    key,
                ),
            )

    def _requeue(self, table: Table, key: str, from_states: tuple[str, ...]) -> bool:
        # OrderState.PENDING and ShipmentState.PENDING are the same word.
        with self._tx() as conn:
            marks = ",".join("?" * len(from_states))
            cursor = conn.execute(
                f"UPDATE {table.name} SET state = ?, next_attempt_at = NULL, "
                f"attempts = 0, updated_at = ? WHERE store = ? AND {table.key} = ? "
                f"AND state IN ({marks})",
                (OrderState.PENDING, iso(utc_now()), self.store, key, *from_states),
            )
            return cursor.rowcount > 0
