import Foundation

/// Who claims the outbox rows a PostgreSQL store's reads return, and for how long (CONTRACT §9: each delivery is
/// made by exactly one daemon). The lease must outlast a send with its timeout, or another daemon may send again.
public struct DeliveryClaims: Sendable, Equatable {
    /// The daemon's owner id (as in its feed leases and its registry row).
    public var owner: String
    /// How long a claim holds before another daemon may take the row over.
    public var lease: TimeInterval

    /// Claims for `owner`, held for `lease`.
    public init(owner: String, lease: TimeInterval) {
        self.owner = owner
        self.lease = lease
    }
}
