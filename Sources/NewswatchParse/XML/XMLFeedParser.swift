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
    let html: HTMLTextExtractor
    @exclusivity(unchecked) var ctxt: xmlParserCtxtPtr?

    @exclusivity(unchecked) var format: FeedFormat?
    @exclusivity(unchecked) var coreNS: FeedNamespace = .none
    @exclusivity(unchecked) var rejection: ParseError?

    private struct Key: Hashable {
        let local: UnsafeRawPointer
        let uri: UnsafeRawPointer?
    }
    /// Names past what `known` holds (a document with hundreds of distinct element names).
    @exclusivity(unchecked) private var tags: [Key: FeedTag] = [:]
    /// How many times an element's name was worked out from its bytes (tests: once per distinct name).
    @exclusivity(unchecked) private(set) var namesClassified = 0
    /// The document's element names so far, open-addressed by their interned pointers (`classify`).
    @exclusivity(unchecked) private var known = [(key: Key, tag: FeedTag)](
        repeating: (XMLFeedParser.noKey, FeedTag(ns: .none, name: .other)), count: XMLFeedParser.knownSlots)
    @exclusivity(unchecked) private var knownCount = 0
    private static let knownSlots = 256
    private static var noKey: Key { Key(local: UnsafeRawPointer(bitPattern: 1)!, uri: nil) }

    enum Role: UInt8 { case plain, author }
    struct Frame {
        var role: Role
        var pushedBase: Bool
    }
    @exclusivity(unchecked) private var frames: [Frame] = []
    @exclusivity(unchecked) private var bases: [String] = []

    @exclusivity(unchecked) var channelDepth = -1
    @exclusivity(unchecked) private var itemDepth = -1
    @exclusivity(unchecked) var item = ItemDraft()
    @exclusivity(unchecked) private var items: [ParsedItem] = []
    @exclusivity(unchecked) var feed = FeedDraft()

    enum Target {
        case feedTitle, feedLink, feedDescription, feedLanguage, feedUpdated, feedTTL, feedUpdatePeriod
        case feedUpdateFrequency
        case itemTitle, itemLink
        case itemGUID(permalink: Bool)
        case itemID, itemSummary, itemContent, itemPublished
        case itemPublishedFallback, itemUpdated, itemAuthor, itemAuthorName, itemAuthorEmail, itemCategory
        case mediaTitle, mediaDescription
    }
    enum Mode { case raw, text, html, xhtml, skip }
    @exclusivity(unchecked) var target: Target?
    @exclusivity(unchecked) var mode: Mode = .raw
    @exclusivity(unchecked) var captureDepth = 0
    let buffer = ByteBuffer()
    @exclusivity(unchecked) var nested = false
    @exclusivity(unchecked) var nestedSkip = 0
    @exclusivity(unchecked) var captureFull = false
    @exclusivity(unchecked) private var truncatedFields = 0

    @exclusivity(unchecked) private var errorCount = 0
    @exclusivity(unchecked) private var firstError: String?
    @exclusivity(unchecked) private var tooDeep = false
    @exclusivity(unchecked) var doubleEscaped = false

    init(baseURL: String?, html: HTMLTextExtractor) {
        self.baseURL = baseURL
        self.html = html
    }

    // MARK: Driving libxml2

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<ParsedFeed, ParseError> {
        _ = LibXML.ready
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        // `_withUnsafeGuaranteedRef`: `parse` keeps the parser alive throughout, and a retain and release of it around
        // every SAX event cost about 3 % of the whole parse.
        sax.startElementNs = { ctx, localname, _, uri, _, _, nbAttributes, _, attributes in
            guard let ctx, let localname else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef {
                $0.start(localname, uri, Int(nbAttributes), attributes)
            }
        }
        sax.endElementNs = { ctx, localname, _, _ in
            guard let ctx, let localname else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.end(localname) }
        }
        let characters: charactersSAXFunc = { ctx, ch, len in
            guard let ctx, let ch, len > 0 else { return }
            Unmanaged<XMLFeedParser>.fromOpaque(ctx)._withUnsafeGuaranteedRef { $0.characters(ch, Int(len)) }
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
            warnings.append(
                "\(truncatedFields) field\(truncatedFields == 1 ? "" : "s") longer than \(Self.fieldLimit >> 20) MiB cut short"
            )
        }
        if doubleEscaped { warnings.append("double-escaped HTML read as HTML") }
        // Handed over, not shared: `makeSafe` writes to the items, and a second reference would copy them all.
        let items = self.items
        self.items = []
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
            buffer.append(ch, count: len)
        } else {
            // Cut at a character boundary; the rest of this field's text is ignored.
            var room = Self.fieldLimit - buffer.count
            while room > 0, room < len, ch[room] & 0xC0 == 0x80 { room -= 1 }
            buffer.append(ch, count: room)
            truncatedFields += 1
            captureFull = true
        }
    }

    // MARK: Classification

    private func classify(_ localname: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?) -> FeedTag {
        let key = Key(local: UnsafeRawPointer(localname), uri: uri.map { UnsafeRawPointer($0) })
        // libxml2 interns a document's names, so a name is its pointer: an open-addressed table of them, looked up
        // by a multiplicative hash and linear probing, finds every name after its first without hashing the key
        // (SipHash per element cost more than the rest of the classification). It is never more than half full;
        // names past that go to the dictionary. (A direct-mapped cache before it thrashed: libxml2 packs the names
        // next to each other, and two of them in one slot missed on every item.)
        let mixed = (UInt(bitPattern: key.local) &+ UInt(bitPattern: key.uri) &* 31) &* 0x9E37_79B9_7F4A_7C15
        var slot = Int(truncatingIfNeeded: mixed >> 56)
        while true {
            let entry = known[slot]
            if entry.key == key { return entry.tag }
            if entry.key == Self.noKey { break }
            slot = (slot + 1) & (Self.knownSlots - 1)
        }
        if knownCount == Self.knownSlots / 2, let tag = tags[key] { return tag }
        namesClassified += 1
        let name = FeedName.of(Self.bytes(localname))
        let ns = uri.map { FeedNamespace.of(uri: Self.bytes($0)) } ?? .none
        let tag = FeedTag(ns: ns, name: name)
        if knownCount < Self.knownSlots / 2 {
            known[slot] = (key, tag)
            knownCount += 1
        } else {
            tags[key] = tag
        }
        return tag
    }

    private static func bytes(_ p: UnsafePointer<xmlChar>) -> [UInt8] {
        var n = 0
        while p[n] != 0 { n += 1 }
        return Array(UnsafeBufferPointer(start: p, count: n))
    }

    var isAtom: Bool { format == .atom10 || format == .atom03 }

    // MARK: Links

    func resolve(_ ref: String) -> String {
        URLResolver.resolve(ref, against: bases.last ?? baseURL)
    }
}
