import Foundation

/// One running daemon sharing a PostgreSQL store (CONTRACT §9), as `status` lists it.
public struct DaemonRecord: Sendable, Equatable {
    /// The daemon's owner id: the name its feed leases and delivery claims carry.
    public var owner: String
    /// The machine it runs on.
    public var hostName: String
    /// Its process id on that machine.
    public var pid: Int
    /// When it registered (started).
    public var started: Date
    /// Its last heartbeat.
    public var lastHeartbeat: Date
    /// The newswatch version it runs.
    public var version: String
    /// The keys of the feeds it holds an unexpired lease on now, in byte order.
    public var feedsHeld: [String]

    /// A record made of its parts.
    public init(
        owner: String, hostName: String, pid: Int, started: Date, lastHeartbeat: Date, version: String,
        feedsHeld: [String] = []
    ) {
        self.owner = owner
        self.hostName = hostName
        self.pid = pid
        self.started = started
        self.lastHeartbeat = lastHeartbeat
        self.version = version
        self.feedsHeld = feedsHeld
    }
}
