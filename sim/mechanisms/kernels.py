"""The step's hot loops, compiled (numba): the mechanisms' formulas, fused per stage.

A county step works on arrays of a few hundred partnerships; as numpy
expressions each formula costs a Python-level call of 1-5 microseconds for
microseconds of arithmetic, some 700 of them a step. These functions do the
same arithmetic, in the same order of operations, and draw the same random
numbers in the same order from the run's own ``numpy.random.Generator``
(numba draws through the generator's bit generator, so a draw here and the
same draw in numpy give the same value and leave the same state). The
reference formulas stay in the mechanism modules (:mod:`.enterprise_payoff`,
:mod:`.assessment`, :mod:`.choice`, :mod:`.departments`, :mod:`.service`);
tests check that these give the same numbers.

One difference is not in the arithmetic: ``exp`` in the logit choice is the
C library's, while numpy's vectorised ``exp`` differs from it in the last bit
for some arguments. A choice can differ only if a uniform draw falls within
about 1e-16 of a boundary between two options.

Compiled on first use and cached on disk (``cache=True``): the first run on a
machine compiles (seconds), later processes load the cache.
"""

from __future__ import annotations

import ctypes

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

# Copies of the rung definitions of the numpy formulas, on purpose: numba freezes the
# arrays a compiled function reads into its cached machine code, and its cache notices an
# edit of this file only, so an imported array edited elsewhere would be served stale.
# tests/test_kernels.py checks every copy against its original.
# Alternatives (rung invested in, rung reported), as in enterprise_payoff.ALTERNATIVES.
_INVEST = np.array([0, 1, 2, 3, 1, 1, 2])
_REPORT = np.array([0, 1, 2, 3, 2, 3, 3])
_N_ALT = 7
_TAX_ELIGIBLE = np.array([0.0, 0.0, 1.0, 1.0])    # incentives.TAX_ELIGIBLE_BY_RUNG
_COUNTED = np.array([0.0, 1.0, 1.0, 1.0])         # assessment.COUNTED
_SYMBOLIC = np.array([0.0, 1.0, 1.0, 1.0])        # enterprise_payoff.SYMBOLIC_BY_RUNG

# Indices into the scalar vector of the enterprise's payoff (see enterprise_scalars).
E_TRAINING_VALUE, E_SYMBOLIC, E_ON_OFFER, E_SUBSIDY, E_TAX_RATE, E_CREDIBILITY, E_PAYOUT, \
    E_DISCOUNT, E_DETECTION, E_PENALTY, E_HORIZON, E_FABRICATION, E_PRACTICE_SHARE = range(13)
# Indices into the scalar vector of the school's payoff (see school_scalars).
S_RELIEF, S_SUPPORT, S_COMPENSATION, S_OUTCOME_WEIGHT, S_PLACEMENT_VALUE, S_PRACTICE_SHARE = range(6)


# ---------------------------------------------------------------- the run's generator, cheaply
# Handing a numpy Generator to a compiled function costs about 13 us a call
# (numba types it in Python and unboxes its bit generator through ctypes), more
# than the arithmetic of a county stage. The entry points below also accept a
# *handle*: the bit generator's state pointer and its three draw functions, read
# once per run (:func:`rng_handle`). Inside, :func:`as_generator` rebuilds the
# Generator numba would have unboxed from them, so the draws are the same draws
# from the same state. The handle is valid while its generator lives: keep it
# next to the generator (the model does).

def rng_handle(rng: np.random.Generator) -> np.ndarray:
    """(state pointer, next_uint64, next_uint32, next_double) of ``rng``'s bit generator."""
    ct = rng.bit_generator.ctypes
    address = [ctypes.cast(getattr(ct, name), ctypes.c_void_p).value
               for name in ("next_uint64", "next_uint32", "next_double")]
    return np.array([ct.state.value, *address], dtype=np.uint64)


@intrinsic
def _generator_from_handle(typingctx, handle):
    """A NumPyRandomGeneratorType value over the bit generator of ``handle`` (no Python object)."""
    gen_type = types.NumPyRandomGeneratorType("generator")
    bit_type = types.NumPyRandomBitGeneratorType("bit_generator")

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        words = [builder.load(cgutils.gep(builder, array.data, i)) for i in range(4)]
        bits = cgutils.create_struct_proxy(bit_type)(context, builder)
        bits.state_address = words[0]
        bits.state = words[0]
        bits.fnptr_next_uint64 = words[1]
        bits.fnptr_next_uint32 = words[2]
        bits.fnptr_next_double = words[3]
        bits.bit_generator = ir.Constant(bits.bit_generator.type, 0)
        bits.parent = cgutils.get_null_value(bits.parent.type)
        gen = cgutils.create_struct_proxy(gen_type)(context, builder)
        gen.bit_generator = bits._getvalue()
        gen.meminfo = cgutils.get_null_value(gen.meminfo.type)  # nothing to keep alive here
        gen.parent = cgutils.get_null_value(gen.parent.type)
        return gen._getvalue()

    return gen_type(handle), codegen


def as_generator(rng):
    """The Generator itself, or the one a :func:`rng_handle` array stands for (compiled only)."""
    raise NotImplementedError("as_generator is for compiled code")


@overload(as_generator)
def _as_generator(rng):
    if isinstance(rng, types.NumPyRandomGeneratorType):
        return lambda rng: rng
    if isinstance(rng, types.Array) and rng.dtype == types.uint64:
        return lambda rng: _generator_from_handle(rng)
    return None


@njit(cache=True)
def _subsidy_share(rung, practice_share):
    """incentives.subsidy_share_by_rung, one rung."""
    if rung == 3:
        return 1.0
    return practice_share if rung == 2 else 0.0


@njit(cache=True)
def enterprise_alternatives(schools, firms, depth, deep_full, fit_by_industry, industry,
                            value_scale, retained, school_quality, risk, cost, yield_by_rung,
                            aware, sc):
    """Payoff of every (investment, report) alternative, (n, 7): enterprise_payoff's formulas.

    ``sc`` holds the scalars (indices ``E_*``); ``sc[E_ON_OFFER] == 0`` means no
    incentive is on offer (:func:`enterprise_payoff.honest_only`).
    """
    n = schools.size
    u = np.empty((n, _N_ALT))
    base = np.empty(4)
    claimed = np.empty(4)
    on_offer = sc[E_ON_OFFER] != 0.0
    for i in range(n):
        s, e = schools[i], firms[i]
        fit = fit_by_industry[s, industry[e]]
        b = sc[E_TRAINING_VALUE] * value_scale[e] * retained[e] * fit * school_quality[s]
        for r in range(4):
            base[r] = sc[E_SYMBOLIC] * _SYMBOLIC[r] + b * yield_by_rung[r] - cost[e, r] - risk[s, r]
        if not on_offer:
            for a in range(_N_ALT):
                u[i, a] = -np.inf if _REPORT[a] > _INVEST[a] else base[_INVEST[a]]
        else:
            a_e = 1.0 if aware[e] else 0.0
            for r in range(4):
                delay = sc[E_DISCOUNT] if r > depth[i] else 1.0
                tax_weight = sc[E_CREDIBILITY] * delay
                subsidy_weight = tax_weight * sc[E_PAYOUT]
                claimed[r] = a_e * (sc[E_SUBSIDY] * _subsidy_share(r, sc[E_PRACTICE_SHARE])
                                    * subsidy_weight
                                    + sc[E_TAX_RATE] * cost[e, r] * _TAX_ELIGIBLE[r] * tax_weight)
            horizon = sc[E_HORIZON]
            for a in range(_N_ALT):
                inv, rep = _INVEST[a], _REPORT[a]
                gain = claimed[rep] - claimed[inv]
                false = 1.0 if rep > inv else 0.0
                loss = false * (sc[E_DETECTION] * (sc[E_PENALTY] + 0.5 * horizon * gain)
                                + sc[E_FABRICATION] / horizon)
                if rep > inv and gain - loss <= 0:
                    u[i, a] = -np.inf
                else:
                    u[i, a] = base[inv] + claimed[rep] - loss
        if deep_full[i]:
            for a in range(_N_ALT):
                if _INVEST[a] >= 2:
                    u[i, a] = -np.inf
    return u


@njit(cache=True)
def school_alternatives(schools, firms, broker, fit_by_industry, industry, teacher_capacity,
                        acting_awareness, school_quality, outcome_credit, school_cost, sc):
    """The school's payoff of each rung, (n, 4): assessment.school_utility as the model calls it."""
    n = schools.size
    u = np.empty((n, 4))
    ow, pv = sc[S_OUTCOME_WEIGHT], sc[S_PLACEMENT_VALUE]
    for i in range(n):
        s, e = schools[i], firms[i]
        fit = fit_by_industry[s, industry[e]]
        served = acting_awareness[broker[i]] if broker[i] >= 0 else 0.0
        relief = 1.0 - (1.0 - sc[S_RELIEF] * teacher_capacity[s]) * (1.0 - sc[S_SUPPORT] * served)
        quality = fit * school_quality[s]
        for r in range(4):
            u[i, r] = ((1.0 - ow) * _COUNTED[r] + (ow + pv) * outcome_credit[r] * quality
                       - (1.0 - relief) * school_cost[r]
                       + sc[S_COMPENSATION] * _subsidy_share(r, sc[S_PRACTICE_SHARE]))
    return u


@njit(cache=True)
def logit_rows(u, temperature, rng):
    """choice.logit_choice: one option per row, drawing one uniform per row (all rows first)."""
    n, k = u.shape
    draws = rng.random(n)
    out = np.empty(n, dtype=np.int64)
    cdf = np.empty(k)
    for i in range(n):
        top = -np.inf
        for j in range(k):
            z = u[i, j] / temperature
            cdf[j] = z
            if z > top:
                top = z
        total = 0.0
        for j in range(k):
            total += np.exp(cdf[j] - top)
            cdf[j] = total
        x = draws[i] * cdf[k - 1]
        c = 0
        for j in range(k):
            if x > cdf[j]:
                c += 1
        out[i] = c
    return out


@njit(cache=True)
def assign_tasks(n_tasks, x, capacity_left, rng):
    """departments.assign_tasks: who does each task (-1: nobody); capacity reduced in place."""
    gen = as_generator(rng)
    k = x.size
    doer = np.full(n_tasks, -1, dtype=np.int64)
    if n_tasks == 0:
        return doer
    first = gen.random((n_tasks, k))
    second = gen.random((n_tasks, k))
    done = np.zeros(k, dtype=np.int64)   # acts so far per department (the cumulative sum)
    counts = np.zeros(k, dtype=np.int64)
    for t in range(n_tasks):
        best, best_key = -1, -1.0
        for d in range(k):
            if first[t, d] < x[d]:
                done[d] += 1
                if done[d] <= capacity_left[d] and second[t, d] > best_key:
                    best, best_key = d, second[t, d]
        doer[t] = best
        if best >= 0:
            counts[best] += 1
    for d in range(k):
        capacity_left[d] -= counts[d]
    return doer


@njit(cache=True)
def over_capacity(firms, held, cap, rng, scratch):
    """Which requests (one per entry of ``firms``) a firm has no room for.

    Requests to one firm are served in random order (a permutation, drawn only
    if some firm is asked more than it has room for) until ``held`` plus those
    served reaches its ``cap``.

    ``scratch`` is a zero int64 array with one entry per firm; it is zero again on return.
    """
    m = firms.size
    over = np.zeros(m, dtype=np.bool_)
    if m == 0:
        return over
    for i in range(m):
        scratch[firms[i]] += 1
    full = False
    for i in range(m):
        f = firms[i]
        if held[f] + scratch[f] > cap[f]:
            full = True
    for i in range(m):
        scratch[firms[i]] = 0
    if not full:
        return over
    order = rng.permutation(m)
    for j in range(m):
        i = order[j]
        f = firms[i]
        over[i] = held[f] + scratch[f] >= cap[f]
        scratch[f] += 1
    for i in range(m):
        scratch[firms[i]] = 0
    return over


@njit(cache=True)
def within_deep_capacity(firms, chosen, held, deep_cap, rng, scratch):
    """Choices that would overfill a firm's trainee places (``held`` outside them) fall back to form."""
    out = chosen.copy()
    n_deep = 0
    for i in range(chosen.size):
        if _INVEST[chosen[i]] >= 2:
            n_deep += 1
    wants = np.empty(n_deep, dtype=np.int64)
    j = 0
    for i in range(chosen.size):
        if _INVEST[chosen[i]] >= 2:
            wants[j] = i
            j += 1
    over = over_capacity(firms[wants], held, deep_cap, rng, scratch)
    for j in range(n_deep):
        if over[j]:
            out[wants[j]] = 1   # honest form
    return out


@njit(cache=True)
def firm_loads(pt_enterprise, pt_depth, pt_target, n_firms):
    """Agreements each firm holds, and its deep (practice or content, held or aimed at) ones."""
    held = np.zeros(n_firms, dtype=np.int64)
    deep = np.zeros(n_firms, dtype=np.int64)
    for i in range(pt_enterprise.size):
        held[pt_enterprise[i]] += 1
        if max(pt_depth[i], pt_target[i]) >= 2:
            deep[pt_enterprise[i]] += 1
    return held, deep


@njit(cache=True)
def propose(worth, attempts_per_step, search_cost, broker_takeup, capacity_left, fit_by_industry,
            industry, info_noise, broker_shortlist, own_shortlist, rng):
    """Search attempts, brokering and the candidate each attempt picks (service.choose_candidates).

    Returns (schools, firms, broker) of the attempts that are made.
    """
    n_s = worth.size
    n_att = 0
    for s in range(n_s):
        if worth[s] > 0:
            n_att += attempts_per_step
    schools = np.empty(n_att, dtype=np.int64)
    j = 0
    for s in range(n_s):
        if worth[s] > 0:
            for _ in range(attempts_per_step):
                schools[j] = s
                j += 1
    if n_att == 0:
        return schools, schools.copy(), schools.copy()
    if broker_takeup.size:
        broker = assign_tasks(n_att, broker_takeup, capacity_left, rng)
    else:
        broker = np.full(n_att, -1, dtype=np.int64)
    n_keep = 0
    for i in range(n_att):
        if broker[i] >= 0 or worth[schools[i]] > search_cost:
            n_keep += 1
    ks = np.empty(n_keep, dtype=np.int64)
    kb = np.empty(n_keep, dtype=np.int64)
    j = 0
    for i in range(n_att):
        if broker[i] >= 0 or worth[schools[i]] > search_cost:
            ks[j], kb[j] = schools[i], broker[i]
            j += 1
    firms = np.empty(n_keep, dtype=np.int64)
    if n_keep == 0:
        return ks, firms, kb
    width = max(broker_shortlist, own_shortlist)
    shortlist = rng.integers(0, industry.size, size=(n_keep, width))
    noise = rng.standard_normal((n_keep, width))
    for i in range(n_keep):
        brokered = kb[i] >= 0
        limit = broker_shortlist if brokered else own_shortlist
        best, best_seen = 0, -np.inf
        for c in range(width):
            if c < limit:
                true_fit = fit_by_industry[ks[i], industry[shortlist[i, c]]]
                seen = true_fit if brokered else true_fit + info_noise * noise[i, c]
            else:
                seen = -np.inf
            if seen > best_seen:
                best, best_seen = c, seen
        firms[i] = shortlist[i, best]
    return ks, firms, kb


@njit(cache=True)
def is_paired(key, table, sorted_keys):
    """Whether a pair key holds a partnership (sim.partnerships.PairIndex.lookup)."""
    if table.size:
        return table[key]
    pos = np.searchsorted(sorted_keys, key)
    return pos < sorted_keys.size and sorted_keys[pos] == key


@njit(cache=True)
def first_new(keys, taken):
    """True at the first occurrence of each key that is not ``taken`` (one proposal per new pair)."""
    order = np.argsort(keys, kind="mergesort")
    new = np.zeros(keys.size, dtype=np.bool_)
    for j in range(keys.size):
        i = order[j]
        if (j == 0 or keys[i] != keys[order[j - 1]]) and not taken[i]:
            new[i] = True
    return new


@njit(cache=True)
def peer_of(firms, indptr, indices, rng):
    """A random peer of each firm (CSR adjacency ``indptr``/``indices``), -1 where it has none."""
    draws = rng.random(firms.size)
    out = np.full(firms.size, -1, dtype=np.int64)
    for i in range(firms.size):
        f = firms[i]
        degree = indptr[f + 1] - indptr[f]
        pick = np.int64(draws[i] * max(degree, 1))
        if degree > 0 and indices.size:
            out[i] = indices[min(indptr[f] + pick, indices.size - 1)]
    return out


@njit(cache=True)
def respond(schools, firms, broker, table, sorted_keys, pt_enterprise, pt_depth, pt_target, agreement_cap,
            deep_cap, fit_by_industry, industry, value_scale, retained, school_quality, risk, cost,
            yield_by_rung, aware, esc, teacher_capacity, acting_awareness, outcome_credit,
            school_cost, ssc, temperature, rng, scratch):
    """Firms answer this month's proposals (after :func:`propose` picked the candidates).

    New pairs only, within each firm's agreement capacity, then the firm's
    joint choice of investment and report (within its trainee places) and the
    school's rung. Returns (accepted rows, the firm's alternative and the
    school's rung of each accepted row, proposals declined).
    """
    keys = schools * industry.size + firms
    taken = np.empty(keys.size, dtype=np.bool_)
    for i in range(keys.size):
        taken[i] = is_paired(keys[i], table, sorted_keys)
    new = first_new(keys, taken)
    held, committed = firm_loads(pt_enterprise, pt_depth, pt_target, industry.size)
    candidates = new.nonzero()[0]
    over = over_capacity(firms[candidates], held, agreement_cap, rng, scratch)
    for j in range(candidates.size):
        if over[j]:
            new[candidates[j]] = False
    rows = new.nonzero()[0]
    declined = new.size - rows.size
    none = np.zeros(0, dtype=np.int64)
    if rows.size == 0:
        return none, none, none, declined
    s, e, b = schools[rows], firms[rows], broker[rows]
    deep_full = np.empty(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        deep_full[i] = committed[e[i]] >= deep_cap[e[i]]
    u_ent = enterprise_alternatives(s, e, np.ones(rows.size, dtype=np.int64), deep_full,
                                    fit_by_industry, industry, value_scale, retained,
                                    school_quality, risk, cost, yield_by_rung, aware, esc)
    ent_choice = within_deep_capacity(e, logit_rows(u_ent, temperature, rng), committed, deep_cap,
                                      rng, scratch)
    n_acc = 0
    for i in range(rows.size):
        if _INVEST[ent_choice[i]] > 0:
            n_acc += 1
    declined += rows.size - n_acc
    u_school = school_alternatives(s, e, b, fit_by_industry, industry, teacher_capacity,
                                   acting_awareness, school_quality, outcome_credit, school_cost, ssc)
    u_school[:, 0] = -np.inf  # the school proposed: it wants at least form
    school_choice = logit_rows(u_school, temperature, rng)
    acc = np.empty(n_acc, dtype=np.int64)
    j = 0
    for i in range(rows.size):
        if _INVEST[ent_choice[i]] > 0:
            acc[j] = i
            j += 1
    return rows[acc], ent_choice[acc], school_choice[acc], declined


@njit(cache=True)
def revise(existing, revision_prob, imitation_prob, pt_school, pt_enterprise, pt_depth, pt_target,
           pt_target_school, pt_report, pt_false, pt_broker, last_choice, deep_cap, peer_indptr,
           peer_indices, fit_by_industry, industry, value_scale, retained, school_quality, risk,
           cost, yield_by_rung, aware, esc, teacher_capacity, acting_awareness, outcome_credit,
           school_cost, ssc, temperature, rng, scratch):
    """Partnerships older than this month (rows below ``existing``) revisit investment and report.

    A row is revised with ``revision_prob``; the firm re-chooses (logit),
    copies a random peer's latest choice with ``imitation_prob`` if that is
    open to it, within its trainee places; then the school re-chooses its rung.

    Changes the partnership arrays and ``last_choice`` in place.
    """
    draws = rng.random(existing)
    n = 0
    for i in range(existing):
        if draws[i] < revision_prob:
            n += 1
    if n == 0:
        return
    rows = np.empty(n, dtype=np.int64)
    j = 0
    for i in range(existing):
        if draws[i] < revision_prob:
            rows[j] = i
            j += 1
    n_firms = industry.size
    committed = np.zeros(n_firms, dtype=np.int64)
    revised = np.zeros(pt_school.size, dtype=np.bool_)
    for i in rows:
        revised[i] = True
    others = np.zeros(n_firms, dtype=np.int64)   # deep commitments outside the revised rows
    for i in range(pt_school.size):
        if max(pt_depth[i], pt_target[i]) >= 2:
            committed[pt_enterprise[i]] += 1
            if not revised[i]:
                others[pt_enterprise[i]] += 1
    s, e = pt_school[rows], pt_enterprise[rows]
    deep_full = np.empty(n, dtype=np.bool_)
    for j in range(n):
        own = 1 if max(pt_depth[rows[j]], pt_target[rows[j]]) >= 2 else 0
        deep_full[j] = committed[e[j]] - own >= deep_cap[e[j]]
    u = enterprise_alternatives(s, e, pt_depth[rows], deep_full, fit_by_industry, industry,
                                value_scale, retained, school_quality, risk, cost, yield_by_rung,
                                aware, esc)
    choice = logit_rows(u, temperature, rng)
    # Imitation: copy the latest choice of a random peer, if open to it.
    imitate = rng.random(n)
    n_im = 0
    for j in range(n):
        if imitate[j] < imitation_prob:
            n_im += 1
    if n_im:
        idx = np.empty(n_im, dtype=np.int64)
        k = 0
        for j in range(n):
            if imitate[j] < imitation_prob:
                idx[k] = j
                k += 1
        peer = peer_of(e[idx], peer_indptr, peer_indices, rng)
        for k in range(n_im):
            if peer[k] >= 0:
                copied = last_choice[peer[k]]
                if copied >= 0 and np.isfinite(u[idx[k], copied]):
                    choice[idx[k]] = copied
    choice = within_deep_capacity(e, choice, others, deep_cap, rng, scratch)
    for j in range(n):
        r = rows[j]
        c = choice[j]
        pt_target[r] = _INVEST[c]
        pt_report[r] = _REPORT[c]
        pt_false[r] = _REPORT[c] > _INVEST[c]
        last_choice[e[j]] = c
    b = pt_broker[rows]
    pt_target_school[rows] = logit_rows(
        school_alternatives(s, e, b, fit_by_industry, industry, teacher_capacity,
                            acting_awareness, school_quality, outcome_credit, school_cost, ssc),
        temperature, rng)


@njit(cache=True)
def move(depth, target_enterprise, target_school, steps_at_none, false_report, report,
         misreporting, filed, reported, certified, stages_left, signers_left, filed_at, handler,
         enterprise, given_depth, aware, on_offer, decay_prob, noise, step_no, approve_takeup,
         capacity_left, all_signers, pays_own, approve_held, sign_offs, sign_prob, dept_signed,
         has_departments, rng):
    """Rungs move, reports are filed and read through noise, applications are filed and processed.

    Changes the partnership arrays in place (as the numpy step reassigned
    them). Returns (number approved, sum of their delays in steps).
    """
    n = depth.size
    slide = rng.random(n)
    for i in range(n):
        before = depth[i]
        target = min(target_enterprise[i], target_school[i])
        if target > depth[i]:
            depth[i] += 1   # deepening is the partners' own business
        if target < depth[i] and slide[i] < decay_prob:
            depth[i] -= 1
        given_depth[i] = given_depth[i] and depth[i] == before
        steps_at_none[i] = steps_at_none[i] + 1 if depth[i] == 0 else 0
        misreporting[i] = false_report[i] and report[i] > depth[i] and depth[i] >= 1
        filed[i] = report[i] if misreporting[i] else depth[i]
    off = rng.random(n)
    direction = rng.random(n)
    for i in range(n):
        shift = (1 if off[i] < noise else 0) * (-1 if direction[i] < 0.5 else 1)
        reported[i] = min(max(filed[i] + shift, 0), 3)
        certified[i] = min(certified[i], max(filed[i], 1))
        if not (aware[enterprise[i]] and on_offer and filed[i] > certified[i]):
            stages_left[i] = 0
        elif stages_left[i] == 0:
            stages_left[i] = 1
            signers_left[i] = -1   # not taken up yet
            filed_at[i] = step_no
    approved = _process_applications(stages_left, signers_left, handler, approve_takeup,
                                     capacity_left, all_signers, pays_own, approve_held, sign_offs,
                                     sign_prob, dept_signed, has_departments, rng)
    n_approved = 0
    delay_sum = 0
    for i in range(n):
        if approved[i]:
            certified[i] = filed[i]
            delay_sum += step_no + 1 - filed_at[i]   # filed and cleared the same step = 1
            n_approved += 1
    return n_approved, delay_sum


@njit(cache=True)
def _process_applications(stages_left, signers_left, handler, approve_takeup, capacity_left,
                          all_signers, pays_own, approve_held, sign_offs, sign_prob, dept_signed,
                          has_departments, rng):
    """One month of approvals: take-up by a holder, then every needed sign-off; the rows that cleared.

    A file taken up this month is signed from next month; sign-offs use the
    departments' monthly capacity.
    """
    n = stages_left.size
    approved = np.zeros(n, dtype=np.bool_)
    pending = stages_left > 0
    if not has_departments:
        for i in range(n):
            if pending[i]:
                approved[i] = True
                stages_left[i] = 0
        return approved
    if not pending.any():
        return approved   # no file to take up or sign: nothing is drawn
    waiting = (pending & (signers_left == -1)).nonzero()[0]
    taker = assign_tasks(waiting.size, approve_takeup, capacity_left, rng)
    signing = pending & (signers_left > 0)
    for j in range(waiting.size):
        if taker[j] >= 0:
            r = waiting[j]
            signers_left[r] = all_signers
            signing[r] = False   # taken up this month: signatures from next month
            if pays_own and approve_held[taker[j]]:
                handler[r] = taker[j]   # the department that takes it up pays, if it pays at all
    for k in range(sign_offs.size):
        dep = sign_offs[k]
        bit = np.int64(1) << dep
        rows = (signing & ((signers_left & bit) > 0)).nonzero()[0]
        if rows.size == 0:
            continue
        draws = rng.random(rows.size)
        room = int(max(0.0, capacity_left[dep]))
        cleared = 0
        for j in range(rows.size):
            if draws[j] < sign_prob[k] and cleared < room:
                signers_left[rows[j]] &= ~bit
                cleared += 1
        capacity_left[dep] -= cleared
        dept_signed[dep] += cleared
    for i in range(n):
        if pending[i] and signers_left[i] == 0:
            approved[i] = True
            stages_left[i] = 0
    return approved


@njit(cache=True)
def students_wanted(pt_depth, pt_target_enterprise, pt_target_school, pt_enterprise,
                    placements_by_rung, value_scale):
    """Students a year each partnership wants, at its rung or the one both sides head to."""
    n = pt_depth.size
    out = np.empty(n)
    for i in range(n):
        rung = max(pt_depth[i], min(pt_target_enterprise[i], pt_target_school[i]))
        out[i] = placements_by_rung[rung] * value_scale[pt_enterprise[i]]
    return out


@njit(cache=True)
def fit_by_industry_of(relevance, majors, intake, pt_school, pt_enterprise, industry, wanted_by_row):
    """Relevance x planning.supply_adequacy: fit of each school to each industry."""
    n_s, n_k = majors.shape
    wanted = np.zeros((n_s, n_k))
    for i in range(pt_school.size):
        wanted[pt_school[i], industry[pt_enterprise[i]]] += wanted_by_row[i]
    fit = np.empty((n_s, n_k))
    for s in range(n_s):
        for k in range(n_k):
            w = wanted[s, k]
            if w > 0:
                adequacy = min(1.0, intake[s] * majors[s, k] / max(w, 1e-9))
            else:
                adequacy = 1.0
            fit[s, k] = relevance[s, k] * adequacy
    return fit


@njit(cache=True)
def school_worth(pt_school, pt_depth, wanted_by_row, n_schools, outcome_by_rung, quality, intake,
                 quota, outcome_weight, placement_value, form_cost):
    """What one more agreement is worth to each school, less its cost at form.

    The count credit while below the quota plus the outcomes its partnerships
    bring on average, times quality and the share of its intake still free.
    """
    have = np.zeros(n_schools, dtype=np.int64)
    outcome_sum = np.zeros(n_schools)
    wanted = np.zeros(n_schools)
    for i in range(pt_school.size):
        s = pt_school[i]
        have[s] += 1
        outcome_sum[s] += outcome_by_rung[pt_depth[i]]
        wanted[s] += wanted_by_row[i]
    worth = np.empty(n_schools)
    for s in range(n_schools):
        expected = outcome_sum[s] / max(have[s], 1) if have[s] > 0 else outcome_by_rung[2]
        spare = min(max(1.0 - wanted[s] / max(intake[s], 1), 0.0), 1.0)
        below = 1.0 if have[s] < quota else 0.0
        worth[s] = ((1.0 - outcome_weight) * below
                    + (outcome_weight + placement_value) * (expected * quality[s] * spare)) - form_cost
    return worth


@njit(cache=True)
def training_changes(pt_enterprise, pt_depth, training, free_riders, indptr, indices, data,
                     scratch):
    """Firms now training (a partnership at practice or deeper), and the free-rider counts updated.

    ``free_riders`` (non-training peers of each firm, a sum of whole tie
    weights) is updated in place for the firms that started or stopped
    training. Returns (the new training array, the firms whose count may have
    changed: the peers of those firms), as poaching.update_free_riders.
    """
    n = training.size
    now = np.zeros(n)
    for i in range(pt_enterprise.size):
        if pt_depth[i] >= 2:
            now[pt_enterprise[i]] = 1.0
    touched = np.empty(0, dtype=np.int64)
    n_touched = 0
    for f in range(n):
        if now[f] != training[f]:
            stopped = training[f] - now[f]
            for j in range(indptr[f], indptr[f + 1]):
                g = indices[j]
                free_riders[g] += data[j] * stopped
                if scratch[g] == 0:
                    scratch[g] = 1
                    if n_touched == touched.size:
                        grown = np.empty(max(16, 2 * touched.size), dtype=np.int64)
                        grown[:n_touched] = touched[:n_touched]
                        touched = grown
                    touched[n_touched] = g
                    n_touched += 1
    touched = touched[:n_touched].copy()
    for g in touched:
        scratch[g] = 0
    return now, touched


@njit(cache=True)
def search(worth, attempts_per_step, search_cost, broker_takeup, capacity_left, info_noise,
           broker_shortlist, own_shortlist, table, sorted_keys, pt_enterprise, pt_depth, pt_target,
           agreement_cap, deep_cap, fit_by_industry, industry, value_scale, retained,
           school_quality, risk, cost, yield_by_rung, aware, esc, teacher_capacity,
           acting_awareness, outcome_credit, school_cost, ssc, temperature, rng, scratch):
    """One month of partner search: :func:`propose`, then :func:`respond`.

    Returns (schools, firms, broker of the attempts made, then respond's results).
    """
    gen = as_generator(rng)
    schools, firms, broker = propose(worth, attempts_per_step, search_cost, broker_takeup,
                                     capacity_left, fit_by_industry, industry, info_noise,
                                     broker_shortlist, own_shortlist, gen)
    rows, alt, school_choice, declined = respond(
        schools, firms, broker, table, sorted_keys, pt_enterprise, pt_depth, pt_target,
        agreement_cap, deep_cap, fit_by_industry, industry, value_scale, retained, school_quality,
        risk, cost, yield_by_rung, aware, esc, teacher_capacity, acting_awareness, outcome_credit,
        school_cost, ssc, temperature, gen, scratch)
    return schools, firms, broker, rows, alt, school_choice, declined


@njit(cache=True)
def revise_and_move(existing, revision_prob, imitation_prob, pt_school, pt_enterprise, pt_depth,
                    pt_target, pt_target_school, pt_report, pt_false, pt_broker, last_choice,
                    deep_cap, peer_indptr, peer_indices, fit_by_industry, industry, value_scale,
                    retained, school_quality, risk, cost, yield_by_rung, aware, esc,
                    teacher_capacity, acting_awareness, outcome_credit, school_cost, ssc,
                    temperature, pt_steps_at_none, pt_misreporting, pt_filed, pt_reported,
                    pt_certified, pt_stages_left, pt_signers_left, pt_filed_at, pt_handler,
                    pt_given_depth, on_offer, decay_prob, noise, step_no, approve_takeup,
                    capacity_left, all_signers, pays_own, approve_held, sign_offs, sign_prob,
                    dept_signed, has_departments, dissolve_after, training, free_riders,
                    peer_data, relevance, majors, intake, placements_by_rung, rng, scratch):
    """Revision (:func:`revise`), movement and approvals (:func:`move`), then what follows from them.

    Returns (approved, sum of their delays, rows to dissolve, firms training
    now, firms whose poaching loss may have changed, the new fit by industry).
    The last three are worked out without the rows to dissolve (at none, they
    train nobody and want no students), as after the table drops them.
    """
    gen = as_generator(rng)
    revise(existing, revision_prob, imitation_prob, pt_school, pt_enterprise, pt_depth, pt_target,
           pt_target_school, pt_report, pt_false, pt_broker, last_choice, deep_cap, peer_indptr,
           peer_indices, fit_by_industry, industry, value_scale, retained, school_quality, risk,
           cost, yield_by_rung, aware, esc, teacher_capacity, acting_awareness, outcome_credit,
           school_cost, ssc, temperature, gen, scratch)
    n_approved, delay_sum = move(
        pt_depth, pt_target, pt_target_school, pt_steps_at_none, pt_false, pt_report,
        pt_misreporting, pt_filed, pt_reported, pt_certified, pt_stages_left, pt_signers_left,
        pt_filed_at, pt_handler, pt_enterprise, pt_given_depth, aware, on_offer, decay_prob, noise,
        step_no, approve_takeup, capacity_left, all_signers, pays_own, approve_held, sign_offs,
        sign_prob, dept_signed, has_departments, gen)
    n = pt_depth.size
    dissolve = np.empty(n, dtype=np.bool_)
    n_keep = 0
    for i in range(n):
        dissolve[i] = pt_steps_at_none[i] >= dissolve_after
        if not dissolve[i]:
            n_keep += 1
    keep = np.empty(n_keep, dtype=np.int64)
    j = 0
    for i in range(n):
        if not dissolve[i]:
            keep[j] = i
            j += 1
    k_ent, k_depth = pt_enterprise[keep], pt_depth[keep]
    now, touched = training_changes(k_ent, k_depth, training, free_riders, peer_indptr,
                                    peer_indices, peer_data, scratch)
    wanted = students_wanted(k_depth, pt_target[keep], pt_target_school[keep], k_ent,
                             placements_by_rung, value_scale)
    fit = fit_by_industry_of(relevance, majors, intake, pt_school[keep], k_ent, industry, wanted)
    return n_approved, delay_sum, dissolve, now, touched, fit


@njit(cache=True)
def tally_counts(depth, reported, misreporting, stages_left):
    """Partnerships at each rung (4), reported at each rung (4), misreporting, with an application pending."""
    out = np.zeros(10, dtype=np.int64)
    for i in range(depth.size):
        out[depth[i]] += 1
        out[4 + reported[i]] += 1
        if misreporting[i]:
            out[8] += 1
        if stages_left[i] > 0:
            out[9] += 1
    return out


@njit(cache=True)
def audit(reported, depth, audit_prob, takeup, capacity_left, noise_by_department, dept_audits,
          rng):
    """This month's audits: the mandated number (binomial), by the departments that take them up.

    Each auditing department picks the eligible reports (read at practice or
    above) that look most suspicious to it, through its own noise
    (departments.pick_suspicious). Every noise must be positive: then no two
    reports look equally suspicious and the picked set is the numpy one.
    Returns the audited rows (bool), or an empty array when none is mandated.
    """
    gen = as_generator(rng)
    n = reported.size
    eligible = np.empty(n, dtype=np.bool_)
    n_eligible = 0
    for i in range(n):
        eligible[i] = reported[i] >= 2
        if eligible[i]:
            n_eligible += 1
    mandated = gen.binomial(n_eligible, audit_prob)
    if mandated == 0 or takeup.size == 0:
        return np.zeros(0, dtype=np.bool_)
    audited = np.zeros(n, dtype=np.bool_)
    doer = assign_tasks(mandated, takeup, capacity_left, gen)
    tasks = np.zeros(takeup.size, dtype=np.int64)
    for t in range(doer.size):
        if doer[t] >= 0:
            tasks[doer[t]] += 1
    for dep in range(takeup.size):
        k = tasks[dep]
        if k == 0:
            continue
        open_rows = (eligible & ~audited).nonzero()[0]
        if open_rows.size == 0:
            continue
        reading = noise_by_department[dep] * gen.standard_normal(open_rows.size)
        if k >= open_rows.size:
            picked = open_rows
        else:
            suspicion = np.empty(open_rows.size)
            for j in range(open_rows.size):
                r = open_rows[j]
                suspicion[j] = reported[r] - (depth[r] + reading[j])
            picked = open_rows[np.argsort(-suspicion, kind="mergesort")[:k]]
        for r in picked:
            audited[r] = True
        dept_audits[dep] += picked.size
    return audited


@njit(cache=True)
def _compact(buf, rows, n):
    for j in range(rows.size):
        buf[j] = buf[rows[j]]
    for j in range(rows.size, n):
        buf[j] = 0


@njit(cache=True)
def drop_rows(dissolve, school, enterprise, depth, target_enterprise, target_school, report,
              false_report, misreporting, filed, reported, certified, steps_at_none, stages_left,
              signers_left, filed_at, overpaid, broker, handler, given_depth):
    """Partnerships.keep(~dissolve) on the table's buffers (sim.partnerships.FIELDS order), in place.

    Returns the number of rows kept; the rows after them are zeroed.
    """
    n = dissolve.size
    rows = (~dissolve).nonzero()[0]
    _compact(school, rows, n)
    _compact(enterprise, rows, n)
    _compact(depth, rows, n)
    _compact(target_enterprise, rows, n)
    _compact(target_school, rows, n)
    _compact(report, rows, n)
    _compact(false_report, rows, n)
    _compact(misreporting, rows, n)
    _compact(filed, rows, n)
    _compact(reported, rows, n)
    _compact(certified, rows, n)
    _compact(steps_at_none, rows, n)
    _compact(stages_left, rows, n)
    _compact(signers_left, rows, n)
    _compact(filed_at, rows, n)
    _compact(overpaid, rows, n)
    _compact(broker, rows, n)
    _compact(handler, rows, n)
    _compact(given_depth, rows, n)
    return rows.size


@njit(cache=True)
def append_rows(n, schools, firms, alt, school_choice, broker, handler_of_broker, school,
                enterprise, depth, target_enterprise, target_school, report, false_report,
                misreporting, filed, reported, certified, steps_at_none, stages_left, signers_left,
                filed_at, overpaid, broker_col, handler, given_depth):
    """Partnerships.add of this month's new agreements at form, into the buffers after row ``n``.

    The firm's alternative ``alt`` gives its investment and report; the
    paying department is ``handler_of_broker[broker]`` (the model's lookup
    table; empty: none). The buffers must have room. Returns the new row count.
    """
    for j in range(schools.size):
        i = n + j
        school[i] = schools[j]
        enterprise[i] = firms[j]
        depth[i] = 1
        target_enterprise[i] = _INVEST[alt[j]]
        target_school[i] = school_choice[j]
        report[i] = _REPORT[alt[j]]
        false_report[i] = _REPORT[alt[j]] > _INVEST[alt[j]]
        misreporting[i] = False
        filed[i] = 1
        reported[i] = 1
        certified[i] = 1
        steps_at_none[i] = 0
        stages_left[i] = 0
        signers_left[i] = 0
        filed_at[i] = 0
        overpaid[i] = 0.0
        broker_col[i] = broker[j]
        handler[i] = handler_of_broker[broker[j]] if handler_of_broker.size else -1
        given_depth[i] = False
    return n + schools.size


@njit(cache=True)
def month(n, search_on, n_schools, outcome_by_rung, quality, intake, quota, outcome_weight,
          placement_value, form_cost, attempts_per_step, search_cost, broker_takeup,
          capacity_left, info_noise, broker_shortlist, own_shortlist, table, sorted_keys,
          agreement_cap, deep_cap, fit_by_industry, industry, value_scale, retained,
          school_quality, risk, cost, yield_by_rung, aware, esc, teacher_capacity,
          acting_awareness, outcome_credit, school_cost, ssc, temperature, handler_of_broker,
          revision_prob, imitation_prob, last_choice, peer_indptr, peer_indices, on_offer,
          decay_prob, noise, step_no, approve_takeup, all_signers, pays_own, approve_held,
          sign_offs, sign_prob, dept_signed, dept_brokered, has_departments, dissolve_after,
          training, free_riders, peer_data, relevance, majors, placements_by_rung,
          school, enterprise, depth, target_enterprise, target_school, report, false_report,
          misreporting, filed, reported, certified, steps_at_none, stages_left, signers_left,
          filed_at, overpaid, broker_col, handler, given_depth, do_audit, audit_prob,
          audit_takeup, audit_noise, dept_audits, expected_detection, detection_learning_rate,
          rng, scratch):
    """Stages 1 (audits) to 4 of a month in one call, on the partnership table's buffers.

    The table has ``n`` rows. If ``do_audit``, first this month's audits and
    their bookkeeping (:func:`audit_month`) and what firms learn from them: the
    chance they expect a false report to be found (``expected_detection``,
    smoothed at ``detection_learning_rate``), which the search's payoffs read
    (``esc``, changed in place).

    The same calls, in the same order, as the model's stage methods made one
    by one: what each school's next agreement is worth (:func:`school_worth`),
    the search (:func:`search`, if ``search_on``), the new rows appended
    (:func:`append_rows`; the buffers must have room for one per attempt),
    then, if the table is not empty, :func:`revise_and_move` and the dissolved
    rows dropped (:func:`drop_rows`); last, the counts of :func:`tally_counts`.

    Returns (rows now, whether any proposal was made, proposals declined,
    school, firm and broker of each new row, whether rows were revised,
    approvals, their delay sum, pair keys dissolved, firms training, firms
    whose poaching loss may have changed, the new fit by industry, the tally
    counts, reports audited, false ones found, their over-payments, the
    expected detection after the audits).
    """
    gen = as_generator(rng)
    n_audited, n_detected = 0, 0
    found = np.zeros(0)
    if do_audit:
        n_audited, n_detected, found, n_mis, n_eligible = audit_month(
            reported[:n], depth[:n], misreporting[:n], false_report[:n], overpaid[:n], audit_prob,
            audit_takeup, capacity_left, audit_noise, dept_audits, gen)
        # CooperationModel._learn_rate, the same arithmetic.
        w = detection_learning_rate
        if n_mis:
            expected_detection = (1 - w) * expected_detection + w * (n_detected / n_mis)
        elif n_eligible:
            expected_detection = (1 - w) * expected_detection + w * (n_audited / n_eligible)
        esc[E_DETECTION] = expected_detection
    existing = n
    made = False
    declined = 0
    none = np.zeros(0, dtype=np.int64)
    new_s, new_e, new_b = none, none, none
    if search_on:
        wanted = students_wanted(depth[:n], target_enterprise[:n], target_school[:n],
                                 enterprise[:n], placements_by_rung, value_scale)
        worth = school_worth(school[:n], depth[:n], wanted, n_schools, outcome_by_rung, quality,
                             intake, quota, outcome_weight, placement_value, form_cost)
        schools, firms, brokers, rows, alt, school_choice, declined = search(
            worth, attempts_per_step, search_cost, broker_takeup, capacity_left, info_noise,
            broker_shortlist, own_shortlist, table, sorted_keys, enterprise[:n], depth[:n],
            target_enterprise[:n], agreement_cap, deep_cap, fit_by_industry, industry, value_scale,
            retained, school_quality, risk, cost, yield_by_rung, aware, esc, teacher_capacity,
            acting_awareness, outcome_credit, school_cost, ssc, temperature, gen, scratch)
        made = schools.size > 0
        if rows.size:
            new_s, new_e, new_b = schools[rows], firms[rows], brokers[rows]
            n = append_rows(n, new_s, new_e, alt, school_choice, new_b, handler_of_broker, school,
                            enterprise, depth, target_enterprise, target_school, report,
                            false_report, misreporting, filed, reported, certified, steps_at_none,
                            stages_left, signers_left, filed_at, overpaid, broker_col, handler,
                            given_depth)
            for j in range(new_e.size):
                last_choice[new_e[j]] = alt[j]
                if new_b[j] >= 0:
                    dept_brokered[new_b[j]] += 1
    revised = n > 0
    n_approved, delay_sum = 0, 0
    gone = none
    now = training
    touched = none
    fit = fit_by_industry
    if revised:
        n_approved, delay_sum, dissolve, now, touched, fit = revise_and_move(
            existing, revision_prob, imitation_prob, school[:n], enterprise[:n], depth[:n],
            target_enterprise[:n], target_school[:n], report[:n], false_report[:n],
            broker_col[:n], last_choice, deep_cap, peer_indptr, peer_indices, fit_by_industry,
            industry, value_scale, retained, school_quality, risk, cost, yield_by_rung, aware,
            esc, teacher_capacity, acting_awareness, outcome_credit, school_cost, ssc,
            temperature, steps_at_none[:n], misreporting[:n], filed[:n], reported[:n],
            certified[:n], stages_left[:n], signers_left[:n], filed_at[:n], handler[:n],
            given_depth[:n], on_offer, decay_prob, noise, step_no, approve_takeup, capacity_left,
            all_signers, pays_own, approve_held, sign_offs, sign_prob, dept_signed,
            has_departments, dissolve_after, training, free_riders, peer_data, relevance, majors,
            intake, placements_by_rung, gen, scratch)
        n_gone = 0
        for i in range(n):
            if dissolve[i]:
                n_gone += 1
        if n_gone:
            gone = np.empty(n_gone, dtype=np.int64)
            j = 0
            for i in range(n):
                if dissolve[i]:
                    gone[j] = school[i] * industry.size + enterprise[i]
                    j += 1
            n = drop_rows(dissolve, school, enterprise, depth, target_enterprise, target_school,
                          report, false_report, misreporting, filed, reported, certified,
                          steps_at_none, stages_left, signers_left, filed_at, overpaid,
                          broker_col, handler, given_depth)
    counts = tally_counts(depth[:n], reported[:n], misreporting[:n], stages_left[:n])
    return (n, made, declined, new_s, new_e, new_b, revised, n_approved, delay_sum, gone, now,
            touched, fit, counts, n_audited, n_detected, found, expected_detection)


@njit(cache=True)
def audit_month(reported, depth, misreporting, false_report, overpaid, audit_prob, takeup,
                capacity_left, noise_by_department, dept_audits, rng):
    """This month's audits (:func:`audit`) and what follows in the table, in place.

    A false report found stops (``misreporting`` and ``false_report`` cleared);
    every audited row's over-payment is settled (zeroed). Returns (reports
    audited, false ones found, the over-payments of those found, in row order,
    misreporting partnerships before the audits, reports eligible for audit):
    what the model books and what firms learn the detection risk from.
    """
    gen = as_generator(rng)
    n = reported.size
    n_misreporting, n_eligible = 0, 0
    for i in range(n):
        if misreporting[i]:
            n_misreporting += 1
        if reported[i] >= 2:
            n_eligible += 1
    audited = audit(reported, depth, audit_prob, takeup, capacity_left, noise_by_department,
                    dept_audits, gen)
    n_audited, n_detected = 0, 0
    for i in range(audited.size):
        if audited[i]:
            n_audited += 1
            if misreporting[i]:
                n_detected += 1
    found = np.empty(n_detected)
    j = 0
    for i in range(audited.size):
        if audited[i]:
            if misreporting[i]:
                found[j] = overpaid[i]
                j += 1
                misreporting[i] = False
                false_report[i] = False
            overpaid[i] = 0.0
    return n_audited, n_detected, found, n_misreporting, n_eligible


@njit(cache=True)
def _first_max(u, i):
    """np.argmax of row ``i`` (the first maximum; the first NaN if there is one)."""
    best = 0
    for j in range(u.shape[1]):
        if u[i, j] != u[i, j]:
            return j
        if u[i, j] > u[i, best]:
            best = j
    return best


@njit(cache=True)
def binding_counts(depth, target_enterprise, pt_school, pt_enterprise, broker, deep_cap,
                   fit_by_industry, industry, value_scale, retained, school_quality, risk, cost,
                   yield_by_rung, aware, esc, esc_at_once, teacher_capacity, acting_awareness,
                   outcome_credit, school_cost, ssc):
    """Which side holds each partnership below content (CooperationModel._binding_sides), counted.

    ``esc_at_once`` are the firm's payoff scalars with the certification delay
    at zero. Returns (enterprise, school, both, approval, held): partnerships
    each side holds, and those some side holds.
    """
    n_firms = industry.size
    committed = np.zeros(n_firms, dtype=np.int64)
    for i in range(depth.size):
        if max(depth[i], target_enterprise[i]) >= 2:
            committed[pt_enterprise[i]] += 1
    live = ((depth >= 1) & (depth < 3)).nonzero()[0]
    if live.size == 0:
        return 0, 0, 0, 0, 0
    s, e, d = pt_school[live], pt_enterprise[live], depth[live]
    deep_full = np.empty(live.size, dtype=np.bool_)
    for j in range(live.size):
        own = 1 if max(d[j], target_enterprise[live[j]]) >= 2 else 0
        deep_full[j] = committed[e[j]] - own >= deep_cap[e[j]]
    u = enterprise_alternatives(s, e, d, deep_full, fit_by_industry, industry, value_scale,
                                retained, school_quality, risk, cost, yield_by_rung, aware, esc)
    u_now = enterprise_alternatives(s, e, d, deep_full, fit_by_industry, industry, value_scale,
                                    retained, school_quality, risk, cost, yield_by_rung, aware,
                                    esc_at_once)
    u_school = school_alternatives(s, e, broker[live], fit_by_industry, industry,
                                   teacher_capacity, acting_awareness, school_quality,
                                   outcome_credit, school_cost, ssc)
    n_ent, n_school, n_both, n_approval, held = 0, 0, 0, 0, 0
    for j in range(live.size):
        firm_holds = _INVEST[_first_max(u, j)] <= d[j]
        school_holds = _first_max(u_school, j) <= d[j]
        if firm_holds or school_holds:
            held += 1
        if firm_holds and not school_holds:
            if _INVEST[_first_max(u_now, j)] > d[j]:
                n_approval += 1
            else:
                n_ent += 1
        elif school_holds and not firm_holds:
            n_school += 1
        elif firm_holds and school_holds:
            n_both += 1
    return n_ent, n_school, n_both, n_approval, held
