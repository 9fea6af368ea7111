"""Reliability and security: crashes, faults upstream and hostile input (issue 7).

The suite runs in `make test`; `make soak` runs the longer versions
(`python -m tests.reliability.soak`).
"""
