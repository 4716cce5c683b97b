"""The benchmarks behind `make bench`: figures and ratios against baselines measured in one run.

Never imported by the application: nothing here is shipped. The tests use the smoke run and
`benchmarks.chromium` (how Debian's Chromium is launched, shared with the browser tests).
"""
