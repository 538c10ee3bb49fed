/// Prints a query tree as canonical text (`Query.canonical`).
enum QueryPrinter {
    static func print(_ node: Query.Node) -> String {
        switch node {
        case .term(let term):
            return term.isQuoted ? "\"\(term.text)\"" : term.display
        case .and(let children):
            return children.map { child in
                if case .or = child { return "(\(print(child)))" }
                return print(child)
            }.joined(separator: " AND ")
        case .or(let children):
            return children.map(print).joined(separator: " OR ")
        case .not(let child):
            switch child {
            case .and, .or: return "NOT (\(print(child)))"
            default: return "NOT \(print(child))"
            }
        case .near(let left, let right, let distance):
            return "\(operand(left)) NEAR/\(distance) \(operand(right))"
        case .atLeast(let child, let count):
            return "ATLEAST/\(count) \(operand(child))"
        case .field(let field, let child):
            if case .term = child { return "\(field.rawValue):\(print(child))" }
            return "\(field.rawValue):(\(print(child)))"
        }
    }

    private static func operand(_ node: Query.Node) -> String {
        if case .or = node { return "(\(print(node)))" }
        return print(node)
    }
}
