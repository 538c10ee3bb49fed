import Foundation
import PostgresNIO

// The daemon registry: who shares the store, for `status` and for the leader's clean-up (CONTRACT §9). SQLite has no
// counterpart: one SQLite state has one daemon (its `flock`).
extension PostgresStore {
    /// Records a starting daemon (or replaces the row of an earlier run with the same `owner`): started and last
    /// heartbeat are `time`.
    public func registerDaemon(owner: String, hostName: String, pid: Int, version: String, at time: Date) async throws {
        let t = time.storeSeconds
        _ = try await rows(
            """
            INSERT INTO daemons(owner, host_name, pid, started, last_heartbeat, version)
            VALUES (\(owner), \(hostName), \(pid), \(t), \(t), \(version))
            ON CONFLICT (owner) DO UPDATE SET host_name = excluded.host_name, pid = excluded.pid,
                started = excluded.started, last_heartbeat = excluded.last_heartbeat, version = excluded.version
            """, "register daemon")
    }

    /// Refreshes `owner`'s last heartbeat. Returns `false` when it has no row (dropped as silent, or never
    /// registered): the daemon registers again.
    @discardableResult
    public func heartbeat(owner: String, at time: Date) async throws -> Bool {
        let rows = try await self.rows(
            "UPDATE daemons SET last_heartbeat = \(time.storeSeconds) WHERE owner = \(owner) RETURNING owner",
            "daemon heartbeat")
        return !rows.isEmpty
    }

    /// A clean stop: deletes `owner`'s row and gives back the feed leases it still holds, so the others poll those
    /// feeds at once instead of after the leases expire. Returns whether it had a row.
    @discardableResult
    public func unregisterDaemon(owner: String) async throws -> Bool {
        try await transaction("unregister daemon") { c -> Bool in
            try await c.query(
                "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = \(owner)", logger: logger)
            // Deliveries and events it claimed but did not send go back at once too, not after their lease.
            try await c.query(
                "UPDATE deliveries SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = \(owner)",
                logger: logger)
            try await c.query(
                "UPDATE event_deliveries SET claim_owner = NULL, claim_until = NULL WHERE claim_owner = \(owner)",
                logger: logger)
            return !(try await c.rows("DELETE FROM daemons WHERE owner = \(owner) RETURNING owner", logger: logger))
                .isEmpty
        }
    }

    /// The registered daemons, by host name, PID and owner, each with the feeds it holds an unexpired lease on at
    /// `time`.
    public func daemons(at time: Date) async throws -> [DaemonRecord] {
        let t = time.storeSeconds
        let rows = try await self.rows(
            """
            SELECT d.owner, d.host_name, d.pid, d.started, d.last_heartbeat, d.version,
                COALESCE((SELECT array_agg(f.key ORDER BY f.key COLLATE "C") FROM feeds f
                    WHERE f.lease_owner = d.owner AND f.lease_until > \(t)), '{}')
            FROM daemons d ORDER BY d.host_name COLLATE "C", d.pid, d.owner COLLATE "C"
            """, "read daemons")
        return try rows.map { row in
            let (owner, host, pid, started, last, version, feeds) = try row.decode(
                (String, String, Int, Int64, Int64, String, [String]).self)
            return DaemonRecord(
                owner: owner, hostName: host, pid: pid, started: Date(storeSeconds: started),
                lastHeartbeat: Date(storeSeconds: last), version: version, feedsHeld: feeds)
        }
    }

    /// Drops the rows of daemons whose last heartbeat is more than `silence` before `time` (default one day): a
    /// daemon that died without a clean stop. Their leases need no clean-up (they expire). Run by the leader.
    /// Returns the owners dropped, in byte order.
    @discardableResult
    public func dropSilentDaemons(at time: Date, silence: TimeInterval = 86400) async throws -> [String] {
        let limit = time.addingTimeInterval(-max(silence, 0)).storeSeconds
        let rows = try await self.rows(
            "DELETE FROM daemons WHERE last_heartbeat < \(limit) RETURNING owner", "drop silent daemons")
        return try rows.map { try $0.decode(String.self) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The `run --once` rounds holding the store now (``StorePresence`` in exclusive mode: at most one), by their
    /// connection's `application_name` and since when: while one runs, daemons claim no feed.
    public func roundsHoldingStore() async throws -> [(name: String, since: Date)] {
        try StorePresence.holders(
            try await rows(
                StorePresence.holdersQuery(key: StorePresence.defaultKey, mode: .exclusive), "read store presence"))
    }
}
