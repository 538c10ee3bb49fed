/// The private-network rule as applied to each connection: which resolved addresses may be connected to.
struct AddressPolicy: Sendable {
    let permitted: [AddressRange]

    /// Why `address` (numeric text from libcurl) must not be connected to, or nil when it may.
    func refusal(for address: String) -> NetworkAddress.Scope? {
        guard let parsed = NetworkAddress(address) else { return .reserved }
        let scope = parsed.scope
        if scope == .global || permitted.contains(where: { $0.contains(parsed) }) { return nil }
        return scope
    }
}
