import CLibXML2
import Foundation
import NewswatchCore

/// Which elements of a feed and its items become which fields, and how their text is read.
extension XMLFeedParser {
    func isCore(_ tag: FeedTag) -> Bool {
        switch format {
        case .rss10, .rss09x:
            return tag.ns == .rss10 || tag.ns == .rss090 || (coreNS == .none && tag.ns == .none)
        default:
            return tag.ns == coreNS
        }
    }

    func isItemStart(_ tag: FeedTag, _ depth: Int) -> Bool {
        if isAtom { return tag.name == .entry && isCore(tag) && depth == 1 }
        return tag.name == .item && isCore(tag)
    }

    func root(_ tag: FeedTag, _ localname: UnsafePointer<xmlChar>, _ attrs: Attributes) {
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

    func feedField(_ tag: FeedTag, _ attrs: Attributes, _ depth: Int) {
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

    func itemField(_ tag: FeedTag, _ attrs: Attributes, _ depth: Int, _ frame: inout Frame) {
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

    func mediaMode(_ attrs: Attributes) -> Mode {
        attrs.value("type").map { TextCleaner.trimmed($0).lowercased() } == "html" ? .html : .text
    }
}
