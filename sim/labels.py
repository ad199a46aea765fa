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
import re
import string
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
    "table_part": (" (part {part} of {parts})", "（第 {part} 部分，共 {parts} 部分）"),
    "continued": ("Continued on next page", "续下页"),
    "n_of": (" (n={n} of {of})", "（共 {of} 次中的 {n} 次）"),
    "not_available": ("n/a", "无数据"),
    "multiple_comparisons": (
        "Many scenarios are compared with one baseline: intervals are not adjusted for "
        "multiple comparisons, so expect some to exclude zero by chance.",
        "多个情景与同一基准情景比较，置信区间未作多重比较校正，个别区间可能因偶然而不含零。"),
    # batch report: title, notes and the sections built in sim/analysis/sections.py
    "batch_title": ("Scenario batch: {names}", "情景批量运行：{names}"),
    "nothing_to_compare": ("(nothing to compare)", "（无可比较的情景）"),
    "also_as": ("also as", "另有"),
    "results_note_batch": (
        "All outputs, with standard deviations: `summary.csv`; every step of every run: "
        "`steps.parquet` / `steps.csv`.",
        "全部输出指标及其标准差见 `summary.csv`；每次运行的逐步结果见 `steps.parquet` / `steps.csv`。"),
    "results_note_sweep": (
        "Per scenario with standard deviations: `tables/design_points.csv`.",
        "各情景结果及其标准差见 `tables/design_points.csv`。"),
    "failed_intro": (
        "These runs raised an error and are left out above (tracebacks in `runs.csv`); run the "
        "same command again to retry them.",
        "以下运行出错，未计入上文结果（错误追溯信息见 `runs.csv`）；再次执行同一命令即可重试。"),
    "unit": ("unit", "单位"),
    "otherwise": ("otherwise", "其余"),
    # how an output is reduced to its end-of-run value (sim.outputs.EndRule.describe and
    # sim.sweep.experiment.Output.describe); :func:`reword` translates these texts
    "rule_state": ("value at the last step", "末步取值"),
    "rule_flow": ("mean per step over the last {window} steps", "最后 {window} 步的每步均值"),
    "rule_ratio": ("sum of {numerator} / sum of {denominator} over the last {window} steps",
                   "最后 {window} 步 {numerator} 合计 / {denominator} 合计"),
    "reduce_ratio_run": ("sum of {numerator} / sum of {denominator} over the run",
                         "全程 {numerator} 合计 / {denominator} 合计"),
    "reduce_ratio_last": ("sum of {numerator} / sum of {denominator} over last {n} steps",
                          "最后 {n} 步 {numerator} 合计 / {denominator} 合计"),
    "reduce_final": ("at the last step", "末步"),
    "reduce_mean": ("mean over the run", "全程均值"),
    "reduce_min": ("minimum over the run", "全程最小值"),
    "reduce_max": ("maximum over the run", "全程最大值"),
    "reduce_mean_last": ("mean of last {n} steps", "最后 {n} 步均值"),
    "reduce_sum_last": ("sum of last {n} steps", "最后 {n} 步合计"),
    # a sweep output's reducer beside its label (sim/sweep/report.py)
    "how_final": ("at the last step", "末步"),
    "how_mean": ("mean over the run", "全程均值"),
    "how_min": ("minimum", "最小值"),
    "how_max": ("maximum", "最大值"),
    "how_mean_last": ("mean of the last {n} steps", "最后 {n} 步均值"),
    "how_sum_last": ("sum of the last {n} steps", "最后 {n} 步合计"),
    "how_money": (", MU", "，模型货币单位"),
    # a lever schedule in words (sim/analysis/sections.py)
    "schedule_from": ("{value} from year {year}", "自第 {year} 年起为 {value}"),
    "schedule_to": (" to {year}", "，至第 {year} 年"),
    "schedule_ramp": (" (ramp {years} years)", "（{years} 年内逐步达到）"),
    "schedule_setup": (", set-up {cost} MU", "，启动成本 {cost} 模型货币单位"),
    "schedule_else": ("[{text}; else {off}]", "[{text}；其余时间为 {off}]"),
    # "Has it settled?" (sim/analysis/sections.py)
    "settling_intro": (
        "A scenario has settled when the mean change of its content share over the runs' last "
        "two years (last year's mean minus the year before's) has a 95 % CI within ±{tolerance} "
        "a year.",
        "若各次运行最后两年实质合作占比的平均变化（最后一年均值减去前一年均值）的 95% "
        "置信区间落在每年 ±{tolerance} 以内，则该情景视为已稳定。"),
    "settling_too_short": ("Runs shorter than two years cannot be judged.",
                           "运行不足两年，无法判断。"),
    "settling_trend": ("content share trend a year [95 % CI]", "实质合作占比年变化 [95% 置信区间]"),
    "one_run": ("(one run)", "（仅一次运行）"),
    "settling_transient": (
        "**These results may be a transient:** where a scenario is rising or falling its shares "
        "are still moving at the end of the run; where settling is not shown the replicates are "
        "too few to tell (more replicates narrow the CI). The ODD lists the slow state variables; "
        "`python -m sim validate` reports the defaults at longer horizons.",
        "**以上结果可能仍处于过渡状态：**仍在上升或下降的情景，其比例在运行结束时仍在变化；"
        "未能判断稳定的情景，重复运行次数不足以下结论（增加重复次数可收窄置信区间）。"
        "ODD 列出了变化缓慢的状态变量；`python -m sim validate` 给出默认设定在更长时间跨度的结果。"),
    "settling_all": ("Every scenario has settled.", "所有情景均已稳定。"),
    # "After support ends" (sim/analysis/persistence.py)
    "section_persistence": ("After support ends", "政策支持结束之后"),
    "persistence_intro": (
        "Scenarios whose scheduled levers all end within the run: content share in the last "
        "year of support, and how much of the gain (yearly means, against the reference named) "
        "is left later. Mean over replicates with 95 % CI; a blank means too few replicates or "
        "the run ends too soon. Half-life: years until the gain first falls to half; runs where "
        "it never does are censored (counted, not averaged). See docs/ODD.md, \"Schedules and "
        "persistence\".",
        "按时间表实施的政策工具均在运行期内结束的情景：支持最后一年的实质合作占比，以及此后增益"
        "（年均值，相对于所列参照）还剩多少。数值为重复运行均值及 95% 置信区间；空白表示重复运行"
        "次数不足或运行过早结束。半衰期：增益首次降至一半所需的年数；始终未降至一半的运行记为删失"
        "（只计数，不参与平均）。见 docs/ODD.md 的“Schedules and persistence”一节。"),
    "reference": ("reference", "参照"),
    "measure": ("measure", "指标"),
    "censored": ("censored", "删失数"),
    "persist_level_before": ("level before support", "支持开始前一年的水平"),
    "persist_initial": ("initial state", "初始状态"),
    "persist_at_end": ("content share, last year of support", "支持最后一年的实质合作占比"),
    "persist_gain": ("gain at end of support", "支持结束时的增益"),
    "persist_left_one": ("share of gain left after {years} year", "{years} 年后保留的增益比例"),
    "persist_left_many": ("share of gain left after {years} years", "{years} 年后保留的增益比例"),
    "persist_half_life": ("half-life of gain (years)", "增益半衰期（年）"),
    # sweep analysis README (sim/sweep/report.py)
    "sweep_title": ("Analysis of sweep `{name}`", "参数扫描 `{name}` 的分析"),
    "section_findings": ("Findings and notes", "发现与说明"),
    "section_files": ("Files", "文件"),
    "sweep_intro": (
        "Design {design}, {what}, {replicates} replicates, {steps} steps, root seed {seed}. "
        "Values are model assumptions in relative units (MU), not data.",
        "设计 {design}，{what}，{replicates} 次重复运行，{steps} 步，根种子 {seed}。"
        "数值为相对单位（模型货币单位）下的模型假设，并非实测数据。"),
    "sweep_what_scenarios": ("{n} scenarios", "{n} 个情景"),
    "sweep_what_factors": ("{n} varied parameters ({names})", "{n} 个变动参数（{names}）"),
    "analysis_written": ("tables and figures: {directory} ({files} files; see README.md)",
                         "表与图：{directory}（共 {files} 个文件；见 README.md）"),
    "on_frontier": ("on the frontier", "位于前沿"),
    "ci95_bracket": (" [95 % CI]", " [95% 置信区间]"),
    "note_finished": ("{done} of {expected} runs finished", "{expected} 次运行中已完成 {done} 次"),
    "note_failed": (", {failed} failed (see runs.csv, column error)",
                    "，{failed} 次失败（见 runs.csv 的 error 列）"),
    "note_nothing": ("nothing to analyse yet", "尚无可分析的结果"),
    "note_phase_grid": (
        "phase diagram skipped: it needs a grid design (the values of a sampled design do not "
        "repeat)",
        "未绘制相图：相图需要网格设计（抽样设计的取值不重复）"),
    "note_phase": (
        "phase diagram{panel}: {above} of {cells} ({x}, {y}) cells reach mean {output} >= "
        "{threshold} (the form/content boundary); in {straddle} the 95 % CI contains {threshold} "
        "(hatched: the boundary's uncertainty band)",
        "相图{panel}：{cells} 个 ({x}, {y}) 格中有 {above} 个的 {output} 均值 >= {threshold}"
        "（形式合作 / 实质合作的分界）；其中 {straddle} 个的 95% 置信区间包含 {threshold}"
        "（阴影：分界的不确定带）"),
    "note_phase_numeric": (
        "phase diagram figure skipped: {x} or {y} is not numeric (the tables are written)",
        "未绘制相图：{x} 或 {y} 不是数值（表已写出）"),
    "note_sobol_failed": (
        "Sobol indices of {output} not computed: {error} (run the sweep again to retry failed "
        "or missing runs)",
        "未计算 {output} 的 Sobol 指数：{error}（再次运行参数扫描可重试失败或缺失的运行）"),
    "note_sobol": ("Sobol {output}: largest total indices {top}",
                   "{output} 的 Sobol 分析：总效应指数最大的为 {top}"),
    "note_morris_failed": ("Morris statistics of {output} not computed: {error}",
                           "未计算 {output} 的 Morris 统计量：{error}"),
    "note_morris": ("Morris {output}: largest mu* {top}",
                    "{output} 的 Morris 筛选：mu* 最大的为 {top}"),
    "note_adequacy_few": ("replicate adequacy skipped: it needs 3 or more replicates",
                          "未检验重复运行充分性：需要 3 次或更多重复运行"),
    "note_adequacy_zero": (
        "replicate adequacy: the mean of {output} is 0 at every design point, so its CV is "
        "undefined",
        "重复运行充分性：{output} 在每个设计点的均值均为 0，变异系数无定义"),
    "adequacy_stable_from": ("stable from n = {n} of {replicates}",
                             "自 n = {n} 起稳定（共 {replicates} 次）"),
    "adequacy_not_stable": ("not shown stable within {replicates} replicates: use more",
                            "在 {replicates} 次重复运行内未显示稳定：需增加重复次数"),
    "note_adequacy": (
        "replicate adequacy (Lorscheid et al. 2012): the median CV of {output} over design points "
        "is {verdict} (rule: stays within {tolerance} of its {replicates}-replicate value from n "
        "on); {statement}",
        "重复运行充分性（Lorscheid 等，2012）：{output} 在各设计点的变异系数中位数{verdict}"
        "（规则：自 n 起保持在其 {replicates} 次重复运行值的 {tolerance} 以内）；{statement}"),
    "adequacy_points": (
        "per design point, {stable} of {points} are shown stable within the {replicates} "
        "replicates",
        "按设计点计，{points} 个中有 {stable} 个在 {replicates} 次重复运行内显示稳定"),
    "adequacy_latest": (" (by n = {n} at the latest)", "（最晚于 n = {n}）"),
    "adequacy_undefined": ("; {n} have a mean of 0, so no CV", "；{n} 个均值为 0，无变异系数"),
    "note_budget_none": ("budget: no mix stays within {limit} MU",
                         "预算：没有组合的成本在 {limit} 模型货币单位以内"),
    "note_budget": (
        "budget {limit} MU: best mix reaches mean {output} {value} at mean cost {cost} MU "
        "({frontier} mixes on the frontier)",
        "预算 {limit} 模型货币单位：最佳组合的 {output} 均值为 {value}，平均成本 {cost} 模型货币单位"
        "（前沿上有 {frontier} 个组合）"),
    "note_comparisons_skipped": (
        "comparisons skipped: name a design point to compare with (python -m sim analyze DIR "
        "--baseline POINT, POINT a design_point number of design.parquet)",
        "未作比较：请指定一个比较基准设计点（python -m sim analyze DIR --baseline POINT，"
        "POINT 为 design.parquet 中的 design_point 编号）"),
    "note_no_cost": (
        "cost of content not computed: it needs outputs reading spending_total (end or "
        "sum_last_12) and partnerships_content (end)",
        "未计算实质合作成本：需要读取 spending_total（end 或 sum_last_12）与 "
        "partnerships_content（end）的输出指标"),
    # sweep table captions (LaTeX: \\% is a per cent sign)
    "caption_points": ("{title}: replicate means and 95\\% confidence intervals per design point",
                       "{title}：各设计点的重复运行均值与 95\\% 置信区间"),
    "caption_phase": ("{title}: mean {output} [95\\% CI] over {x} and {y}",
                      "{title}：{output}在 {x} 与 {y} 上的均值 [95\\% 置信区间]"),
    "caption_sobol": ("{title}: Sobol indices of {output} (half-width of 95\\% bootstrap CI in "
                      "the conf columns)",
                      "{title}：{output}的 Sobol 指数（conf 列为 95\\% 自助法置信区间的半宽）"),
    "caption_morris": ("{title}: Morris statistics of {output} per full range of each parameter",
                       "{title}：{output}的 Morris 统计量（按各参数的完整取值范围）"),
    "caption_budget": ("{title}: lever mixes with mean {cost} within {limit} MU, best mean "
                       "{output} first (95\\% CI)",
                       "{title}：平均{cost}不超过 {limit} 模型货币单位的对策组合，按{output}均值由高到低排列"
                       "（95\\% 置信区间）"),
    "caption_sweep_comparisons": (
        "{title}: each design point minus {base}, paired over common seeds [95\\% CI], with the "
        "paired effect size d_z",
        "{title}：各设计点与 {base} 的配对差异（共同随机种子）[95\\% 置信区间] 及配对效应量 d_z"),
    # game: the printed stability table (sim/games/cli.py) and the ESS table (sim/games/tables.py)
    "game_source": ("source: {source}", "来源：{source}"),
    "game_shares": ("shares: {shares}", "比例：{shares}"),
    "game_share_of": ("{v} = {population} playing {strategy}",
                      "{v} = {population}中选择“{strategy}”的比例"),
    "game_parameters": ("parameters: {parameters}", "参数：{parameters}"),
    "game_overridden": ("(* = set on the command line)", "（* = 在命令行中设定）"),
    "game_eig": ("eig {population}", "特征值 {population}"),
    "game_profile": ("profile", "策略组合"),
    "game_stability": ("stability", "稳定性"),
    "game_ess_list": ("ESS: {corners}", "演化稳定策略：{corners}"),
    "game_no_ess": ("ESS: none among the pure corners (trajectories may cycle or stall)",
                    "演化稳定策略：纯策略均衡点中没有（轨迹可能循环或停滞）"),
    "game_stability_help": (
        "ESS = all eigenvalues negative; unstable = all positive; saddle = mixed signs; "
        "non-hyperbolic = some |eigenvalue| <= {tol} (counted as zero)",
        "演化稳定策略 = 特征值全为负；不稳定 = 全为正；鞍点 = 正负皆有；"
        "非双曲 = 某个 |特征值| <= {tol}（视为零）"),
    "ess_corner": ("Corner", "均衡点"),
    "ess_profile": ("Profile", "策略组合"),
    "ess_stability": ("Stability", "稳定性"),
    "ess_when": ("ESS when", "成为 ESS 的条件"),
    "ess_always": ("always", "恒成立"),
    "ess_never": ("never", "不可能"),
    "caption_eigenvalues": (
        "{title}: eigenvalues of the eight pure corners, in symbols and at the parameter values "
        "used; an eigenvalue is a population's gain from deviating alone",
        "{title}：八个纯策略均衡点的特征值（符号式与所用参数取值下的数值）；特征值为单方偏离的收益变化"),
    "caption_ess": (
        "{title}: when each corner is an evolutionarily stable strategy (ESS): all three "
        "eigenvalues negative",
        "{title}：各均衡点成为演化稳定策略（ESS）的条件：三个特征值均为负"),
}

#: Punctuation and word order that differ by language, with no words of their own:
#: key -> (English, Chinese), looked up by :func:`term` like :data:`TERMS`.
LAYOUTS: dict[str, tuple[str, str]] = {
    "list_sep": (", ", "、"),
    "reduce_of": ("{column} ({how})", "{column}（{how}）"),
    "game_axis": ("{population}: {word} {strategy}", "{population}：“{strategy}”{word}"),
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

#: Chinese definition of every output column; the English one is its declaration,
#: :data:`sim.outputs.COLUMNS`. :func:`definition` gives either.
OUTPUT_DEFINITIONS: dict[str, str] = {
    "partnerships_none": "深度为“无合作”的合作关系数（已停滞，即将解除）",
    "partnerships_form": "形式合作的合作关系数（签订协议、参观、名义实习）",
    "partnerships_practice": "实践合作的合作关系数（真实实习岗位、企业兼职教师）",
    "partnerships_content": "实质合作的合作关系数（共建课程、订单班、学徒制、实训基地、联合研发）",
    "partnerships_active": "形式合作及更深的合作关系数",
    "form_share": "partnerships_form / partnerships_active",
    "practice_share": "partnerships_practice / partnerships_active",
    "content_share": "partnerships_content / partnerships_active（无有效合作时为 0）",
    "depth_index": "有效合作所处深度的均值，缩放到 [0, 1]：形式合作 0，实践合作 0.5，实质合作 1",
    "reported_content_share": "政府认定为实质合作的有效合作比例",
    "misreporting_share": "虚报为实质合作的有效合作比例",
    "approval_delay": "最近一年获批的升级申请从提交到获批的平均步数（首次获批前为 NaN）",
    "applications_pending": "等待审批签字的升级申请数",
    "aware_enterprise_share": "知晓激励政策的企业比例",
    "mean_retained_share": "企业在被挖走后留用的所培养毕业生比例的均值",
    "budget_left": "本年剩余补贴预算（模型货币单位），各部门合计",
    "expected_detection": (
        "企业预期虚报在一步内被查出的概率（根据已查出虚报的比例学习"
        "；无虚报时根据审计频率学习）"),
    "service_reach": "牵线或服务请求被某一部门受理的概率（部门在各自职责下的决策）",
    "binding_enterprise_share": (
        "在未达实质合作、且有一方维持现有深度的有效合作中，由企业维持的比例"
        "（企业的最优深度不更高，而学校的更高；每年末更新）"),
    "binding_school_share": (
        "其中由学校维持的比例（学校的最优深度不更高"
        "，而企业的更高；每年末更新）"),
    "binding_both_share": "其中双方都不愿加深的比例（每年末更新）",
    "binding_approval_share": (
        "其中受认定审批所限的比例：若申报能立即获认定，企业会加大投入"
        "，学校也愿意加深（每年末更新）"),
    "graduates_placed_locally": "最近一届毕业生中在本地合作企业就业的人数（每年；每年末更新）",
    "graduates_poached": "其中被同行企业挖走的毕业生人数（每年）",
    "skill_match": "最近一届毕业生按就业人数加权的匹配度 × 培养质量均值，在 [0, 1] 内",
    "spending_total": "spending_subsidy + spending_tax_offset + spending_audit + spending_levers",
    "leakage_share": "subsidy_leakage / spending_subsidy（未支付补贴时为 0）",
    "spending_subsidy": "本步支付的补贴（模型货币单位）",
    "spending_tax_offset": "本步给予的税收抵免（模型货币单位，即放弃的教育费附加收入）",
    "spending_audit": "本步审计成本（模型货币单位）",
    "spending_levers": (
        "本步其他对策的运行成本"
        "：统筹协调机构、公共服务、法规、统筹规划（模型货币单位）"),
    "subsidy_leakage": "本步支付给实际深度为形式合作或无合作的合作关系的补贴（模型货币单位）",
    "subsidy_overpaid": (
        "本步超出实际深度应得额度的补贴（模型货币单位"
        "；含流失补贴及按实质合作支付的实践合作）"),
    "tax_offset_overpaid": "本步超出实际深度应得额度的税收抵免（模型货币单位）",
    "clawbacks_collected": "本步通过审计查出虚报而追回的超额支付（模型货币单位）",
    "audits": "本步审计的报告数",
    "misreports_detected": "本步审计中查出上报高于实际深度的次数",
    "penalties_collected": "本步收取的罚款（模型货币单位）",
    "partnerships_formed": "本步新签的合作协议数",
    "partnerships_dissolved": "本步解除的合作关系数",
    "approvals": "本步获批的升级申请数",
    "proposals_declined": "本步被企业拒绝的学校合作提议数（企业已满，或认为不值得）",
}

#: Titles of the shipped scenario and sweep files (English as the file gives it ->
#: Chinese). A title not listed (a user's own file) is shown as written.
TITLES: dict[str, str] = {
    "Reference case Cixi (stylised): regulation-led county": (
        "参照案例慈溪（程式化）"
        "：以法规为主导的县"),
    "Example county read from a network file": "从网络文件读入的示例县",
    "Full package: every countermeasure of both studies together": (
        "一揽子对策"
        "：两项研究的全部对策同时实施"),
    "Reformed county, no money: the reference of the funding scenarios": (
        "改革后的县、不投入资金"
        "：各资助情景的参照"),
    "Fund for three years, then stop (6,000 MU in total)": (
        "资助三年后停止"
        "（共 6,000 模型货币单位）"),
    "Fund for the whole run at the same total budget (600 MU a year for ten years)":
        "以相同总预算资助整个运行期（每年 600 模型货币单位，共十年）",
    "Reference case Guangdong (stylised): finance- and market-led province": (
        "参照案例广东（程式化）"
        "：以财政和市场为主导的省"),
    "Reference case Jiangsu (stylised): coordination- and planning-led province": (
        "参照案例江苏（程式化）"
        "：以统筹协调和规划为主导的省"),
    "Reference case Kunshan (stylised): service- and planning-led county": (
        "参照案例昆山（程式化）"
        "：以服务和规划为主导的县"),
    "Single lever: coordination mechanism among departments": "单项对策：部门统筹协调机制",
    "Single lever: financial support (subsidy, budget, tax offset)": (
        "单项对策：财政支持"
        "（补贴、预算、税收抵免）"),
    "Single lever: legal and policy system": "单项对策：法律与政策体系",
    "Single lever: overall planning of majors against local industry": (
        "单项对策"
        "：对接本地产业的专业统筹规划"),
    "Single lever: public service ability and awareness": "单项对策：公共服务能力与意识",
    "Single lever: supervision and outcome-based assessment": "单项对策：监管与成效考核",
    "Policy history: a Ruian-like county from 2016, national measures at their dates, to 2030":
        "政策历程：类似瑞安的县，2016 年起按实际时间实施国家措施，至 2030 年",
    "Ruian status quo: a county where cooperation stays on paper": "瑞安现状：合作停留在纸面上的县",
    "Sichuan status quo: a higher vocational college and its local government": (
        "四川现状"
        "：一所高职院校及其所在地政府"),
    "Subsidy first, then supervision (from year 3)": "先补贴、后监管（自第 3 年起）",
    "Subsidy without audit": "只补贴、不审计",
    "Supervision first, then subsidy (from year 3)": "先监管、后补贴（自第 3 年起）",
    "Coordination vs mandate overlap: does a coordination body undo 'many managers'?":
        "统筹协调与职责交叉：统筹协调机构能否化解“多头管理”？",
    "When does the full package fail? Scenario discovery across the structural assumptions":
        "一揽子对策何时失效？跨结构性假设的情景发现",
    "Funding timing: when and for how long to fund, under one total budget": (
        "资助时机"
        "：在同一总预算下何时资助、资助多久"),
    "Policy mix under a budget, robust to the structural assumptions": (
        "预算约束下对结构性"
        "假设稳健的对策组合"),
    "Policy mix under a budget: the most content per unit of government money":
        "预算约束下的对策组合：单位政府资金带来最多实质合作",
    "Robustness of the conclusions to the structural assumptions": "结论对结构性假设的稳健性",
    "Sobol indices of every countermeasure lever": "各项对策的 Sobol 指数",
    "Subsidy vs audit: which combination tips cooperation from form to content?":
        "补贴与审计：何种组合使合作由形式合作转向实质合作？",
    # the shipped game files (scenarios/games/)
    "Form vs content: the main model's incentives as a tripartite game": (
        "形式合作与实质合作"
        "：主模型激励结构的三方博弈"),
    "Hand-checkable example: two ESS, a saddle, unstable and non-hyperbolic corners":
        "可手算的示例：两个演化稳定策略、鞍点、不稳定点与非双曲点",
    "Tripartite government-school-enterprise cooperation game (literature shape)": (
        "政府—学校—企业三方合作博弈"
        "（文献中的形式）"),
}

#: Population and strategy names of the shipped game files -> Chinese. A strategy is
#: looked up as ``population.strategy`` first (the same word can differ by population),
#: then alone; a name not listed (a user's own game) is shown as the file gives it.
GAME_NAMES: dict[str, str] = {
    "government": "政府",
    "school": "学校",
    "enterprise": "企业",
    "government.strict": "严格监管",
    "government.loose": "宽松监管",
    "government.active": "积极监管",
    "government.passive": "消极监管",
    "school.active": "积极投入",
    "school.passive": "消极应付",
    "content": "实质合作",
    "form": "形式合作",
    "positive": "积极合作",
    "negative": "消极合作",
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
    "morris_x": ("mu* (mean |elementary effect| on {output})",
                 "mu*（对{output}的基本效应绝对值均值）"),
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
    "title_forest": ("Difference from {base} (paired, 95 % CI)",
                     "与{base}的配对差异（95% 置信区间）"),
    # sweep figure titles (with --figure-titles; sim/sweep/report.py)
    "title_response": ("{name}: {output} vs {factor}", "{name}：{output}随{factor}的变化"),
    "response_by": ("one curve per value of {by}", "{by} 每个取值一条曲线"),
    "response_marginal": ("marginal over the other factors", "对其他因素取边际"),
    "title_phase": ("{name}: mean {output}", "{name}：{output}均值"),
    "title_sobol": ("{name}: Sobol indices of {output}", "{name}：{output}的 Sobol 指数"),
    "title_morris": ("{name}: Morris screening of {output}", "{name}：{output}的 Morris 筛选"),
    "title_adequacy": ("{name}: replicate adequacy", "{name}：重复运行充分性"),
    "title_budget": ("{name}: {output} against cost", "{name}：{output}与成本"),
    # game figure title (with --figure-titles; sim/games/plots.py)
    "title_agents": ("{title}: agents ({matching}, {n} replicates) vs replicator dynamics",
                     "{title}：主体模型（{matching}，{n} 次重复运行）与复制动态"),
    "matching_network": ("network {network}", "网络 {network}"),
    "matching_mixed": ("well-mixed", "均匀混合"),
}

#: Words of the live view's own interface (sim/viz/): key -> (English, Chinese).
VIZ_TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("coopsim: school–enterprise cooperation, form or content?",
                  "coopsim：校企合作，重形式还是重实质？"),
    "step": ("Step", "单步"),
    "withdraw": ("Schedule a withdrawal", "安排政策退出"),
    "withdraw_lever": ("Lever to stop", "要停止的政策工具"),
    "withdraw_year": ("at year", "于第几年"),
    "withdraw_button": ("Stop at year {year}", "第 {year} 年停止"),
    "withdraw_done": ("{lever} stops at year {year} (now in the running model; Reset keeps it)",
                      "{lever} 于第 {year} 年停止（已作用于正在运行的模型；重置后保留）"),
    "scheduled": ("scheduled: {text}", "按时间表：{text}"),
    "levers_now": ("Scheduled levers now", "按时间表的政策工具当前值"),
    "play": ("Play", "运行"),
    "pause": ("Pause", "暂停"),
    "reset": ("Reset", "重置"),
    "interval": ("Play interval (ms per step)", "运行间隔（毫秒/步）"),
    "play_rate": ("Play: {rate:.1f} steps/s (asked {asked:.1f})",
                  "运行：每秒 {rate:.1f} 步（设定 {asked:.1f}）"),
    "play_slow": ("Play cannot keep this interval: it manages {rate:.1f} steps/s",
                  "无法达到设定间隔：实际每秒 {rate:.1f} 步"),
    "working": ("Computing replicates…", "正在计算重复运行……"),
    "scenario_picker": ("Scenario (sets every lever)", "情景（设定全部政策工具）"),
    "seed": ("Seed", "随机种子"),
    "replicates_field": ("Replicates (same seeds in both runs)",
                         "重复运行次数（两组使用相同种子）"),
    "compare": ("Compare", "对比"),
    "pin": ("Pin as baseline", "固定为基准"),
    "unpin": ("Stop comparing", "结束对比"),
    "baseline_picker": ("Baseline", "基准"),
    "pinned": ("pinned settings", "固定的设定"),
    "current": ("current", "当前"),
    "run": ("run", "运行组"),
    "pending": ("Controls differ from the running model: press Reset to rebuild it.",
                "控件与正在运行的模型不一致：请按“重置”重新构建。"),
    "refused": ("{text} refused: {why} (kept {kept})", "{text} 未被接受：{why}（保留 {kept}）"),
    "meaning": ("What this means", "含义"),
    "downloads": ("Take results away", "导出结果"),
    "csv": ("Steps as CSV", "逐步结果 CSV"),
    "toml": ("Levers as scenario TOML", "政策设定（情景 TOML）"),
    "export_hint": ("Each chart's ⋯ menu saves it as PNG or SVG.",
                    "每个图表的 ⋯ 菜单可保存为 PNG 或 SVG。"),
    "language": ("中文", "English"),
    "help_title": ("How to read this", "如何阅读本页"),
    "status": ("Step {step} (month; year {year})", "第 {step} 步（月；第 {year} 年）"),
    "status_run": ("{name}: {active} active, content {content} (reported {reported})",
                   "{name}：有效合作 {active} 项，实质合作 {content}（上报 {reported}）"),
    "key_current": ("thick lines: current levers", "粗线：当前设定"),
    "key_baseline": ("thin lines: baseline ({name})", "细线：基准（{name}）"),
    "key_band": ("bands: 95 % interval of the mean over {n} replicates",
                 "色带：{n} 次重复运行均值的 95% 区间"),
    "diff_title": ("Difference from baseline, mean of the last 12 steps (a year)",
                   "与基准之差：最近 12 步（一年）的均值"),
    "diff_noise": ("larger than seed noise", "超出随机波动"),
    "diff_within": ("within seed noise", "在随机波动之内"),
    "diff_one_seed": ("one seed: set replicates to 5–10 to see seed noise",
                      "仅一个种子：将重复次数设为 5–10 以查看随机波动"),
    "no_baseline": ("Pin a baseline (or pick a scenario as baseline) to compare.",
                    "固定一个基准（或选择某一情景为基准）以进行对比。"),
    "network_title": ("County network at step {step}", "第 {step} 步的县域网络"),
    "network_sub": ("{s} schools, {e} enterprises, {d} departments, {a} active partnerships",
                    "{s} 所学校、{e} 家企业、{d} 个部门，有效合作 {a} 项"),
    "network_coarse": ("; drawn: {shown} of {e} enterprises (every partnership drawn)",
                       "；图中显示 {e} 家企业中的 {shown} 家（全部合作关系均显示）"),
    "peer_ties": ("show peer ties", "显示同行联系"),
    "agents": ("agents", "主体"),
    "ties": ("partnership depth", "合作深度"),
    "tie_reporting": ("reports", "上报"),
    "honest": ("reported as it is", "如实上报"),
    "misreported": ("misreported (above real)", "虚报（高于实际）"),
    "no_partnership": ("no partnership", "无合作"),
    "lapsed": ("lapsed", "已停滞"),
    "step_axis": ("step (month)", "步（月）"),
    "chart_depth": ("Depth of active partnerships", "有效合作的深度构成"),
    "chart_content": ("Content: real vs reported", "实质合作：实际与上报"),
    "chart_spending": ("Government spending", "政府支出"),
    "chart_leakage": ("Subsidy leakage and misreporting", "补贴流失与虚报"),
    "chart_delay": ("Approval delay of upgrades", "升级审批时长"),
    "money_note": ("Money is in model units (MU), a relative scale; every value is an assumption "
                   "unless its source says otherwise (docs/ODD.md). Stylised model output, not data.",
                   "金额以模型货币单位（MU）计，为相对尺度；除注明来源外，所有取值均为假设"
                   "（见 docs/ODD.md）。程式化模型结果，并非实测数据。"),
    "doc_english": ("", "（参数说明为英文）"),
    "department": ("government department", "政府部门"),
    "levers": ("Scenario and levers", "情景与政策工具"),
}

#: The live view's collapsible "how to read this", one paragraph per item, by language.
VIZ_HELP: dict[str, tuple[str, ...]] = {
    "en": (
        "Each partnership between a school and an enterprise sits on a ladder: none → form "
        "(an agreement on paper) → practice (students placed, some training) → content "
        "(joint curricula, real training, graduates kept). 'Form over content' is a county "
        "where agreements pile up but few climb to content.",
        "Real vs reported: schools and firms report a depth to the government, which pays "
        "subsidies and assesses schools on those reports. A report above the real depth is "
        "misreporting: dashed ties in the network. The gap between the real and the "
        "reported content share is the 'form' signal.",
        "Network: departments (squares) in the centre, schools (triangles) on the inner ring, "
        "enterprises (circles, sized by firm size) in one sector per industry. A tie's colour "
        "is the partnership's real depth.",
        "Charts: the share of active partnerships at each rung; real and reported content "
        "share with the depth index; government spending with the subsidy paid and the part "
        "that leaks to form-only partnerships; the leaked share and the misreporting share. "
        "Solid lines: current levers; thin lines: the baseline. A band is the 95 % interval "
        "of the mean over the replicates.",
        "Compare: pin the current settings as the baseline (or pick a scenario), change "
        "levers, press Reset. Both runs use the same seeds and step together; the table "
        "gives each headline output's difference and whether it is larger than seed noise.",
    ),
    "zh": (
        "每一项校企合作都处在一个阶梯上：无合作 → 形式合作（纸面协议）→ 实践合作（安排学生实习、"
        "部分培训）→ 实质合作（共建课程、真实培养、留用毕业生）。“重形式、轻实质”指协议不断增加，"
        "却很少上升到实质合作。",
        "实际与上报：校企双方向政府上报合作深度，政府据此发放补贴并考核学校。上报高于实际即为虚报，"
        "在网络图中以虚线表示。实际与上报的实质合作占比之差，正是“形式”的信号。",
        "网络图：政府部门（方块）居中，学校（三角）在内圈，企业（圆点，大小表示企业规模）按产业分区。"
        "联系的颜色表示合作的实际深度。",
        "图表：有效合作在各深度的占比；实际与上报的实质合作占比及合作深度指数；政府支出、补贴支出及"
        "流向形式合作的补贴；补贴流失比例与虚报比例。粗线为当前设定，细线为基准；色带为各重复运行"
        "均值的 95% 区间。",
        "对比：将当前设定固定为基准（或选择某一情景），调整政策工具后按“重置”。两组运行使用相同的"
        "种子并同步推进；表格给出各主要指标之差及其是否超出随机波动。",
    ),
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


def declared_unit(key: str, lang: str = "en") -> str:
    """A unit as ``sim.params`` declares it, in ``lang`` (Chinese from :data:`UNITS`)."""
    i = _check_lang(lang)
    return key if i == 0 else UNITS.get(key, ("", key))[1]


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


def in_sentence(text: str, lang: str = "en") -> str:
    """A label as it reads inside a sentence: "Content share" -> "content share".

    Only English has capitals to drop; a word in capitals ("MU", "ESS") keeps them.
    """
    if lang == "en" and len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def term(key: str, lang: str = "en") -> str:
    """A report phrase (see :data:`TERMS`) in ``lang``.

    Raises:
        LabelError: unknown key or language.
    """
    i = _check_lang(lang)
    if key in LAYOUTS:
        return LAYOUTS[key][i]
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


def definition(name: str, lang: str = "en") -> str:
    """What output column ``name`` measures, in ``lang`` (English: its :data:`sim.outputs.COLUMNS`).

    Raises:
        LabelError: unknown output or language.
    """
    i = _check_lang(lang)
    if name not in COLUMNS:
        raise LabelError(f"no output {name!r} in sim.outputs.COLUMNS")
    if i == 0:
        return COLUMNS[name]
    if name not in OUTPUT_DEFINITIONS:
        raise LabelError(f"output {name!r} has no Chinese definition in sim/labels.py "
                         "OUTPUT_DEFINITIONS")
    return OUTPUT_DEFINITIONS[name]


def title(text: str, lang: str = "en") -> str:
    """A scenario, sweep or game title in ``lang``.

    The shipped files' titles are translated (:data:`TITLES`); any other is shown
    as its file gives it.
    """
    _check_lang(lang)
    return text if lang == "en" else TITLES.get(text, text)


def game_name(name: str, lang: str = "en", population: str | None = None) -> str:
    """A game's population or strategy name in ``lang`` (:data:`GAME_NAMES`), else as written."""
    _check_lang(lang)
    if lang == "en":
        return name
    if population is not None and f"{population}.{name}" in GAME_NAMES:
        return GAME_NAMES[f"{population}.{name}"]
    return GAME_NAMES.get(name, name)


def game_word(key: str, lang: str = "en") -> str:
    """An axis word, legend entry or stability class of the game figures (:data:`GAME_WORDS`)."""
    i = _check_lang(lang)
    if key not in GAME_WORDS:
        raise LabelError(f"no game word {key!r} in sim/labels.py GAME_WORDS")
    return GAME_WORDS[key][i]


#: TERMS whose English is what sim.outputs and sim.sweep.experiment write to say how an
#: output is reduced; :func:`reword` matches a text against them, most specific first.
_REWORDED = ("rule_ratio", "rule_flow", "rule_state", "reduce_ratio_run", "reduce_ratio_last",
             "reduce_mean_last", "reduce_sum_last", "reduce_final", "reduce_mean", "reduce_min",
             "reduce_max", "reduce_of")


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts))


def reword(text: str, lang: str = "en") -> str:
    """How an output is reduced, in ``lang``.

    For example ``"mean per step over the last 12 steps"``, or a sweep output's
    ``"content_share (mean of last 12 steps)"``.

    The English text is the one :meth:`sim.outputs.EndRule.describe` and
    :meth:`sim.sweep.experiment.Output.describe` write; a text matching none of
    those phrases is returned as it is.
    """
    _check_lang(lang)
    if lang == "en":
        return text
    for key in _REWORDED:
        found = _pattern(term(key)).fullmatch(text)
        if found:
            fields = found.groupdict()
            if "how" in fields:
                fields["how"] = reword(fields["how"], lang)
            return term(key, lang).format(**fields)
    return text
