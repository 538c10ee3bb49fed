import Foundation

/// One story under one topic: the same news item however many feeds carried it, shown once.
package struct DigestStory: Sendable, Equatable {
    /// The story id, shared with the `story` field of alert records.
    package var id: String
    /// The alert id for this (story, topic), shared with the `id` field of alert records;
    /// `nil` where no alert exists (a digest-only topic).
    package var alertID: String?
    package var title: String?
    /// The story's link (usually that of the first source).
    package var link: String?
    /// When the story was first seen (UTC).
    package var firstSeen: Date
    /// The topic's matched terms, as recorded when the items were first seen, in order, distinct.
    package var terms: [String]
    /// Plain text; renderers cut it to 300 characters.
    package var summary: String?
    /// Every feed's copy of the story, in any order (renderers sort them).
    package var sources: [DigestSource]
    /// The story's row id in the store: the last tie-break of the order, as two stories may share `id` (a reborn
    /// item's story beside its old one, SQLite).
    package var rowID: Int64

    package init(
        id: String, alertID: String? = nil, title: String?, link: String?, firstSeen: Date, terms: [String] = [],
        summary: String? = nil, sources: [DigestSource], rowID: Int64 = 0
    ) {
        self.rowID = rowID
        self.id = id
        self.alertID = alertID
        self.title = title
        self.link = link
        self.firstSeen = firstSeen
        self.terms = terms
        self.summary = summary
        self.sources = sources
    }

    /// Sources in the order they are shown: first seen first, then by feed name and link.
    package var orderedSources: [DigestSource] {
        sources.sorted {
            if $0.firstSeen != $1.firstSeen { return $0.firstSeen < $1.firstSeen }
            if $0.feed != $1.feed { return $0.feed < $1.feed }
            return ($0.link ?? "") < ($1.link ?? "")
        }
    }

    /// The title to show: the story's, else its first source's.
    var displayTitle: String? {
        if let t = title, !DigestText.oneLine(t).isEmpty { return t }
        return orderedSources.lazy.compactMap(\.title).first { !DigestText.oneLine($0).isEmpty }
    }

    /// The link to show: the story's, else its first source's that is a web link.
    var displayLink: String? {
        if let l = DigestText.webLink(link) { return l }
        return orderedSources.lazy.compactMap { DigestText.webLink($0.link) }.first
    }
}
