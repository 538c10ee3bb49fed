import Foundation
import PostgresNIO

/// A feed one daemon has claimed for one poll: it alone fetches it until `until` (CONTRACT §9).
public struct FeedLease: Sendable, Equatable {
    public var key: String
    public var owner: String
    /// When the lease expires and the feed may pass to another daemon.
    public var until: Date
    /// The feed's state as the claim found it (validators, body hash, schedule: what its poll needs), read by the
    /// claim itself so a poll needs no read of its own; `nil` from a store that does not return it.
    public var state: FeedState?

    public init(key: String, owner: String, until: Date, state: FeedState? = nil) {
        self.key = key
        self.owner = owner
        self.until = until
        self.state = state
    }
}

extension PostgresStore {
    /// Claims up to `limit` active feeds due at `now` (`next_due` unset or passed) whose lease is free or expired,
    /// earliest due first, for `owner` until `now + lease`, so that no host has more than `perHost` unexpired leases
    /// afterwards (CONTRACT §9: the per-host limit across all daemons together).
    ///
    /// `FOR UPDATE SKIP LOCKED`: daemons claiming at the same moment skip each other's rows instead of waiting or
    /// double-claiming, so a feed is held by one daemon at a time; a dead daemon's leases simply expire.
    ///
    /// The per-host limit needs more than SQLite's in-process count: two daemons could each see one free slot on a
    /// host and both take it. So each claim takes, for every host among its candidates, a transaction-level advisory
    /// lock on that host (in one global order, so claimers never deadlock), then counts the host's unexpired leases
    /// (a fresh snapshot: a claim that held the lock before has committed) and takes only what is left. Two hosts
    /// whose keys collide merely share a lock. A feed without a host (a local file) has no limit.
    ///
    /// Claims nothing while a `run --once` holds the store's presence lock (``StorePresence``).
    ///
    /// `excluding`: feeds this claimer does not know (its configuration lacks them while another daemon's has them,
    /// during a rolling reload): never claimed by it, left to the others. Each lease carries the feed's state.
    public func claimDueFeeds(
        owner: String, now: Date, lease: TimeInterval, limit: Int, perHost: Int = 2, excluding: [String] = []
    ) async throws -> [FeedLease] {
        let t = now.storeSeconds
        let until = now.addingTimeInterval(max(lease, 1)).storeSeconds
        let perHost = max(perHost, 1)
        let rows = try await transaction("claim due feeds") { c -> [PostgresRow] in
            // Not while a `run --once` holds the store (it polls every feed): asked of the server in the claim itself,
            // so a daemon whose own presence session died unnoticed still cannot claim beside a round.
            let open = try await c.rows(
                "SELECT pg_try_advisory_xact_lock_shared(\(StorePresence.defaultKey))", logger: logger)
            guard try open.first?.decode(Bool.self) == true else { return [] }
            let candidates = try await c.rows(
                Self.dueCandidates(at: t, perHost: perHost, limit: limit, excluding: excluding), logger: logger
            )
            .map { try $0.decode((Int64, String?, Int32?).self) }
            guard !candidates.isEmpty else { return [] }
            let hosts = Array(Set(candidates.compactMap { $0.1 })).sorted()
            var free: [String: Int] = [:]
            if !hosts.isEmpty {
                let keys = Array(Set(candidates.compactMap { $0.2 })).sorted()
                // One statement, the locks taken in the array's (sorted) order: a function scan yields its rows in
                // order. The count below is a statement of its own, so its snapshot follows the waits.
                try await c.query(
                    "SELECT pg_advisory_xact_lock(\(Self.hostLockSpace), k) FROM unnest(\(keys)::int4[]) AS k",
                    logger: logger)
                for host in hosts { free[host] = perHost }
                let held = try await c.rows(
                    """
                    SELECT host, count(*) FROM feeds WHERE host = ANY(\(hosts)::text[]) AND lease_until > \(t)
                    GROUP BY host
                    """, logger: logger)
                for row in held {
                    let (host, count) = try row.decode((String, Int).self)
                    free[host] = max(perHost - count, 0)
                }
            }
            var chosen: [Int64] = []
            for (id, host, _) in candidates {
                if let host {
                    guard let left = free[host], left > 0 else { continue }
                    free[host] = left - 1
                }
                chosen.append(id)
            }
            guard !chosen.isEmpty else { return [] }
            return try await c.rows(
                """
                UPDATE feeds SET lease_owner = \(owner), lease_until = \(until) WHERE id = ANY(\(chosen)::bigint[])
                RETURNING lease_owner, lease_until, \(unescaped: Self.feedColumns)
                """, logger: logger)
        }
        return try rows.map { row in
            let r = row.makeRandomAccess()
            return FeedLease(
                key: try r["key"].decode(String.self), owner: try r["lease_owner"].decode(String.self),
                until: Date(storeSeconds: try r["lease_until"].decode(Int64.self)), state: try Self.feedState(row))
        }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    /// The first advisory-lock key of the per-host locks (the second is the host's `hashtext`); the two-key space
    /// never meets the migration lock's one-key space.
    static let hostLockSpace: Int32 = 0x6E77_6831  // "nwh1"

    /// Due, unleased feeds to consider, earliest due first, locked (`SKIP LOCKED`), at most as many per host as it
    /// had free slots a moment ago: a claim never needs more of one host, and taking the first `limit` due feeds alone
    /// could fill a claim with full or busy hosts while others wait. (The free slots are counted again under the
    /// host's lock; this count only chooses the candidates.) The outer conditions are checked again on each row as
    /// it is locked.
    ///
    /// Bounded by the claim, not by the number of due feeds (a daemon claims a slot's worth at a time, thousands of
    /// times a round): the unexpired leases come from a small partial index (`feeds_leased`), and the candidates are
    /// the first `candidateRows(limit)` due feeds of hosts not already full, read in due order from `feeds_claim_order`
    /// (pg4-pg-speed-claim-index), before the per-host cap picks among them. Both steps are materialized and the
    /// rows locked are looked up by id, so that stale statistics (all feeds due at once after an outage, where the
    /// planner expects a few) cost one pass over the due feeds, not one per due feed.
    ///
    /// `excluding` (usually empty) is a filter on the same index scan: the claim stays index-driven.
    static func dueCandidates(at t: Int64, perHost: Int, limit: Int, excluding: [String] = []) -> PostgresQuery {
        """
        WITH held AS (
            SELECT host, count(*) AS n FROM feeds WHERE host IS NOT NULL AND lease_until > \(t) GROUP BY host),
        due AS MATERIALIZED (
            SELECT f.id, f.host, f.next_due FROM feeds f
            WHERE f.active AND (f.next_due IS NULL OR f.next_due <= \(t))
                AND (f.lease_until IS NULL OR f.lease_until <= \(t))
                AND NOT (f.key = ANY(\(excluding)::text[]))
                AND NOT EXISTS (SELECT 1 FROM held h WHERE h.host = f.host AND h.n >= \(perHost))
            ORDER BY f.next_due NULLS FIRST, f.id
            LIMIT \(candidateRows(limit)))
        SELECT id, host, hashtext(host) FROM feeds
        WHERE id = ANY(ARRAY(
                SELECT id FROM (
                    SELECT d.id, d.host, COALESCE(h.n, 0) AS held,
                        row_number() OVER (PARTITION BY d.host ORDER BY d.next_due NULLS FIRST, d.id) AS n
                    FROM due d LEFT JOIN held h ON h.host = d.host) AS capped
                WHERE host IS NULL OR n + held <= \(perHost)))
            AND active AND (next_due IS NULL OR next_due <= \(t)) AND (lease_until IS NULL OR lease_until <= \(t))
        ORDER BY next_due NULLS FIRST, id
        LIMIT \(max(limit, 0))
        FOR UPDATE SKIP LOCKED
        """
    }

    /// How many due feeds a claim of `limit` considers: enough that hosts with one free slot left rarely crowd the
    /// claim (full hosts are left out before), few enough that the claim costs the same at 20,000 feeds as at 200.
    static func candidateRows(_ limit: Int) -> Int { max(64, max(limit, 0) * 8) }

    /// When this store next has work for a claimer at `now`, for a daemon to sleep on the database's due times: the
    /// earliest instant at which an active feed is due, its own lease (if any) has expired and its host has a free
    /// slot (or, for a full host, the host's first lease expires). `now` when something is claimable already; `nil`
    /// without active feeds. A release (`releaseLease`) can free a slot sooner; the daemon also wakes then.
    public func nextDueTime(at now: Date, perHost: Int = 2) async throws -> Date? {
        let t = now.storeSeconds
        let rows = try await self.rows(Self.nextDueQuery(at: t, perHost: perHost), "read next due time")
        guard let due = try rows.first?.decode(Int64?.self) else { return nil }
        return Date(storeSeconds: max(due, t))
    }

    /// `nextDueTime`'s query, read through indexes (a daemon asks after every poll; a scan of every feed each time
    /// made a 20,000-feed round quadratic): the minimum over three small sets — the leased feeds (`feeds_leased`),
    /// the first unleased feed of a host with a free slot in due order (`feeds_claim_order`), and each full host's
    /// first unleased feed, not before the host's first lease ends (`feeds_host_due`).
    static func nextDueQuery(at t: Int64, perHost: Int) -> PostgresQuery {
        """
        WITH leased AS MATERIALIZED (
            SELECT host, active, next_due, lease_until FROM feeds WHERE lease_until > \(t)),
        full_hosts AS MATERIALIZED (
            SELECT host, min(lease_until) AS first_end FROM leased WHERE host IS NOT NULL
            GROUP BY host HAVING count(*) >= \(max(perHost, 1)))
        SELECT min(v) FROM (
            SELECT GREATEST(COALESCE(l.next_due, \(t)), l.lease_until, COALESCE(fh.first_end, \(t))) AS v
            FROM leased l LEFT JOIN full_hosts fh ON fh.host = l.host WHERE l.active
            UNION ALL (
                SELECT COALESCE(f.next_due, \(t)) FROM feeds f
                WHERE f.active AND (f.lease_until IS NULL OR f.lease_until <= \(t))
                    AND NOT EXISTS (SELECT 1 FROM full_hosts fh WHERE fh.host = f.host)
                ORDER BY f.next_due NULLS FIRST, f.id LIMIT 1)
            UNION ALL
            SELECT GREATEST(COALESCE(x.next_due, \(t)), fh.first_end) FROM full_hosts fh
            CROSS JOIN LATERAL (
                SELECT f.next_due FROM feeds f
                WHERE f.host = fh.host AND f.active AND (f.lease_until IS NULL OR f.lease_until <= \(t))
                ORDER BY f.next_due NULLS FIRST LIMIT 1) AS x
        ) AS candidates
        """
    }

    /// Gives a feed back before its lease expires (after its poll is recorded); only `owner`'s own lease is
    /// released. Returns whether it held one.
    @discardableResult
    public func releaseLease(key: String, owner: String) async throws -> Bool {
        let rows = try await self.rows(
            """
            UPDATE feeds SET lease_owner = NULL, lease_until = NULL
            WHERE key = \(key) AND lease_owner = \(owner) RETURNING id
            """, "release lease")
        return !rows.isEmpty
    }
}
