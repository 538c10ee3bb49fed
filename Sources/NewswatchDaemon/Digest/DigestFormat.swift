import Foundation

/// A digest file format, as named in `digest.formats` and used as the file extension.
public enum DigestFormat: String, Sendable, CaseIterable, Hashable {
    case markdown = "md"
    case html = "html"
    case json = "json"

    /// The file name extension (`md`, `html`, `json`).
    public var fileExtension: String { rawValue }

    /// The digest in this format, as the bytes written to the file (UTF-8).
    public func render(_ data: DigestData) -> Data {
        switch self {
        case .markdown: return Data(DigestMarkdownRenderer.render(data).utf8)
        case .html: return Data(DigestHTMLRenderer.render(data).utf8)
        case .json: return Data(DigestJSONRenderer.render(data).utf8)
        }
    }
}
