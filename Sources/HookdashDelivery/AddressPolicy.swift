import Foundation

/// An IPv4 or IPv6 address as raw bytes (4 or 16).
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var trimmed = text
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = String(trimmed.dropFirst().dropLast()) }
        if let zone = trimmed.firstIndex(of: "%") { trimmed = String(trimmed[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, trimmed, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, trimmed, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// `::ffff:a.b.c.d` seen as the IPv4 address it carries.
    var unmappedIPv4: IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF
        else { return nil }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range such as `10.0.0.0/8` or `fc00::/7`.
public struct CIDRRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        // Empty parts kept: "10.0.0.0/" is a mistake, not a /32.
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        // Addresses are judged as the IPv4 address an IPv4-mapped one carries, so a mapped
        // range (`::ffff:127.0.0.1/128`) is the IPv4 range it names.
        if let unmapped = address.unmappedIPv4, length >= 96 {
            network = unmapped
            prefixLength = length - 96
        } else {
            network = address
            prefixLength = length
        }
    }

    public func contains(_ address: IPAddress) -> Bool {
        let candidate = (network.isIPv4 ? address.unmappedIPv4 : nil) ?? address
        guard candidate.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<network.bytes.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if candidate.bytes[index] & mask != network.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// The SSRF guard: which resolved addresses outgoing deliveries may connect to.
public struct AddressPolicy: Sendable {
    /// Never public: loopback, RFC 1918, link-local (cloud metadata), CGNAT, multicast,
    /// unspecified, unique-local IPv6 and other reserved ranges.
    static let blocked: [(range: CIDRRange, label: String)] = [
        ("0.0.0.0/8", "unspecified"), ("127.0.0.0/8", "loopback"), ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"), ("192.168.0.0/16", "private"), ("169.254.0.0/16", "link-local"),
        ("100.64.0.0/10", "CGNAT"), ("224.0.0.0/4", "multicast"), ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
        ("192.0.0.0/24", "reserved"), ("198.18.0.0/15", "benchmarking"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"), ("ff00::/8", "multicast"), ("64:ff9b::/96", "NAT64"),
    ].map { (CIDRRange($0.0)!, $0.1) }

    static let loopback = [CIDRRange("127.0.0.0/8")!, CIDRRange("::1/128")!]

    /// No range allows these: a connection to 0.0.0.0 or :: reaches this very host (a way
    /// round the loopback rule), and no webhook is served from a broadcast or multicast address.
    static let neverAllowed: Set<String> = ["unspecified", "broadcast", "multicast"]

    public let allowsLoopback: Bool
    public let allowedRanges: [CIDRRange]

    public init(allowsLoopback: Bool = false, allowedRanges: [CIDRRange] = []) {
        self.allowsLoopback = allowsLoopback
        self.allowedRanges = allowedRanges
    }

    /// Nil when allowed; otherwise why not ("loopback", "private", …).
    public func refusal(for address: IPAddress) -> String? {
        let plain = address.unmappedIPv4 ?? address
        let blocked = Self.blocked.first { $0.range.contains(plain) }?.label
        if let blocked, Self.neverAllowed.contains(blocked) { return blocked }
        if allowedRanges.contains(where: { $0.contains(plain) }) { return nil }
        if allowsLoopback, Self.loopback.contains(where: { $0.contains(plain) }) { return nil }
        return blocked
    }
}
