"""Network files: the shipped example county, GraphML round trip and every schema error."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from sim import CooperationModel
from sim.network_io import NetworkFileError, load_network
from sim.scenarios import PACKAGE_SCENARIO_DIR

EXAMPLE = PACKAGE_SCENARIO_DIR / "networks" / "example-county-nodes.csv"

NODES = """id,type,industry,size,age,level,majors,intake,mandate
s1,school,,,,secondary,manufacturing:0.7;commerce:0.3,300,
e1,enterprise,manufacturing,2.0,20,,,,
e2,enterprise,manufacturing,0.5,5,,,,
e3,enterprise,commerce,1.0,,,,,
d1,department,,,,,,,education
"""
EDGES = """source,target,tie,depth
s1,e1,partnership,practice
s1,e3,partnership,
e1,e2,peer,
d1,s1,jurisdiction,
"""


def pair(tmp_path: Path, nodes: str = NODES, edges: str = EDGES) -> Path:
    (tmp_path / "c-nodes.csv").write_text(nodes)
    (tmp_path / "c-edges.csv").write_text(edges)
    return tmp_path / "c-nodes.csv"


def test_example_county_loads_with_typed_nodes_and_starting_partnerships():
    g = load_network(EXAMPLE)
    kinds = [d["type"] for _, d in g.nodes(data=True)]
    assert kinds.count("school") == 3 and kinds.count("enterprise") == 60
    assert kinds.count("department") == 4
    ties = [d["tie"] for _, _, d in g.edges(data=True)]
    assert {"partnership", "peer", "jurisdiction"} <= set(ties)
    depths = [d["depth"] for _, _, d in g.edges(data=True) if d["tie"] == "partnership"]
    assert set(depths) <= {0, 1, 2, 3} and 3 in depths


def test_loaded_county_runs_in_the_model_and_keeps_its_starting_depths():
    model = CooperationModel(rng=3, network_file=str(EXAMPLE))
    first = model.datacollector.get_model_vars_dataframe().iloc[0]
    g = load_network(EXAMPLE)
    content = sum(1 for _, _, d in g.edges(data=True) if d.get("depth") == 3)
    assert first["partnerships_content"] == content
    assert len(model.schools) == 3 and len(model.enterprises) == 60
    model.run_for(24)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 25 and frame["partnerships_active"].iloc[-1] > 0


def test_csv_pair_can_be_named_by_either_file(tmp_path):
    nodes = pair(tmp_path)
    a = load_network(nodes)
    b = load_network(tmp_path / "c-edges.csv")
    assert nx.utils.graphs_equal(a, b)
    assert a.edges["s1", "e1"]["depth"] == 2
    assert a.edges["s1", "e3"]["depth"] == 1  # default: form
    assert a.nodes["e3"]["age"] == 10.0  # documented default


def test_graphml_gives_the_same_graph_as_csv(tmp_path):
    g = load_network(pair(tmp_path))
    nx.write_graphml(g, tmp_path / "c.graphml")
    again = load_network(tmp_path / "c.graphml")
    assert nx.utils.graphs_equal(g, again)
    assert again.nodes["e1"]["size"] == 2.0


@pytest.mark.parametrize("nodes_edit, edges_edit, expected", [
    (("s1,school", "s1,college"), None,
     r"c-nodes.csv:2: unknown node type 'college'; allowed: school, enterprise, department"),
    (("e2,enterprise,manufacturing", "e2,enterprise,"), None,
     r"c-nodes.csv:4: an enterprise needs 'industry'"),
    (("e1,enterprise,manufacturing,2.0", "e1,enterprise,manufacturing,-1"), None,
     r"c-nodes.csv:3: size -1 is out of range: allowed \(0, 1e\+06\] \(column 4\)"),
    (("e3,enterprise", "e1,enterprise"), None, r"c-nodes.csv:5: duplicate node id 'e1' "
                                              r"\(first at .*c-nodes.csv:3\)"),
    (("manufacturing:0.7;commerce:0.3", "manufacturing:0.7;tourism:0.3"), None,
     r"c-nodes.csv:2: majors .*'tourism' is not an industry of any enterprise"),
    (("size,age", "sise,age"), None, r"c-nodes.csv:1: unknown column 'sise'; did you mean "
                                     r"'size'\?"),
    (None, ("e1,e2,peer", "e1,e9,peer"), r"c-edges.csv:4: target 'e9' is not a node of "
                                         r"c-nodes.csv \(dangling edge\)"),
    (None, ("e1,e2,peer", "e1,e2,friend"), r"c-edges.csv:4: unknown tie 'friend'; allowed: "
                                           r"partnership, peer, jurisdiction, service"),
    (None, ("s1,e1,partnership,practice", "s1,e1,partnership,deep"),
     r"c-edges.csv:2: depth 'deep'; allowed: none, form, practice, content or 0-3"),
    (None, ("d1,s1,jurisdiction", "d1,e1,jurisdiction"),
     r"c-edges.csv:5: a jurisdiction tie joins a department and a school, not a department "
     r"and an enterprise"),
    (None, ("e1,e2,peer", "e1,e3,peer"), r"c-edges.csv:4: peer ties join enterprises of the "
                                         r"same industry"),
])
def test_csv_errors_name_file_line_and_what_is_allowed(tmp_path, nodes_edit, edges_edit,
                                                        expected):
    nodes, edges = NODES, EDGES
    if nodes_edit:
        assert nodes_edit[0] in nodes
        nodes = nodes.replace(nodes_edit[0], nodes_edit[1], 1)
    if edges_edit:
        assert edges_edit[0] in edges
        edges = edges.replace(edges_edit[0], edges_edit[1], 1)
    with pytest.raises(NetworkFileError, match=expected):
        load_network(pair(tmp_path, nodes, edges))


def test_duplicate_edge_names_both_lines(tmp_path):
    with pytest.raises(NetworkFileError, match=r"c-edges.csv:6: duplicate edge 'e2'-'e1' "
                                               r"\(first at .*c-edges.csv:4\)"):
        load_network(pair(tmp_path, edges=EDGES + "e2,e1,peer,\n"))


def test_row_with_wrong_cell_count_names_the_line(tmp_path):
    with pytest.raises(NetworkFileError, match=r"c-edges.csv:3: 2 cells, the header has 4"):
        load_network(pair(tmp_path, edges=EDGES.replace("s1,e3,partnership,", "s1,e3")))


def test_missing_partner_file_is_named(tmp_path):
    (tmp_path / "c-nodes.csv").write_text(NODES)
    with pytest.raises(NetworkFileError, match=r"c-edges.csv: network file not found"):
        load_network(tmp_path / "c-nodes.csv")


def test_malformed_graphml_names_file_and_line(tmp_path):
    path = tmp_path / "bad.graphml"
    path.write_text('<?xml version="1.0"?>\n<graphml>\n<graph>\n<node id="a">\n</graph>\n')
    with pytest.raises(NetworkFileError, match=r"bad.graphml:5: malformed XML"):
        load_network(path)


def test_graphml_unknown_type_and_dangling_edge_name_the_node(tmp_path):
    g = load_network(pair(tmp_path))
    g.nodes["e2"]["type"] = "bank"
    nx.write_graphml(g, tmp_path / "type.graphml")
    with pytest.raises(NetworkFileError, match=r"type.graphml:\d+: node 'e2': unknown node type "
                                               r"'bank'"):
        load_network(tmp_path / "type.graphml")
    text = (tmp_path / "type.graphml").read_text().replace('<node id="e2">', '<node id="e2x">')
    text = text.replace(">bank<", ">enterprise<")
    (tmp_path / "dangling.graphml").write_text(text)
    with pytest.raises(NetworkFileError, match=r"node 'e2' is not declared \(dangling edge\)"):
        load_network(tmp_path / "dangling.graphml")


def test_unknown_file_kind_is_refused(tmp_path):
    with pytest.raises(NetworkFileError, match=r"unknown network file kind '.json'"):
        load_network(tmp_path / "county.json")


def test_file_network_keeps_its_own_peer_ties_under_every_family_setting():
    from sim.network import CHOICES

    frames, peers = [], []
    for family in CHOICES["peer_network_family"]:
        model = CooperationModel(rng=3, network_file=str(EXAMPLE), peer_network_family=family)
        peers.append(model.population.peers.toarray())
        model.run_for(6)
        frames.append(model.datacollector.get_model_vars_dataframe())
    g = load_network(EXAMPLE)
    n_peer = sum(1 for _, _, d in g.edges(data=True) if d["tie"] == "peer")
    # The family shapes generated counties only: the file's ties and the run are unchanged.
    assert peers[0].sum() == 2 * n_peer
    for other_peers, other_frame in zip(peers[1:], frames[1:], strict=True):
        assert (other_peers == peers[0]).all()
        assert other_frame.equals(frames[0])
