import Foundation

/// A desk's judgement of one alert (`newswatch feedback`).
public struct Verdict: Sendable, Equatable {
    public var alertID: String
    /// Whether the alert was about the topic it was sent for.
    public var relevant: Bool
    public var note: String?
    public var at: Date

    public init(alertID: String, relevant: Bool, note: String? = nil, at: Date) {
        self.alertID = alertID
        self.relevant = relevant
        self.note = note
        self.at = at
    }
}

/// One judged alert with its topic and the stored item it was raised for (`eval --feedback`).
public struct JudgedAlert: Sendable, Equatable {
    public var verdict: Verdict
    public var topic: String
    /// The alert's item; `nil` when retention removed it (then `alertTitle`/`alertSummary` are all that is left).
    public var item: StoredItem?
    public var alertTitle: String?
    public var alertSummary: String?
    public var feed: String

    public init(
        verdict: Verdict, topic: String, item: StoredItem?, alertTitle: String?, alertSummary: String?, feed: String
    ) {
        self.verdict = verdict
        self.topic = topic
        self.item = item
        self.alertTitle = alertTitle
        self.alertSummary = alertSummary
        self.feed = feed
    }
}

/// Verdicts per topic (`status`).
public struct VerdictCount: Sendable, Equatable {
    public var topic: String
    public var relevant: Int
    public var irrelevant: Int

    public init(topic: String, relevant: Int, irrelevant: Int) {
        self.topic = topic
        self.relevant = relevant
        self.irrelevant = irrelevant
    }
}
