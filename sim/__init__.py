"""coopsim: an agent-based model of school-enterprise cooperation in vocational education."""
