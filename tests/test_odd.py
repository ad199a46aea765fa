from sim import odd, params


def test_odd_tables_match_the_code():
    text = odd.ODD_PATH.read_text(encoding="utf-8")
    assert odd.render(text) == text, "docs/ODD.md is stale: run `python -m sim.odd`"


def test_odd_documents_every_parameter_and_output():
    text = odd.ODD_PATH.read_text(encoding="utf-8")
    for name in params.names():
        assert f"`{name}`" in text
    from sim.outputs import COLUMNS

    for name in COLUMNS:
        assert f"`{name}`" in text


def test_render_replaces_a_stale_block():
    stale = "x\n<!-- BEGIN parameters -->\nSTALE-TABLE-0\n<!-- END parameters -->\n" \
            "<!-- BEGIN outputs -->\nSTALE-TABLE-0\n<!-- END outputs -->\n"
    fresh = odd.render(stale)
    assert "STALE-TABLE-0" not in fresh and "`audit_prob_per_step`" in fresh


def test_odd_prose_types_no_measured_interval_by_hand():
    """Measured results live in docs/validation.md (generated); the ODD points there."""
    import re

    text = odd.ODD_PATH.read_text(encoding="utf-8")
    prose = re.sub(r"<!-- BEGIN (\w+) -->.*?<!-- END \1 -->", "", text, flags=re.S)
    estimate_with_ci = re.compile(r"[+-]?\d*\.\d+\s*\[[+-]?\d*\.\d+,\s*[+-]?\d*\.\d+\]")
    found = estimate_with_ci.findall(prose)
    assert not found, f"docs/ODD.md quotes measured values by hand: {found[:5]}"
    assert estimate_with_ci.search("content share 0.075 [0.064, 0.085]")  # the guard itself bites
