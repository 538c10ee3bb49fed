import Foundation
import NewswatchCore

/// Pulls items out of the bench corpus's RSS/Atom/RDF files without a real XML parser (the store bench must not
/// depend on the parser's speed or availability). Good enough for the generated, well-formed corpus only.
enum CrudeFeedScanner {
    static func items(in data: Data) -> [ParsedItem] {
        var bytes = [UInt8](data)
        let head = Array(bytes.prefix(200))
        if find(Array("ISO-8859-1".utf8), in: head, from: 0, to: head.count) != nil
            || find(Array("windows-1252".utf8), in: head, from: 0, to: head.count) != nil
        {
            bytes = Array(String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })).utf8)
        }
        var out: [ParsedItem] = []
        for (open, close) in [("<item>", "</item>"), ("<item ", "</item>"), ("<entry>", "</entry>")] {
            let o = Array(open.utf8)
            let c = Array(close.utf8)
            var pos = 0
            while let start = find(o, in: bytes, from: pos, to: bytes.count),
                let end = find(c, in: bytes, from: start + o.count, to: bytes.count)
            {
                pos = end + c.count
                let block = start + o.count..<end
                var item = ParsedItem()
                item.title = element("title", bytes, block).map(clean)
                item.id = element("guid", bytes, block) ?? element("id", bytes, block)
                if let l = element("link", bytes, block), !l.isEmpty {
                    item.link = clean(l)
                } else {
                    item.link = attribute("href=\"", bytes, block)
                }
                if item.id == nil { item.id = attribute("rdf:about=\"", bytes, block) }
                let date = element("pubDate", bytes, block) ?? element("published", bytes, block)
                    ?? element("dc:date", bytes, block)
                item.published = date.flatMap(parseDate)
                item.summary = (element("description", bytes, block) ?? element("summary", bytes, block)).map(clean)
                item.content = element("content:encoded", bytes, block).map(clean)
                out.append(item)
            }
            if !out.isEmpty { break }
        }
        return out
    }

    private static func find(_ needle: [UInt8], in hay: [UInt8], from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, to - from >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = to - needle.count
        while i <= last {
            if hay[i] == first {
                var j = 1
                while j < needle.count && hay[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    private static func element(_ name: String, _ b: [UInt8], _ r: Range<Int>) -> String? {
        let open = Array("<\(name)".utf8)
        var from = r.lowerBound
        while let s = find(open, in: b, from: from, to: r.upperBound) {
            let after = s + open.count
            guard after < r.upperBound else { return nil }
            // `<title` must not match `<titles`; `<link` must not match `<link rel=… />` (Atom: use href).
            if b[after] == UInt8(ascii: ">") || b[after] == UInt8(ascii: " ") {
                guard let gt = find([UInt8(ascii: ">")], in: b, from: after, to: r.upperBound) else { return nil }
                if b[gt - 1] == UInt8(ascii: "/") { return nil }
                let close = Array("</\(name)>".utf8)
                guard let e = find(close, in: b, from: gt + 1, to: r.upperBound) else { return nil }
                var s = String(decoding: b[(gt + 1)..<e], as: UTF8.self)
                if s.hasPrefix("<![CDATA[") && s.hasSuffix("]]>") { s = String(s.dropFirst(9).dropLast(3)) }
                return s
            }
            from = after
        }
        return nil
    }

    private static func attribute(_ prefix: String, _ b: [UInt8], _ r: Range<Int>) -> String? {
        let p = Array(prefix.utf8)
        guard let s = find(p, in: b, from: r.lowerBound, to: r.upperBound),
            let e = find([UInt8(ascii: "\"")], in: b, from: s + p.count, to: r.upperBound)
        else { return nil }
        return String(decoding: b[(s + p.count)..<e], as: UTF8.self)
    }

    /// Entities decoded (twice: escaped HTML), tags dropped, whitespace collapsed.
    private static func clean(_ s: String) -> String {
        let t = Array(decode(decode(s)).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var inTag = false
        var space = false
        for c in t {
            if inTag {
                if c == UInt8(ascii: ">") { inTag = false; space = true }
                continue
            }
            if c == UInt8(ascii: "<") { inTag = true; continue }
            if c == 32 || c == 10 || c == 9 || c == 13 { space = true; continue }
            if space && !out.isEmpty { out.append(32) }
            space = false
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].prefix(10).firstIndex(of: ";") {
                let name = s[s.index(after: i)..<semi]
                var rep: String? = nil
                switch name {
                case "amp": rep = "&"
                case "lt": rep = "<"
                case "gt": rep = ">"
                case "quot": rep = "\""
                case "apos": rep = "'"
                default:
                    if name.hasPrefix("#x"), let v = UInt32(name.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) {
                        rep = String(Character(u))
                    } else if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let u = Unicode.Scalar(v) {
                        rep = String(Character(u))
                    }
                }
                if let rep {
                    out += rep
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    nonisolated(unsafe) private static let iso = ISO8601DateFormatter()
    nonisolated(unsafe) private static let rfc822: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f
    }()

    private static func parseDate(_ s: String) -> Date? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return iso.date(from: t) ?? rfc822.date(from: t)
    }
}
