import Foundation

/// A program or Python module a test needs. A missing one fails the test with the command that installs it; it
/// never passes or skips silently (CI installs them all in `.ci/run`; README's set-up line names the packages).
public enum RequiredTool {
    /// A required tool is not installed.
    public struct Missing: Error, CustomStringConvertible {
        /// What to tell the developer: which tool, and how to install it.
        public let description: String
    }

    /// The absolute path of the executable `name`, searched in `PATH` then `/usr/bin` and `/bin`.
    /// - Throws: `Missing` ("NAME is required for this test: install it with INSTALL") when there is none.
    public static func path(_ name: String, install: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(description: "\(name) is required for this test: install it with \(install)")
    }

    /// The `python3` that can import `module`.
    /// - Throws: `Missing` when there is no `python3` or it cannot import `module`.
    @discardableResult
    public static func python(importing module: String, install: String) throws -> String {
        let python = try path("python3", install: "apt-get install python3")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import " + module]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Missing(
                description: "the Python module \(module) (for \(python)) is required for this test: "
                    + "install it with \(install)")
        }
        return python
    }
}
