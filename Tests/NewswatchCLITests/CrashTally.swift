/// What the killed lives of the crash test looked like: how many, and where the kills landed.
struct CrashTally: CustomStringConvertible {
    var seed: UInt64 = 0
    var lives = 0
    var kills = 0
    var exitedBeforeKill = 0
    var continuousKills = 0
    var onceKills = 0
    var killsBeforeAnyRequest = 0
    /// A feed answered 200 in that life but its "fetched" line never came: killed in fetch, parse or ingest.
    var killsMidIngest = 0
    /// Alerts reached a file in that life without their log line: killed inside a drain, after its write.
    var killsMidDrain = 0
    /// A webhook POST of that life was still waiting for its answer when the kill came.
    var killsMidDelivery = 0
    /// The last alert the receiver got in that life was posted again later: killed after the POST arrived and before
    /// the delivery was recorded (the one window in which an HTTP sink can deliver twice).
    var killsAfterPostBeforeRecord = 0
    /// Webhook arrivals beyond the first per alert.
    var webhookDuplicates = 0
    /// A file's last line was torn by the kill itself.
    var tornLines = 0
    /// Torn lines the test left after a kill (the start of an alert line still owed, without its newline).
    var tornLinesLeft = 0
    var cleanRuns = 0

    var description: String {
        "seed \(seed): lives \(lives), kills \(kills) (continuous \(continuousKills), --once \(onceKills)), "
            + "exited before the kill \(exitedBeforeKill); kills before any request \(killsBeforeAnyRequest), "
            + "mid-ingest \(killsMidIngest), mid-drain \(killsMidDrain), mid-delivery \(killsMidDelivery), "
            + "after a POST before its record \(killsAfterPostBeforeRecord); webhook duplicates "
            + "\(webhookDuplicates); torn lines \(tornLines), torn lines left by the test \(tornLinesLeft), "
            + "clean runs \(cleanRuns)"
    }
}
