import Foundation
import Logging
import NewswatchCore
import NewswatchStore

#if canImport(Glibc)
    import Glibc
#endif

/// This daemon among the others sharing a PostgreSQL store (CONTRACT §9): the owner id its leases and claims carry,
/// its registry row (host, PID, heartbeat) and the leader lock that decides which daemon writes the digest and runs
/// retention.
public final class SharedMembership: Sendable {
    /// The shared store.
    public let store: PostgresStore
    /// `host:pid:random`: unique per process run, readable in `status`.
    public let owner: String
    /// How long a feed lease or an outbox claim holds.
    public let lease: TimeInterval
    /// The leader contention (its own connection).
    public let leader: LeaderLock
    /// This daemon's share of the store's presence lock (its own connection), which keeps `run --once` out while it
    /// runs and it out while a `run --once` runs.
    public let presence: StorePresence
    let hostName: String
    let version: String

    init(store: PostgresStore, owner: String, lease: TimeInterval, version: String) {
        self.store = store
        self.owner = owner
        self.lease = lease
        self.version = version
        hostName = Self.hostName()
        leader = LeaderLock(location: store.location)
        presence = StorePresence(
            location: store.location, mode: .shared,
            applicationName: "newswatch daemon \(hostName) PID \(getpid())")
    }

    /// A fresh owner id for this process: its host, PID and a random suffix (a PID is reused after a restart).
    static func newOwnerID() -> String {
        "\(hostName()):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// How often a running daemon records its heartbeat.
    static let heartbeatInterval: Duration = .seconds(10)

    /// Whether this daemon leads now.
    public func isLeader() async -> Bool { await leader.isLeader }

    /// Registers, then beats every `interval` (registering again if another daemon's leader dropped the row) and,
    /// while leading, drops the rows of daemons silent for a day, until the task is cancelled; then unregisters
    /// (its leases go back at once) and resigns.
    func run(clock: any NewswatchClock, logger: Logger, interval: Duration = heartbeatInterval) async {
        let leading = Task { await leader.run() }
        defer { leading.cancel() }
        var registered = false
        while !Task.isCancelled {
            let now = clock.now()
            do {
                let alive = registered ? try await store.heartbeat(owner: owner, at: now) : false
                if !alive {
                    try await store.registerDaemon(
                        owner: owner, hostName: hostName, pid: Int(getpid()), version: version, at: now)
                    if !registered {
                        logger.info("joined the daemons sharing the store", metadata: ["owner": "\(owner)"])
                    }
                    registered = true
                }
                if await leader.isLeader {
                    let dropped = try await store.dropSilentDaemons(at: now)
                    if !dropped.isEmpty { logger.notice("dropped silent daemons: \(dropped.joined(separator: ", "))") }
                }
            } catch {
                logger.error("store: cannot record this daemon's heartbeat: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
        leading.cancel()
        await leading.value
        // In a task of its own: this one is cancelled (shutdown), and the client fails a cancelled task's queries;
        // unregistering hands this daemon's leases and claims back at once.
        let store = store
        let owner = owner
        do {
            try await Task { _ = try await store.unregisterDaemon(owner: owner) }.value
        } catch {
            logger.error("store: cannot unregister this daemon (its leases expire instead): \(error)")
        }
        await presence.release()
    }

    /// The feed leases as this daemon's loop claims them: only while it holds its share of the presence lock.
    func leases(logger: Logger) -> any FeedLeaseStore {
        PresenceGatedLeases(base: store, presence: presence, logger: logger)
    }

    /// The daemons on `store` with a heartbeat in the last three intervals: running now (a killed one stops beating
    /// and its row stays until the leader drops it a day later).
    static func running(on store: PostgresStore, at now: Date) async throws -> [DaemonRecord] {
        let recent = 3 * heartbeatInterval.inSeconds
        return try await store.daemons(at: now).filter { now.timeIntervalSince($0.lastHeartbeat) <= recent }
    }
}
