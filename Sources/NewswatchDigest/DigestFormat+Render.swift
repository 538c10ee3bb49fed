import Foundation
import NewswatchCore

extension DigestFormat {
    /// The digest in this format, as the bytes written to the file (UTF-8).
    package func render(_ data: DigestData) -> Data {
        switch self {
        case .markdown: return Data(DigestMarkdownRenderer.render(data).utf8)
        case .html: return Data(DigestHTMLRenderer.render(data).utf8)
        case .json: return Data(DigestJSONRenderer.render(data).utf8)
        }
    }
}
