// A cold round through the scheduler's due queue: N feeds all due at once, concurrency 16, 2 per host;
// every `take` is followed by one `finish`, as the daemon loop does. Built alone with the queue's source:
//   swiftc -O -o /tmp/duequeue-bench Sources/NewswatchDaemon/Scheduler/DueQueue.swift \
//       Benchmarks/Standalone/duequeue-bench/main.swift && /tmp/duequeue-bench 2000 400
import Foundation

let feeds = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 2000
let hosts = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 400
let t0 = Date(timeIntervalSince1970: 1_800_000_000)
var best = Double.infinity
for _ in 0..<5 {
    var q = DueQueue<Int>(concurrency: 16)
    for i in 0..<feeds { q.schedule(i, host: "h\(i % hosts).example", at: t0) }
    let start = DispatchTime.now().uptimeNanoseconds
    var started = 0
    var running: [Int] = []
    var head = 0
    while started < feeds {
        let s = q.take(at: t0)
        started += s.count
        running += s
        if head < running.count {
            q.finish(running[head], nextDue: t0.addingTimeInterval(600))
            head += 1
        }
        _ = q.nextWake()
    }
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
print("due queue, cold round: \(feeds) feeds on \(hosts) hosts: best of 5 \(String(format: "%.1f", best)) ms")
