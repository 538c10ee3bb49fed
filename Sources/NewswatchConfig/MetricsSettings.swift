import Foundation

/// The `[metrics]` table (CONTRACT §11): where the Prometheus endpoint listens; off when `listen` is absent.
public struct MetricsSettings: Sendable, Equatable {
    /// The address `GET /metrics` and `GET /healthz` are served on; `nil` serves nothing.
    public var listen: MetricsListen?

    /// No endpoint.
    public init(listen: MetricsListen? = nil) {
        self.listen = listen
    }
}

/// A `HOST:PORT` to listen on: `127.0.0.1:9464`, `localhost:9464`, `[::1]:9464`.
public struct MetricsListen: Sendable, Equatable, CustomStringConvertible {
    /// The host or address without brackets (`::1`, not `[::1]`).
    public var host: String
    /// 1 to 65535.
    public var port: Int

    /// An address from its parts.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; `nil` when it is not one (no host, no port, a port outside 1–65535, IPv6 unbracketed).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), portText.count <= 5,
            let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) else { return nil }
        self.init(host: host, port: port)
    }

    /// `HOST:PORT` as written, an IPv6 address in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
