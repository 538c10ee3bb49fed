import Foundation
import NewswatchSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Where a `secret_file` or `password_file` is read from, and whether it is private enough to use (CONTRACT §7).
///
/// Editors are in group `newswatch` to read alerts and digests, so a secret must never be readable by that group:
/// - a bare name (no `/`, e.g. `webhook.secret`) is a systemd credential, read from `$CREDENTIALS_DIRECTORY` (the
///   unit's `LoadCredential=webhook.secret:/etc/newswatch/webhook.secret`); systemd makes that directory private to
///   the service, so its files need no mode check;
/// - a path (`/etc/newswatch/webhook.secret`, `./webhook.secret`, `~/…`) is read as it is, but refused when group or
///   others can read or write it (`mode & 0o066`): readable leaks the key, writable lets someone replace it.
enum SecretFile {
    /// Why a secret file cannot be used: the error's kind and its message (what is wrong, what to do).
    struct Problem: Error, Equatable {
        var kind: ConfigError.Kind
        var message: String
    }

    /// The file for `value`, checked; `key` is the config key (`secret_file`) and `resolve` turns a path written in
    /// the config into a file URL (`~` and relative paths).
    static func locate(
        _ value: String, key: String, environment: [String: String], resolve: (String) -> URL
    ) -> Result<URL, Problem> {
        if !value.contains("/") && value != "~" {
            return credential(value, key: key, environment: environment)
        }
        let url = resolve(value)
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            let why = errno == ENOENT ? "no such file" : SystemError.reason(errno)
            return .failure(Problem(kind: .missingFile, message: "cannot use the \(key) \(url.path): \(why)"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(Problem(kind: .missingFile, message: "\(url.path) is not a regular file; name a \(key)"))
        }
        let exposed = info.st_mode & 0o066
        guard exposed == 0 else {
            let who = exposed & 0o044 != 0 ? "read" : "written"
            return .failure(
                Problem(
                    kind: .exposedSecret,
                    message:
                        "\(url.path) can be \(who) by group or others (mode \(octal(info.st_mode & 0o7777))); "
                        + "run chmod 600 \(url.path) (owned by the service user), or pass it with systemd "
                        + "LoadCredential=\(url.lastPathComponent):\(url.path) and write "
                        + "\(key) = \"\(url.lastPathComponent)\""))
        }
        return .success(url)
    }

    /// A bare name: the file of that name in `$CREDENTIALS_DIRECTORY`.
    private static func credential(
        _ name: String, key: String, environment: [String: String]
    ) -> Result<URL, Problem> {
        let example = "LoadCredential=\(name):/etc/newswatch/\(name)"
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else {
            return .failure(
                Problem(
                    kind: .missingFile,
                    message:
                        "'\(name)' names a systemd credential, but $CREDENTIALS_DIRECTORY is not set; run under the "
                        + "unit with \(example) (by hand: CREDENTIALS_DIRECTORY=/etc/newswatch newswatch …), or give "
                        + "the file's path (mode 600), e.g. \(key) = \"./\(name)\""))
        }
        let url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(name).standardizedFileURL
        var info = stat()
        guard name != ".", name != "..", stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(
                Problem(
                    kind: .missingFile,
                    message:
                        "no credential '\(name)' in $CREDENTIALS_DIRECTORY (\(directory)); add \(example) to the "
                        + "unit (systemctl edit newswatch) and restart it"))
        }
        return .success(url)
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
