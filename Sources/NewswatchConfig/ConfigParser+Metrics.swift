import TOMLKit

// The `[metrics]` table (CONTRACT §11).
extension ConfigParser {
    static let metricsKeys = ["listen"]

    func parseMetrics(_ t: TOMLTable?) -> MetricsSettings {
        var m = MetricsSettings()
        guard let t else { return m }
        let p = "metrics"
        checkKeys(t, path: p, allowed: ConfigParser.metricsKeys)
        if let s = string(t, "listen", path: p) {
            if let listen = MetricsListen(s) {
                m.listen = listen
            } else {
                fail(
                    .invalidValue, join(p, "listen"),
                    "'\(s)' is not HOST:PORT; write an address and a port from 1 to 65535, such as "
                        + "\"127.0.0.1:9464\" or \"[::1]:9464\"")
            }
        }
        return m
    }
}
