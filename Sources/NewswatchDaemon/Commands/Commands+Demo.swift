import Foundation
import Logging

extension Commands {
    /// `demo`: the real pipeline once over the bundled sample feeds served on loopback, writing into `output`
    /// (relative to the working directory); the output is the demo's summary.
    public static func demo(output: String, logger: Logger) async throws(CommandError) -> CommandOutput {
        let dir = URL(
            fileURLWithPath: output, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        do {
            return CommandOutput(try await DemoRunner.run(outputDirectory: dir, logger: logger).summary)
        } catch {
            throw CommandError(.failure, "demo failed: \(error)")
        }
    }
}
