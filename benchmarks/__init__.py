"""The benchmarks behind `make bench`: figures and ratios against baselines measured in one run.

Never imported by the application: nothing here is shipped, and only the smoke test uses it.
"""
