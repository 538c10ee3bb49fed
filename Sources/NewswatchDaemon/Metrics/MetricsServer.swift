import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NewswatchConfig
import NewswatchSystem
import ServiceLifecycle

/// The `[metrics] listen` endpoint as a service of the daemon's group (CONTRACT §11): bound before the group
/// starts, so an address in use stops `run` at start-up; closed at graceful shutdown.
///
/// SwiftNIO's HTTP/1 server on one event-loop thread of its own. Scrapes read the store on a dispatch queue
/// (``MetricsScrapeGate``), never on the loop or the cooperative pool, so `/healthz` answers while a store read
/// hangs. A connection idle for `idleTimeout` is closed, and one beyond `maxConnections` open ones at once.
public final class MetricsServer: Service, Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let logger: Logger

    /// Where it listens (the port the system chose when `listen` asked for a fixed one is the same).
    public let address: String
    /// The port it listens on (the one the system chose for port 0).
    public var port: Int? { channel.localAddress?.port }

    private init(group: MultiThreadedEventLoopGroup, channel: any Channel, logger: Logger) {
        self.group = group
        self.channel = channel
        self.logger = logger
        address = channel.localAddress.map { "\($0)" } ?? "?"
    }

    /// Open connections beyond which a new one is closed at once (scrapers keep one or two).
    public static let maxConnections = 32

    /// Binds `listen`; throws ``ServiceError`` (`.listen`) when the address is in use or cannot be bound.
    public static func bind(
        _ listen: MetricsListen, responder: MetricsResponder, logger: Logger, idleTimeout: Duration = .seconds(30)
    ) async throws -> MetricsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let gate = MetricsScrapeGate()
        let (seconds, attoseconds) = idleTimeout.components
        let idle = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        // Open connections. Owner: the lock.
        let open = Locked(0)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let admitted = open.withLock { n in
                    guard n < maxConnections else { return false }
                    n += 1
                    return true
                }
                guard admitted else { return channel.close() }
                channel.closeFuture.whenComplete { _ in open.withLock { $0 -= 1 } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idle))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(responder: responder, gate: gate))
                }
            }
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
        do {
            let channel = try await bootstrap.bind(host: listen.host, port: listen.port).get()
            let server = MetricsServer(group: group, channel: channel, logger: logger)
            logger.info("metrics: listening on \(listen)")
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw ServiceError(.listen(reason: Self.reason(error)), context: "\(listen)")
        }
    }

    /// Serves until graceful shutdown (or cancellation), then closes the listener and every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        try? await channel.close()
        try? await group.shutdownGracefully()
        logger.debug("metrics: stopped")
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError {
            return io.errnoCode == 98 ? "the address is already in use" : "\(io)"
        }
        return "\(error)"
    }
}
