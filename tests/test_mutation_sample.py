"""The mutation sample (tests/mutation_sample.py): the same number per module, the same on every run, and a
table that counts what mutmut recorded."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("mutation_sample", Path(__file__).with_name("mutation_sample.py"))
sample = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample)

NAMES = [f"pmkit.judge.status.x_assess__mutmut_{i}" for i in range(1, 41)] + [
    f"pmkit.judge.tolerance.x_slack__mutmut_{i}" for i in range(1, 4)
]


def test_the_sample_takes_n_from_each_module_or_all_of_a_small_one_and_repeats_with_its_seed():
    picked = sample.pick(NAMES, per_module=5, seed=7)
    assert sum(n.startswith("pmkit.judge.status.") for n in picked) == 5
    assert [n for n in picked if n.startswith("pmkit.judge.tolerance.")] == NAMES[40:]
    assert picked == sample.pick(list(reversed(NAMES)), per_module=5, seed=7)
    assert picked != sample.pick(NAMES, per_module=5, seed=8)


def test_the_table_counts_each_result_and_the_share_surviving():
    names = NAMES[:10]
    codes = dict.fromkeys(names[:6], 1) | {names[6]: 0, names[7]: 5, names[8]: 36, names[9]: None}
    rows = sample.table(names, codes).splitlines()
    # 10 sampled: 6 killed, 1 survived, 1 without tests, 1 timed out, 1 not run; 2 of the 9 run survive (22%),
    # with a margin of 1.96 * sqrt(0.222 * 0.778 / 9) = 27%
    assert rows[2] == "| judge.status | 10 | 6 | 1 | 1 | 1 | 22% (±27%) |"
    assert rows[3] == "| **all** | 10 | 6 | 1 | 1 | 1 | 22% (±27%) |"
