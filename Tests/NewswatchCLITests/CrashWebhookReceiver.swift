import Foundation
import NewswatchTestSupport

/// The webhook sink's far end in the crash test: a loopback receiver that answers every POST 200 after a short delay
/// (so kills land inside deliveries too) and records which alert arrived in which daemon life.
///
/// It dedupes nothing itself: the test counts every arrival, to bound the duplicates a kill can cause.
final class CrashWebhookReceiver: @unchecked Sendable {
    /// The path the sink posts to.
    static let path = "/hook"
    /// How long each answer is held back: a window for the kills.
    static let answerDelay: TimeInterval = 0.015

    /// One complete POST.
    struct Arrival {
        var life: Int
        var alertID: String
        /// `LoopbackHTTPServer.now()` when the whole request had arrived.
        var receivedAt: Double
    }

    private let world: CrashWorld
    // Owner: `lock` guards `arrivals`; the handler runs on the server's connection threads.
    private let lock = NSLock()
    private var arrivals: [Arrival] = []
    private var server: LoopbackHTTPServer?

    init(world: CrashWorld) throws {
        self.world = world
        server = try LoopbackHTTPServer.start { [weak self] request in
            self?.handle(request) ?? .status(503)
        }
    }

    /// The sink's URL.
    var url: String { server?.url(Self.path) ?? "" }

    func stop() { server?.stop() }

    /// Every arrival so far, in order.
    var all: [Arrival] { lock.withLock { arrivals } }

    /// The arrivals of daemon life `n`.
    func arrivals(inLife n: Int) -> [Arrival] { lock.withLock { arrivals.filter { $0.life == n } } }

    private func handle(_ request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        guard request.method == "POST", request.path == Self.path else { return .status(404) }
        // The sink names the alert in a header so receivers can drop a retried duplicate; the body says it too.
        let object = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
        let id = request.header("X-Newswatch-Alert-ID") ?? object?["id"] as? String ?? ""
        let arrival = Arrival(life: world.currentLife, alertID: id, receivedAt: request.receivedAt)
        lock.withLock { arrivals.append(arrival) }
        return LoopbackHTTPServer.Response(status: 200, body: .bytes(Data("ok".utf8)), delay: Self.answerDelay)
    }
}
