"""Resident memory, open descriptors and CPU time of a process, from /proc."""

from __future__ import annotations

import os

_TICKS = os.sysconf("SC_CLK_TCK")


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"process {pid} has no VmRSS (has it exited?)")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time, all threads."""
    with open(f"/proc/{pid}/stat") as stat:
        # The command name may contain spaces; fields restart after its ')'.
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def host_cpu_seconds() -> tuple[float, float, float]:
    """Busy, stolen and total CPU seconds of the whole machine since boot, all cores.

    "Busy" excludes idle and iowait; "stolen" is time the hypervisor gave
    to other guests while this one wanted to run.
    """
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = ticks
    busy = user + nice + system + irq + softirq
    return busy / _TICKS, steal / _TICKS, sum(ticks) / _TICKS


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def thread_count(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise RuntimeError(f"process {pid} has no Threads line (has it exited?)")
