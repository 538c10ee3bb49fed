import CLibXML2
import Foundation
import NewswatchCore

/// One XML feed parse: libxml2's SAX2 push parser over UTF-8 bytes, no tree, one pass.
///
/// The callbacks classify each element once by its interned name pointers, keep only the text of
/// the elements a `ParsedFeed` needs, and turn it into plain text when the element ends.
/// - Important: used once, synchronously, on one thread; libxml2 state lives only inside `parse`.
///   That is also why the mutable state is `@exclusivity(unchecked)`: the callbacks never overlap, and
///   dynamic exclusivity checks on every SAX event cost more than a tenth of the parse.
final class XMLFeedParser {
    /// Past this depth the document is hostile or broken beyond use; the parse stops there.
    static let maxDepth = 512
    /// A field's raw text is cut here (tens of megabytes in a title is an attack, not news).
    static let fieldLimit = 2 << 20

    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_IGNORE_ENC.rawValue)

    private let baseURL: String?
    @exclusivity(unchecked) var warnings: [String] = []
    private let html: HTMLTextExtractor
    @exclusivity(unchecked) private var ctxt: xmlParserCtxtPtr?

    @exclusivity(unchecked) private var format: FeedFormat?
    @exclusivity(unchecked) private var coreNS: FeedNamespace = .none
    @exclusivity(unchecked) private var rejection: ParseError?

    private struct Key: Hashable {
        let local: UnsafeRawPointer
        let uri: UnsafeRawPointer?
    }
    @exclusivity(unchecked) private var tags: [Key: FeedTag] = [:]

    private enum Role: UInt8 { case plain, author }
    private struct Frame {
        var role: Role
        var pushedBase: Bool
    }
    @exclusivity(unchecked) private var frames: [Frame] = []
    @exclusivity(unchecked) private var bases: [String] = []

    @exclusivity(unchecked) private var channelDepth = -1
    @exclusivity(unchecked) private var itemDepth = -1
    @exclusivity(unchecked) private var item = ItemDraft()
    @exclusivity(unchecked) private var items: [ParsedItem] = []
    @exclusivity(unchecked) private var feed = FeedDraft()

    private enum Target {
        case feedTitle, feedLink, feedDescription, feedLanguage, feedUpdated, feedTTL, feedUpdatePeriod
        case feedUpdateFrequency
        case itemTitle, itemLink, itemGUID(permalink: Bool), itemID, itemSummary, itemContent, itemPublished
        case itemPublishedFallback, itemUpdated, itemAuthor, itemAuthorName, itemAuthorEmail, itemCategory
        case mediaTitle, mediaDescription
    }
    private enum Mode { case raw, text, html, xhtml, skip }
    @exclusivity(unchecked) private var target: Target?
    @exclusivity(unchecked) private var mode: Mode = .raw
    @exclusivity(unchecked) private var captureDepth = 0
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var nested = false
    @exclusivity(unchecked) private var nestedSkip = 0
    @exclusivity(unchecked) private var captureFull = false
    @exclusivity(unchecked) private var truncatedFields = 0

    @exclusivity(unchecked) private var errorCount = 0
    @exclusivity(unchecked) private var firstError: String?
    @exclusivity(unchecked) private var tooDeep = false
    @exclusivity(unchecked) private var doubleEscaped = false

    init(baseURL: String?, html: HTMLTextExtractor) {
        self.baseURL = baseURL
        self.html = html
        buffer.reserveCapacity(4096)
    }

    // MARK: Driving libxml2

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<ParsedFeed, ParseError> {
        _ = LibXML.ready
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { ctx, localname, _, uri, _, _, nbAttributes, _, attributes in
            guard let ctx, let localname else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx).takeUnretainedValue()
                .start(localname, uri, Int(nbAttributes), attributes)
        }
        sax.endElementNs = { ctx, localname, _, _ in
            guard let ctx, let localname else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx).takeUnretainedValue().end(localname)
        }
        let characters: charactersSAXFunc = { ctx, ch, len in
            guard let ctx, let ch, len > 0 else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx).takeUnretainedValue().characters(ch, Int(len))
        }
        sax.characters = characters
        sax.ignorableWhitespace = characters
        sax.serror = { ctx, error in
            guard let ctx, let error else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx).takeUnretainedValue().error(error)
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let ctxt = xmlCreatePushParserCtxt(&sax, me, nil, 0, nil) else {
            return .failure(ParseError(.malformed, "libxml2 could not create a parser"))
        }
        self.ctxt = ctxt
        defer {
            // An entity declaration in the internal subset makes libxml2 build a stand-in document ("SAX compat
            // mode") holding the entities; the context does not free it, so every such feed leaked it per parse.
            if let doc = ctxt.pointee.myDoc {
                ctxt.pointee.myDoc = nil
                xmlFreeDoc(doc)
            }
            xmlFreeParserCtxt(ctxt)
            self.ctxt = nil
        }
        xmlCtxtUseOptions(ctxt, Self.options)
        if let base = bytes.baseAddress, bytes.count > 0 {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = xmlParseChunk(ctxt, $0, Int32(bytes.count), 1)
            }
        }
        return finish()
    }

    private func finish() -> Result<ParsedFeed, ParseError> {
        if let rejection { return .failure(rejection) }
        guard let format else {
            if let firstError {
                return .failure(ParseError(.malformed, "not XML or JSON (\(firstError))"))
            }
            return .failure(ParseError(.malformed, "no XML element found"))
        }
        if target != nil { finishCapture() }
        if itemDepth >= 0 {
            items.append(item.finished())
            itemDepth = -1
        }
        if errorCount > 0, let firstError {
            let more = errorCount > 1 ? " (and \(errorCount - 1) more XML error\(errorCount > 2 ? "s" : ""))" : ""
            warnings.append("recovered from broken XML: \(firstError)\(more)")
        }
        if tooDeep { warnings.append("elements nested deeper than \(Self.maxDepth) levels; the rest was ignored") }
        if truncatedFields > 0 {
            warnings.append("\(truncatedFields) field\(truncatedFields == 1 ? "" : "s") longer than \(Self.fieldLimit >> 20) MiB cut short")
        }
        if doubleEscaped { warnings.append("double-escaped HTML read as HTML") }
        return .success(
            ParsedFeed(
                format: format, title: feed.title, link: feed.link ?? feed.atomLinkHTML ?? feed.atomLinkAny,
                description: feed.description, language: feed.language ?? feed.rootLanguage, updated: feed.updated,
                ttlMinutes: feed.ttlMinutes, items: items, warnings: []))
    }

    private func error(_ e: xmlErrorPtr) {
        errorCount += 1
        guard firstError == nil else { return }
        var message = e.pointee.message.map { String(cString: $0) } ?? "error"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        firstError = e.pointee.line > 0 ? "line \(e.pointee.line): \(message)" : message
    }

    // MARK: SAX callbacks

    private func start(
        _ localname: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?, _ nbAttributes: Int,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let depth = frames.count
        if depth >= Self.maxDepth {
            if !tooDeep {
                tooDeep = true
                xmlStopParser(ctxt)
            }
            return
        }
        var frame = Frame(role: .plain, pushedBase: false)
        let attrs = Attributes(pointer: attributes, count: nbAttributes)
        if nbAttributes > 0, let base = attrs.value("base", xmlNamespace: true) {
            bases.append(resolve(TextCleaner.trimmed(base)))
            frame.pushedBase = true
        }
        defer { frames.append(frame) }
        if target != nil {
            nestedStart(localname)
            return
        }
        let tag = classify(localname, uri)
        if depth == 0 {
            root(tag, localname, attrs)
            return
        }
        if itemDepth < 0 {
            if isItemStart(tag, depth) {
                itemDepth = depth
                item = ItemDraft()
                if tag.ns == .rss10 || tag.ns == .rss090, let about = attrs.value("about", rdf: true) {
                    item.id = TextCleaner.trimmed(about)
                }
            } else if tag.name == .channel, isCore(tag), depth == 1 {
                channelDepth = depth
                if tag.ns == .rss090 { format = .rss09x }
            } else if depth == channelDepth + 1 {
                feedField(tag, attrs, depth)
            }
        } else if depth == itemDepth + 1 {
            itemField(tag, attrs, depth, &frame)
        } else if tag.ns == .media, tag.name == .title || tag.name == .description {
            begin(tag.name == .title ? .mediaTitle : .mediaDescription, mediaMode(attrs), depth)
        } else if frames.last?.role == .author, isCore(tag) {
            if tag.name == .name { begin(.itemAuthorName, .text, depth) }
            if tag.name == .email { begin(.itemAuthorEmail, .raw, depth) }
        }
    }

    private func end(_ localname: UnsafePointer<xmlChar>) {
        guard let frame = frames.popLast() else { return }
        let depth = frames.count
        if target != nil {
            if depth == captureDepth { finishCapture() } else { nestedEnd(localname) }
        } else if depth == itemDepth {
            items.append(item.finished())
            itemDepth = -1
        }
        if frame.pushedBase { bases.removeLast() }
    }

    private func characters(_ ch: UnsafePointer<xmlChar>, _ len: Int) {
        guard target != nil, nestedSkip == 0, !captureFull else { return }
        if buffer.count + len <= Self.fieldLimit {
            buffer.append(contentsOf: UnsafeBufferPointer(start: ch, count: len))
        } else {
            // Cut at a character boundary; the rest of this field's text is ignored.
            var room = Self.fieldLimit - buffer.count
            while room > 0, room < len, ch[room] & 0xC0 == 0x80 { room -= 1 }
            buffer.append(contentsOf: UnsafeBufferPointer(start: ch, count: room))
            truncatedFields += 1
            captureFull = true
        }
    }

    // MARK: Classification

    private func classify(_ localname: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?) -> FeedTag {
        let key = Key(local: UnsafeRawPointer(localname), uri: uri.map { UnsafeRawPointer($0) })
        if let t = tags[key] { return t }
        let name = FeedName.of(Self.bytes(localname))
        let ns = uri.map { FeedNamespace.of(uri: Self.bytes($0)) } ?? .none
        let t = FeedTag(ns: ns, name: name)
        tags[key] = t
        return t
    }

    private static func bytes(_ p: UnsafePointer<xmlChar>) -> [UInt8] {
        var n = 0
        while p[n] != 0 { n += 1 }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    private var isAtom: Bool { format == .atom10 || format == .atom03 }

    private func isCore(_ tag: FeedTag) -> Bool {
        switch format {
        case .rss10, .rss09x:
            return tag.ns == .rss10 || tag.ns == .rss090 || (coreNS == .none && tag.ns == .none)
        default:
            return tag.ns == coreNS
        }
    }

    private func isItemStart(_ tag: FeedTag, _ depth: Int) -> Bool {
        if isAtom { return tag.name == .entry && isCore(tag) && depth == 1 }
        return tag.name == .item && isCore(tag)
    }

    private func root(_ tag: FeedTag, _ localname: UnsafePointer<xmlChar>, _ attrs: Attributes) {
        switch tag.name {
        case .rss:
            let version = attrs.value("version").map { TextCleaner.trimmed($0) } ?? ""
            format = version.hasPrefix("0.9") ? .rss09x : .rss20
            coreNS = tag.ns
        case .RDF where tag.ns == .rdf:
            format = .rss10
            coreNS = .rss10
        case .feed where tag.ns == .atom10 || tag.ns == .atom03 || tag.ns == .none:
            let version = attrs.value("version").map { TextCleaner.trimmed($0) }
            format = tag.ns == .atom03 || (tag.ns == .none && version == "0.3") ? .atom03 : .atom10
            coreNS = tag.ns
            channelDepth = 0
            if let lang = attrs.value("lang", xmlNamespace: true) {
                let l = TextCleaner.trimmed(lang)
                feed.rootLanguage = l.isEmpty ? nil : l
            }
        default:
            let name = String(cString: localname)
            if name.lowercased() == "html" {
                rejection = ParseError(.notAFeed, "the document is an HTML page")
            } else {
                rejection = ParseError(.notAFeed, "XML with root element <\(name)> is not RSS, Atom or RDF")
            }
            xmlStopParser(ctxt)
        }
    }

    // MARK: Fields

    private func feedField(_ tag: FeedTag, _ attrs: Attributes, _ depth: Int) {
        if isCore(tag) {
            switch tag.name {
            case .title: begin(.feedTitle, isAtom ? atomMode(attrs) : .html, depth)
            case .link:
                if isAtom {
                    atomLink(attrs, feedLevel: true)
                } else if let href = attrs.value("href") {
                    feed.link = feed.link ?? resolve(TextCleaner.trimmed(href))
                } else {
                    begin(.feedLink, .raw, depth)
                }
            case .description where !isAtom: begin(.feedDescription, .html, depth)
            case .subtitle, .tagline: if isAtom { begin(.feedDescription, atomMode(attrs), depth) }
            case .language: begin(.feedLanguage, .raw, depth)
            case .lastBuildDate: begin(.feedUpdated, .raw, depth)
            case .updated, .modified: if isAtom { begin(.feedUpdated, .raw, depth) }
            case .ttl: begin(.feedTTL, .raw, depth)
            default: break
            }
            return
        }
        switch (tag.ns, tag.name) {
        case (.atom10, .link): atomLink(attrs, feedLevel: true)
        case (.dc, .language): begin(.feedLanguage, .raw, depth)
        case (.dc, .date), (.dcterms, .modified): begin(.feedUpdated, .raw, depth)
        case (.syndication, .updatePeriod): begin(.feedUpdatePeriod, .raw, depth)
        case (.syndication, .updateFrequency): begin(.feedUpdateFrequency, .raw, depth)
        default: break
        }
    }

    private func itemField(_ tag: FeedTag, _ attrs: Attributes, _ depth: Int, _ frame: inout Frame) {
        if isCore(tag) {
            switch tag.name {
            case .title: begin(.itemTitle, isAtom ? atomMode(attrs) : .html, depth)
            case .link:
                if isAtom {
                    atomLink(attrs, feedLevel: false)
                } else if let href = attrs.value("href") {
                    item.link = item.link ?? resolve(TextCleaner.trimmed(href))
                } else {
                    begin(.itemLink, .raw, depth)
                }
            case .guid:
                let permalink = attrs.value("isPermaLink").map { TextCleaner.trimmed($0).lowercased() != "false" }
                begin(.itemGUID(permalink: permalink ?? true), .raw, depth)
            case .id: if isAtom { begin(.itemID, .raw, depth) }
            case .description: if !isAtom { begin(.itemSummary, .html, depth) }
            case .summary: if isAtom { begin(.itemSummary, atomMode(attrs), depth) }
            case .content: if isAtom { begin(.itemContent, atomMode(attrs, content: true), depth) }
            case .pubDate: begin(.itemPublished, .raw, depth)
            case .published, .issued: if isAtom { begin(.itemPublished, .raw, depth) }
            case .created: if isAtom { begin(.itemPublishedFallback, .raw, depth) }
            case .updated, .modified: if isAtom { begin(.itemUpdated, .raw, depth) }
            case .author: if isAtom { frame.role = .author } else { begin(.itemAuthor, .text, depth) }
            case .category:
                if isAtom {
                    let term = attrs.value("term") ?? attrs.value("label")
                    item.addCategory(term.map { TextCleaner.clean($0) })
                } else {
                    begin(.itemCategory, .text, depth)
                }
            default: break
            }
            return
        }
        switch (tag.ns, tag.name) {
        case (.content, .encoded): begin(.itemContent, .html, depth)
        case (.dc, .creator): begin(.itemAuthor, .text, depth)
        case (.dc, .date), (.dcterms, .modified): begin(.itemUpdated, .raw, depth)
        case (.dcterms, .issued), (.dcterms, .created): begin(.itemPublishedFallback, .raw, depth)
        case (.dc, .subject): begin(.itemCategory, .text, depth)
        case (.atom10, .link): atomLink(attrs, feedLevel: false)
        case (.media, .title): begin(.mediaTitle, mediaMode(attrs), depth)
        case (.media, .description): begin(.mediaDescription, mediaMode(attrs), depth)
        default: break
        }
    }

    private func atomLink(_ attrs: Attributes, feedLevel: Bool) {
        guard let rawHref = attrs.value("href") else { return }
        let rel = attrs.value("rel").map { TextCleaner.trimmed($0).lowercased() } ?? "alternate"
        guard rel == "alternate" || rel == "http://www.iana.org/assignments/relation/alternate" else { return }
        let href = resolve(TextCleaner.trimmed(rawHref))
        guard !href.isEmpty else { return }
        let type = attrs.value("type").map { TextCleaner.trimmed($0).lowercased() }
        let htmlType = type == nil || type == "text/html" || type == "application/xhtml+xml"
        if feedLevel {
            if htmlType, feed.atomLinkHTML == nil { feed.atomLinkHTML = href }
            if feed.atomLinkAny == nil { feed.atomLinkAny = href }
        } else {
            if htmlType, item.atomLinkHTML == nil { item.atomLinkHTML = href }
            if item.atomLinkAny == nil { item.atomLinkAny = href }
        }
    }

    /// Atom text constructs (`type` text | html | xhtml, or a MIME type; Atom 0.3's `mode`).
    private func atomMode(_ attrs: Attributes, content: Bool = false) -> Mode {
        if content, attrs.value("src") != nil { return .skip }
        let type = attrs.value("type").map { TextCleaner.trimmed($0).lowercased() } ?? "text"
        let mode03 = attrs.value("mode").map { TextCleaner.trimmed($0).lowercased() }
        if mode03 == "base64" { return .skip }
        switch type {
        case "text", "text/plain": return .text
        case "html", "text/html": return mode03 == "xml" ? .xhtml : .html
        case "xhtml", "application/xhtml+xml": return .xhtml
        default:
            if type.hasPrefix("text/") { return .text }
            if type.hasSuffix("+xml") || type.hasSuffix("/xml") { return .xhtml }
            return .skip
        }
    }

    private func mediaMode(_ attrs: Attributes) -> Mode {
        attrs.value("type").map { TextCleaner.trimmed($0).lowercased() } == "html" ? .html : .text
    }

    // MARK: Capturing text

    private func begin(_ t: Target, _ m: Mode, _ depth: Int) {
        target = t
        mode = m
        captureDepth = depth
        buffer.removeAll(keepingCapacity: true)
        nested = false
        nestedSkip = 0
        captureFull = false
    }

    private func nestedStart(_ localname: UnsafePointer<xmlChar>) {
        nested = true
        if nestedSkip > 0 {
            nestedSkip += 1
            return
        }
        switch HTMLElementClass(name: localname) {
        case .inline: break
        case .block: buffer.append(0x20)
        case .drop: nestedSkip = 1
        }
    }

    private func nestedEnd(_ localname: UnsafePointer<xmlChar>) {
        if nestedSkip > 0 {
            nestedSkip -= 1
            return
        }
        if HTMLElementClass(name: localname) == .block { buffer.append(0x20) }
    }

    private func finishCapture() {
        guard let t = target else { return }
        target = nil
        buffer.withUnsafeBufferPointer { b in
            switch t {
            case .feedUpdated: feed.updated = feed.updated ?? FeedDate.parse(bytes: b)
            case .itemPublished: item.published = item.published ?? FeedDate.parse(bytes: b)
            case .itemPublishedFallback: item.publishedFallback = item.publishedFallback ?? FeedDate.parse(bytes: b)
            case .itemUpdated: item.updated = item.updated ?? FeedDate.parse(bytes: b)
            case .feedTTL: feed.ttl = feed.ttl ?? Int(TextCleaner.trimmed(b)).flatMap { $0 > 0 ? $0 : nil }
            case .feedUpdateFrequency: feed.updateFrequency = Int(TextCleaner.trimmed(b))
            case .feedUpdatePeriod:
                let minutes: [String: Int] = ["hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600]
                feed.updatePeriodMinutes = minutes[TextCleaner.trimmed(b).lowercased()]
            default:
                let value = text(b)
                guard let value, !value.isEmpty else { return }
                apply(t, value)
            }
        }
    }

    private func text(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        switch mode {
        case .skip: return nil
        case .raw: return TextCleaner.trimmed(b)
        case .text, .xhtml: return TextCleaner.clean(b)
        case .html:
            if nested || !TextCleaner.mayHoldMarkup(b) { return TextCleaner.clean(b) }
            return html.plainText(b, doubleEscaped: &doubleEscaped)
        }
    }

    private func apply(_ t: Target, _ value: String) {
        switch t {
        case .feedTitle: feed.title = feed.title ?? value
        case .feedLink: feed.link = feed.link ?? resolve(value)
        case .feedDescription: feed.description = feed.description ?? value
        case .feedLanguage: feed.language = feed.language ?? value
        case .itemTitle: item.title = item.title ?? value
        case .itemLink: item.link = item.link ?? resolve(value)
        case .itemGUID(let permalink):
            if item.id == nil { item.id = value }
            if permalink, item.permalinkGUID == nil, value.hasPrefix("http://") || value.hasPrefix("https://") {
                item.permalinkGUID = value
            }
        case .itemID: item.id = item.id ?? value
        case .itemSummary: item.summary = item.summary ?? value
        case .itemContent: item.content = item.content ?? value
        case .itemAuthor: item.addAuthor(value)
        case .itemAuthorName: item.authorName = item.authorName ?? value
        case .itemAuthorEmail: item.authorEmail = item.authorEmail ?? value
        case .itemCategory: item.addCategory(value)
        case .mediaTitle: item.mediaTitle = item.mediaTitle ?? value
        case .mediaDescription: item.mediaDescription = item.mediaDescription ?? value
        default: break
        }
    }

    // MARK: Links

    private func resolve(_ ref: String) -> String {
        URLResolver.resolve(ref, against: bases.last ?? baseURL)
    }
}

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
