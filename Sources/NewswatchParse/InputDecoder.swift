#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a document's bytes into valid UTF-8 before any parser sees them.
///
/// Precedence: a byte-order mark, then the HTTP `charset`, then the XML declaration, then UTF-8.
/// "ISO-8859-1" and "US-ASCII" are read as windows-1252 (what publishers mean); content that is valid
/// UTF-8 wins over a non-UTF-8 HTTP label the document itself contradicts; invalid UTF-8 is repaired
/// byte by byte. Whenever the bytes are converted, the XML declaration is dropped so libxml2 reads
/// the result as the UTF-8 it is. libxml2 therefore never switches encodings mid-document.
enum InputDecoder {
    /// The decoded document: `bytes` when it had to be copied, else `range` of the caller's buffer.
    struct Output {
        var bytes: [UInt8]?
        var range: Range<Int>
        /// `false` only when the caller deferred the UTF-8 validation of `range` (`PreScan` does it).
        var validated = true
    }

    /// - Parameter deferringValidation: return a document read as UTF-8 as it is, unvalidated (`validated` false);
    ///   the caller validates it, and decodes again without deferring when it is not valid.
    static func decode(
        _ b: UnsafeBufferPointer<UInt8>, httpCharset: String?, warnings: inout [String],
        deferringValidation: Bool = false
    ) -> Output {
        let deferring = deferringValidation
        var start = 0
        // Byte-order marks decide, whatever the labels say.
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
            start = 3
            return utf8(b, from: start, warnings: &warnings, deferring: deferring)
        }
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
            return Output(bytes: utf16(b, from: 2, littleEndian: b[0] == 0xFF), range: 0..<0)
        }
        if b.count >= 4, b[0] == 0x3C, b[1] == 0, b[2] != 0, b[3] == 0 {
            return Output(bytes: utf16(b, from: 0, littleEndian: true), range: 0..<0)
        }
        if b.count >= 4, b[0] == 0, b[1] == 0x3C, b[2] == 0, b[3] != 0 {
            return Output(bytes: utf16(b, from: 0, littleEndian: false), range: 0..<0)
        }
        let declared = declaredEncoding(b)
        let http = httpCharset.map(normalise).flatMap { $0.isEmpty ? nil : $0 }
        let label = http ?? declared
        guard let label, !isUTF8(label) else {
            // UTF-8 by label or by default; a UTF-8 HTTP label on bytes that are not UTF-8 defers to the declaration.
            if let http, isUTF8(http), let declared, !isUTF8(declared), !isUTF16(declared),
                UTF8Bytes.firstInvalid(b) != nil
            {
                warnings.append("HTTP charset \(http) does not fit the content; read as declared \(declared)")
                return convert(b, from: declared, warnings: &warnings)
            }
            return utf8(b, from: 0, warnings: &warnings, deferring: deferring)
        }
        if isUTF16(label) {
            // No BOM and ASCII-compatible bytes: the label is stale (the document was re-encoded).
            warnings.append("document labelled \(label) is not UTF-16; read as UTF-8")
            return utf8(b, from: 0, warnings: &warnings, deferring: deferring)
        }
        if http != nil, label == http, declared == nil || isUTF8(declared!), !UTF8Bytes.isASCII(b),
            UTF8Bytes.firstInvalid(b) == nil
        {
            warnings.append("HTTP charset \(label) does not fit the content; read as UTF-8")
            return Output(bytes: nil, range: 0..<b.count)
        }
        return convert(b, from: label, warnings: &warnings)
    }

    private static func utf8(
        _ b: UnsafeBufferPointer<UInt8>, from start: Int, warnings: inout [String], deferring: Bool = false
    ) -> Output {
        if deferring { return Output(bytes: nil, range: start..<b.count, validated: false) }
        let body = UnsafeBufferPointer(rebasing: b[start...])
        guard let bad = UTF8Bytes.firstInvalid(body) else { return Output(bytes: nil, range: start..<b.count) }
        let (fixed, count) = UTF8Bytes.repaired(body, firstInvalid: bad)
        warnings.append("\(count) invalid UTF-8 byte\(count == 1 ? "" : "s") repaired (read as windows-1252)")
        return Output(bytes: fixed, range: 0..<0)
    }

    private static func convert(_ b: UnsafeBufferPointer<UInt8>, from label: String, warnings: inout [String]) -> Output
    {
        let body = UnsafeBufferPointer(rebasing: b[afterDeclaration(b)...])
        if isWindows1252(label) {
            if UTF8Bytes.isASCII(b) { return Output(bytes: nil, range: 0..<b.count) }
            return Output(bytes: Windows1252.decode(body), range: 0..<0)
        }
        guard let converted = iconvToUTF8(body, from: iconvName(label), warnings: &warnings) else {
            warnings.append("unknown encoding \(label); read as UTF-8")
            return utf8(b, from: 0, warnings: &warnings)
        }
        return Output(bytes: converted, range: 0..<0)
    }

    private static func utf16(_ b: UnsafeBufferPointer<UInt8>, from start: Int, littleEndian: Bool) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity((b.count - start) / 2)
        var i = start
        while i + 1 < b.count {
            let u = littleEndian ? UInt16(b[i]) | UInt16(b[i + 1]) << 8 : UInt16(b[i]) << 8 | UInt16(b[i + 1])
            units.append(u)
            i += 2
        }
        // Unpaired surrogates become U+FFFD.
        var bytes = Array(String(decoding: units, as: UTF16.self).utf8)
        stripDeclaration(&bytes)
        return bytes
    }

    // MARK: The XML declaration

    /// The `encoding` of a leading `<?xml …?>` declaration, normalised, or `nil`.
    static func declaredEncoding(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        var i = 0
        while i < b.count, i < 1024, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        guard i + 5 < b.count, b[i] == 0x3C, b[i + 1] == 0x3F, b[i + 2] | 0x20 == 0x78, b[i + 3] | 0x20 == 0x6D,
            b[i + 4] | 0x20 == 0x6C
        else { return nil }
        let end = min(b.count, i + 512)
        var j = i + 5
        var declEnd = end
        while j + 1 < end {
            if b[j] == 0x3F, b[j + 1] == 0x3E {
                declEnd = j
                break
            }
            j += 1
        }
        let decl = Array(b[(i + 5)..<declEnd])
        let key = Array("encoding".utf8)
        guard decl.count > key.count else { return nil }
        for k in 0...(decl.count - key.count) where Array(decl[k..<(k + key.count)]) == key {
            var p = k + key.count
            while p < decl.count, decl[p] == 0x20 || decl[p] == 0x3D || decl[p] == 0x09 { p += 1 }
            guard p < decl.count, decl[p] == 0x22 || decl[p] == 0x27 else { return nil }
            let quote = decl[p]
            p += 1
            let s = p
            while p < decl.count, decl[p] != quote { p += 1 }
            let name = normalise(String(decoding: decl[s..<p], as: UTF8.self))
            return name.isEmpty ? nil : name
        }
        return nil
    }

    /// The offset just past a leading XML declaration (0 when there is none).
    static func afterDeclaration(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < b.count, i < 1024, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        guard i + 5 < b.count, b[i] == 0x3C, b[i + 1] == 0x3F, b[i + 2] | 0x20 == 0x78, b[i + 3] | 0x20 == 0x6D,
            b[i + 4] | 0x20 == 0x6C
        else { return 0 }
        var j = i + 5
        while j + 1 < min(b.count, i + 512) {
            if b[j] == 0x3F, b[j + 1] == 0x3E { return j + 2 }
            j += 1
        }
        return 0
    }

    private static func stripDeclaration(_ bytes: inout [UInt8]) {
        let cut = bytes.withUnsafeBufferPointer { afterDeclaration($0) }
        if cut > 0 { bytes.removeFirst(cut) }
    }

    // MARK: Labels

    static func normalise(_ label: String) -> String {
        var s = label.lowercased()
        s.removeAll { $0 == "\"" || $0 == "'" || $0 == " " || $0 == "\t" }
        return s
    }

    private static func isUTF8(_ l: String) -> Bool { l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8" }
    private static func isUTF16(_ l: String) -> Bool { l == "utf-16" || l == "utf-16le" || l == "utf-16be" }

    private static let windows1252Labels: Set<String> = [
        "iso-8859-1", "iso8859-1", "iso_8859-1", "iso-8859-1:1987", "latin1", "latin-1", "l1", "us-ascii", "ascii",
        "windows-1252", "cp1252", "x-cp1252", "iso-ir-100", "ibm819", "cp819", "ansi_x3.4-1968", "csisolatin1",
    ]

    private static func isWindows1252(_ l: String) -> Bool { windows1252Labels.contains(l) }

    /// WHATWG-style supersets for labels whose narrow reading loses text.
    private static func iconvName(_ l: String) -> String {
        switch l {
        case "gb2312", "gbk", "x-gbk", "csgb2312", "chinese": return "GB18030"
        case "iso-8859-9", "latin5": return "WINDOWS-1254"
        case "tis-620", "iso-8859-11": return "WINDOWS-874"
        case "x-sjis", "sjis", "ms_kanji", "shift-jis": return "SHIFT_JIS"
        case "ks_c_5601-1987", "euc-kr", "korean": return "CP949"
        default: return l.uppercased()
        }
    }

    // MARK: iconv

    /// Converts with iconv; undecodable sequences become U+FFFD. `nil` when iconv does not know the encoding.
    private static func iconvToUTF8(_ b: UnsafeBufferPointer<UInt8>, from name: String, warnings: inout [String])
        -> [UInt8]?
    {
        let cd = iconv_open("UTF-8", name)
        guard let cd, Int(bitPattern: UnsafeRawPointer(cd)) != -1 else { return nil }
        defer { iconv_close(cd) }
        var out = [UInt8](repeating: 0, count: b.count * 2 + 16)
        var produced = 0
        var consumed = 0
        var replaced = 0
        guard let inBase = b.baseAddress else { return [] }
        while consumed < b.count {
            var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: inBase + consumed)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = b.count - consumed
            let result: Int = out.withUnsafeMutableBufferPointer { ob in
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(ob.baseAddress! + produced)
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = ob.count - produced
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                produced = ob.count - outLeft
                return r == -1 ? Int(errno) : 0
            }
            consumed = b.count - inLeft
            switch result {
            case 0:
                break
            case Int(E2BIG):
                out.append(contentsOf: repeatElement(0, count: out.count))
            default:
                // EILSEQ / EINVAL: one undecodable byte becomes U+FFFD.
                if out.count - produced < 3 { out.append(contentsOf: repeatElement(0, count: 64)) }
                out[produced] = 0xEF
                out[produced + 1] = 0xBF
                out[produced + 2] = 0xBD
                produced += 3
                consumed += 1
                replaced += 1
            }
        }
        out.removeSubrange(produced...)
        if replaced > 0 {
            warnings.append("\(replaced) byte\(replaced == 1 ? "" : "s") not valid in \(name) replaced")
        }
        return out
    }
}
