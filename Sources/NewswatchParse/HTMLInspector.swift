// No Foundation here: its ICU module clashes with the ICU headers libxml2's headers pull in.
import CLibXML2

/// Parses an HTML document with libxml2's HTML parser and lists what it holds, so tests can check that
/// generated HTML (digests) contains no element or attribute that came from untrusted text.
///
/// A test helper: small, not tuned, not used on the daemon's hot paths.
public enum HTMLInspector {
    /// One element (or `#comment`, `#pi`, `#cdata` for `script`/`style` content) in document order, with its attributes in source order.
    public struct Node: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var attributes: [Attribute]
        public var description: String {
            name + attributes.map { " \($0.name)=\"\($0.value)\"" }.joined()
        }
    }

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// What the parser made of a document.
    public struct Report: Sendable, Equatable {
        /// Elements and comments in document order.
        public var nodes: [Node]
        /// The text content, text nodes joined with single spaces.
        public var text: String
    }

    /// Parses `html` (UTF-8) as a browser-like HTML parser would, recovering from errors, never touching
    /// the network.
    public static func inspect(_ html: String) -> Report {
        xmlInitParser()
        let options = Int32(
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
                | HTML_PARSE_NOWARNING.rawValue)
        let bytes = Array(html.utf8)
        let doc: htmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let doc else { return Report(nodes: [], text: "") }
        defer { xmlFreeDoc(doc) }

        var nodes: [Node] = []
        var texts: [String] = []
        // Depth-first, document order, without recursion.
        var stack: [xmlNodePtr] = []
        var child = doc.pointee.children
        while let c = child {
            stack.append(c)
            child = c.pointee.next
        }
        stack.reverse()
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                var attributes: [Attribute] = []
                var attr = node.pointee.properties
                while let a = attr {
                    let name = a.pointee.name.map { String(cString: $0) } ?? ""
                    var value = ""
                    if let raw = xmlNodeListGetString(doc, a.pointee.children, 1) {
                        value = String(cString: raw)
                        nw_xml_free(raw)
                    }
                    attributes.append(Attribute(name: name, value: value))
                    attr = a.pointee.next
                }
                nodes.append(Node(name: node.pointee.name.map { String(cString: $0) } ?? "", attributes: attributes))
            case XML_COMMENT_NODE:
                nodes.append(Node(name: "#comment", attributes: []))
            case XML_PI_NODE:
                nodes.append(Node(name: "#pi", attributes: []))
            case XML_CDATA_SECTION_NODE:
                // The parser keeps the content of `script` and `style` as CDATA.
                nodes.append(Node(name: "#cdata", attributes: []))
            case XML_TEXT_NODE:
                if let content = node.pointee.content {
                    let t = String(cString: content).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
                    if !t.isEmpty { texts.append(t) }
                }
            default:
                break
            }
            var children: [xmlNodePtr] = []
            var c = node.pointee.children
            while let n = c {
                children.append(n)
                c = n.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return Report(nodes: nodes, text: texts.joined(separator: " "))
    }
}
