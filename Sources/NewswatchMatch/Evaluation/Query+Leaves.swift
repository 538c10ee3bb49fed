extension Query.Node {
    /// Every term of the tree, in query order, each wrapped in the `field:` scope it sits in (NOT, NEAR and the
    /// boolean operators dropped): what `eval --misses` checks one by one.
    var leaves: [Query.Node] { leaves(in: nil) }

    private func leaves(in scope: Query.Field?) -> [Query.Node] {
        switch self {
        case .term: [scope.map { .field($0, self) } ?? self]
        case .and(let children), .or(let children): children.flatMap { $0.leaves(in: scope) }
        case .not(let child), .atLeast(let child, _): child.leaves(in: scope)
        case .near(let left, let right, _): left.leaves(in: scope) + right.leaves(in: scope)
        case .field(let field, let child): child.leaves(in: field)
        }
    }
}
