"""Readable labels, with units, in English and Chinese: the one place for translations.

Figures, tables and reports take every name they show from here, never the
code name: each parameter (:func:`sim.params.names`), parameter group
(:data:`sim.params.GROUPS`), output column (:data:`sim.outputs.COLUMNS`) and
depth rung (:class:`sim.depth.Depth`) has an English and a Chinese label, and
:func:`term` gives the phrases reports need. The Chinese follows the terms of
the Chinese literature: 形式合作 / 实质合作 (form / content cooperation),
校企合作 (school–enterprise cooperation), 产教融合 (industry–education
integration).

    >>> label("subsidy_per_content_step")
    'Subsidy per content partnership (MU/step)'
    >>> label("content_share", "zh")
    '实质合作占比'

A parameter's unit is its declared unit (``sim.params`` ``unit``), translated
by :data:`UNITS`; outputs declare theirs here. Adding a parameter or an output
means adding its line here; ``tests/test_labels.py`` lists any that are missing.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import Enum

from sim.depth import Depth
from sim.outputs import COLUMNS
from sim.params import GROUPS, names, spec

LANGS = ("en", "zh")


class LabelError(KeyError):
    """A name has no label, or a language is not offered (the message says which)."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0])


@dataclass(frozen=True)
class Label:
    """One name's label in both languages.

    Attributes:
        en: English label, sentence case, no unit.
        zh: Chinese label, no unit.
        unit: key into :data:`UNITS`; None takes a parameter's declared unit
            (and means no unit for anything else).
    """

    en: str
    zh: str
    unit: str | None = None


#: Unit key -> (English, Chinese). Keys are the units sim.params declares, plus
#: those of the outputs. An empty string means "no unit shown" (a count that
#: the label already names, or a share shown as such).
UNITS: dict[str, tuple[str, str]] = {
    "": ("", ""),
    "schools": ("", "所"),
    "enterprises": ("", "家"),
    "departments": ("", "个"),
    "industries": ("", "个"),
    "partnerships": ("", "项"),
    "applications": ("", "件"),
    "audits": ("", "次"),
    "graduates/year": ("graduates/year", "人/年"),
    "students/year": ("students/year", "人/年"),
    "share": ("share", "0–1"),
    "share/tie": ("share per tie", "比例/条"),
    "share/year": ("share per year", "比例/年"),
    "ties/firm": ("ties per firm", "条/家"),
    "index": ("index, 0–1", "指数，0–1"),
    "weight": ("weight, 0–1", "权重，0–1"),
    "prob": ("probability", "概率"),
    "prob/step": ("per step", "每步"),
    "steps": ("steps", "步"),
    "log-sd": ("SD of log size", "对数标准差"),
    "sd of fit": ("SD of fit", "匹配度标准差"),
    "switch": ("on/off", "有/无"),
    "path": ("file", "文件路径"),
    "MU": ("MU", "模型货币单位"),
    "MU/step": ("MU/step", "模型货币单位/步"),
    "MU/year": ("MU/year", "模型货币单位/年"),
    "MU/audit": ("MU per audit", "模型货币单位/次"),
    "0-1": ("0–1", "0–1"),
    "choice": ("", ""),
    "firms": ("", "家"),
    "proposals": ("", "项"),
    "years": ("years", "年"),
    "per year": ("per year", "每年"),
    "elasticity": ("elasticity", "弹性"),
    "multiplier": ("multiplier", "倍数"),
    "tail index": ("tail index", "尾部指数"),
    "Dirichlet alpha": ("Dirichlet α", "狄利克雷参数 α"),
    "Beta a+b": ("Beta a+b", "Beta 分布 a+b"),
    "share of content": ("share of content", "占实质合作的比例"),
    "credit units": ("credit units", "考核分值"),
    "share of credit": ("share of credit", "占考核分值的比例"),
    "attempts/step": ("attempts/step", "次/步"),
    "tasks/step": ("tasks/step", "项/步"),
    "logit units": ("logit units", "logit 单位"),
    "effort units": ("effort units", "努力单位"),
    "awareness units": ("awareness units", "意识单位"),
    "rungs (sd)": ("SD in rungs", "级，标准差"),
}

#: Every parameter of sim.params (unit: the declared one, unless given).
PARAMETERS: dict[str, Label] = {
    # scale and structure
    "n_schools": Label("Number of vocational schools", "职业学校数"),
    "n_enterprises": Label("Number of local enterprises", "本地企业数"),
    "n_departments": Label("Government departments sharing the mandate", "共同负责的政府部门数"),
    "n_industries": Label("Number of local industries", "本地产业数"),
    "higher_vocational_share": Label("Share of higher vocational colleges", "高职院校占比", ""),
    "network_file": Label("County network file", "县域网络文件"),
    "peer_network_family": Label("Shape of the peer network", "同行网络结构"),
    "small_world_rewiring_prob": Label("Rewiring of the small-world network", "小世界网络重连概率"),
    "industry_concentration": Label("Evenness of industry shares", "产业份额均衡度"),
    # shape of generated firms
    "firm_size_distribution": Label("Distribution of firm size", "企业规模分布"),
    "firm_size_pareto_tail": Label("Pareto tail index of firm size", "企业规模帕累托尾部指数", ""),
    "firm_age_median_years": Label("Median firm age", "企业年龄中位数"),
    "firm_age_size_elasticity": Label("Rise of firm age with size", "企业年龄随规模的增幅"),
    "firm_age_sigma": Label("Dispersion of firm age", "企业年龄离散度"),
    "firm_age_min_years": Label("Youngest firm age", "企业最小年龄"),
    "firm_age_max_years": Label("Oldest firm age", "企业最大年龄"),
    # enterprises and the labour market
    "firm_size_sigma": Label("Dispersion of firm size", "企业规模离散度"),
    "retention_share": Label("Graduates a firm keeps before poaching", "企业留用所培养毕业生的比例"),
    "peer_degree": Label("Peer ties per enterprise", "企业同行联系数", ""),
    "poaching_prob_per_tie": Label("Graduates poached per peer tie", "每条同行联系被挖走的毕业生比例",
                                   "share"),
    "training_value_per_step": Label("Value of the graduates a content partnership trains",
                                     "实质合作所培养毕业生的价值"),
    "symbolic_value_per_step": Label("Symbolic value of a signed agreement", "签约本身的象征价值"),
    "content_cost_per_step": Label("Firm's cost of content cooperation", "企业开展实质合作的成本"),
    "legal_risk_per_step": Label("Legal and safety risk of hosting students", "接收学生的法律与安全风险"),
    "policy_awareness": Label("Firms aware of the incentives at the start", "初始知晓激励政策的企业比例"),
    # schools
    "target_partnerships_per_school": Label("Agreements a school seeks", "每校寻求的合作协议数"),
    "students_per_school_year": Label("Graduating cohort per school", "每校毕业生数"),
    "teacher_practical_capacity": Label("Share of double-qualified teachers", "“双师型”教师比例"),
    "school_content_cost_per_step": Label("School's cost of content cooperation", "学校开展实质合作的成本"),
    # bounded rationality and partnership dynamics
    "choice_temperature": Label("Noise in depth choices", "合作深度决策噪声"),
    "imitation_prob": Label("Probability of imitating a peer", "模仿同行的概率", ""),
    "revision_prob_per_step": Label("Probability of revising an investment", "调整投入决策的概率"),
    "decay_prob_per_step": Label("Probability of sliding down a rung", "合作深度下降一级的概率"),
    "dissolve_after_steps": Label("Steps without cooperation before dissolution", "无合作多少步后解除"),
    "partner_search_cost": Label("School's cost of finding a partner alone", "学校自行寻找合作企业的成本"),
    "partner_info_noise": Label("Noise in what a school knows of a firm", "学校对企业信息的噪声"),
    # levers
    "regulation_completeness": Label("Completeness of laws, rules and guidance", "法律法规与实施细则完备度"),
    "incentive_credibility_floor": Label("Credibility of incentives without regulation",
                                         "无法规时激励政策的可信度"),
    "coordination_body": Label("Joint coordination body", "统筹协调机构"),
    "mandate_overlap": Label("Overlap of departmental mandates", "部门职责交叉程度"),
    "approval_stage_prob_per_step": Label("Probability of clearing one sign-off", "完成一个审批环节的概率"),
    "planning_alignment": Label("Alignment of majors with local industry", "专业设置与本地产业的匹配度"),
    "major_adjust_rate_per_year": Label("Rate at which schools adjust majors", "专业调整速度"),
    "service_awareness": Label("Public service awareness of departments", "政府部门公共服务意识"),
    "subsidy_per_content_step": Label("Subsidy per content partnership", "实质合作补贴"),
    "subsidy_practice_share": Label("Subsidy for practice, share of the content subsidy",
                                    "实践合作补贴占实质合作补贴的比例"),
    "subsidy_budget_per_year": Label("Subsidy budget", "补贴预算"),
    "school_compensation_share": Label("Share of subsidy paid to the school", "补贴中支付给学校的比例"),
    "tax_offset_rate": Label("Tax offset rate for certified firms", "产教融合型企业税收抵免比例"),
    "audit_prob_per_step": Label("Audit probability", "审计概率"),
    "penalty_per_misreport": Label("Fine per misreport", "虚报罚款"),
    "reporting_noise": Label("Probability of misreading a report", "误读报告的概率", ""),
    "assessment_outcome_weight": Label("Weight of outcomes in assessing schools", "学校考核中成效的权重"),
    # cost of each lever
    "cost_per_audit": Label("Cost of one audit", "单次审计成本"),
    "cost_outcome_assessment_per_year": Label("Cost of outcome-based assessment", "成效考核成本"),
    "cost_coordination_body_per_year": Label("Running cost of the coordination body", "统筹协调机构运行成本"),
    "cost_service_per_year": Label("Cost of public service", "公共服务成本"),
    "cost_regulation_per_year": Label("Cost of regulation", "法规建设与执行成本"),
    "cost_planning_per_year": Label("Cost of the planning system", "统筹规划成本"),
    # structural assumptions
    "training_yield_form": Label("Training value at form", "形式合作的培养价值"),
    "training_yield_practice": Label("Training value at practice", "实践合作的培养价值"),
    "cost_share_form": Label("Firm's cost at form", "企业形式合作成本"),
    "cost_share_practice": Label("Firm's cost at practice", "企业实践合作成本"),
    "risk_exposure_practice": Label("Legal risk of hosting interns", "接收实习生的法律与安全风险"),
    "risk_factor_higher": Label("Legal risk with a higher vocational college", "与高职院校合作的法律风险"),
    "value_size_elasticity": Label("Rise of training value with firm size", "培养价值随企业规模的增幅"),
    "cost_size_elasticity": Label("Rise of training cost with firm size", "培养成本随企业规模的增幅"),
    "retention_size_elasticity": Label("Fall of graduate loss with firm size",
                                       "毕业生流失随企业规模的降幅"),
    "firm_partnership_capacity": Label("Agreements a firm can hold", "企业可维持的合作协议数"),
    "firm_deep_capacity": Label("Deep partnerships a firm can host", "企业可承接的实践与实质合作数"),
    "misreport_horizon_steps": Label("Horizon of a misreport", "虚报的考虑期限"),
    "fabrication_cost": Label("Cost of fabricating evidence", "虚报材料造假成本"),
    "outcome_credit_form": Label("Outcome credit of a form partnership", "形式合作的成效分值"),
    "outcome_credit_practice": Label("Outcome credit of a practice partnership", "实践合作的成效分值"),
    "outcome_credit_content": Label("Outcome credit of a content partnership", "实质合作的成效分值"),
    "school_placement_value": Label("School's own weight on outcomes", "学校自身对就业成效的重视程度"),
    "school_cost_share_form": Label("School's cost at form", "学校形式合作成本"),
    "school_cost_share_practice": Label("School's cost at practice", "学校实践合作成本"),
    "teacher_cost_relief": Label("School cost saved by practical teachers", "“双师型”教师节省的学校成本比例"),
    "service_school_support": Label("School cost covered by a serving department",
                                    "政府部门服务分担的学校成本比例"),
    "teacher_learning_rate": Label("Growth of teachers' practical capacity", "“双师型”教师能力提升速度"),
    "teacher_attrition": Label("Loss of teachers' practical capacity", "“双师型”教师能力流失速度"),
    "experience_learning_rate": Label("Firms' learning from deep cooperation", "企业从深度合作中学习的速度"),
    "experience_value_premium": Label("Extra training value seen by experienced firms",
                                      "有经验企业额外看到的培养价值"),
    "experience_forgetting": Label("Loss of firms' cooperation experience", "企业合作经验流失速度"),
    "placements_form": Label("Students placed per form partnership", "每项形式合作接收学生数"),
    "placements_practice": Label("Students placed per practice partnership", "每项实践合作接收学生数"),
    "placements_content": Label("Students placed per content partnership", "每项实质合作接收学生数"),
    "training_quality_form": Label("Skill match of training at form", "形式合作培养的技能匹配度"),
    "training_quality_practice": Label("Skill match of training at practice", "实践合作培养的技能匹配度"),
    "search_attempts_per_step": Label("Partnership proposals per school", "每校合作提议次数"),
    "broker_shortlist": Label("Firms a brokering department compares", "政府部门牵线时比较的企业数"),
    "own_shortlist": Label("Firms a school screens on its own", "学校自行筛选的企业数"),
    "awareness_age_spread": Label("Awareness edge of long-established firms", "老企业的政策知晓优势"),
    "delay_learning_rate": Label("Learning rate for approval delay", "审批时长预期的学习率"),
    "detection_learning_rate": Label("Learning rate for audit detection", "虚报查处预期的学习率"),
    "department_awareness_concentration": Label("Similarity of departments' service awareness",
                                                "各部门服务意识的相近程度"),
    "department_capacity_per_step": Label("Tasks a department can handle", "部门可办理的事项数"),
    "department_task_value": Label("Value of a task to a department", "办理事项对部门的价值"),
    "department_effort_cost": Label("Department's cost of taking up a task", "部门办理事项的成本"),
    "department_choice_temperature": Label("Noise in department decisions", "部门决策噪声"),
    "audit_signal_noise": Label("Noise in an auditor's reading of depth", "审计对合作深度的判断误差"),
    "school_quality_floor": Label("School quality with no practical teachers",
                                  "无“双师型”教师时的学校培养质量"),
    "sign_off_routine_share": Label("Routine part of a sign-off's chance", "审批签字中的例行部分"),
    "audit_skill_floor": Label("Auditor skill floor", "审计能力下限"),
    "unplanned_major_concentration": Label("Spread of unplanned majors", "未经统筹专业的分散度"),
    "unplanned_nonlocal_share": Label("Unplanned majors no local industry needs",
                                      "未经统筹专业中不对接本地产业的比例"),
}

#: Every parameter group of sim.params.GROUPS.
GROUP_LABELS: dict[str, Label] = {
    "scale": Label("Scale and structure", "规模与结构"),
    "enterprises": Label("Enterprises and the labour market", "企业与劳动力市场"),
    "schools": Label("Schools", "学校"),
    "behaviour": Label("Bounded rationality and partnership dynamics", "有限理性与合作关系动态"),
    "law_and_policy": Label("Legal and policy system", "法律与政策体系"),
    "coordination": Label("Coordination among departments", "部门统筹协调机制"),
    "planning": Label("Overall planning", "统筹规划"),
    "public_service": Label("Public service", "公共服务"),
    "financial_support": Label("Financial support", "财政支持"),
    "supervision": Label("Supervision and assessment", "监管与考核"),
    "lever_costs": Label("Cost of each lever to government", "各项对策的政府成本"),
    "structure": Label("Structural assumptions", "结构性假设"),
}

#: Every output column of sim.outputs.COLUMNS.
OUTPUTS: dict[str, Label] = {
    "partnerships_none": Label("Lapsed partnerships", "已停滞的合作关系数", "partnerships"),
    "partnerships_form": Label("Form partnerships", "形式合作数", "partnerships"),
    "partnerships_practice": Label("Practice partnerships", "实践合作数", "partnerships"),
    "partnerships_content": Label("Content partnerships", "实质合作数", "partnerships"),
    "partnerships_active": Label("Active partnerships", "有效合作关系数", "partnerships"),
    "form_share": Label("Share at form", "形式合作占比", ""),
    "practice_share": Label("Share at practice", "实践合作占比", ""),
    "content_share": Label("Content share", "实质合作占比", ""),
    "depth_index": Label("Depth index", "合作深度指数", "0-1"),
    "reported_content_share": Label("Reported content share", "上报的实质合作占比", ""),
    "misreporting_share": Label("Misreporting share", "虚报比例", ""),
    "approval_delay": Label("Approval delay", "审批时长", "steps"),
    "applications_pending": Label("Applications pending", "待审批申请数", "applications"),
    "aware_enterprise_share": Label("Firms aware of the incentives", "知晓激励政策的企业比例", "share"),
    "mean_retained_share": Label("Graduates kept after poaching", "被挖后留用毕业生比例", "share"),
    "budget_left": Label("Subsidy budget left", "剩余补贴预算", "MU"),
    "expected_detection": Label("Expected detection of misreports", "企业预期的虚报查处概率", "prob/step"),
    "service_reach": Label("Reach of public service", "公共服务响应率", "prob"),
    "binding_enterprise_share": Label("Held below content by the firm", "因企业未达实质合作的比例", ""),
    "binding_school_share": Label("Held below content by the school", "因学校未达实质合作的比例", ""),
    "binding_both_share": Label("Held below content by both sides", "因校企双方未达实质合作的比例", ""),
    "binding_approval_share": Label("Held below content by approval", "因待审批未达实质合作的比例", ""),
    "graduates_placed_locally": Label("Graduates placed locally", "本地合作企业就业毕业生数",
                                      "graduates/year"),
    "graduates_poached": Label("Graduates poached", "被挖走的毕业生数", "graduates/year"),
    "skill_match": Label("Skill match", "技能匹配度", "0-1"),
    "spending_total": Label("Government spending", "政府总支出", "MU/step"),
    "leakage_share": Label("Share of subsidy leaked to form", "补贴流向形式合作的比例", ""),
    "spending_subsidy": Label("Subsidy paid", "补贴支出", "MU/step"),
    "spending_tax_offset": Label("Tax offsets granted", "税收抵免额", "MU/step"),
    "spending_audit": Label("Audit spending", "审计支出", "MU/step"),
    "spending_levers": Label("Running cost of the other levers", "其他对策运行成本", "MU/step"),
    "subsidy_leakage": Label("Subsidy paid to form partnerships", "流向形式合作的补贴", "MU/step"),
    "subsidy_overpaid": Label("Subsidy overpaid", "超额支付的补贴", "MU/step"),
    "tax_offset_overpaid": Label("Tax offsets overgranted", "超额抵免的税收", "MU/step"),
    "clawbacks_collected": Label("Over-payments recovered", "追回的超额支付", "MU/step"),
    "audits": Label("Audits", "审计次数", "audits"),
    "misreports_detected": Label("Misreports detected", "查出的虚报数", "audits"),
    "penalties_collected": Label("Fines collected", "罚款收入", "MU/step"),
    "partnerships_formed": Label("Agreements signed", "新签合作协议数", "partnerships"),
    "partnerships_dissolved": Label("Partnerships dissolved", "解除的合作关系数", "partnerships"),
    "approvals": Label("Upgrades approved", "审批通过数", "applications"),
    "proposals_declined": Label("Proposals declined", "被企业拒绝的合作提议数", "proposals"),
}

#: The depth rungs, by lower-case Depth name.
RUNGS: dict[str, Label] = {
    "none": Label("None", "无合作", ""),
    "form": Label("Form", "形式合作", ""),
    "practice": Label("Practice", "实践合作", ""),
    "content": Label("Content", "实质合作", ""),
}

#: Phrases for reports, captions and table headers: key -> (English, Chinese).
TERMS: dict[str, tuple[str, str]] = {
    "school_enterprise_cooperation": ("school–enterprise cooperation", "校企合作"),
    "industry_education_integration": ("industry–education integration", "产教融合"),
    "form_over_content": ("form over content", "重形式、轻实质"),
    "form_cooperation": ("form cooperation", "形式合作"),
    "content_cooperation": ("content cooperation", "实质合作"),
    "government": ("government", "政府"),
    "school": ("school", "学校"),
    "enterprise": ("enterprise", "企业"),
    "secondary_vocational_school": ("secondary vocational school", "中等职业学校"),
    "higher_vocational_college": ("higher vocational college", "高等职业院校"),
    "countermeasure": ("countermeasure", "对策"),
    "lever": ("lever", "政策工具"),
    "subsidy": ("subsidy", "补贴"),
    "tax_offset": ("tax offset", "税收抵免"),
    "audit": ("audit", "审计"),
    "supervision": ("supervision", "监管"),
    "assessment": ("assessment", "考核"),
    "coordination_body": ("coordination body", "统筹协调机构"),
    "scenario": ("scenario", "情景"),
    "baseline": ("baseline", "基准情景"),
    "status_quo": ("status quo", "现状"),
    "full_package": ("full package", "一揽子对策"),
    "replicate": ("replicate", "重复运行"),
    "replicates": ("replicates", "重复运行次数"),
    "step": ("step", "步"),
    "year": ("year", "年"),
    "mean": ("mean", "均值"),
    "difference": ("difference from baseline", "与基准情景之差"),
    "paired_difference": ("paired difference", "配对差异"),
    "ci95": ("95 % CI", "95% 置信区间"),
    "effect_size": ("standardised effect size", "标准化效应量"),
    "cost_per_content": ("Cost per content partnership-year", "每项实质合作·年的成本"),
    "model_units": ("model units (MU)", "模型货币单位（MU）"),
    "parameter": ("parameter", "参数"),
    "value": ("value", "取值"),
    "source": ("source", "来源"),
    "assumption": ("assumption", "假设"),
    "output": ("output", "输出指标"),
    "stylised_not_data": ("Stylised model output, not data.", "程式化模型结果，并非实测数据。"),
    # report headings and sentences (batch, sweep and game reports)
    "report_batch": ("Scenario batch", "情景批量运行"),
    "section_scenarios": ("Scenarios", "情景"),
    "section_results": ("Results at the end of the run", "运行期末结果"),
    "section_comparisons": ("Comparisons with the baseline", "与基准情景的比较"),
    "section_settling": ("Has it settled?", "是否已趋于稳定？"),
    "section_figures": ("Figures", "图"),
    "section_tables": ("Tables for papers", "论文用表"),
    "section_failed": ("Failed runs", "失败的运行"),
    "section_parameters": ("Parameter values per scenario", "各情景参数取值"),
    "title": ("title", "标题"),
    "extends": ("extends", "继承自"),
    "changed_values": ("values changed from the defaults", "相对默认值的改动"),
    "n_pairs": ("pairs", "配对数"),
    "baseline_mean": ("baseline mean", "基准情景均值"),
    "scenario_mean": ("scenario mean", "情景均值"),
    "cost_per_content_unit": ("MU", "模型货币单位"),
    "settled": ("settled", "已稳定"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "settling_rising": ("rising", "仍在上升"),
    "settling_falling": ("falling", "仍在下降"),
    "settling_not_shown": ("not shown", "无法判断"),
    "disclaimer": (
        "These values are model outputs under stated assumptions (each scenario value's "
        "provenance is in `manifest.json` and the scenario file), not data. Money is in model "
        "units (MU), a relative scale.",
        "以下数值是在所述假设下的模型输出（各情景取值的来源见 `manifest.json` 与情景文件），"
        "并非实测数据。货币以模型货币单位（MU）计，为相对尺度。"),
    "comparisons_intro": (
        "Each scenario minus the baseline `{baseline}`, replicate by replicate (replicate r of "
        "every scenario has the same seed), over {n} pairs: the mean paired difference with its "
        "95 % t-interval, and the paired effect size d_z (mean difference / sd of the "
        "differences; |d_z| of 0.2, 0.5, 0.8 are conventionally small, medium, large). The cost "
        "of content is the extra government spending a year over the extra content "
        "partnerships at the end of the run (MU per content partnership-year), with a seeded "
        "percentile bootstrap interval over the paired replicates ({resamples} resamples); "
        "'--' where the content gained is not clearly above or below zero.",
        "各情景减去基准情景 `{baseline}`，按重复运行逐一配对（各情景第 r 次重复运行使用同一随机种子），"
        "共 {n} 对：配对差异的均值及其 95% t 置信区间，以及配对效应量 d_z（均值差 / 差值标准差；"
        "|d_z| 为 0.2、0.5、0.8 通常视为小、中、大）。实质合作成本为每年新增政府支出除以期末新增实质合作数"
        "（模型货币单位/（项·年）），其区间为对配对重复运行的定种子百分位自助法（{resamples} 次重抽样）；"
        "新增实质合作与零无明显差别时记为“--”。"),
    # report sentences and table captions (str.format fields where shown)
    "columns": (
        "Columns:",
        "各列："),
    "share_intervals_note": (
        "Intervals of shares are logit-scale t-intervals (inside 0 to 1; docs/figures.md says why).",
        "比例类指标的区间为 logit 尺度 t 区间（落在 0 到 1 之间；说明见 docs/figures.md）。"),
    "results_heading": (
        "Results at the end of the run (mean [95 % CI], {replicates} replicates)",
        "运行期末结果（均值 [95% 置信区间]，{replicates} 次重复运行）"),
    "excludes_zero": (
        "\\* the 95 % interval excludes zero. ",
        "\\* 95% 置信区间不含零。"),
    "batch_intro": (
        "{scenarios} scenarios x {reps} replicates x {steps} steps (a step is a month), root "
        "seed {seed}; replicate r of every scenario uses the same seed (common random numbers). "
        "Finished {finished}.",
        "{scenarios} 个情景 × {reps} 次重复运行 × {steps} 步（每步为一个月），根种子 {seed}；"
        "各情景第 r 次重复运行使用同一种子（共同随机数）。完成于 {finished}。"),
    "command": (
        "Command: `{command}`",
        "命令：`{command}`"),
    "caption_comparisons": (
        "Each scenario minus the baseline {baseline}: paired difference over common seeds "
        "[95\\% CI], paired effect size d_z, and the cost of content gained",
        "各情景与基准情景 {baseline} 的配对差异 [95\\% 置信区间]、配对效应量 d_z 与实质合作成本"),
    "caption_end_of_run": (
        "End-of-run values per scenario: mean [95\\% CI] over replicates",
        "各情景期末值：重复运行均值 [95\\% 置信区间]"),
    "caption_parameters": (
        "Every parameter value per scenario, with its unit and source",
        "各情景全部参数取值、单位与来源"),
    "multiple_comparisons": (
        "Many scenarios are compared with one baseline: intervals are not adjusted for "
        "multiple comparisons, so expect some to exclude zero by chance.",
        "多个情景与同一基准情景比较，置信区间未作多重比较校正，个别区间可能因偶然而不含零。"),
}

#: Figure stem -> caption (English, Chinese) of the batch figures: captions go into the
#: report, not into the image.
FIGURE_CAPTION_TEXTS: dict[str, tuple[str, str]] = {
    "depth_shares_over_time": (
        "Share of active partnerships at form, practice and content over time (replicate mean, "
        "95 % confidence band, logit-scale). Grey: the months in which a scheduled lever is on, "
        "one labelled strip per lever along the top.",
        "有效合作中形式合作、实践合作与实质合作所占比例随时间的变化"
        "（重复运行均值，95% 置信带，logit 尺度）。灰色：某项政策按时间表实施的月份，"
        "顶部每项政策一条标注带。"),
    "content_vs_spending": (
        "End-of-run content share against government spending (MU per step, mean over the last "
        "year); bars are 95 % confidence intervals.",
        "期末实质合作占比与政府支出（模型货币单位/步，最后一年均值）；误差线为 95% 置信区间。"),
    "leakage_and_delay": (
        "Share of subsidy paid to partnerships that are only form, and the approval delay, at the "
        "end of the run (mean, 95 % CI).",
        "期末流向仅为形式合作的补贴比例与审批时长（均值，95% 置信区间）。"),
    "comparisons_forest": (
        "Difference of each scenario from the baseline, paired over common seeds (mean and 95 % "
        "CI); the dashed line is no difference.",
        "各情景与基准情景之差（按共同随机种子配对，均值与 95% 置信区间）；虚线表示无差异。"),
}

#: Axis words and legend entries of the game figures (sim/games/plots.py).
GAME_WORDS: dict[str, tuple[str, str]] = {
    "share": ("share", "比例"),
    "time": ("replicator time", "复制动态时间"),
    "agent_time": ("replicator time (agent steps x revision prob / payoff range)",
                   "复制动态时间（主体步数 × 修正概率 / 收益幅度）"),
    "start": ("start (x, y, z)", "初始值 (x, y, z)"),
    "range": ("agents: replicate range", "主体模型：重复运行范围"),
    "mean": ("agents: mean", "主体模型：均值"),
    "ode": ("replicator ODE", "复制动态方程"),
    "ESS": ("ESS", "演化稳定策略"),
    "saddle": ("saddle", "鞍点"),
    "unstable": ("unstable", "不稳定"),
    "non-hyperbolic": ("non-hyperbolic", "非双曲"),
}


#: Axis words, legend entries and titles of the batch and sweep figures: key -> (English,
#: Chinese), with str.format fields. :func:`figure_text` fills them in.
FIGURE_TEXTS: dict[str, tuple[str, str]] = {
    "mean_equals": ("mean = {threshold:g}", "均值 = {threshold:g}"),
    "ci_contains": ("95 % CI contains {threshold:g}", "95% 置信区间包含 {threshold:g}"),
    "sobol_first": ("first order S1", "一阶 S1"),
    "sobol_total": ("total ST", "总效应 ST"),
    "sobol_axis": ("Sobol index of {output}, 95 % CI", "{output}的 Sobol 指数，95% 置信区间"),
    "morris_diagonal": ("sigma = mu* (non-linear or interacting above)",
                        "sigma = mu*（其上为非线性或交互作用）"),
    "morris_x": ("mu* (mean |elementary effect| on {output})", "mu*（对{output}的基本效应绝对值均值）"),
    "morris_y": ("sigma (sd of elementary effects)", "sigma（基本效应标准差）"),
    "adequacy_median": ("median over design points", "各设计点的中位数"),
    "adequacy_stable": ("stable from n = {n} (within {tolerance:.0%})",
                        "自 n = {n} 起稳定（{tolerance:.0%} 以内）"),
    "adequacy_x": ("replicates n", "重复运行次数 n"),
    "adequacy_y": ("CV of {output}", "{output}的变异系数"),
    "within_budget": ("mix within budget", "预算内组合"),
    "over_budget": ("mix over budget", "超预算组合"),
    "pareto": ("Pareto frontier", "帕累托前沿"),
    "budget": ("budget {limit:g}", "预算 {limit:g}"),
    "month_axis": ("step (month)", "步（月）"),
    "share_of_active": ("share of active partnerships", "占有效合作的比例"),
    "title_depth": ("Depth of partnerships over time", "合作深度随时间的变化"),
    "filled": ("filled: {what}", "实心：{what}"),
    "hollow": ("hollow: {what}", "空心：{what}"),
    "log_above_1": ("{what} (log scale above 1)", "{what}（1 以上为对数刻度）"),
    "title_spending": ("Content share against spending", "实质合作占比与政府支出"),
    "no_subsidy": (" no subsidy paid", " 未支付补贴"),
    "no_approvals": (" no approvals", " 无审批通过"),
    "title_leakage": ("Leakage and approval delay", "补贴流失与审批时长"),
    "title_forest": ("Difference from {base} (paired, 95 % CI)", "与{base}的配对差异（95% 置信区间）"),
}

_TABLES: tuple[tuple[str, dict[str, Label]], ...] = (
    ("parameter", PARAMETERS), ("output", OUTPUTS), ("group", GROUP_LABELS), ("rung", RUNGS))


def _check_lang(lang: str) -> int:
    if lang not in LANGS:
        raise LabelError(f"language {lang!r} is not offered: allowed {', '.join(LANGS)}")
    return LANGS.index(lang)


def _key(name: str | Enum) -> str:
    if isinstance(name, Depth):
        return name.name.lower()
    return str(name)


def entry(name: str | Depth) -> Label:
    """The :class:`Label` of a parameter, output, group or rung (a Depth or its name).

    Raises:
        LabelError: the name has none; the message gives close matches.
    """
    key = _key(name)
    for _, table in _TABLES:
        if key in table:
            return table[key]
    known = [k for _, table in _TABLES for k in table]
    close = difflib.get_close_matches(key, known, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise LabelError(f"no label for {key!r}: not a parameter, output, parameter group or depth rung "
                     f"in sim/labels.py{hint}")


def unit(name: str | Depth, lang: str = "en") -> str:
    """The readable unit of ``name`` in ``lang`` ('' when none is shown)."""
    i = _check_lang(lang)
    found = entry(name)
    key = found.unit
    if key is None:  # a parameter's unit is the one it declares
        key = spec(_key(name)).unit if _key(name) in PARAMETERS else ""
    if key not in UNITS:
        raise LabelError(f"unit {key!r} of {_key(name)!r} has no translation in sim/labels.py UNITS")
    return UNITS[key][i]


def label(name: str | Depth, lang: str = "en", *, with_unit: bool = True) -> str:
    """The readable label of ``name`` in ``lang``, with its unit in brackets unless asked not to.

    Args:
        name: a parameter, output column, parameter group, or depth rung
            (a :class:`~sim.depth.Depth` or its lower-case name).
        lang: "en" or "zh".
        with_unit: append the unit, "(MU/step)" or "（模型货币单位/步）".

    Raises:
        LabelError: unknown name or language (a KeyError).
    """
    i = _check_lang(lang)
    text = (entry(name).en, entry(name).zh)[i]
    shown = unit(name, lang) if with_unit else ""
    if not shown:
        return text
    return f"{text} ({shown})" if lang == "en" else f"{text}（{shown}）"


def term(key: str, lang: str = "en") -> str:
    """A report phrase (see :data:`TERMS`) in ``lang``.

    Raises:
        LabelError: unknown key or language.
    """
    i = _check_lang(lang)
    if key not in TERMS:
        close = difflib.get_close_matches(key, list(TERMS), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise LabelError(f"no term {key!r} in sim/labels.py TERMS{hint}")
    return TERMS[key][i]


def missing() -> dict[str, list[str]]:
    """Names the model has that this module does not label, by kind (empty lists when complete)."""
    return {
        "parameter": [n for n in names() if n not in PARAMETERS],
        "parameter group": [g for g in GROUPS if g not in GROUP_LABELS],
        "output": [c for c in COLUMNS if c not in OUTPUTS],
        "depth rung": [d.name.lower() for d in Depth if d.name.lower() not in RUNGS],
        "parameter unit": sorted({spec(n).unit for n in names() if n in PARAMETERS
                                  and PARAMETERS[n].unit is None and spec(n).unit not in UNITS}),
    }


def figure_text(key: str, lang: str = "en", **fields: object) -> str:
    """A figure phrase (see :data:`FIGURE_TEXTS`) in ``lang``, its fields filled in.

    Raises:
        LabelError: unknown key or language.
    """
    i = _check_lang(lang)
    if key not in FIGURE_TEXTS:
        raise LabelError(f"no figure text {key!r} in sim/labels.py FIGURE_TEXTS")
    return FIGURE_TEXTS[key][i].format(**fields)
