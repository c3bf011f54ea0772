"""Shared fixtures for the differential suite: both libraries, and the (op, sample) counter."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tools", "codegen"))

CHECKED = {"pairs": 0, "ops": set()}


def record(op_name):
    CHECKED["pairs"] += 1
    CHECKED["ops"].add(op_name)


def pytest_terminal_summary(terminalreporter):
    if CHECKED["pairs"]:
        terminalreporter.write_line(
            f"differential suite: {CHECKED['pairs']} (op, sample) pairs checked against torch "
            f"across {len(CHECKED['ops'])} ops")
