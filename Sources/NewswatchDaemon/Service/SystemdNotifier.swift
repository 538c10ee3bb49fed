import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Tells systemd about the service's state (`sd_notify(3)`) without libsystemd: one datagram to `$NOTIFY_SOCKET`.
///
/// Every method is a no-op when the process was not started by systemd with `Type=notify` (the variable is
/// unset), so the daemon calls them unconditionally. A socket is opened per message, as libsystemd does; the
/// busiest caller is the watchdog at a few messages a minute.
public struct SystemdNotifier: Sendable {
    /// Where `$NOTIFY_SOCKET` points.
    public enum Address: Sendable, Equatable {
        /// A socket file in the file system (`/run/systemd/notify`).
        case path(String)
        /// A Linux abstract socket name, written `@name` in the variable; the name here is without the `@`.
        case abstract(String)

        /// Parses the variable's value; `nil` for an empty or unsupported (e.g. `vsock:`) address.
        public init?(_ value: String) {
            if value.hasPrefix("/") {
                self = .path(value)
            } else if value.hasPrefix("@"), value.utf8.count > 1 {
                self = .abstract(String(value.dropFirst()))
            } else {
                return nil
            }
        }
    }

    /// The parsed `$NOTIFY_SOCKET`, `nil` when notifications are off.
    public let address: Address?
    /// The raw `$NOTIFY_SOCKET` value (for messages), `nil` when unset.
    public let rawAddress: String?
    /// Half of `$WATCHDOG_USEC`: how often systemd must hear `WATCHDOG=1`. `nil` when the watchdog is off for
    /// this process (variable unset, zero, unparsable, or `$WATCHDOG_PID` names another process).
    public let watchdogInterval: Duration?
    private let logger: Logger?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    /// - Parameters:
    ///   - pid: this process's id, compared with `WATCHDOG_PID`.
    ///   - logger: where a failed notification is reported (at `debug`: systemd's absence is not an error).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid(),
        logger: Logger? = nil
    ) {
        let raw = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        rawAddress = raw
        address = raw.flatMap(Address.init)
        self.logger = logger
        if let raw, address == nil {
            logger?.warning("\(ServiceError(.unsupportedNotifyAddress, context: raw))")
        }
        watchdogInterval = Self.watchdogInterval(environment: environment, pid: pid)
    }

    /// Half of `WATCHDOG_USEC` when the watchdog applies to process `pid` (as `sd_watchdog_enabled(3)` decides).
    static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pidText = environment["WATCHDOG_PID"] {
            guard let watchdogPID = Int32(pidText), watchdogPID == pid else { return nil }
        }
        return .microseconds(Int64(clamping: usec / 2))
    }

    /// Whether `$NOTIFY_SOCKET` names a socket notifications can go to.
    public var isEnabled: Bool { address != nil }

    /// `READY=1` (start-up finished, or a reload finished), with an optional `STATUS=` line.
    public func ready(status: String? = nil) {
        var fields = [("READY", "1")]
        if let status { fields.append(("STATUS", Self.oneLine(status))) }
        notifyLogging(fields)
    }

    /// `STATUS=` with a one-line summary shown by `systemctl status` (newlines become spaces).
    public func status(_ text: String) {
        notifyLogging([("STATUS", Self.oneLine(text))])
    }

    /// `WATCHDOG=1`: the service is alive. Call through ``WatchdogPetter`` so it is sent only while healthy.
    public func watchdog() {
        notifyLogging([("WATCHDOG", "1")])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (CLOCK_MONOTONIC), sent before re-reading the config; follow it with
    /// ``ready(status:)`` when the reload is done, whether the new config was taken or refused.
    public func reloading() {
        notifyLogging([("RELOADING", "1"), ("MONOTONIC_USEC", String(Self.monotonicMicroseconds()))])
    }

    /// `STOPPING=1`: shutdown has begun.
    public func stopping() {
        notifyLogging([("STOPPING", "1")])
    }

    /// Sends one datagram of `KEY=value` lines; does nothing when notifications are off.
    /// - Throws: ``ServiceError`` when the socket cannot be reached.
    public func notify(_ fields: [(String, String)]) throws(ServiceError) {
        guard let address, let rawAddress else { return }
        let message = fields.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")
        try Self.send(Array(message.utf8), to: address, raw: rawAddress)
    }

    private func notifyLogging(_ fields: [(String, String)]) {
        do {
            try notify(fields)
        } catch {
            logger?.debug("sd_notify failed", metadata: ["error": "\(error)"])
        }
    }

    /// The message form of a `STATUS=` value: one line, as systemd reads the datagram line by line.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd compares `MONOTONIC_USEC` against.
    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    private static func send(_ bytes: [UInt8], to address: Address, raw: String) throws(ServiceError) {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        var pathBytes: [UInt8]
        switch address {
        case .path(let p):
            pathBytes = Array(p.utf8)
            // A path needs its terminating NUL inside sun_path.
            guard pathBytes.count < capacity else { throw ServiceError(.unsupportedNotifyAddress, context: raw) }
        case .abstract(let name):
            // Abstract names start with a NUL byte and are not terminated; their length is in the address size.
            pathBytes = [0] + Array(name.utf8)
            guard pathBytes.count <= capacity else { throw ServiceError(.unsupportedNotifyAddress, context: raw) }
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { dst in
            for (i, b) in pathBytes.enumerated() { dst[i] = b }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
        let length: Int
        if case .path = address {
            length = pathOffset + pathBytes.count + 1
        } else {
            length = pathOffset + pathBytes.count
        }

        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServiceError(.socket(errno: errno), context: raw) }
        defer { close(fd) }
        let sent = withUnsafePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { buf in
                    sendto(fd, buf.baseAddress, buf.count, Int32(MSG_NOSIGNAL), sa, socklen_t(length))
                }
            }
        }
        guard sent >= 0 else { throw ServiceError(.socket(errno: errno), context: raw) }
    }
}
