import NewswatchCore

extension ParsedFeed {
    /// The feed as CONTRACT §2 prints it: every key present, `null` for a missing value, keys in contract order.
    public var contractJSON: JSONValue {
        .object([
            ("format", .string(format.rawValue)),
            (
                "feed",
                .object([
                    ("title", .string(title)),
                    ("link", .string(link)),
                    ("description", .string(description)),
                    ("language", .string(language)),
                    ("updated", .timestamp(updated)),
                ])
            ),
            ("items", .array(items.map(\.contractJSON))),
        ])
    }
}

extension ParsedItem {
    /// One item as CONTRACT §2 prints it.
    public var contractJSON: JSONValue {
        .object([
            ("id", .string(id)),
            ("title", .string(title)),
            ("link", .string(link)),
            ("published", .timestamp(published)),
            ("updated", .timestamp(updated)),
            ("author", .string(author)),
            ("summary", .string(summary)),
            ("content", .string(content)),
            ("categories", .array(categories.map { .string($0) })),
        ])
    }
}
