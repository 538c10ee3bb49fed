import Foundation
import NewswatchCore

/// One topic's part of a digest: its stories in the period with counts, averages and hourly volume.
package struct DigestTopic: Sendable, Equatable {
    /// The topic id from the config.
    package var id: String
    package var name: String
    package var priority: Priority
    /// The topic's stories in the period, in any order (see `orderedStories`).
    package var stories: [DigestStory]
    /// Matched items first seen in the period (each source of each story counts once).
    package var itemCount: Int
    /// Stories in the period.
    package var storyCount: Int
    /// The mean daily item count over the previous 7 periods; `nil` when unknown.
    package var averageItemCount: Double?
    /// The mean daily story count over the previous 7 periods; `nil` when unknown.
    package var averageStoryCount: Double?
    /// Items first seen in each hour of the period, one entry per `period.hourStarts` element.
    package var hourlyVolume: [Int]

    /// A topic whose counts and hourly volume are derived from the sources' first-seen times in `period`.
    ///
    /// A source first seen outside `period` is shown with its story but not counted.
    package init(
        id: String, name: String, priority: Priority, stories: [DigestStory], averageItemCount: Double? = nil,
        averageStoryCount: Double? = nil, period: DigestPeriod
    ) {
        var volume = Array(repeating: 0, count: period.hourStarts.count)
        var items = 0
        for story in stories {
            for source in story.sources {
                guard let i = period.hourIndex(of: source.firstSeen) else { continue }
                volume[i] += 1
                items += 1
            }
        }
        self.init(
            id: id, name: name, priority: priority, stories: stories, itemCount: items, storyCount: stories.count,
            averageItemCount: averageItemCount, averageStoryCount: averageStoryCount, hourlyVolume: volume)
    }

    /// A topic with every figure given as is (for a store that counts in SQL).
    package init(
        id: String, name: String, priority: Priority, stories: [DigestStory], itemCount: Int, storyCount: Int,
        averageItemCount: Double?, averageStoryCount: Double?, hourlyVolume: [Int]
    ) {
        self.id = id
        self.name = name
        self.priority = priority
        self.stories = stories
        self.itemCount = itemCount
        self.storyCount = storyCount
        self.averageItemCount = averageItemCount
        self.averageStoryCount = averageStoryCount
        self.hourlyVolume = hourlyVolume
    }

    /// Stories in the order every format shows them: most sources first, then most recently first seen,
    /// then by id and row id, so equal data always renders identically.
    package var orderedStories: [DigestStory] {
        stories.sorted {
            if $0.sources.count != $1.sources.count { return $0.sources.count > $1.sources.count }
            if $0.firstSeen != $1.firstSeen { return $0.firstSeen > $1.firstSeen }
            if $0.id != $1.id { return $0.id < $1.id }
            return $0.rowID < $1.rowID
        }
    }
}
