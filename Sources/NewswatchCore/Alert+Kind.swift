import Foundation

extension Alert {
    /// The record's keys after `sources`: `kind`, then what the kind adds (CONTRACT §4, §10). A spike has no
    /// story: its `story` and `sources` are null.
    /// Whether the alert is about one story (every kind but `spike`).
    public var hasStory: Bool { kind != .spike }

    /// `story` in the record: null for a spike.
    var storyJSON: JSONValue { hasStory ? .string(story) : .null }

    /// `sources` in the record: null for a spike.
    var sourcesJSON: JSONValue { hasStory ? .int(sources) : .null }

    var kindFields: [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [("kind", .string(kind.rawValue))]
        switch kind {
        case .new:
            break
        case .update:
            fields.append(("previous_sources", .int(extra.previousSources ?? 0)))
        case .spike:
            fields.append(("items_last_hour", .int(extra.itemsLastHour ?? 0)))
            fields.append(("baseline", .double(((extra.baseline ?? 0) * 100).rounded() / 100)))
        }
        return fields
    }
}
