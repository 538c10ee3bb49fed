import Foundation
import NewswatchStore

extension Commands {
    /// `feedback`: records the desk's verdict on one alert in the state database (CONTRACT §8).
    public static func feedback(
        configPath: String?, alertID: String, relevant: Bool, note: String?
    ) async throws(CommandError) -> CommandOutput {
        let loaded = try CommandConfig.load(configPath)
        let verdict = Verdict(alertID: alertID, relevant: relevant, note: note, at: Date())
        do {
            try await DeskFeedback.record(verdict, config: loaded.config)
        } catch {
            throw CommandError(error)
        }
        return CommandOutput("alert \(alertID): recorded as \(relevant ? "relevant" : "irrelevant")\n")
    }
}
