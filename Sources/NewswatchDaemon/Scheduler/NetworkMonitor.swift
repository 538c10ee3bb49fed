import Foundation

/// Tells "this feed is failing" from "our own network is down": when every host fetched since the last
/// answer from anywhere failed to resolve or connect, and at least `minimumHosts` distinct hosts did, the
/// network is down and those failures are not charged to the feeds.
///
/// Any HTTP answer (even an error status) proves the network works and resets the count. TLS errors and
/// transfer timeouts prove nothing either way and are ignored; so are local files. A single host failing
/// alone is the host's problem, never the network's.
public struct NetworkMonitor: Sendable, Equatable {
    public var minimumHosts: Int
    /// Hosts that failed to resolve or connect since the last answer from any host.
    public private(set) var failingHosts: Set<String> = []
    /// When the last answer from any host arrived.
    public private(set) var lastAnswer: Date?

    public init(minimumHosts: Int = 2) {
        self.minimumHosts = max(2, minimumHosts)
    }

    /// Notes one fetch's result; `host` is `nil` for local files.
    public mutating func record(host: String?, result: FetchOutcome.Result, at date: Date) {
        guard let host else { return }
        switch result {
        case .ok, .notModified, .httpStatus, .unusable:
            failingHosts.removeAll()
            lastAnswer = date
        case .network(let f) where f.isConnectivity:
            failingHosts.insert(host.lowercased())
        case .network:
            break
        }
    }

    /// Whether the network itself looks down.
    public var isDown: Bool { failingHosts.count >= minimumHosts }

    /// For one round of fetches (e.g. `run --once`): down when every network fetch failed to resolve or
    /// connect, across at least `minimumHosts` distinct hosts.
    public static func isDown(round: [(host: String?, result: FetchOutcome.Result)], minimumHosts: Int = 2)
        -> Bool
    {
        var monitor = NetworkMonitor(minimumHosts: minimumHosts)
        var sawNetworkFetch = false
        for entry in round where entry.host != nil {
            sawNetworkFetch = true
            if case .network(let f) = entry.result, f.isConnectivity {
                monitor.record(host: entry.host, result: entry.result, at: Date(timeIntervalSince1970: 0))
            } else {
                return false
            }
        }
        return sawNetworkFetch && monitor.isDown
    }
}
