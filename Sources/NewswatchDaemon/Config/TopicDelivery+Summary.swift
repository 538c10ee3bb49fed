import NewswatchConfig
import NewswatchCore

extension TopicDelivery {
    /// How `check-config` shows a topic's delivery: `alerts`, `batch every 15m`, `digest only`, with
    /// `, quiet 23:00-06:00` when quiet hours are set.
    var summary: String {
        var text: String
        switch mode {
        case .immediate: text = "alerts"
        case .batch: text = "batch every \(ConfigDuration(seconds: Int64(batchPeriod ?? Self.defaultBatchPeriod)))"
        case .digest: return "digest only"
        }
        if let quietHours { text += ", quiet \(quietHours)" }
        return text
    }
}
