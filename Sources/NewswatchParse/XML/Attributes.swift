import CLibXML2

/// The attribute array of a SAX2 `startElementNs` call: (localname, prefix, URI, value, end) × count.
struct Attributes {
    let pointer: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    private static let xmlNS = Array("http://www.w3.org/XML/1998/namespace".utf8)
    private static let rdfNS = Array("http://www.w3.org/1999/02/22-rdf-syntax-ns#".utf8)

    /// The value of an attribute, with libxml2's `&#38;` (how SAX2 passes an escaped `&`) decoded.
    ///
    /// Without a namespace flag, an attribute without a namespace matches.
    func value(_ name: StaticString, xmlNamespace: Bool = false, rdf: Bool = false) -> [UInt8]? {
        guard let pointer, count > 0 else { return nil }
        for k in 0..<count {
            guard let local = pointer[5 * k], Self.equals(local, name) else { continue }
            let uri = pointer[5 * k + 2]
            if xmlNamespace || rdf {
                guard let uri, Self.equals(uri, xmlNamespace ? Self.xmlNS : Self.rdfNS) else { continue }
            } else if uri != nil {
                continue
            }
            guard let start = pointer[5 * k + 3], let end = pointer[5 * k + 4] else { return [] }
            let bytes = Array(UnsafeBufferPointer(start: start, count: end - start))
            return bytes.contains(0x26) ? Self.decodeAmpersands(bytes) : bytes
        }
        return nil
    }

    private static func equals(_ p: UnsafePointer<xmlChar>, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        let q = s.utf8Start
        for k in 0..<n where p[k] != q[k] { return false }
        return p[n] == 0
    }

    private static func equals(_ p: UnsafePointer<xmlChar>, _ s: [UInt8]) -> Bool {
        for k in 0..<s.count where p[k] != s[k] { return false }
        return p[s.count] == 0
    }

    private static func decodeAmpersands(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == 0x26, i + 4 < b.count, b[i + 1] == 0x23, b[i + 2] == 0x33, b[i + 3] == 0x38, b[i + 4] == 0x3B {
                out.append(0x26)
                i += 5
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }
}
