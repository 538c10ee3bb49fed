import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 or IPv6 address and what kind of network it belongs to, for the private-network rule.
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// Where an address leads; everything but `.global` is refused unless private networks are allowed.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// A public Internet address.
        case global
        /// `127.0.0.0/8`, `::1`.
        case loopback
        /// RFC 1918 (`10/8`, `172.16/12`, `192.168/16`) and deprecated IPv6 site-local `fec0::/10`.
        case privateUse
        /// RFC 6598 carrier-grade NAT `100.64.0.0/10`.
        case sharedAddressSpace
        /// `169.254.0.0/16` (cloud metadata lives here), `fe80::/10`.
        case linkLocal
        /// IPv6 unique-local `fc00::/7`.
        case uniqueLocal
        /// `0.0.0.0/8`, `::` (connects to the local host on Linux).
        case unspecified
        /// `224.0.0.0/4`, `ff00::/8`.
        case multicast
        /// Special-purpose ranges that never host a feed: `240/4`, broadcast, documentation, benchmarking,
        /// IETF protocol assignments, discard-only, Teredo.
        case reserved
    }

    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    /// Parses dotted IPv4 or IPv6 text (an IPv6 zone such as `%eth0` is ignored); nil for anything else.
    public init?(_ text: String) {
        var t = text
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if let percent = t.firstIndex(of: "%") { t = String(t[..<percent]) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, t, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, t, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        _ = inet_ntop(isIPv4 ? AF_INET : AF_INET6, &copy, &buffer, socklen_t(buffer.count))
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The kind of network this address is on. IPv6 forms that embed an IPv4 address (mapped `::ffff:a.b.c.d`,
    /// compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they reach.
    public var scope: Scope {
        isIPv4 ? Self.scope(v4: bytes) : Self.scope(v6: bytes)
    }

    /// True for every scope but `.global`.
    public var isPrivateNetwork: Bool { scope != .global }

    private static func scope(v4 b: [UInt8]) -> Scope {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): .unspecified
        case (10, _, _): .privateUse
        case (100, 64...127, _): .sharedAddressSpace
        case (127, _, _): .loopback
        case (169, 254, _): .linkLocal
        case (172, 16...31, _): .privateUse
        case (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113): .reserved
        case (192, 168, _): .privateUse
        case (198, 18...19, _): .reserved
        case (224...239, _, _): .multicast
        case (240...255, _, _): .reserved
        default: .global
        }
    }

    private static func scope(v6 b: [UInt8]) -> Scope {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen && b[10] == 0 && b[11] == 0 {
            let tail = Array(b[12..<16])
            if tail == [0, 0, 0, 0] { return .unspecified }
            if tail == [0, 0, 0, 1] { return .loopback }
            return scope(v4: tail)  // IPv4-compatible (deprecated)
        }
        if firstTen && b[10] == 0xFF && b[11] == 0xFF { return scope(v4: Array(b[12..<16])) }  // IPv4-mapped
        if b[0..<12].elementsEqual([0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]) {
            return scope(v4: Array(b[12..<16]))  // NAT64 well-known prefix
        }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0 && b[5] == 1 {
            return .privateUse  // 64:ff9b:1::/48, local-use NAT64
        }
        if b[0] == 0x20 && b[1] == 0x02 { return scope(v4: Array(b[2..<6])) }  // 6to4
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 { return .reserved }  // Teredo
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8 { return .reserved }  // documentation
        if b[0] == 0x01 && b[1] == 0x00 && b[2..<8].allSatisfy({ $0 == 0 }) { return .reserved }  // discard-only
        if b[0] & 0xFE == 0xFC { return .uniqueLocal }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFE && b[1] & 0xC0 == 0xC0 { return .privateUse }  // site-local (deprecated)
        if b[0] == 0xFF { return .multicast }
        return .global
    }
}
