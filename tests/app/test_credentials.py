"""Keys as merchants paste them: the invisible and the blank are removed where they enter, the
impossible is named in a sentence (issue 16, item 3)."""

from __future__ import annotations

import pytest

from desktop_sync.app.credentials import UnusableKey, clean_orderdesk_key, clean_store_key
from desktop_sync.app.profile import Profile, load_profile, save_profile
from desktop_sync.app.secrets import SecretStore

KEY = "a1b2c3d4e5f6a7b8c9d0"


@pytest.mark.parametrize(
    "pasted",
    [
        KEY + "\n",
        " " + KEY + "\r\n",
        KEY[:5] + "\u200b" + KEY[5:],  # a zero-width space from a web page
        "\ufeff" + KEY,  # a byte-order mark from a text file
        KEY + "\u00a0",  # a no-break space from a PDF
        KEY[:10] + "\u00ad" + KEY[10:],  # a soft hyphen from a word processor
        KEY[:10] + "\n" + KEY[10:],  # a key wrapped across two lines in an email
        "\u2060" + KEY + "\t",
    ],
)
def test_invisible_characters_and_whitespace_are_removed_from_a_pasted_key(pasted: str) -> None:
    assert clean_orderdesk_key(pasted) == KEY
    assert clean_store_key("woocommerce", pasted, secret=True) == KEY


@pytest.mark.parametrize(
    ("pasted", "position"),
    [
        (KEY[:4] + "é" + KEY[4:], 5),  # an accented letter
        ("\u201c" + KEY + "\u201d", 1),  # typographic quotes around it
        (KEY + "…", 21),  # an ellipsis a chat app put in place of "..."
        (KEY[:2] + "\x07" + KEY[2:], 3),  # a control character
    ],
)
def test_a_key_that_still_holds_a_character_no_key_has_is_named_by_position_only(
    pasted: str, position: int
) -> None:
    with pytest.raises(UnusableKey) as caught:
        clean_orderdesk_key(pasted)
    sentence = str(caught.value)
    assert sentence.startswith(
        f"The Order Desk API key holds a character no key has (character {position} of "
    )
    assert sentence.endswith(
        "Copy the key again from Order Desk (Store Settings > API) and paste it unchanged."
    )
    assert KEY not in sentence and KEY[:6] not in sentence
    with pytest.raises(UnusableKey, match=r"^The WooCommerce secret holds a character"):
        clean_store_key("woocommerce", pasted, secret=True)


def test_the_profile_cleans_every_key_it_is_given_and_saves_the_clean_one() -> None:
    profile = Profile(
        orderdesk_store_id=" 12345\u200b",
        orderdesk_api_key=KEY + "\n",
        store_platform="bigcommerce",
        store_url="abc123\u200b ",
        store_key="\u200b" + KEY,
    )
    assert (profile.orderdesk_store_id, profile.store_url) == ("12345", "abc123")
    assert (profile.orderdesk_api_key, profile.store_key) == (KEY, KEY)
    save_profile(profile, SecretStore())
    assert load_profile({}) == profile


def test_a_key_from_the_environment_is_cleaned_too() -> None:
    env = {
        "ORDERDESK_STORE_ID": "12345",
        "ORDERDESK_API_KEY": KEY + "\u200b",
        "STORE_PLATFORM": "shopify",
        "STORE_URL": "demo.myshopify.com",
        "STORE_KEY": "shpat_" + KEY + "\u200b",
    }
    profile = load_profile(env)
    assert (profile.orderdesk_api_key, profile.store_key) == (KEY, "shpat_" + KEY)
