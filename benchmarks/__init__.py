"""The benchmarks behind `make bench`: figures and ratios against baselines measured in the same run.

Never imported by the application; nothing here is shipped or used by a test other than the smoke test.
"""
