"""Follow-up rules as tables: when it goes, retries, what an answer may say, figures per provider and month."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from plateau.domain.followup import results, schedule
from plateau.domain.followup.answers import Came, InvalidAnswer, check_answer

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("given", "days", "expected"),
    [
        # Given at 23:30 Paris on 1 June (21:30 UTC): the local day counts, sent 3 days later at 10:00.
        (dt.datetime(2026, 6, 1, 21, 30, tzinfo=dt.UTC), 3, dt.datetime(2026, 6, 4, 10, 0, tzinfo=PARIS)),
        # Given at 00:30 Paris on 2 June (22:30 UTC on 1 June): the 2nd is the day of the details.
        (dt.datetime(2026, 6, 1, 22, 30, tzinfo=dt.UTC), 3, dt.datetime(2026, 6, 5, 10, 0, tzinfo=PARIS)),
        # Across the change to winter time (25 October 2026): still 10:00 local time.
        (dt.datetime(2026, 10, 23, 9, 0, tzinfo=dt.UTC), 3, dt.datetime(2026, 10, 26, 10, 0, tzinfo=PARIS)),
        (dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), 7, dt.datetime(2026, 6, 8, 10, 0, tzinfo=PARIS)),
    ],
)
def test_given_details_time_when_scheduling_then_n_days_later_at_ten_local(
    given: dt.datetime, days: int, expected: dt.datetime
) -> None:
    assert schedule.due_at(given, schedule.Policy(days_after=days), PARIS) == expected


def test_given_naive_time_when_scheduling_then_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        schedule.due_at(dt.datetime(2026, 6, 1, 9, 0), schedule.Policy(), PARIS)


def test_given_link_policy_when_sent_then_expires_after_link_days() -> None:
    sent = dt.datetime(2026, 6, 4, 8, 0, tzinfo=dt.UTC)
    assert schedule.expires_at(sent, schedule.Policy(link_days=30)) == dt.datetime(2026, 7, 4, 8, 0, tzinfo=dt.UTC)


NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, None),
        (NOW - dt.timedelta(days=8), None),
        (NOW - dt.timedelta(days=7), None),
        (NOW - dt.timedelta(days=2), NOW + dt.timedelta(days=5)),
    ],
)
def test_given_last_link_to_address_when_due_then_postponed_to_a_week_after(
    last: dt.datetime | None, expected: dt.datetime | None
) -> None:
    assert schedule.postponed_until(last, NOW) == expected


@pytest.mark.parametrize(
    ("attempts", "give_up", "minutes"),
    [(1, False, 5), (2, False, 10), (3, False, 20), (4, False, 40), (5, True, None)],
)
def test_given_refused_sends_when_retrying_then_backoff_then_give_up(
    attempts: int, give_up: bool, minutes: int | None
) -> None:
    retry = schedule.after_failure(attempts, NOW)
    assert retry.give_up is give_up
    assert retry.next_at == (None if minutes is None else NOW + dt.timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("came", "provider", "satisfaction", "given", "expected"),
    [
        ("yes", None, 4, {7}, (Came.YES, 7, 4)),  # one provider given: « yes » names it
        ("yes", 8, 5, {7, 8}, (Came.YES, 8, 5)),
        ("no", 8, 5, {7, 8}, (Came.NO, None, None)),  # nobody came: no provider, no score kept
        ("not_yet", None, None, {7}, (Came.NOT_YET, None, None)),
    ],
)
def test_given_valid_answer_when_checked_then_stored_form(
    came: str, provider: int | None, satisfaction: int | None, given: set[int], expected: tuple[object, ...]
) -> None:
    answer = check_answer(came, provider, satisfaction, "  merci  ", given)
    assert (answer.came, answer.provider_id, answer.satisfaction) == expected
    assert answer.comment == "merci"


@pytest.mark.parametrize(
    ("came", "provider", "satisfaction", "given", "field"),
    [
        ("", None, None, {7}, "came"),
        ("maybe", None, None, {7}, "came"),
        ("yes", None, 4, {7, 8}, "provider"),  # several given: which one?
        ("yes", 9, 4, {7, 8}, "provider"),  # not one of those given
        ("yes", None, None, {7}, "satisfaction"),
        ("yes", None, 6, {7}, "satisfaction"),
        ("yes", None, 0, {7}, "satisfaction"),
    ],
)
def test_given_invalid_answer_when_checked_then_refused_on_its_field(
    came: str, provider: int | None, satisfaction: int | None, given: set[int], field: str
) -> None:
    with pytest.raises(InvalidAnswer) as refused:
        check_answer(came, provider, satisfaction, "", given)
    assert refused.value.details["field"] == field
    assert refused.value.message  # a French sentence for the caller


def test_given_too_long_comment_when_checked_then_refused_with_its_length() -> None:
    with pytest.raises(InvalidAnswer, match="2001 caractères"):
        check_answer("no", None, None, "x" * 2001, {7})


def test_given_sent_follow_ups_when_aggregating_then_figures_per_provider_and_month() -> None:
    rows = [
        results.Sent("2026-05", (1, 2), True, "yes", 1, 5),
        results.Sent("2026-05", (1, 2), True, "yes", 2, 2),
        results.Sent("2026-05", (1,), True, "no"),
        results.Sent("2026-06", (1,), False),
        results.Sent("2026-06", (2,), True, "not_yet"),
        results.Sent("2026-06", (1,), True, "yes", 1, 4),
    ]
    per = results.by_provider(rows)
    one, two = per[1], per[2]
    assert (one.sent, one.answered, one.came) == (5, 4, 2)
    assert one.response_rate == pytest.approx(0.8)
    assert one.came_share == pytest.approx(0.5)
    assert one.satisfaction == pytest.approx(4.5)
    assert (two.sent, two.answered, two.came, two.satisfaction) == (3, 3, 1, 2.0)
    months = results.by_month(rows)
    assert [m.month for m in months] == ["2026-05", "2026-06"]
    may, june = months
    assert (may.sent, may.answered, may.came, may.not_came, may.not_yet) == (3, 3, 2, 1, 0)
    assert may.satisfaction == pytest.approx(3.5)
    assert (june.sent, june.answered, june.came, june.not_came, june.not_yet) == (3, 2, 1, 0, 1)


def test_given_nothing_answered_when_aggregating_then_no_rate_to_divide() -> None:
    figures = results.by_provider([results.Sent("2026-06", (3,), False)])[3]
    assert (figures.response_rate, figures.came_share, figures.satisfaction) == (0.0, None, None)
    assert results.by_month([]) == []
