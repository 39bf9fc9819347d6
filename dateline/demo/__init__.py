"""Content for demos, tests and benchmarks: the demo site (seed.py) and the
synthetic archive (synthetic.py). It writes articles, comment policy,
branding and core pages, so it sits above those apps and nothing below
imports it."""
