"""PASS/FAIL bookkeeping: one line per check, a summary line and `N passed, N failed`."""

from __future__ import annotations


class Verdict:
    def __init__(self, scenario: str):
        self.scenario = scenario
        self.passed = 0
        self.failed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def finish(self) -> int:
        """Prints the summary; the process exit code (0 only when every check passed)."""
        outcome = "PASS" if self.failed == 0 and self.passed > 0 else "FAIL"
        print(f"{self.scenario}: {outcome}")
        print(f"{self.passed} passed, {self.failed} failed")
        return 0 if outcome == "PASS" else 1
