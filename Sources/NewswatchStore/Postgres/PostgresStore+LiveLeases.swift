import Foundation
import PostgresNIO

extension PostgresStore {
    /// The feeds whose lease runs beyond `time`, by owner: polls daemons may still have in flight (a daemon killed
    /// mid-poll leaves its leases to run out).
    public func liveLeases(at time: Date) async throws -> [String: Int] {
        let rows = try await self.rows(
            """
            SELECT lease_owner, count(*) FROM feeds WHERE lease_owner IS NOT NULL AND lease_until > \(time.storeSeconds)
            GROUP BY lease_owner
            """, "read live leases")
        var leases: [String: Int] = [:]
        for row in rows {
            let (owner, count) = try row.decode((String, Int).self)
            leases[owner] = count
        }
        return leases
    }
}
