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
