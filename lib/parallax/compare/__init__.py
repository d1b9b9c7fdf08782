"""Across outlets: claim alignment, the coverage map, wording diffs, distinctive terms and lexicons, text reuse, revisions."""
