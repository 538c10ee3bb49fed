import NewswatchCore
import NewswatchDigest
import NewswatchStore
import ServiceLifecycle

/// Writes the digests missed while the daemon was down, then each digest at its time, until graceful shutdown
/// (CONTRACT §5). On a shared store only the leader writes (CONTRACT §9): the publisher runs while this daemon
/// leads and stops when it loses the lead; another daemon that takes over catches up what is missing.
struct DigestService: Service {
    let publisher: DigestPublisher
    let clock: any NewswatchClock
    /// `nil`: this daemon alone writes.
    var leader: LeaderLock? = nil

    func run() async {
        await cancelWhenGracefulShutdown {
            guard let leader else { return await publisher.run(clock: clock) }
            while !Task.isCancelled {
                while !(await leader.isLeader) {
                    do { try await Task.sleep(for: .seconds(2)) } catch { return }
                }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await publisher.run(clock: clock) }
                    group.addTask {
                        while !Task.isCancelled, await leader.isLeader {
                            try? await Task.sleep(for: .seconds(2))
                        }
                    }
                    // Either the lead is lost or the daemon is stopping: stop writing.
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }
}
