"""Words of the live view's own interface (buttons, notes, help) in English and Chinese.

Names of parameters, groups, outputs and rungs are never here: they come from
:mod:`sim.labels`, the table the reports use. This holds only what belongs to
the page itself.
"""

from __future__ import annotations

from sim.labels import LANGS, term

#: key -> (English, Chinese).
TEXTS: dict[str, tuple[str, str]] = {
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
    "replicates_field": ("Replicates (same seeds in both runs)", "重复运行次数（两组使用相同种子）"),
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

#: The collapsible "how to read this", one paragraph per item.
HELP: dict[str, tuple[str, ...]] = {
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


def text(key: str, lang: str = "en", **fields: object) -> str:
    """The interface text ``key`` in ``lang``, with ``fields`` filled in."""
    phrase = TEXTS[key][LANGS.index(lang)] if key in TEXTS else term(key, lang)
    return phrase.format(**fields) if fields else phrase
