import Foundation
import NewswatchSystem
import Testing

@Suite struct LockedTests {
    @Test func concurrentUpdatesFromManyThreadsAreNeverLost() async {
        let counter = Locked(0)
        let threads = 8
        let perThread = 20_000
        let done = DispatchGroup()
        for _ in 0..<threads {
            done.enter()
            Thread {
                for _ in 0..<perThread { counter.withLock { $0 += 1 } }
                done.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        #expect(counter.withLock { $0 } == threads * perThread)
    }

    @Test func returnsWhatTheBodyReturnsAndReleasesTheLockWhenItThrows() {
        struct Boom: Error {}
        let state = Locked(["a"])
        #expect(
            state.withLock {
                $0.append("b")
                return $0.count
            } == 2)
        #expect(throws: Boom.self) { try state.withLock { _ in throw Boom() } }
        // Still usable: the throw released the lock.
        #expect(state.withLock { $0 } == ["a", "b"])
    }
}
