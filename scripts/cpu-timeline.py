#!/usr/bin/env python3
"""cpu-timeline: where a round's two cores go, thread by thread, every 10 ms (issue 18).

As a wrapper that daemon-bench starts in place of the binary (it runs the binary as its child and samples it):

    NW_TIMELINE_BIN=.build/release/newswatch NW_TIMELINE_OUT=/tmp/timelines \\
        python3 scripts/daemon-bench.py --cold-only --newswatch scripts/cpu-timeline.py --runs 3

then the report of every round it sampled:

    python3 scripts/cpu-timeline.py --report /tmp/timelines/*.json

Every 10 ms it reads each thread's run time and run-queue wait (/proc/PID/task/TID/schedstat, nanoseconds) of the
child and of nginx's processes (the benchmark's server shares the cores). The report gives per round: wall, CPU,
the mean number of cores busy, the busiest thread (in a cold round, the store's writer) with its CPU and the time
it waited for a core, and the writer's stalls: 10-ms samples in which the writer did not run and the rest of the
process used under 0.6 of a core (the whole pipeline waiting with the writer). Stdlib only; Linux only.
"""
import glob
import json
import os
import subprocess
import sys
import time


def read_threads(pid):
    """{tid: (run ns, wait ns)} of every thread of `pid` still alive."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait = f.read().split()[:2]
            out[tid] = (int(run), int(wait))
        except (OSError, ValueError):
            pass
    return out


def sample(binary, args, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    nginx = [d.split("/")[2] for d in glob.glob("/proc/[0-9]*/comm") if open(d).read().startswith("nginx")]
    child = subprocess.Popen([binary] + args)
    last, rows, t0 = {}, [], time.monotonic()
    before = time.monotonic()
    while child.poll() is None:
        now_threads = {}
        for label, pid in [("nw", child.pid)] + [("nginx", p) for p in nginx]:
            for tid, v in read_threads(pid).items():
                now_threads[f"{label}:{tid}"] = v
        now = time.monotonic()
        # First sight of a thread counts its whole run time (it started since the last sample); nginx's history
        # before the round is dropped with the first row.
        delta = {k: v[0] - last.get(k, (0, 0))[0] for k, v in now_threads.items()}
        rows.append((now - t0, now - before, {k: d for k, d in delta.items() if d}))
        last.update(now_threads)
        before = now
        time.sleep(0.01)
    waits = {k: v[1] for k, v in last.items()}
    runs = {k: v[0] for k, v in last.items()}
    path = os.path.join(out_dir, f"timeline-{os.getpid()}.json")
    with open(path, "w") as f:
        json.dump({"binary": binary, "rows": rows[1:], "run_ns": runs, "wait_ns": waits}, f)
    return child.returncode


def report(path):
    data = json.load(open(path))
    rows = data["rows"]
    if not rows:
        print(f"{path}: no samples")
        return
    total = {}
    for _, _, d in rows:
        for k, v in d.items():
            total[k] = total.get(k, 0) + v
    ours = [k for k in total if k.startswith("nw:")]
    writer = max(ours, key=lambda k: total[k])
    wall = rows[-1][0]
    cpu = sum(total[k] for k in ours) / 1e9
    stall_s, stalls, inside = 0.0, 0, False
    for t, dt, d in rows:
        w = d.get(writer, 0) / 1e9 / dt
        rest = sum(v for k, v in d.items() if k.startswith("nw:") and k != writer) / 1e9 / dt
        # The first and last 0.3 s are start-up and the end of the round, where the writer idles by design.
        stalled = w < 0.05 and rest < 0.6 and 0.3 < t < wall - 0.3
        stall_s += dt if stalled else 0
        stalls += 1 if stalled and not inside else 0
        inside = stalled
    nginx = sum(v for k, v in total.items() if k.startswith("nginx:")) / 1e9
    print(
        f"{os.path.basename(path)}: wall {wall:.2f} s, CPU {cpu:.2f} s, {cpu / wall:.2f} cores busy"
        f" (nginx {nginx:.2f} s); busiest thread {total[writer] / 1e9:.2f} s run,"
        f" {data['wait_ns'].get(writer, 0) / 1e9:.2f} s waiting for a core; writer stalls {stall_s * 1000:.0f} ms"
        f" in {stalls}")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--report":
        for path in sys.argv[2:]:
            report(path)
        return 0
    binary = os.environ.get("NW_TIMELINE_BIN")
    if not binary:
        sys.exit("cpu-timeline: set NW_TIMELINE_BIN to the newswatch binary (and NW_TIMELINE_OUT to a folder)")
    return sample(binary, sys.argv[1:], os.environ.get("NW_TIMELINE_OUT", "/tmp/nw-timelines"))


if __name__ == "__main__":
    sys.exit(main())
