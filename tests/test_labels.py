"""sim.labels: every parameter, group, output and rung has an English and a Chinese label."""

from __future__ import annotations

import re

import pytest

from sim import labels
from sim.depth import Depth
from sim.outputs import COLUMNS
from sim.params import GROUPS, names

CJK = re.compile(r"[\u4e00-\u9fff]")


def every_name() -> list[str | Depth]:
    return [*names(), *GROUPS, *COLUMNS, *Depth]


def test_nothing_the_model_has_lacks_a_label():
    # New parameters and outputs get their labels in sim/labels.py; this lists
    # exactly which ones are missing.
    gaps = {kind: missing for kind, missing in labels.missing().items() if missing}
    assert not gaps, "add these to sim/labels.py: " + "; ".join(
        f"{kind}: {', '.join(missing)}" for kind, missing in gaps.items())


def test_missing_lists_a_new_name(monkeypatch):
    monkeypatch.delitem(labels.PARAMETERS, "audit_prob_per_step")
    monkeypatch.delitem(labels.OUTPUTS, "content_share")
    gaps = labels.missing()
    assert gaps["parameter"] == ["audit_prob_per_step"]
    assert gaps["output"] == ["content_share"]
    assert gaps["parameter group"] == [] and gaps["depth rung"] == []


def test_no_label_is_left_over_from_a_removed_name():
    assert sorted(labels.PARAMETERS) == sorted(names())
    assert sorted(labels.OUTPUTS) == sorted(COLUMNS)
    assert sorted(labels.GROUP_LABELS) == sorted(GROUPS)


@pytest.mark.parametrize("name", every_name(), ids=str)
def test_both_labels_are_readable_and_not_the_code_name(name):
    key = name.name.lower() if isinstance(name, Depth) else name
    en = labels.label(name, "en", with_unit=False)
    zh = labels.label(name, "zh", with_unit=False)
    assert en and en != key and "_" not in en, f"English label of {key!r} is a code name: {en!r}"
    assert en[0].isupper(), f"English label of {key!r} should start with a capital: {en!r}"
    assert CJK.search(zh), f"Chinese label of {key!r} has no Chinese: {zh!r}"
    assert "_" not in zh
    assert labels.label(name, "en").startswith(en) and labels.label(name, "zh").startswith(zh)


def test_labels_are_distinct_within_each_kind():
    for table in (labels.PARAMETERS, labels.OUTPUTS, labels.GROUP_LABELS, labels.RUNGS):
        for lang in ("en", "zh"):
            texts = [getattr(entry, lang) for entry in table.values()]
            dupes = sorted({t for t in texts if texts.count(t) > 1})
            assert not dupes, f"two names share the label(s) {dupes}"


def test_kinds_do_not_share_names():
    kinds = [set(labels.PARAMETERS), set(labels.OUTPUTS), set(labels.GROUP_LABELS), set(labels.RUNGS)]
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            assert not a & b, f"a name in two kinds would make label() ambiguous: {a & b}"


def test_units_come_from_the_parameter_declaration_and_are_translated():
    assert labels.label("subsidy_per_content_step") == "Subsidy per content partnership (MU/step)"
    assert labels.label("subsidy_per_content_step", "zh") == "实质合作补贴（模型货币单位/步）"
    assert labels.unit("audit_prob_per_step") == "per step"  # declared "prob/step"
    assert labels.label("audit_prob_per_step", "zh") == "审计概率（每步）"
    assert labels.label("n_schools") == "Number of vocational schools"  # a count names itself
    assert labels.label("n_schools", "zh") == "职业学校数（所）"
    assert labels.label("spending_total") == "Government spending (MU/step)"
    assert labels.label("content_share", "zh") == "实质合作占比"


def test_chinese_uses_the_literature_terms():
    assert labels.label(Depth.FORM, "zh") == "形式合作"
    assert labels.label(Depth.CONTENT, "zh") == "实质合作"
    assert labels.label("content", "zh") == "实质合作"
    assert labels.term("industry_education_integration", "zh") == "产教融合"
    assert labels.term("school_enterprise_cooperation", "zh") == "校企合作"
    assert labels.term("tax_offset", "zh") == "税收抵免"
    assert labels.term("subsidy", "zh") == "补贴"
    assert labels.term("government", "zh") == "政府"
    assert "审计" in labels.label("audit_prob_per_step", "zh")
    assert "补贴" in labels.label("subsidy_budget_per_year", "zh")
    assert "税收抵免" in labels.label("tax_offset_rate", "zh")


def test_every_term_has_both_languages():
    for key, (en, zh) in labels.TERMS.items():
        assert en.strip() and CJK.search(zh), key
        assert labels.term(key, "en") == en and labels.term(key, "zh") == zh


def test_unknown_name_raises_a_clear_key_error():
    with pytest.raises(KeyError) as err:
        labels.label("audit_prob_per_stp")
    message = str(err.value)
    assert "'audit_prob_per_stp'" in message and "audit_prob_per_step" in message
    assert "sim/labels.py" in message
    with pytest.raises(KeyError, match="no term 'subsidyy'.*subsidy"):
        labels.term("subsidyy")
    with pytest.raises(KeyError, match="no label for 'nonsense'"):
        labels.unit("nonsense")


def test_unknown_language_is_refused():
    with pytest.raises(KeyError, match="language 'fr' is not offered: allowed en, zh"):
        labels.label("content_share", "fr")
    with pytest.raises(KeyError, match="allowed en, zh"):
        labels.term("subsidy", "de")


def test_a_label_inside_a_sentence_drops_only_an_initial_capital():
    from sim.labels import in_sentence, label

    assert in_sentence(label("content_share", with_unit=False)) == "content share"
    assert in_sentence("MU per content partnership") == "MU per content partnership"
    assert in_sentence(label("content_share", "zh", with_unit=False), "zh") == label(
        "content_share", "zh", with_unit=False)
