import NewswatchFetch
import Testing

/// The private-network classifier, range by range, with both edges of each range.
@Suite struct NetworkAddressTests {
    typealias Scope = NetworkAddress.Scope

    static let cases: [(String, Scope)] = [
        // IPv4
        ("0.0.0.0", .unspecified), ("0.255.255.255", .unspecified),
        ("10.0.0.0", .privateUse), ("10.255.255.255", .privateUse),
        ("100.63.255.255", .global), ("100.64.0.0", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
        ("100.128.0.0", .global),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("169.254.169.254", .linkLocal), ("169.253.0.1", .global), ("169.255.0.1", .global),
        ("172.15.255.255", .global), ("172.16.0.0", .privateUse), ("172.31.255.255", .privateUse),
        ("172.32.0.0", .global),
        ("192.168.0.1", .privateUse), ("192.167.255.255", .global), ("192.169.0.0", .global),
        ("192.0.0.8", .reserved), ("192.0.2.1", .reserved), ("198.51.100.7", .reserved), ("203.0.113.9", .reserved),
        ("198.18.0.1", .reserved), ("198.19.255.255", .reserved), ("198.20.0.0", .global),
        ("224.0.0.1", .multicast), ("239.255.255.255", .multicast),
        ("240.0.0.1", .reserved), ("255.255.255.255", .reserved),
        ("1.1.1.1", .global), ("8.8.8.8", .global), ("151.101.1.69", .global), ("223.255.255.255", .global),
        // IPv6
        ("::", .unspecified), ("::1", .loopback), ("[::1]", .loopback),
        ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal), ("febf:ffff::1", .linkLocal),
        ("fec0::1", .privateUse),
        ("fc00::1", .uniqueLocal), ("fd12:3456:789a::1", .uniqueLocal), ("fbff::1", .global),
        ("ff02::1", .multicast),
        ("2001:db8::1", .reserved), ("2001:0:4136:e378::1", .reserved), ("100::1", .reserved),
        ("2606:4700:4700::1111", .global), ("2a00:1450:4001:82b::200e", .global),
        // IPv6 forms that reach an IPv4 address are judged by that address.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateUse), ("::ffff:8.8.8.8", .global),
        ("::127.0.0.1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
        ("64:ff9b::10.0.0.1", .privateUse), ("64:ff9b::8.8.8.8", .global), ("64:ff9b:1::1", .privateUse),
        ("2002:7f00:1::1", .loopback), ("2002:c0a8:101::1", .privateUse), ("2002:0808:0808::1", .global),
    ]

    @Test(arguments: cases)
    func classifies(_ text: String, _ expected: Scope) throws {
        let address = try #require(NetworkAddress(text))
        #expect(address.scope == expected)
        #expect(address.isPrivateNetwork == (expected != .global))
    }

    @Test(arguments: ["", "localhost", "1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "example.org", "10.0.0.0/8"])
    func rejectsNonAddresses(_ text: String) {
        #expect(NetworkAddress(text) == nil)
    }

    @Test func printsCanonicalText() throws {
        #expect(try #require(NetworkAddress("10.1.2.3")).description == "10.1.2.3")
        #expect(try #require(NetworkAddress("2001:0DB8:0000::0001")).description == "2001:db8::1")
    }

    @Test func rangesContainTheirAddresses() throws {
        let v4 = try #require(AddressRange("192.168.0.0/16"))
        #expect(v4.contains(try #require(NetworkAddress("192.168.200.7"))))
        #expect(!v4.contains(try #require(NetworkAddress("192.169.0.1"))))
        #expect(!v4.contains(try #require(NetworkAddress("::ffff:192.168.0.1"))))  // other family
        let odd = try #require(AddressRange("10.0.0.0/12"))
        #expect(odd.contains(try #require(NetworkAddress("10.15.255.255"))))
        #expect(!odd.contains(try #require(NetworkAddress("10.16.0.0"))))
        let single = try #require(AddressRange("127.0.0.1"))
        #expect(single.prefixLength == 32)
        #expect(!single.contains(try #require(NetworkAddress("127.0.0.2"))))
        let v6 = try #require(AddressRange("fd00::/8"))
        #expect(v6.contains(try #require(NetworkAddress("fd12::1"))))
        #expect(!v6.contains(try #require(NetworkAddress("fc00::1"))))
        #expect(try #require(AddressRange("0.0.0.0/0")).contains(try #require(NetworkAddress("8.8.8.8"))))
        for bad in ["10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "nothing/8", "10.0.0.0/x"] {
            #expect(AddressRange(bad) == nil)
        }
    }
}
