#!/usr/bin/env python3
"""shared-bench: several `newswatch run` daemons sharing one PostgreSQL store (issue 15 "Speed").

    swift build -c release --product newswatch
    python3 scripts/shared-bench.py [--runs 2] [--daemons 1,2,3] [--feeds 2000]

Starts its own PostgreSQL 15 (initdb into a temporary folder as the `postgres` user, 127.0.0.1 and a free port
only; stopped and removed at the end, also on failure or SIGTERM) and serves the corpus from nginx on loopback as
scripts/daemon-bench.py does (its pieces are reused: corpus, nginx, config, wait4). Per run, configurations
interleaved (the daemon counts rotate from run to run):

  sqlite cold / 304   `run --once` on a fresh SQLite state dir, then again (every feed 304): the reference
  pg cold (n)         n daemons (`run`, service mode: the shared loop with leases), each with its own state_dir, on
                      a fresh database; done when nginx logged one fetch per feed and every feed has
                      `feeds.last_success` set; then SIGTERM
  pg 304 (n)          the same n daemons' configs again after `UPDATE feeds SET next_due = NULL` (and the leases
                      the SIGTERMed daemons left behind cleared, counted in the output): done when every feed's
                      `last_success` is at or after the round's start and nginx logged a 304 per feed

Each daemon is a child of this script: wall (monotonic, start to "done"), CPU and peak RSS from wait4 after the
SIGTERM. PostgreSQL's CPU is the postmaster's utime+stime+cutime+cstime (the backends it has reaped) plus its live
children's utime+stime, from /proc, before and after the round. nginx's status log shows whether any feed was
fetched twice. After the rounds, the claim rate: a PL/pgSQL copy of `PostgresStore.claimDueFeeds` (same candidate
query, per-host advisory locks, per-host count, UPDATE) run by 1, 2 and 3 concurrent psql sessions, each claim of
--concurrency feeds, then of 1, each followed by the daemon's release (next_due set, lease cleared), until every
feed was claimed; then the first 2,000 claims on a feeds table of --claim-feeds rows (synthetic rows added). Every
--sample-every seconds one psql session samples the daemons' sessions in pg_stat_activity and the holder of the
ingests' story lock: where the daemons wait.
Stdlib only; Linux only. As root, PostgreSQL runs as the `postgres` user (runuser); otherwise as the caller.
"""
import argparse
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PG_BIN = "/usr/lib/postgresql/15/bin"

sys.dont_write_bytecode = True  # no __pycache__ in scripts/ for the module loaded below
_spec = importlib.util.spec_from_file_location("daemon_bench", os.path.join(HERE, "daemon-bench.py"))
db = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(db)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--newswatch", default=os.path.join(REPO, ".build/release/newswatch"))
    ap.add_argument("--bench-dir", default=db.BENCH, help="where gen_corpus.py and gen_topics.py live")
    ap.add_argument("--feeds", type=int, default=2000, help="corpus size (gen_corpus.py --feeds) when it is made")
    ap.add_argument("--corpus", default="/tmp/corpus")
    ap.add_argument("--topics", default="/tmp/topics")
    ap.add_argument("--limit", type=int, default=0, help="use only the corpus's first N feeds (a quick check)")
    ap.add_argument("--hosts", type=int, default=100, help="loopback addresses to spread the feeds over")
    ap.add_argument("--concurrency", type=int, default=16, help="daemon.concurrency (the contract's default)")
    ap.add_argument("--backfill", default="6h", help="daemon.backfill (the contract's default)")
    ap.add_argument("--lease", default="2m", help="[store] lease (the contract's default)")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--daemons", default="1,2,3", help="daemon counts to measure")
    ap.add_argument("--rounds-304", type=int, default=1, help="all-304 rounds after each cold round")
    ap.add_argument("--claim-feeds", type=int, default=20000,
                    help="also measure the claim rate on a feeds table of this many rows (synthetic ones added)")
    ap.add_argument("--keep-stale-leases", action="store_true",
                    help="do not clear the leases SIGTERMed daemons left before an all-304 round")
    ap.add_argument("--no-sqlite", action="store_true", help="skip the SQLite reference")
    ap.add_argument("--pg-option", action="append", default=[],
                    help="extra `-c name=value` for the server (default: PostgreSQL's own settings)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds a round may take before it counts as hung")
    ap.add_argument("--sample-every", type=float, default=0.5,
                    help="seconds between samples of the daemons' sessions in pg_stat_activity (0: none)")
    ap.add_argument("--log-level", default="info")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs, configs) for a look")
    return ap.parse_args()


# MARK: - PostgreSQL


class Postgres:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1 (the test suite's PostgresCluster, in Python)."""

    def __init__(self, work, options):
        self.folder = os.path.join(work, "pg")
        os.makedirs(os.path.join(self.folder, "socket"))
        self.as_root = os.getuid() == 0
        if self.as_root:
            subprocess.run(["chown", "-R", "postgres:postgres", self.folder], check=True)
        self._run([f"{PG_BIN}/initdb", "-D", f"{self.folder}/data", "-U", "postgres", "--auth=trust", "--no-sync",
                   "-E", "UTF8", "--no-locale"])
        self.port = db.free_port(1)
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}/socket -c max_connections=200 "
                + " ".join(f"-c {o}" for o in options))
        self._run([f"{PG_BIN}/pg_ctl", "-D", f"{self.folder}/data", "-l", f"{self.folder}/server.log", "-w", "-t",
                   "60", "-o", opts, "start"])
        with open(f"{self.folder}/data/postmaster.pid") as f:
            self.pid = int(f.readline())

    def _run(self, argv, **kw):
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)

    def url(self, database):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql_argv(self, database):
        return ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                "-U", "postgres", "-d", database]

    def sql(self, sql, database="postgres"):
        r = subprocess.run(self.psql_argv(database) + ["-c", sql], check=True, capture_output=True, text=True)
        return r.stdout.strip()

    def cpu_seconds(self):
        """The server's CPU so far: the postmaster's own and its reaped children's, plus its live children's."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(entry), int(fields[1])
            if pid == self.pid:
                total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
            elif ppid == self.pid:
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def stop(self):
        try:
            self._run([f"{PG_BIN}/pg_ctl", "-D", f"{self.folder}/data", "-m", "fast", "-w", "stop"])
        except subprocess.CalledProcessError as e:
            print(f"pg_ctl stop failed: {e.stdout}", file=sys.stderr)
        shutil.rmtree(self.folder, ignore_errors=True)


# MARK: - rounds


def write_configs(a, work, tag, n, feeds, port, url):
    configs = []
    for d in range(n):
        state = os.path.join(work, f"state-{tag}-d{d}")
        config = os.path.join(work, f"newswatch-{tag}-d{d}.toml")
        db.write_config(config, a, state, feeds, port, 600)
        with open(config, "a") as f:
            f.write(f'\n[store]\nurl = "{url}"\nlease = "{a.lease}"\n')
        configs.append(config)
    return configs


def access_lines(nginx):
    with open(nginx.access) as f:
        return f.read().split()


def exited(pid):
    """Whether a child has exited (a zombie, not reaped yet: wait4 below still gets its rusage)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


class WaitSampler:
    """What the daemons' PostgreSQL sessions are doing, sampled every `every` seconds through ONE psql session
    (no connection per sample): state, wait event and the statement's start, counted per sample and session."""

    def __init__(self, pg, database, every, out):
        self.every = every
        self.database = database
        self.out = out
        # Its output goes to a file, never a pipe: a full pipe would block psql, then this script's writes to it.
        with open(out, "w") as f:
            self.proc = subprocess.Popen(pg.psql_argv("postgres"), stdin=subprocess.PIPE, stdout=f,
                                         stderr=subprocess.DEVNULL, text=True)
        self.next = time.monotonic()
        self.samples = 0

    def tick(self):
        if time.monotonic() < self.next:
            return
        self.next += self.every
        self.samples += 1
        activity = ("a.state || ' | ' || COALESCE(a.wait_event_type || ':' || a.wait_event, 'on CPU or client') || "
                    "' | ' || regexp_replace(left(a.query, 48), '\\s+', ' ', 'g')")
        self.proc.stdin.write(
            f"SELECT 'S | ' || {activity} FROM pg_stat_activity a "
            f"WHERE a.datname = '{self.database}' AND a.backend_type = 'client backend' "
            # The session holding the ingests' story lock (PostgresStore.storyLock, a bigint key: two oids).
            f"UNION ALL SELECT 'H | ' || {activity} FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            f"WHERE a.datname = '{self.database}' AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            f"AND l.classid = {STORY_LOCK >> 32} AND l.objid = {STORY_LOCK & 0xFFFFFFFF};\n")
        self.proc.stdin.flush()

    def summary(self):
        self.proc.communicate()
        with open(self.out) as f:
            out = f.read()
        counts = {}
        held = {}
        for line in out.splitlines():
            kind, state, wait, query = (line.split(" | ", 3) + ["", "", ""])[:4]
            if kind == "H":
                key = (f"waiting for the daemon (idle in transaction), after: {query[:40]}"
                       if state.startswith("idle in transaction") else f"{state}, {wait}: {query}")
                held[key] = held.get(key, 0) + 1
                continue
            if state == "idle":
                key = "idle (the daemon is elsewhere: fetch, parse, match, pool)"
            elif state.startswith("idle in transaction"):
                key = f"idle in transaction (the daemon computes between statements), last: {query[:40]}"
            else:
                key = f"{state}, {wait}: {query}"
            counts[key] = counts.get(key, 0) + 1
        return self.samples, sorted(counts.items(), key=lambda kv: -kv[1]), sorted(held.items(), key=lambda kv: -kv[1])


def shared_round(a, pg, nginx, database, configs, label, started_at, feeds):
    """Runs the daemons until every feed is fetched once and recorded (since `started_at`), then SIGTERMs them."""
    before = len(access_lines(nginx))
    samples_file = os.path.join(os.path.dirname(configs[0]), f"waits-{database}-{label.replace(' ', '-')}.txt")
    sampler = WaitSampler(pg, database, a.sample_every, samples_file) if a.sample_every > 0 else None
    cpu0 = pg.cpu_seconds()
    t0 = time.monotonic()
    pids = []
    for i, config in enumerate(configs):
        log = config.replace(".toml", ".log")
        with open(log, "a") as f:
            f.write(f"---- {label}\n")
        pids.append(db.spawn([a.newswatch, "run", "--config", config, "--log-level", a.log_level], log))
    done_at = None
    hung = False
    while True:
        time.sleep(0.1)
        if sampler:
            sampler.tick()
        if time.monotonic() - t0 > a.timeout:
            hung = True
            break
        if any(exited(p) for p in pids):
            print(f"  a daemon exited early: see {os.path.dirname(configs[0])}")
            hung = True
            break
        if len(access_lines(nginx)) - before < len(feeds):
            continue
        recorded = int(pg.sql(f"SELECT count(*) FROM feeds WHERE last_success >= {started_at}", database))
        if recorded >= len(feeds):
            done_at = time.monotonic()
            break
    wall = (done_at or time.monotonic()) - t0
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    results = [db.reap(p, t0) for p in pids]
    cpu = pg.cpu_seconds() - cpu0
    # Leases the daemons still held when they exited on SIGTERM (a poll finished but not yet released).
    stale = int(pg.sql("SELECT count(*) FROM feeds WHERE lease_owner IS NOT NULL", database))
    time.sleep(0.3)
    statuses = {}
    for s in access_lines(nginx)[before:]:
        statuses[s] = statuses.get(s, 0) + 1
    fetched = sum(statuses.values())
    doubled = fetched - len(feeds)
    per = "  ".join(f"d{i}: CPU {r['cpu']:.2f} s (u {r['user']:.2f} s {r['sys']:.2f}) RSS {r['rss_mib']:.1f} MiB "
                    f"exit {r['exit']}" for i, r in enumerate(results))
    print(f"{label:<14} wall {wall:8.2f} s{' HUNG' if hung else ''}  PostgreSQL CPU {cpu:7.2f} s  "
          f"daemons CPU {sum(r['cpu'] for r in results):7.2f} s  nginx {dict(sorted(statuses.items()))}"
          f"{f'  {doubled} extra fetches' if doubled else ''}  leases left after SIGTERM {stale}")
    print(f"               {per}")
    waits, holder = [], []
    if sampler:
        samples, waits, holder = sampler.summary()
        print(f"               sessions seen in {samples} samples of pg_stat_activity (one per {a.sample_every} s):")
        for key, n in waits[:8]:
            print(f"                 {n:6d}  {key}")
        print(f"               the story lock's holder in {sum(n for _, n in holder)} of them:")
        for key, n in holder[:6]:
            print(f"                 {n:6d}  {key}")
    sys.stdout.flush()
    return {"label": label, "wall": wall, "hung": hung, "pg_cpu": cpu, "daemons": results, "statuses": statuses,
            "stale_leases": stale,
            "waits": waits, "story_lock_holder": holder}


def pg_cold_and_304(a, pg, nginx, work, feeds, n, run):
    database = f"bench_r{run}_n{n}"
    pg.sql(f"CREATE DATABASE {database}")
    configs = write_configs(a, work, f"r{run}-n{n}", n, feeds, nginx.port, pg.url(database))
    out = [shared_round(a, pg, nginx, database, configs, f"pg cold {n}d", int(time.time()), feeds)]
    for _ in range(a.rounds_304):
        # Every feed due again. The leases the stopped daemons left behind are cleared too unless
        # --keep-stale-leases: otherwise their feeds wait for the lease to expire (2 minutes by default).
        pg.sql("UPDATE feeds SET next_due = NULL" + ("" if a.keep_stale_leases else
                                                    ", lease_owner = NULL, lease_until = NULL"), database)
        started = int(time.time()) + 1
        while time.time() < started:  # last_success is whole seconds: start the round in a fresh second
            time.sleep(0.02)
        out.append(shared_round(a, pg, nginx, database, configs, f"pg 304 {n}d", started, feeds))
    out[0]["database_size"] = pg.sql(f"SELECT pg_size_pretty(pg_database_size('{database}'))")
    # Scans of `items` by the ingests' lookups: sequential ones mean the planner had no statistics yet (the table
    # grows from empty and autovacuum analyzes it only on its next visit, autovacuum_naptime).
    out[0]["items_scans"] = pg.sql("SELECT seq_scan || ' seq scans (' || seq_tup_read || ' rows read), ' || idx_scan "
                                   "|| ' index scans, analyzed ' || autoanalyze_count || 'x' FROM pg_stat_user_tables "
                                   "WHERE relname = 'items'", database)
    return database, out


def sqlite_cold_and_304(a, nginx, work, feeds, run):
    state = os.path.join(work, f"state-r{run}-sqlite")
    config = os.path.join(work, f"newswatch-r{run}-sqlite.toml")
    log = os.path.join(work, f"r{run}-sqlite.log")
    db.write_config(config, a, state, feeds, nginx.port, 600)
    out = []
    for label in ["sqlite cold"] + ["sqlite 304"] * a.rounds_304:
        nginx.statuses_since_last()
        r = db.run_once(a, config, log)
        db.show(label, r, nginx.statuses_since_last())
        r["label"] = label
        out.append(r)
    return out


# MARK: - claim rate

CLAIM_FUNCTION = """
CREATE FUNCTION pg_temp.claim(p_owner text, p_t bigint, p_lim int, p_per_host int, p_lease int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    c record; v_ids bigint[] := '{}'; v_hs text[] := '{}'; v_hosts text[]; v_held jsonb := '{}';
    v_taken jsonb := '{}'; v_chosen bigint[] := '{}'; v_h text; v_n int; v_claimed int;
BEGIN
    FOR c IN
        WITH held AS (
            SELECT host, count(*) AS n FROM feeds WHERE host IS NOT NULL AND lease_until > p_t GROUP BY host),
        due AS MATERIALIZED (
            SELECT f.id, f.host, f.next_due FROM feeds f
            WHERE f.active AND (f.next_due IS NULL OR f.next_due <= p_t)
                AND (f.lease_until IS NULL OR f.lease_until <= p_t)
                AND NOT EXISTS (SELECT 1 FROM held h WHERE h.host = f.host AND h.n >= p_per_host)
            ORDER BY f.next_due NULLS FIRST, f.id
            LIMIT greatest(64, p_lim * 8))
        SELECT id, host FROM feeds
        WHERE id = ANY(ARRAY(
                SELECT id FROM (
                    SELECT d.id, d.host, COALESCE(h.n, 0) AS held,
                        row_number() OVER (PARTITION BY d.host ORDER BY d.next_due NULLS FIRST, d.id) AS n
                    FROM due d LEFT JOIN held h ON h.host = d.host) AS capped
                WHERE host IS NULL OR n + held <= p_per_host))
            AND active AND (next_due IS NULL OR next_due <= p_t) AND (lease_until IS NULL OR lease_until <= p_t)
        ORDER BY next_due NULLS FIRST, id
        LIMIT p_lim
        FOR UPDATE SKIP LOCKED
    LOOP
        v_ids := v_ids || c.id; v_hs := v_hs || c.host;
    END LOOP;
    IF cardinality(v_ids) = 0 THEN RETURN 0; END IF;
    SELECT array_agg(DISTINCT x ORDER BY x) INTO v_hosts FROM unnest(v_hs) AS x WHERE x IS NOT NULL;
    IF v_hosts IS NOT NULL THEN
        PERFORM pg_advisory_xact_lock(HOST_LOCK_SPACE, k)
            FROM (SELECT DISTINCT hashtext(x) AS k FROM unnest(v_hosts) AS x ORDER BY 1) AS s;
        SELECT COALESCE(jsonb_object_agg(host, cnt), '{}') INTO v_held FROM (
            SELECT host, count(*) AS cnt FROM feeds WHERE host = ANY(v_hosts) AND lease_until > p_t GROUP BY host) AS s;
    END IF;
    FOR i IN 1 .. cardinality(v_ids) LOOP
        v_h := v_hs[i];
        IF v_h IS NOT NULL THEN
            v_n := COALESCE((v_held->>v_h)::int, 0) + COALESCE((v_taken->>v_h)::int, 0);
            CONTINUE WHEN v_n >= p_per_host;
            v_taken := v_taken || jsonb_build_object(v_h, COALESCE((v_taken->>v_h)::int, 0) + 1);
        END IF;
        v_chosen := v_chosen || v_ids[i];
    END LOOP;
    UPDATE feeds SET lease_owner = p_owner, lease_until = p_t + p_lease WHERE id = ANY(v_chosen);
    GET DIAGNOSTICS v_claimed = ROW_COUNT;
    RETURN v_claimed;
END $$;
"""


STORY_LOCK = 0x6E7773746F726965  # PostgresStore.storyLock ("nwstorie")


def claim_rate(a, pg, database, total, sessions, limit, first=None):
    """Feeds per second through the claim query with `sessions` concurrent claimers, each claim followed by the
    daemon's release of what it claimed (next due in 10 minutes, lease cleared), until every feed was claimed (or,
    with `first`, about that many: the start of a round, while the most feeds are due)."""
    pg.sql("UPDATE feeds SET next_due = NULL, lease_owner = NULL, lease_until = NULL", database)
    t = int(time.time())
    # Extra claims at the end find nothing (cheap) and make sure every feed was claimed.
    per_session = ((first or total) // limit + 1) // sessions + (0 if first else 30)
    procs = []
    cpu0 = pg.cpu_seconds()
    t0 = time.monotonic()
    for s in range(sessions):
        owner = f"bench{s}"
        script = [CLAIM_FUNCTION.replace("HOST_LOCK_SPACE", str(0x6E776831))]
        for _ in range(per_session):
            script.append(f"SELECT pg_temp.claim('{owner}', {t}, {limit}, 2, 120);")
            script.append(f"UPDATE feeds SET next_due = {t + 600}, lease_owner = NULL, lease_until = NULL "
                          f"WHERE lease_owner = '{owner}';")
        p = subprocess.Popen(pg.psql_argv(database), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append((p, "\n".join(script)))
    outs = [p.communicate(s)[0] for p, s in procs]
    if any(p.returncode for p, _ in procs):
        raise SystemExit("claim-rate psql failed (see above)")
    wall = time.monotonic() - t0
    cpu = pg.cpu_seconds() - cpu0
    claimed = sum(int(x) for out in outs for x in out.split() if x.isdigit())
    due_left = int(pg.sql(f"SELECT count(*) FROM feeds WHERE next_due IS NULL", database))
    rate = claimed / wall
    print(f"claim rate     {total} feeds, {sessions} session(s): {claimed} feeds claimed and released in "
          f"{wall:.2f} s = "
          f"{rate:.0f} feeds/s ({per_session * sessions} claims of ≤{limit}); PostgreSQL CPU {cpu:.2f} s; "
          f"left unclaimed {due_left}")
    sys.stdout.flush()
    return {"feeds": total, "sessions": sessions, "limit": limit, "claimed": claimed, "wall": wall, "rate": rate,
            "pg_cpu": cpu, "left": due_left}


# MARK: - main


def main():
    a = parse_args()
    if not os.access(a.newswatch, os.X_OK):
        raise SystemExit(f"{a.newswatch} missing: swift build -c release --product newswatch")
    feeds = db.ensure_data(a)
    if a.limit:
        feeds = feeds[:a.limit]
    counts = [int(x) for x in a.daemons.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("shared-bench: SIGTERM"))
    work = tempfile.mkdtemp(prefix="nw-shared-bench-")
    os.chmod(work, 0o755)  # nginx's worker and the postgres user need to reach their folders
    www = os.path.join(work, "www")
    os.makedirs(www)
    for name, _, _ in feeds:
        os.symlink(os.path.join(os.path.abspath(a.corpus), name), os.path.join(www, name))
    nginx = pg = None
    results = {"sqlite": [], "pg": [], "claims": []}
    try:
        nginx = db.Nginx(www, work, a.hosts)
        pg = Postgres(work, a.pg_option)
        version = pg.sql("SHOW server_version")
        print(f"shared-bench: {len(feeds)} feeds on 127.0.0.1-{a.hosts}:{nginx.port}, concurrency {a.concurrency}, "
              f"backfill {a.backfill}, lease {a.lease}; PostgreSQL {version} on port {pg.port} "
              f"(options: {a.pg_option or 'defaults'}); binary {a.newswatch}; work dir {work}")
        print(f"load average before: {os.getloadavg()}")
        for name, _, _ in feeds:  # warm the page cache, unmeasured
            with open(os.path.join(www, name), "rb") as f:
                f.read()
        last_db = None
        for run in range(a.runs):
            print(f"-- run {run + 1}, load average {os.getloadavg()}")
            order = counts[run % len(counts):] + counts[:run % len(counts)]
            if not a.no_sqlite and run % 2 == 0:
                results["sqlite"].append(sqlite_cold_and_304(a, nginx, work, feeds, run))
            for n in order:
                last_db, out = pg_cold_and_304(a, pg, nginx, work, feeds, n, run)
                print(f"               database size after: {out[0]['database_size']}; items: {out[0]['items_scans']}")
                results["pg"].append({"run": run, "daemons": n, "rounds": out})
            if not a.no_sqlite and run % 2 == 1:
                results["sqlite"].append(sqlite_cold_and_304(a, nginx, work, feeds, run))
        if last_db:
            # Claims of `concurrency` feeds (a daemon starting) and of 1 (a daemon replacing one finished poll).
            for limit in (a.concurrency, 1):
                for sessions in (1, 2, 3):
                    results["claims"].append(claim_rate(a, pg, last_db, len(feeds), sessions, limit))
            if a.claim_feeds > len(feeds):
                # The same claims on a feeds table of --claim-feeds rows: the corpus's plus synthetic ones on the
                # same hosts (never fetched: only the claim query reads them).
                big = f"claims_{a.claim_feeds}"
                pg.sql(f"CREATE DATABASE {big} TEMPLATE {last_db}")
                pg.sql("INSERT INTO feeds(key, name, url, host) SELECT "
                       "'http://127.0.0.' || (1 + i % 100) || ':1/synthetic-' || i || '.xml', 'synthetic ' || i, "
                       "'http://127.0.0.' || (1 + i % 100) || ':1/synthetic-' || i || '.xml', "
                       "'127.0.0.' || (1 + i % 100) "
                       f"FROM generate_series({len(feeds)}, {a.claim_feeds - 1}) AS i; ANALYZE feeds", big)
                for limit in (a.concurrency, 1):
                    for sessions in (1, 3):
                        results["claims"].append(claim_rate(a, pg, big, a.claim_feeds, sessions, limit, len(feeds)))
        print(f"load average after: {os.getloadavg()}")
        with open(os.path.join(work, "results.json"), "w") as f:
            json.dump(results, f, indent=1)
    finally:
        if nginx:
            nginx.stop()
        if pg:
            pg.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
