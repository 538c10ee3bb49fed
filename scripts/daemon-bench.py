#!/usr/bin/env python3
"""daemon-bench: the whole daemon round (issue 5 "Speed and memory") with the release `newswatch` binary.

    swift build -c release --product newswatch
    python3 scripts/daemon-bench.py [--runs 3] [--hosts 100] [--concurrency 16] [--daemon-seconds 120]
    python3 scripts/daemon-bench.py --cold-only --newsboat --newswatch NEW --newswatch OLD --runs 2
    python3 scripts/daemon-bench.py --curl --extra-304 4 --newswatch NEW --newswatch OLD   # all-304 A/B

Serves the 2,000-feed corpus of ../shared/bench (made if missing: gen_corpus.py --feeds 2000 --seed 1 --out
/tmp/corpus; never modified) from nginx on loopback, under --hosts addresses 127.0.0.1 … 127.0.0.H (feed i on
address i mod H), so the daemon's 2-per-host limit applies as it would to feeds spread over many publishers.
Writes a config with the 2,000 feeds and the 300 broad topics (gen_topics.py --topics 300 --seed 1) and measures,
each as a child of this script with its rusage from wait4 (wall monotonic; CPU = user + system; peak RSS =
ru_maxrss of that child):

  cold     `run --once` on a fresh state dir: every item new
  304      `run --once` again: every feed answers 304 Not Modified
           (several --newswatch: each binary in turn on the same state, the order rotated every round; then the
           median CPU, wall and wall / curl's per binary)
  curl-304 (--curl) after each 304 round, curl fetching the same 2,000 URLs with the validators newswatch stored
           (every answer a 304), 16 transfers in parallel on one multi handle: the all-304 round's reference
  changed  `run --once` after 5% of the feeds (every 20th) got new items at the top (5 by default, dated now)
  cold-only (--cold-only) only the cold round, of every --newswatch binary given (each on a fresh state dir) and
           with --newsboat of newsboat, interleaved in one run and the order rotated from run to run, the load
           average printed before each; at the end the ratio newsboat / newswatch of each pair in the same run
  daemon   `run` with a short interval for a bounded time while 5% of the feeds change every interval, on a copy of
           the state the rounds above left (their stored next-due times cleared, so the daemon schedules every feed
           afresh over its first interval); --daemon-fresh starts from an empty state instead (then the cold ingest
           is part of the run). RSS sampled from /proc every 0.25 s, peak from wait4 after SIGTERM. Several
           --newswatch: every binary's daemon at once, side by side, each on its own copy of the state, all fed
           the same changes; --smaps-at S prints each one's resident set per mapping at S seconds and at the end

nginx's access log (status only) checks that every round saw the statuses it should. Served files are symlinks to
the corpus; a changed feed is a new file written in the serving dir beside them (the corpus stays untouched).
Stdlib only; Linux only (wait4, /proc).
"""
import argparse
import datetime as dt
import glob
import json
import os
import random
import shlex
import shutil
import signal
import sqlite3
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BENCH = "/work/shared/bench"


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--newswatch", action="append", default=None,
                    help="the binary (default: .build/release/newswatch); several: interleaved (--cold-only), or the "
                         "first does the cold and changed rounds and every one an all-304 round in turn on that "
                         "state (each followed by curl's with --curl)")
    ap.add_argument("--bench-dir", default=BENCH, help="where gen_corpus.py and gen_topics.py live")
    ap.add_argument("--corpus", default="/tmp/corpus")
    ap.add_argument("--topics", default="/tmp/topics")
    ap.add_argument("--feeds", type=int, default=None,
                    help="use the corpus's first N feeds (default: all; for the curve over a larger corpus)")
    ap.add_argument("--hosts", type=int, default=100, help="loopback addresses to spread the feeds over")
    ap.add_argument("--concurrency", type=int, default=16, help="daemon.concurrency (the contract's default)")
    ap.add_argument("--backfill", default="6h", help="daemon.backfill (the contract's default)")
    ap.add_argument("--runs", type=int, default=1, help="repeat cold → 304 → changed on fresh state this often")
    ap.add_argument("--extra-304", type=int, default=2, help="further all-304 rounds after each 304 round")
    ap.add_argument("--changed", type=float, default=0.05, help="share of feeds changed per change round")
    ap.add_argument("--new-items", type=int, default=5, help="new items per changed feed")
    ap.add_argument("--daemon-seconds", type=float, default=120, help="0 skips the daemon run")
    ap.add_argument("--daemon-interval", type=int, default=30, help="seconds; also how often feeds change")
    ap.add_argument("--daemon-fresh", action="store_true", help="run the daemon on an empty state dir")
    ap.add_argument("--daemon-wrap", default=None,
                    help="start each daemon under this command, one that execs it (so SIGTERM and /proc reach the "
                         "daemon), e.g. scripts/heaptrack-exec.sh; the daemon's RSS then includes the profiler's")
    ap.add_argument("--smaps-at", type=float, default=None,
                    help="print each daemon's resident set per mapping at this second and at the end")
    ap.add_argument("--newsboat", action="store_true",
                    help="also time newsboat's cold reload and all-304 reload of the same URLs (the README's reference)")
    ap.add_argument("--curl", action="store_true",
                    help="after each 304 round, time curl fetching the same 304s (the validators newswatch stored, "
                         "16 in parallel: issue 18's reference)")
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--cold-only", action="store_true",
                    help="only cold rounds: every --newswatch binary and (--newsboat) newsboat, interleaved per run")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (state, logs) for a look")
    a = ap.parse_args()
    a.binaries = a.newswatch or [os.path.join(REPO, ".build/release/newswatch")]
    a.newswatch = a.binaries[0]
    return a


# MARK: - data


def ensure_data(a):
    if not os.path.exists(os.path.join(a.corpus, "manifest.tsv")):
        subprocess.run([sys.executable, f"{a.bench_dir}/gen_corpus.py", "--feeds", str(getattr(a, "feeds", None) or 2000), "--seed", "1",
                        "--out", a.corpus], check=True)
    if not os.path.exists(os.path.join(a.topics, "topics.toml")):
        subprocess.run([sys.executable, f"{a.bench_dir}/gen_topics.py", "--topics", "300", "--seed", "1",
                        "--out", a.topics], check=True)
    feeds = []
    with open(os.path.join(a.corpus, "manifest.tsv")) as f:
        next(f)
        for line in f:
            name, fmt, enc = line.split("\t")[:3]
            feeds.append((name, fmt, enc))
    return feeds[:a.feeds] if a.feeds else feeds


class FeedChanger:
    """Puts new items (made with gen_corpus.py's own generators, dated now) at the top of served feeds."""

    def __init__(self, a, www, feeds):
        sys.path.insert(0, a.bench_dir)
        import gen_corpus  # noqa: E402

        self.g = gen_corpus
        self.a = a
        self.www = www
        self.feeds = feeds
        self.generation = 0

    def change(self, indices):
        self.generation += 1
        g = self.g
        for i in indices:
            name, fmt, enc = self.feeds[i]
            path = os.path.join(self.www, name)
            with open(path, "rb") as f:
                data = f.read()
            rng = random.Random(f"daemon-bench:{self.generation}:{i}")
            site = f"changed{i}.example.com"
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            items = g.make_items(rng, self.a.new_items, now, 0.035, site, "World")
            meta = {"title": "t", "desc": "d", "site": site, "lang": "en", "t": now}
            gen = {"rss2": g.gen_rss2, "atom": g.gen_atom, "rdf": g.gen_rdf}[fmt]
            text = gen(rng, meta, items, False, enc)
            start, end, anchor = {
                "rss2": ("<item>\n", "</channel>", b"<item>\n"),
                "atom": ("<entry>\n", "</feed>", b"<entry>\n"),
                "rdf": ("<item rdf:about", "</rdf:RDF>", b"<item rdf:about"),
            }[fmt]
            segment = text[text.index(start):text.rindex(end)]
            encoded = segment.encode({"UTF-8": "utf-8", "ISO-8859-1": "iso-8859-1", "windows-1252": "cp1252"}[enc],
                                     errors="xmlcharrefreplace")
            at = data.index(anchor)
            tmp = path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(data[:at] + encoded + data[at:])
            os.replace(tmp, path)  # replaces the symlink, never the corpus file


# MARK: - nginx


def free_port(hosts):
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        ok = True
        for h in range(1, hosts + 1):
            t = socket.socket()
            try:
                t.bind((f"127.0.0.{h}", port))
            except OSError:
                ok = False
            finally:
                t.close()
            if not ok:
                break
        if ok:
            return port
    raise SystemExit("no free port on every loopback address")


class Nginx:
    def __init__(self, root, work, hosts):
        self.port = free_port(hosts)
        self.dir = os.path.join(work, "nginx")
        os.makedirs(self.dir)
        self.access = os.path.join(self.dir, "access.log")
        listens = "\n".join(f"        listen 127.0.0.{h}:{self.port};" for h in range(1, hosts + 1))
        conf = f"""
worker_processes 1;
daemon off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format st '$status';
    access_log {self.access} st buffer=64k flush=100ms;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 120;
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    types {{ application/rss+xml xml; }}
    server {{
{listens}
        root {root};
    }}
}}
"""
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", self.dir, "-e", f"{self.dir}/error.log",
                                      "-c", f"{self.dir}/nginx.conf"])
        for _ in range(500):
            try:
                socket.create_connection((f"127.0.0.{hosts}", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.01)
        else:
            raise SystemExit("nginx did not start; see " + self.dir)
        self.seen = 0

    def statuses_since_last(self):
        """Status counts logged since the previous call (waits out nginx's 100 ms log flush)."""
        time.sleep(0.3)
        with open(self.access) as f:
            lines = f.read().split()
        new = lines[self.seen:]
        self.seen = len(lines)
        counts = {}
        for s in new:
            counts[s] = counts.get(s, 0) + 1
        return dict(sorted(counts.items()))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# MARK: - running newswatch


def write_config(path, a, state, feeds, port, interval):
    lines = ["[daemon]", f'state_dir = "{state}"', f'interval = "{interval}s"', f"concurrency = {a.concurrency}",
             f'backfill = "{a.backfill}"', "allow_private_networks = true", ""]
    for i, (name, _, _) in enumerate(feeds):
        lines += ["[[feeds]]", f'url = "http://127.0.0.{1 + i % a.hosts}:{port}/{name}"', f'name = "{name}"', ""]
    with open(os.path.join(a.topics, "topics.toml")) as f:
        lines.append(f.read())
    with open(path, "w") as f:
        f.write("\n".join(lines))


def spawn(argv, log):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        return os.posix_spawn(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2)])
    finally:
        os.close(fd)


def reap(pid, t0):
    _, status, ru = os.wait4(pid, 0)
    return {"wall": time.monotonic() - t0, "user": ru.ru_utime, "sys": ru.ru_stime,
            "cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024,
            "exit": os.waitstatus_to_exitcode(status)}


def run_once(a, config, log, binary=None):
    with open(log, "a") as f:
        f.write("---- run --once\n")
    t0 = time.monotonic()
    pid = spawn([binary or a.newswatch, "run", "--once", "--config", config, "--log-level", a.log_level], log)
    r = reap(pid, t0)
    with open(log) as f:
        done = [line for line in f if "round done" in line]
    r["summary"] = done[-1].strip() if done else "(no 'round done' line)"
    return r


def run_newsboat(work, urls, tag, log):
    """`newsboat -x reload` with its default settings on a cache of its own (fresh for the cold round)."""
    cache = os.path.join(work, "newsboat-cache.db")
    conf = os.path.join(work, "newsboat.conf")
    if not os.path.exists(conf):
        open(conf, "w").close()
    t0 = time.monotonic()
    pid = spawn(["/usr/bin/newsboat", "-u", urls, "-c", cache, "-C", conf, "-x", "reload"], log)
    r = reap(pid, t0)
    r["summary"] = f"newsboat {tag}: exit {r['exit']}"
    return r


def run_curl_304(work, state, log, parallel=16):
    """curl fetching every feed once with the validators newswatch stored (so every answer is a 304), `parallel`
    transfers at a time on one multi handle, as one child process: the all-304 round's reference."""
    db = sqlite3.connect(os.path.join(state, "newswatch.sqlite"))
    rows = db.execute("SELECT url, etag, last_modified FROM feeds WHERE active = 1 ORDER BY id").fetchall()
    db.close()

    def quoted(v):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    cfg = os.path.join(work, "curl-304.cfg")
    with open(cfg, "w") as f:
        for i, (url, etag, last_modified) in enumerate(rows):
            if i:
                f.write("next\n")  # between sections only: a trailing one is an empty section (exit 2)
            f.write(f"url = {quoted(url)}\noutput = \"/dev/null\"\n")
            if etag:
                f.write(f"header = {quoted('If-None-Match: ' + etag)}\n")
            if last_modified:
                f.write(f"header = {quoted('If-Modified-Since: ' + last_modified)}\n")
    t0 = time.monotonic()
    pid = spawn(["/usr/bin/curl", "--parallel", "--parallel-max", str(parallel), "--no-progress-meter", "-K", cfg], log)
    r = reap(pid, t0)
    r["summary"] = f"curl {len(rows)} URLs with stored validators, {parallel} in parallel: exit {r['exit']}"
    return r


def vm_rss_mib(pid, field="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def alert_lines(state):
    n = 0
    for p in glob.glob(os.path.join(state, "alerts", "*.jsonl")):
        with open(p, "rb") as f:
            n += sum(1 for _ in f)
    return n


def show(label, r, statuses, extra=""):
    print(f"{label:<9} wall {r['wall']:7.3f} s  CPU {r['cpu']:7.3f} s (user {r['user']:.3f} sys {r['sys']:.3f})  "
          f"peak RSS {r['rss_mib']:6.1f} MiB  exit {r['exit']}  nginx {statuses}{extra}")
    print(f"          {r['summary']}")
    sys.stdout.flush()


def write_newsboat_urls(work, a, feeds, port):
    urls = os.path.join(work, "newsboat-urls")
    with open(urls, "w") as f:
        for i, (name, _, _) in enumerate(feeds):
            f.write(f"http://127.0.0.{1 + i % a.hosts}:{port}/{name}\n")
    return urls


def newsboat_cold(work, urls):
    for stale in glob.glob(os.path.join(work, "newsboat-cache.db*")):
        os.unlink(stale)
    return run_newsboat(work, urls, "cold reload", os.path.join(work, "newsboat.log"))


def cold_only(a, work, feeds, nginx):
    """Cold rounds only: each binary on a fresh state and newsboat on a fresh cache, interleaved, the order rotated
    per run so no contender always runs first; the ratio newsboat / newswatch per pair of the same run."""
    contenders = [(f"nw{k}", b) for k, b in enumerate(a.binaries)] + ([("newsboat", None)] if a.newsboat else [])
    for k, b in enumerate(a.binaries):
        print(f"nw{k} = {b}")
    urls = write_newsboat_urls(work, a, feeds, nginx.port) if a.newsboat else None
    runs = []
    for run in range(a.runs):
        shift = run % len(contenders)
        got = {}
        for label, binary in contenders[shift:] + contenders[:shift]:
            load = os.getloadavg()
            print(f"run {run} {label}: load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
            nginx.statuses_since_last()
            if binary is None:
                r = newsboat_cold(work, urls)
                show("nb-cold", r, nginx.statuses_since_last())
            else:
                state = os.path.join(work, f"state-{run}-{label}")
                config = os.path.join(work, f"newswatch-{run}-{label}.toml")
                write_config(config, a, state, feeds, nginx.port, 600)
                r = run_once(a, config, os.path.join(work, f"run-{run}-{label}.log"), binary)
                show(f"{label}-cold", r, nginx.statuses_since_last(), f"  alerts {alert_lines(state)}")
                if not a.keep:
                    shutil.rmtree(state, ignore_errors=True)  # 300+ MB each: keep the disk for the next ones
            r["load_before"] = load
            got[label] = r
        runs.append(got)
    if a.newsboat:
        print("newsboat / newswatch, per pair of the same run (wall; CPU):")
        for run, got in enumerate(runs):
            nb = got["newsboat"]
            print(f"  run {run}: " + "  ".join(
                f"{label} {nb['wall'] / r['wall']:.1f}x; {nb['cpu'] / r['cpu']:.1f}x"
                for label, r in got.items() if label != "newsboat"))
    return runs


def smaps_by_file(pid):
    """The resident set per mapped file (anonymous mappings, the heap and stacks under their own names), MiB, from
    /proc/PID/smaps: what each library and the binary keep resident, and how much of that is dirty (relocated)."""
    got = {}
    name = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split()
                if not head:
                    continue
                if not head[0].endswith(":") or "-" in head[0]:
                    name = head[5] if len(head) > 5 else "[anon]"
                    continue
                if head[0] in ("Rss:", "Private_Dirty:", "Anonymous:"):
                    entry = got.setdefault(name, {"Rss:": 0, "Private_Dirty:": 0, "Anonymous:": 0})
                    entry[head[0]] += int(head[1])
    except OSError:
        return {}
    return got


def print_smaps(label, got, limit=25):
    total = sum(v["Rss:"] for v in got.values())
    print(f"          {label} smaps: {total / 1024:.1f} MiB resident in {len(got)} named mappings; largest "
          f"(Rss / of it anonymous, MiB):")
    for name, v in sorted(got.items(), key=lambda kv: -kv[1]["Rss:"])[:limit]:
        print(f"            {v['Rss:'] / 1024:6.2f} / {v['Anonymous:'] / 1024:5.2f}  {name}")


def thread_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


def run_daemons(a, work, feeds, nginx, changer, step, results):
    """`run` of every --newswatch binary at once, side by side (each on its own copy of the state the rounds left,
    all fed the same changes by the one nginx), RSS sampled per daemon; with --daemon-wrap the daemon is started
    under that command (e.g. scripts/heaptrack-exec.sh), and its resident figures include the profiler's."""
    daemons = []
    for k, binary in enumerate(a.binaries):
        label = f"nw{k}" if len(a.binaries) > 1 else "daemon"
        state = os.path.join(work, f"state-daemon-{k}")
        if not a.daemon_fresh:
            shutil.copytree(os.path.join(work, f"state-{a.runs - 1}"), state)
            for old in glob.glob(os.path.join(state, "alerts", "*.jsonl")):
                os.remove(old)  # count only the daemon's own alerts below
            db = sqlite3.connect(os.path.join(state, "newswatch.sqlite"))
            db.execute("UPDATE feeds SET next_due = NULL")
            db.commit()
            db.close()
        config = os.path.join(work, f"newswatch-daemon-{k}.toml")
        write_config(config, a, state, feeds, nginx.port, a.daemon_interval)
        daemons.append({"label": label, "binary": binary, "state": state, "config": config, "samples": [],
                        "log": os.path.join(work, f"daemon-{k}.log")})
    if len(daemons) > 1:
        for d in daemons:
            print(f"{d['label']} daemon = {d['binary']}")
    nginx.statuses_since_last()
    t0 = time.monotonic()
    wrap = shlex.split(a.daemon_wrap) if a.daemon_wrap else []
    try:
        for d in daemons:
            d["pid"] = spawn(wrap + [d["binary"], "run", "--config", d["config"], "--log-level", a.log_level],
                             d["log"])
        next_change = t0 + a.daemon_interval
        next_smaps = t0 + a.smaps_at if a.smaps_at else None
        changes = 0
        while time.monotonic() - t0 < a.daemon_seconds:
            for d in daemons:
                rss = vm_rss_mib(d["pid"])
                if rss is not None:
                    d["samples"].append((time.monotonic() - t0, rss))
            if next_smaps and time.monotonic() >= next_smaps:
                next_smaps = None
                for d in daemons:
                    print_smaps(f"{d['label']} at {time.monotonic() - t0:.0f} s", smaps_by_file(d["pid"]))
            if step and time.monotonic() >= next_change:
                changes += 1
                changer.change(range(changes % step, len(feeds), step))
                next_change += a.daemon_interval
            time.sleep(0.25)
        # What the resident set is made of just before the end: the heap and stacks (anonymous) against the binary's and
        # the libraries' pages (file-backed, shared with every other process that maps them).
        for d in daemons:
            d["split"] = {k: vm_rss_mib(d["pid"], k) for k in ("RssAnon", "RssFile", "RssShmem")}
            d["threads"] = thread_count(d["pid"])
            d["smaps"] = smaps_by_file(d["pid"]) if a.smaps_at else {}
    except BaseException:
        # Whatever stopped the run (an I/O error, ^C, a closed pipe), no daemon outlives it on a state the work dir's
        # removal deletes under it.
        for d in daemons:
            if "pid" in d:
                try:
                    os.kill(d["pid"], signal.SIGTERM)
                    os.waitpid(d["pid"], 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
        raise
    for d in daemons:
        os.kill(d["pid"], signal.SIGTERM)
    statuses = nginx.statuses_since_last()
    for d in daemons:
        r = reap(d["pid"], t0)
        r["summary"] = f"{changes} change rounds of {len(range(0, len(feeds), step)) if step else 0} feeds"
        show(d["label"], r, statuses, f"  alerts {alert_lines(d['state'])}")
        r["binary"] = d["binary"]
        results["daemon"].append(r)
        samples = d["samples"]
        peak = max(samples, key=lambda s: s[1]) if samples else (0, 0)
        if not samples:
            print("          sampled VmRSS: no sample (the daemon ended at once: see its log)")
            continue
        print(f"          sampled VmRSS: peak {peak[1]:.1f} MiB at {peak[0]:.1f} s; last {samples[-1][1]:.1f} MiB "
              f"at {samples[-1][0]:.1f} s; {d['threads']} threads at the end")
        print("          at the end: " + ", ".join(f"{k} {v:.1f} MiB" for k, v in d["split"].items() if v is not None))
        timeline = []
        mark = 0.0
        for t, rss in samples:
            if t >= mark:
                timeline.append(f"{t:.0f}s:{rss:.0f}")
                mark += 10
        print("          VmRSS MiB every ~10 s: " + " ".join(timeline))
        if d["smaps"]:
            print_smaps(f"{d['label']} at the end", d["smaps"])
        results.setdefault("daemon_rss_samples", {})[d["binary"]] = samples


def summarize_304(a, rounds):
    """Per binary: the all-304 rounds' median CPU and wall, and (--curl) the median of wall / curl's wall of the
    curl run right after each round."""
    for binary in a.binaries:
        mine = [r for r in rounds if r.get("binary", a.binaries[0]) == binary]
        failed = [r for r in mine if r.get("exit") != 0]
        if failed:
            # A round that failed (e.g. an older binary refusing a state a newer one migrated) is no measurement.
            print(f"all-304 {binary}: {len(failed)} of {len(mine)} rounds failed (exit "
                  f"{sorted({r.get('exit') for r in failed})}); not counted")
            mine = [r for r in mine if r.get("exit") == 0]
        if not mine:
            continue
        line = (f"all-304 {binary}: {len(mine)} rounds, CPU median {statistics.median(r['cpu'] for r in mine):.3f} s, "
                f"wall median {statistics.median(r['wall'] for r in mine):.3f} s")
        pairs = sorted(r["wall"] / r["curl_wall"] for r in mine if r.get("curl_wall"))
        if pairs:
            line += (f"; wall / curl's: median {statistics.median(pairs):.2f}x ({pairs[0]:.2f}-{pairs[-1]:.2f}), "
                     f"{sum(p <= 2 for p in pairs)} of {len(pairs)} <= 2x")
        print(line)


def main():
    a = parse_args()
    for binary in a.binaries:
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} missing: swift build -c release --product newswatch")
    feeds = ensure_data(a)
    work = tempfile.mkdtemp(prefix="nw-daemon-bench-")
    os.chmod(work, 0o755)  # nginx's worker drops to an unprivileged user when started as root
    www = os.path.join(work, "www")
    os.makedirs(www)
    for name, _, _ in feeds:
        os.symlink(os.path.join(os.path.abspath(a.corpus), name), os.path.join(www, name))
    nginx = Nginx(www, work, a.hosts)
    results = {"cold": [], "304": [], "curl-304": [], "changed": [], "daemon": []}
    try:
        print(f"daemon-bench: {len(feeds)} feeds on 127.0.0.1-{a.hosts}:{nginx.port}, concurrency {a.concurrency}, "
              f"backfill {a.backfill}, {a.runs} run(s); binary {a.newswatch}; work dir {work}")
        print(f"load average before: {os.getloadavg()}")
        # Warm the page cache and nginx once, unmeasured.
        for name, _, _ in feeds:
            with open(os.path.join(www, name), "rb") as f:
                f.read()
        if a.cold_only:
            results = {"cold_only": cold_only(a, work, feeds, nginx)}
            print(f"load average after: {os.getloadavg()}")
            with open(os.path.join(work, "results.json"), "w") as f:
                json.dump(results, f, indent=1)
            return
        changer = FeedChanger(a, www, feeds)
        step = max(1, round(1 / a.changed)) if a.changed > 0 else 0
        for run in range(a.runs):
            state = os.path.join(work, f"state-{run}")
            config = os.path.join(work, f"newswatch-{run}.toml")
            log = os.path.join(work, f"run-{run}.log")
            write_config(config, a, state, feeds, nginx.port, 600)
            nginx.statuses_since_last()
            r = run_once(a, config, log)
            show("cold", r, nginx.statuses_since_last(), f"  alerts {alert_lines(state)}")
            results["cold"].append(r)
            if a.newsboat:
                urls = write_newsboat_urls(work, a, feeds, nginx.port)
                r = newsboat_cold(work, urls)
                show("nb-cold", r, nginx.statuses_since_last())
            for n in range(1 + a.extra_304):
                # Several binaries: each takes a turn on the same state, the order rotated per round and per run.
                order = a.binaries[(n + run) % len(a.binaries):] + a.binaries[:(n + run) % len(a.binaries)]
                for binary in order:
                    r = run_once(a, config, log, binary)
                    r["binary"] = binary
                    show("304", r, nginx.statuses_since_last(), f"  {binary}" if len(a.binaries) > 1 else "")
                    results["304"].append(r)
                    if a.curl:
                        c = run_curl_304(work, state, os.path.join(work, "curl.log"))
                        show("curl-304", c, nginx.statuses_since_last())
                        results["curl-304"].append(c)
                        r["curl_wall"] = c["wall"]
            if a.newsboat:
                r = run_newsboat(work, urls, "reload again", os.path.join(work, "newsboat.log"))
                show("nb-again", r, nginx.statuses_since_last())
            if step:
                before = alert_lines(state)
                changer.change(range(run % step, len(feeds), step))
                r = run_once(a, config, log)
                show("changed", r, nginx.statuses_since_last(), f"  new alerts {alert_lines(state) - before}")
                results["changed"].append(r)
            print(f"          state dir {subprocess.run(['du', '-sh', state], capture_output=True, text=True).stdout.split()[0]}")

        if a.daemon_seconds > 0:
            run_daemons(a, work, feeds, nginx, changer, step, results)
        if len(a.binaries) > 1 or a.curl:
            summarize_304(a, results["304"])
        print(f"load average after: {os.getloadavg()}")
        with open(os.path.join(work, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
    finally:
        nginx.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
