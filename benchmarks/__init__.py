"""Benchmarks of the course: how fast it is, measured against the limit and the alternatives.

Run ``python3 -m benchmarks.run`` (``--help`` for the options). The benchmark prints figures;
it is not part of the pass/fail test suite.
"""
