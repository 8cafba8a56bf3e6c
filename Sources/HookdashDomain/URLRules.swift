#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a webhook URL is refused; the message names the field and says what to type instead.
public enum URLProblem: Error, Sendable, Equatable {
    case empty, tooLong, whitespace, controlCharacters, notAbsolute, httpsRequired, httpNeedsDevLoopback
    case missingHost, credentials, fragment, badPort, badHost, badIPv6, badPercentEscape, badCharacter(Character)

    public var message: String {
        switch self {
        case .empty: "URL is required"
        case .tooLong: "URL is too long (max \(WebhookValidator.maxURLLength))"
        case .whitespace: "URL must not contain spaces"
        case .controlCharacters: "URL contains control characters"
        case .notAbsolute, .missingHost: "Enter a full URL such as https://example.com/hooks"
        case .httpsRequired: "HTTPS is required"
        case .httpNeedsDevLoopback: "HTTPS is required; --dev allows http:// to localhost"
        case .credentials: "URL must not contain a user name or password"
        case .fragment: "URL must not contain a fragment (#…)"
        case .badPort: "URL port must be a number from 1 to 65535"
        case .badHost: "URL host is not a valid host name"
        case .badIPv6: "URL host is not a valid IPv6 address"
        case .badPercentEscape: "URL has a malformed %-escape"
        case let .badCharacter(character): "URL contains a character that must be escaped: \(character)"
        }
    }
}

/// The parts of an accepted URL that the delivery layer needs.
public struct WebhookURL: Sendable, Equatable {
    public let scheme: String
    /// The host as written, without IPv6 brackets.
    public let host: String
    public let port: Int?
    /// Path and query, at least "/".
    public let target: String

    public var isTLS: Bool { scheme == "https" }
    public var effectivePort: Int { port ?? (isTLS ? 443 : 80) }
}

/// SPEC §1's URL rule: absolute https:// with a host, ≤ 2048 characters, no credentials,
/// no fragment; http:// only to a loopback host in development mode.
public enum URLRules {
    public static func check(_ url: String, devMode: Bool) -> Result<String, URLProblem> {
        parse(url, devMode: devMode).map { _ in url }
    }

    public static func parse(_ url: String, devMode: Bool) -> Result<WebhookURL, URLProblem> {
        if url.isEmpty { return .failure(.empty) }
        if url.count > WebhookValidator.maxURLLength { return .failure(.tooLong) }
        if url.unicodeScalars.contains(where: \.isControlCharacter) { return .failure(.controlCharacters) }
        if url.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { return .failure(.whitespace) }

        guard let colon = url.firstIndex(of: ":") else { return .failure(.notAbsolute) }
        let scheme = url[..<colon].lowercased()
        guard isSchemeName(scheme) else { return .failure(.notAbsolute) }
        let rest = url[url.index(after: colon)...]
        guard scheme == "https" || scheme == "http" else { return .failure(.httpsRequired) }
        guard rest.hasPrefix("//") else { return .failure(.notAbsolute) }
        let afterSlashes = rest.dropFirst(2)

        if afterSlashes.contains("#") { return .failure(.fragment) }
        let authorityEnd = afterSlashes.firstIndex { $0 == "/" || $0 == "?" } ?? afterSlashes.endIndex
        let authority = afterSlashes[..<authorityEnd]
        var target = String(afterSlashes[authorityEnd...])
        if authority.contains("@") { return .failure(.credentials) }
        if authority.isEmpty { return .failure(.missingHost) }

        let host: String
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return .failure(.badIPv6) }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            guard isIPv6(host) else { return .failure(.badIPv6) }
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                return .failure(.badHost)
            }
        } else {
            if let portColon = authority.lastIndex(of: ":") {
                host = String(authority[..<portColon])
                portText = authority[authority.index(after: portColon)...]
            } else {
                host = String(authority)
                portText = nil
            }
            if host.isEmpty { return .failure(.missingHost) }
            guard isHostName(host) else { return .failure(.badHost) }
        }

        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
                  let value = Int(portText), (1...65535).contains(value) else { return .failure(.badPort) }
            port = value
        }

        if let problem = checkTargetCharacters(target) { return .failure(problem) }
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }

        if scheme == "http" {
            guard devMode, HostRules.isLoopback(host: host) else {
                return .failure(devMode || HostRules.isLoopback(host: host) ? .httpNeedsDevLoopback : .httpsRequired)
            }
        }
        return .success(WebhookURL(scheme: scheme, host: host, port: port, target: target))
    }

    private static func isSchemeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetter else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigitScalar || "+-.".unicodeScalars.contains($0) }
    }

    /// Letters, digits and hyphens per label (any non-ASCII letter for IDN hosts), labels of
    /// 1–63 characters that neither start nor end with a hyphen, 253 characters in all.
    static func isHostName(_ host: String) -> Bool {
        var name = Substring(host)
        if name.hasSuffix(".") { name = name.dropLast() }
        guard !name.isEmpty, name.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard (1...63).contains(label.count), !label.hasPrefix("-"), !label.hasSuffix("-") else { return false }
            for scalar in label.unicodeScalars {
                if scalar.isASCII {
                    guard scalar.isASCIILetter || scalar.isASCIIDigitScalar || scalar == "-" else { return false }
                } else {
                    guard scalar.properties.isAlphabetic || scalar.properties.generalCategory == .nonspacingMark
                            || scalar.properties.generalCategory == .decimalNumber else { return false }
                }
            }
        }
        // All-numeric dotted hosts are IPv4 literals and must be well-formed ones.
        if labels.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) { return isIPv4(String(name)) }
        // A top-level label of digits only is not a domain name either (e.g. "1.2.3.999x" is fine, "foo.123" is not).
        if let last = labels.last, last.allSatisfy(\.isASCIIDigit), labels.count > 1 { return false }
        return true
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        // Zone ids (fe80::1%eth0) are meaningless to a remote receiver; refuse them.
        guard !text.contains("%") else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    private static func checkTargetCharacters(_ target: String) -> URLProblem? {
        let scalars = Array(target.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "%" {
                guard index + 2 < scalars.count, scalars[index + 1].isHexDigit, scalars[index + 2].isHexDigit else {
                    return .badPercentEscape
                }
                index += 3
                continue
            }
            if "\"<>\\^`{|}".unicodeScalars.contains(scalar) { return .badCharacter(Character(scalar)) }
            index += 1
        }
        return nil
    }
}

/// Host classification shared by validation (dev-mode http) and delivery.
public enum HostRules {
    /// `localhost` (and its subdomains), 127.0.0.0/8 and ::1.
    public static func isLoopback(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.hasSuffix(".") { name = String(name.dropLast()) }
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigitScalar: Bool { ("0"..."9").contains(self) }
    var isHexDigit: Bool { isASCIIDigitScalar || ("a"..."f").contains(self) || ("A"..."F").contains(self) }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
