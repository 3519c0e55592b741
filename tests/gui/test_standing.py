"""The one standing the banner and the tray say (pure: no widgets)."""

from __future__ import annotations

from desktop_sync.engine.events import Health
from desktop_sync.gui.standing import Facts, standing


def test_orders_waiting_without_an_error_are_said_quietly_not_as_in_sync() -> None:
    said = standing(Facts(Health.OK, waiting=3))
    assert (said.severity, said.picture) == ("quiet", Health.OK)
    assert said.banner == "3 orders wait to be sent; the app sends them by itself, nothing is lost."
    assert said.line == "3 orders wait to be sent"


def test_a_store_paused_on_its_own_is_said_after_what_needs_the_merchant() -> None:
    paused = ("Wholesale", "Retail")
    said = standing(Facts(Health.OK, paused_stores=paused))
    assert said.banner == (
        "Wholesale and Retail are paused: their orders wait until you press Resume this store "
        "on their cards."
    )
    needs = standing(Facts(Health.OK, paused_stores=paused, needs_attention=2))
    assert needs.banner == "Connected to both. 2 orders need you: see Needs you below."
    assert needs.line == "2 orders need you · Wholesale and Retail paused"
    assert needs.picture is Health.FAILING


def test_every_store_paused_wins_and_pausing_is_said_while_the_cycle_ends() -> None:
    assert standing(Facts(Health.OK, paused=True, needs_attention=4)).line == "Paused"
    pausing = standing(Facts(Health.OK, paused=True, running=True))
    assert (pausing.line, pausing.picture) == ("Pausing", Health.PAUSED)
