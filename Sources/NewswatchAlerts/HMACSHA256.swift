/// HMAC-SHA256 (RFC 2104) for the webhook signature header `X-Newswatch-Signature: sha256=<hex>`.
package enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key` (keys longer than the 64-byte block are hashed first).
    package static func authenticationCode<Key: Collection, Message: Sequence>(for message: Message, key: Key)
        -> [UInt8]
    where Key.Element == UInt8, Message.Element == UInt8 {
        var block = key.count > 64 ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// The MAC as lower-case hex.
    package static func hex<Key: Collection, Message: Sequence>(for message: Message, key: Key) -> String
    where Key.Element == UInt8, Message.Element == UInt8 {
        authenticationCode(for: message, key: key).lowercaseHex
    }
}
