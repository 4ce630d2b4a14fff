"""The benchmark's CPU per request: a server's CPU is its master's and its workers' (by their
parent), read from /proc, so a figure per process shows where a page's time goes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bench.run import process_cpu

BURN = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n" \
       "time.sleep(30)"


def test_a_server_s_cpu_counts_its_workers():
    # A "master" (sh) whose "worker" burns 0.3 s of CPU, then idles.
    master = subprocess.Popen(["sh", "-c", f'"{sys.executable}" -c "$0" & wait', BURN],
                              start_new_session=True)
    try:
        used = 0.0
        for _ in range(100):  # until the worker has burnt its share (at most 10 s)
            used = process_cpu({"server": master.pid}).get("server", 0.0)
            if used >= 0.3:
                break
            time.sleep(0.1)
        assert used >= 0.3
        assert process_cpu({"server": master.pid})["server"] < 1.0  # its burn and its start
        assert "server" not in process_cpu({"server": 2**22 + 1})  # no such process
    finally:
        os.killpg(master.pid, signal.SIGKILL)  # the master and its worker
        master.wait()
