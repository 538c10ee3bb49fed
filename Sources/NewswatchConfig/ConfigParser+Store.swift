import Foundation
import TOMLKit

// The `[store]` table (CONTRACT §9).
extension ConfigParser {
    static let storeKeys = ["url", "password_file", "lease"]

    func parseStore(_ t: TOMLTable?) -> StoreSettings {
        var s = StoreSettings()
        guard let t else { return s }
        let p = "store"
        checkKeys(t, path: p, allowed: ConfigParser.storeKeys)
        if let url = nonEmptyString(t, "url", path: p) {
            if let problem = Self.storeURLProblem(url) {
                fail(.invalidValue, join(p, "url"), problem)
            } else {
                s.url = url
            }
        }
        s.passwordFile = nonEmptyString(t, "password_file", path: p).flatMap {
            secretFile($0, path: join(p, "password_file"), key: "password_file")
        }
        // At least 10 s (a poll with its retries must fit), at most 1 h (a dead daemon's feeds wait that long).
        if let lease = duration(t, "lease", path: p, range: 10...3600) { s.lease = lease }
        return s
    }

    /// Why `url` cannot name a PostgreSQL store, or `nil`; never echoes a password.
    static func storeURLProblem(_ url: String) -> String? {
        let shape = "write postgresql://user@host:port/database"
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(),
            scheme == "postgresql" || scheme == "postgres"
        else { return "is not a PostgreSQL URL; \(shape)" }
        guard c.password == nil else { return "must not carry a password; put it in password_file" }
        guard let user = c.user, !user.isEmpty, let host = c.host, !host.isEmpty else {
            return "needs a user and a host; \(shape)"
        }
        let database = c.path.drop { $0 == "/" }
        guard !database.isEmpty, !database.contains("/"), c.query == nil, c.fragment == nil else {
            return "needs one database name and no query; \(shape)"
        }
        return nil
    }
}
