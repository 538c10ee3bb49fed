import Foundation

extension PostgresStore {
    /// `pg3-shared-daemons`: one row per running daemon (CONTRACT §9, `status`), written at start, refreshed by its
    /// heartbeat, deleted at a clean stop; rows of daemons silent for long are dropped by the leader.
    static let sharedDaemons = [
        """
        CREATE TABLE daemons (
            owner text PRIMARY KEY,
            host_name text NOT NULL,
            pid integer NOT NULL,
            started bigint NOT NULL,
            last_heartbeat bigint NOT NULL,
            version text NOT NULL
        )
        """,
        "CREATE INDEX feeds_lease_owner ON feeds(lease_owner) WHERE lease_owner IS NOT NULL",
    ]

    /// `pg3-shared-hosts`: each feed's host (lower-cased, from its URL; `NULL` for a local file), so a claim can count
    /// the unexpired leases on a host and keep the per-host limit across daemons (`claimDueFeeds`). Rows written
    /// before it get their host from the key here; `syncFeeds` writes it from then on.
    static let sharedHosts = [
        "ALTER TABLE feeds ADD COLUMN host text",
        """
        UPDATE feeds SET host = lower(substring(key FROM '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/@?#]*@)?([^/:?#]+)'))
        WHERE key !~* '^file:'
        """,
        "CREATE INDEX feeds_host_lease ON feeds(host, lease_until) WHERE host IS NOT NULL",
    ]

    /// `pg4-pg-speed-claim-index`: what keeps a claim's and `nextDueTime`'s cost independent of the number of feeds
    /// (`dueCandidates`, `nextDueQuery`): the due order (`NULLS FIRST`, as the claim sorts; `feeds_due` sorts
    /// `NULLS LAST`), overall and per host, and the unexpired leases (a released lease is `NULL`, so this index holds
    /// only the feeds being polled).
    static let claimIndexes = [
        "CREATE INDEX feeds_claim_order ON feeds(next_due NULLS FIRST, id) WHERE active",
        "CREATE INDEX feeds_host_due ON feeds(host, next_due NULLS FIRST) WHERE active",
        "CREATE INDEX feeds_leased ON feeds(lease_until) WHERE lease_until IS NOT NULL",
    ]

    /// The host a feed's key names, lower-cased, as the per-host limit groups feeds; `nil` for a local file (or a
    /// key without a host).
    static func host(ofKey key: String) -> String? {
        guard !key.lowercased().hasPrefix("file:"), !key.hasPrefix("path:"),
            let host = URLComponents(string: key)?.host, !host.isEmpty
        else { return nil }
        return host.lowercased()
    }
}
