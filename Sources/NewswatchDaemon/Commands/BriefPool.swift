import Foundation

/// The bounded pool of `parse --brief`: at most `workers` sources in work at once, results delivered in index
/// order. A finished result waits only for those before it, and no source is started more than a window ahead
/// of the next one to deliver, so what is held at once is bounded however many sources there are.
public enum BriefPool {
    /// One worker per core (the cooperative pool runs no more at once anyway), at most eight.
    public static var defaultWorkers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

    /// How far ahead of the next result to deliver a worker may start, per worker.
    static let windowPerWorker = 32

    /// How often `tick` runs while results are awaited.
    static let tickInterval = Duration.milliseconds(100)

    /// Runs `work` for every index in `0..<count` on up to `workers` tasks and hands each result to `deliver`
    /// in index order, on the calling task. `tick` runs on the calling task about every ``tickInterval`` while the
    /// pool waits, so what `deliver` gathered can go out while a slow source holds up the ones after it.
    static func run<Output: Sendable>(
        count: Int, workers: Int, work: @escaping @Sendable (Int) async -> Output, deliver: (Output) -> Void,
        tick: () -> Void = {}
    ) async {
        let workers = max(1, workers)
        let window = workers * windowPerWorker
        await withTaskGroup(of: (Int, Output)?.self) { group in
            var ready: [Int: Output] = [:]
            var nextToStart = 0
            var nextToDeliver = 0
            var running = 0
            var ticking = false
            while nextToDeliver < count {
                while running < workers && nextToStart < count && nextToStart - nextToDeliver < window {
                    let index = nextToStart
                    group.addTask { (index, await work(index)) }
                    nextToStart += 1
                    running += 1
                }
                if !ticking {
                    // A timer among the results (`nil`): cancelled below once everything is delivered.
                    group.addTask {
                        try? await Task.sleep(for: tickInterval)
                        return nil
                    }
                    ticking = true
                }
                guard let next = await group.next() else { return }
                guard let (index, output) = next else {
                    ticking = false
                    tick()
                    continue
                }
                running -= 1
                ready[index] = output
                while let output = ready.removeValue(forKey: nextToDeliver) {
                    deliver(output)
                    nextToDeliver += 1
                }
            }
            group.cancelAll()
        }
    }
}
