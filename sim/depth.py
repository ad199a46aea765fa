"""The cooperation-depth ladder: none, form, practice, content.

Rungs are named after the official forms of cooperation listed in the 2018
Measures for Promoting School-Enterprise Cooperation in Vocational Schools
(Ministry of Education and five other departments).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Depth(IntEnum):
    """Depth of one school-enterprise partnership (ordinal)."""

    NONE = 0
    FORM = 1
    PRACTICE = 2
    CONTENT = 3


#: What each rung means, in the vocabulary of the 2018 Measures.
RUNG_MEANING: dict[Depth, str] = {
    Depth.NONE: "no active cooperation (a partnership sliding towards dissolution)",
    Depth.FORM: "agreement signed, visits, nominal internships: cooperation on paper",
    Depth.PRACTICE: "real placements and internships, guest instructors from the firm, "
    "teachers' practice in the firm",
    Depth.CONTENT: "co-designed majors, standards, curricula and textbooks, order-based classes "
    "or modern apprenticeship with joint enrolment, co-built training base, joint R&D",
}

#: Number of 'high-cost' cooperation items a partnership at each rung typically
#: carries (Chinese surveys measure depth by counting them). Assumption.
HIGH_COST_ITEMS = np.array([0, 0, 2, 5])

N_RUNGS = len(Depth)
