import CLibXML2

/// Reads the feed list of an OPML subscription file (the export format of feed readers).
///
/// - Important: libxml2 runs with network access, DTD loading and entity substitution off, and a deny-all
///   external entity loader, so an OPML file can neither fetch anything nor expand an entity bomb.
public enum OPMLParser {
    /// One subscription: an `<outline>` with an `xmlUrl`.
    public struct Feed: Sendable, Equatable {
        /// `xmlUrl` as written (trimmed); the caller validates and resolves it.
        public var url: String
        /// `title`, else `text`; `nil` when both are absent or blank.
        public var title: String?
        /// `htmlUrl`, the site's page.
        public var htmlURL: String?
        /// The titles of the enclosing folder outlines, outermost first.
        public var categories: [String]

        public init(url: String, title: String? = nil, htmlURL: String? = nil, categories: [String] = []) {
            self.url = url
            self.title = title
            self.htmlURL = htmlURL
            self.categories = categories
        }
    }

    /// The feeds `bytes` list, in document order (duplicates kept; the caller decides what a duplicate is).
    public static func parse(_ bytes: [UInt8]) throws(OPMLError) -> [Feed] {
        _ = safeLibXML2
        guard !bytes.isEmpty else { throw OPMLError(kind: .notXML, message: "the file is empty") }
        if let hostile = bytes.withUnsafeBufferPointer({ MarkupGuard.violation(in: $0, html: false) }) {
            throw OPMLError(kind: .hostile, message: "refused: \(hostile)")
        }
        guard let ctxt = xmlNewParserCtxt() else {
            throw OPMLError(kind: .notXML, message: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        let doc: xmlDocPtr? = bytes.withUnsafeBytes { raw -> xmlDocPtr? in
            guard let base = raw.baseAddress, raw.count <= Int(Int32.max) else { return nil }
            return xmlCtxtReadMemory(
                ctxt, base.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil, options)
        }
        guard let doc else { throw contextError(ctxt, fallback: "not an XML document") }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { throw contextError(ctxt, fallback: "no root element") }
        let rootName = name(of: root)
        guard rootName.lowercased() == "opml" else {
            throw OPMLError(kind: .notOPML, message: "the root element is <\(rootName)>, not <opml>")
        }
        var feeds: [Feed] = []
        var child = root.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, name(of: node).lowercased() == "body" {
                collect(node, categories: [], into: &feeds)
            }
            child = node.pointee.next
        }
        return feeds
    }

    /// Installed once before the first parse: no external entity is ever loaded.
    private static let safeLibXML2: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    private static func collect(_ parent: xmlNodePtr, categories: [String], into feeds: inout [Feed]) {
        var child = parent.pointee.children
        while let node = child {
            defer { child = node.pointee.next }
            guard node.pointee.type == XML_ELEMENT_NODE, name(of: node).lowercased() == "outline" else { continue }
            let title = nonBlank(attribute(node, "title")) ?? nonBlank(attribute(node, "text"))
            if let url = nonBlank(attribute(node, "xmlUrl")) {
                feeds.append(
                    Feed(
                        url: url, title: title, htmlURL: nonBlank(attribute(node, "htmlUrl")),
                        categories: categories))
            } else {
                collect(node, categories: title.map { categories + [$0] } ?? categories, into: &feeds)
            }
        }
    }

    private static func name(of node: xmlNodePtr) -> String {
        guard let n = node.pointee.name else { return "" }
        return String(cString: n)
    }

    /// An attribute's value, its name compared case-insensitively (exports write `xmlUrl`, `xmlurl`, `XMLURL`).
    ///
    /// Only the text children are joined: character references and the five predefined entities are already
    /// decoded by the parser, and a reference to an entity the document declares itself is dropped rather
    /// than expanded (`xmlNodeListGetString` would expand it, entity bombs included).
    private static func attribute(_ node: xmlNodePtr, _ wanted: String) -> String? {
        let lowered = wanted.lowercased()
        var attr = node.pointee.properties
        while let a = attr {
            defer { attr = a.pointee.next }
            guard let n = a.pointee.name, String(cString: n).lowercased() == lowered else { continue }
            var value = ""
            var child = a.pointee.children
            while let c = child {
                if c.pointee.type == XML_TEXT_NODE, let content = c.pointee.content {
                    value += String(cString: content)
                }
                child = c.pointee.next
            }
            return value
        }
        return nil
    }

    private static func nonBlank(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = trimmed(s)
        return t.isEmpty ? nil : t
    }

    // Foundation stays out of this file: importing it beside libxml2 clashes over ICU's `UErrorCode`.
    private static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f.isWhitespace { sub = sub.dropFirst() }
        while let l = sub.last, l.isWhitespace { sub = sub.dropLast() }
        return String(sub)
    }

    private static func contextError(_ ctxt: xmlParserCtxtPtr, fallback: String) -> OPMLError {
        guard let e = xmlCtxtGetLastError(ctxt), let m = e.pointee.message else {
            return OPMLError(kind: .notXML, message: fallback)
        }
        let text = trimmed(String(cString: m))
        return OPMLError(kind: .notXML, message: text, line: e.pointee.line > 0 ? Int(e.pointee.line) : nil)
    }
}
