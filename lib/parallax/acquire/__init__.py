"""Getting pages: polite HTTP fetching (robots.txt, per-site limits), saved files, snapshots."""
