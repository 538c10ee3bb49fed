import CLibXML2
import Foundation
import NewswatchCore

/// Capturing an element's text and turning it into a field's value when the element ends.
extension XMLFeedParser {
    func begin(_ t: Target, _ m: Mode, _ depth: Int) {
        target = t
        mode = m
        captureDepth = depth
        buffer.removeAll()
        nested = false
        nestedSkip = 0
        captureFull = false
    }

    func nestedStart(_ localname: UnsafePointer<xmlChar>) {
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

    func nestedEnd(_ localname: UnsafePointer<xmlChar>) {
        if nestedSkip > 0 {
            nestedSkip -= 1
            return
        }
        if HTMLElementClass(name: localname) == .block { buffer.append(0x20) }
    }

    func finishCapture() {
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
                let minutes: [String: Int] = [
                    "hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600,
                ]
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
}
