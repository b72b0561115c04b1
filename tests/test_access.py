"""The store's rules for who may hold its stones, free of Streamlit (`webapp.access`): the page only asks them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from webapp.access import CLIENT_HOLDS, held_elsewhere, hold_rule, private_link, saved_link_params

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_staff_hold_a_stone_for_the_stores_days_and_as_many_as_they_like():
    rule = hold_rule(True, None, 14, 48, NOW)
    assert rule.until == NOW + timedelta(days=14) and rule.client_limit is None
    assert held_elsewhere({"D101": 7, "D102": 8}, "D103", rule.client_limit) is None


def test_a_client_holds_a_stone_only_with_a_phone_or_e_mail_and_for_hours():
    assert hold_rule(False, None, 14, 48, NOW) is None
    rule = hold_rule(False, "+1 555 0100", 14, 48, NOW)
    assert rule.until == NOW + timedelta(hours=48) and rule.client_limit == CLIENT_HOLDS == 1


def test_a_client_holds_one_stone_at_a_time_but_may_save_the_same_stone_again():
    assert held_elsewhere({}, "D101", CLIENT_HOLDS) is None
    assert held_elsewhere({"D101": 7}, "D101", CLIENT_HOLDS) is None  # the piece saved again keeps its stone
    assert held_elsewhere({"D101": 7}, "D102", CLIENT_HOLDS) == ("D101", 7)


def test_a_private_link_opens_its_design_and_nothing_else():
    link = private_link("https://shop.example/", 42, "ABCD-EFGH-2345-JKLM")
    query = dict(part.split("=") for part in link.split("?", 1)[1].split("&"))
    assert saved_link_params(query) == (42, "ABCD-EFGH-2345-JKLM")
    assert saved_link_params({"design": "x"}) is None
