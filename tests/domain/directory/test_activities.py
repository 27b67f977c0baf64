from __future__ import annotations

from plateau.domain.directory.activities import ACTIVITIES, ACTIVITIES_BY_CODE, MOST_FREQUENT, Regime


def test_the_table_has_the_26_official_activities_with_unique_codes() -> None:
    assert [a.code for a in ACTIVITIES] == [f"SAP{i:02d}" for i in range(1, 27)]
    assert len({a.label_fr for a in ACTIVITIES}) == 26


def test_regimes_follow_the_law() -> None:
    # 21 declaration-only activities, 5 that need an agrément and/or an autorisation.
    assert sum(a.regime is Regime.DECLARATION for a in ACTIVITIES) == 21
    assert {a.code for a in ACTIVITIES if a.regime is Regime.AGREMENT} == {"SAP01", "SAP02"}
    assert {a.code for a in ACTIVITIES if a.regime is Regime.AGREMENT_OR_AUTORISATION} == {"SAP03", "SAP04", "SAP05"}
    assert ACTIVITIES_BY_CODE["SAP06"].label_en == "Housekeeping and cleaning"
    assert set(MOST_FREQUENT) <= set(ACTIVITIES_BY_CODE)
