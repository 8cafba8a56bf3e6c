import Foundation
import Testing
@testable import HookdashDomain

private func draft(
    name: String = "Billing", url: String = "https://example.com/hooks", secret: String = "",
    events: [String] = ["job.status"], active: Bool = true
) -> WebhookDraft {
    WebhookDraft(name: name, url: url, secret: secret, events: events, active: active)
}

private func failure(_ draft: WebhookDraft, dev: Bool = false) -> ValidationFailure? {
    if case let .failure(failure) = WebhookValidator.validate(draft, options: ValidationOptions(devMode: dev)) { return failure }
    return nil
}

struct BadURLCase: CustomTestStringConvertible, Sendable {
    let url: String
    let expected: String
    var testDescription: String { "\(url.prefix(60).debugDescription) → \(expected)" }
}

private let https = "HTTPS is required"
private let full = "Enter a full URL such as https://example.com/hooks"
private let noCredentials = "URL must not contain a user name or password"
private let noFragment = "URL must not contain a fragment (#…)"
private let spaces = "URL must not contain spaces"
private let control = "URL contains control characters"
private let badHost = "URL host is not a valid host name"
private let badPort = "URL port must be a number from 1 to 65535"
private let badV6 = "URL host is not a valid IPv6 address"

let badURLs: [BadURLCase] = [
    // Schemes other than https.
    .init(url: "http://example.com/hooks", expected: https),
    .init(url: "HTTP://example.com/hooks", expected: https),
    .init(url: "ftp://example.com/hooks", expected: https),
    .init(url: "javascript:alert(1)", expected: https),
    .init(url: "mailto:ops@example.com", expected: https),
    .init(url: "file:///etc/passwd", expected: https),
    .init(url: "ws://example.com/socket", expected: https),
    .init(url: "wss://example.com/socket", expected: https),
    .init(url: "data:text/plain,hello", expected: https),
    .init(url: "gopher://example.com/", expected: https),
    .init(url: "ssh://example.com", expected: https),
    .init(url: "httpss://example.com", expected: https),
    .init(url: "http://localhost:8080/", expected: "HTTPS is required; --dev allows http:// to localhost"),
    .init(url: "http://127.0.0.1/", expected: "HTTPS is required; --dev allows http:// to localhost"),
    // Not absolute / no host.
    .init(url: "example.com/hooks", expected: full),
    .init(url: "www.example.com", expected: full),
    .init(url: "/hooks", expected: full),
    .init(url: "//example.com/hooks", expected: full),
    .init(url: "https:example.com", expected: full),
    .init(url: "https:/example.com", expected: full),
    .init(url: "https://", expected: full),
    .init(url: "https:///hooks", expected: full),
    .init(url: "https://?q=1", expected: full),
    .init(url: "https://:443/hooks", expected: full),
    .init(url: ":443", expected: full),
    .init(url: "1https://example.com", expected: full),
    .init(url: "ht tp://example.com", expected: spaces),
    .init(url: "localhost:8080", expected: https),
    // Whitespace and control characters.
    .init(url: "https://exa mple.com/", expected: spaces),
    .init(url: "https://example.com/a b", expected: spaces),
    .init(url: "https://example.com/\tx", expected: control),
    .init(url: "https://example.com/\nx", expected: control),
    .init(url: "https://example.com/\u{0}x", expected: control),
    .init(url: "https://example.com/\u{7F}", expected: control),
    .init(url: "https://example.com/\u{85}x", expected: control),
    .init(url: "https://example.com/\u{2028}x", expected: control),
    .init(url: "https://example.com/\u{A0}x", expected: spaces),
    .init(url: "https://example.com/\u{3000}x", expected: spaces),
    .init(url: "https://example.com/?q=a b", expected: spaces),
    // Credentials.
    .init(url: "https://user:pass@example.com/", expected: noCredentials),
    .init(url: "https://user@example.com/", expected: noCredentials),
    .init(url: "https://:pass@example.com/", expected: noCredentials),
    .init(url: "https://@example.com/", expected: noCredentials),
    .init(url: "https://a:b@[::1]/", expected: noCredentials),
    // Fragments.
    .init(url: "https://example.com/hooks#top", expected: noFragment),
    .init(url: "https://example.com/#", expected: noFragment),
    .init(url: "https://example.com#x", expected: noFragment),
    .init(url: "https://example.com/?q=1#frag", expected: noFragment),
    // Hosts.
    .init(url: "https://exa_mple.com/", expected: badHost),
    .init(url: "https://-example.com/", expected: badHost),
    .init(url: "https://example-.com/", expected: badHost),
    .init(url: "https://example..com/", expected: badHost),
    .init(url: "https://.example.com/", expected: badHost),
    .init(url: "https://exa!mple.com/", expected: badHost),
    .init(url: "https://exa$mple.com/", expected: badHost),
    .init(url: "https://" + String(repeating: "a", count: 64) + ".com/", expected: badHost),
    .init(url: "https://" + Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".") + "/", expected: badHost),
    .init(url: "https://999.1.1.1/", expected: badHost),
    .init(url: "https://1.2.3/", expected: badHost),
    .init(url: "https://1.2.3.4.5/", expected: badHost),
    .init(url: "https://256.256.256.256/", expected: badHost),
    .init(url: "https://example.123/", expected: badHost),
    .init(url: "https://exa%41mple.com/", expected: badHost),
    .init(url: "https://ex*ample.com/", expected: badHost),
    .init(url: "https://example.com;evil.com/", expected: badHost),
    .init(url: "https://example.com\\@evil.com/", expected: noCredentials),
    .init(url: "https://exa'mple.com/", expected: badHost),
    .init(url: "https://☃️.com/", expected: badHost),
    // IPv6 literals.
    .init(url: "https://[::1/", expected: badV6),
    .init(url: "https://[:::1]/", expected: badV6),
    .init(url: "https://[12345::1]/", expected: badV6),
    .init(url: "https://[fe80::1%25eth0]/", expected: badV6),
    .init(url: "https://[example.com]/", expected: badV6),
    .init(url: "https://[]/", expected: badV6),
    .init(url: "https://[::1]x/", expected: badHost),
    .init(url: "https://::1/", expected: badHost),
    // Ports.
    .init(url: "https://example.com:0/", expected: badPort),
    .init(url: "https://example.com:65536/", expected: badPort),
    .init(url: "https://example.com:99999/", expected: badPort),
    .init(url: "https://example.com:-1/", expected: badPort),
    .init(url: "https://example.com:abc/", expected: badPort),
    .init(url: "https://example.com:/", expected: badPort),
    .init(url: "https://example.com:443:443/", expected: badHost),
    .init(url: "https://example.com:+443/", expected: badPort),
    .init(url: "https://example.com:4 43/", expected: spaces),
    .init(url: "https://[::1]:0/", expected: badPort),
    .init(url: "https://[::1]:/", expected: badPort),
    .init(url: "https://example.com:000443/", expected: badPort),
    // Path and query characters.
    .init(url: "https://example.com/%", expected: "URL has a malformed %-escape"),
    .init(url: "https://example.com/%zz", expected: "URL has a malformed %-escape"),
    .init(url: "https://example.com/%4", expected: "URL has a malformed %-escape"),
    .init(url: "https://example.com/<script>", expected: "URL contains a character that must be escaped: <"),
    .init(url: "https://example.com/\"x\"", expected: "URL contains a character that must be escaped: \""),
    .init(url: "https://example.com/a{b}", expected: "URL contains a character that must be escaped: {"),
    .init(url: "https://example.com/a|b", expected: "URL contains a character that must be escaped: |"),
    .init(url: "https://example.com/a\\b", expected: "URL contains a character that must be escaped: \\"),
    .init(url: "https://example.com/a^b", expected: "URL contains a character that must be escaped: ^"),
    .init(url: "https://example.com/a`b", expected: "URL contains a character that must be escaped: `"),
    // Emptiness and length.
    .init(url: "", expected: "URL is required"),
    .init(url: "   ", expected: "URL is required"),
    .init(url: "https://example.com/" + String(repeating: "a", count: 2029), expected: "URL is too long (max 2048)"),
    .init(url: "https://example.com/?" + String(repeating: "q", count: 5000), expected: "URL is too long (max 2048)"),
]

@Suite("Webhook validation")
struct ValidationTests {
    @Test("bad URLs are refused with a message naming the URL", arguments: badURLs)
    func badURL(_ testCase: BadURLCase) {
        let result = failure(draft(url: testCase.url))
        #expect(result?.errors.count == 1)
        #expect(result?.message(for: .url) == testCase.expected)
    }

    @Test("the bad-URL table holds distinct inputs")
    func distinctCases() {
        #expect(Set(badURLs.map(\.url)).count == badURLs.count)
        #expect(badURLs.count + badNames.count + badSecrets.count + badEvents.count >= 100)
    }

    static let goodURLs = [
        "https://example.com",
        "https://example.com/",
        "https://example.com/hooks",
        "HTTPS://Example.COM/Hooks",
        "https://example.com:8443/hooks",
        "https://example.com:1/",
        "https://example.com:65535/",
        "https://example.com/hooks?token=abc&x=1",
        "https://example.com/a%20b",
        "https://example.com/path/with-dash_and.dots~tilde",
        "https://api.up42.com/projects/123/jobs",
        "https://sub.domain.example.co.uk/x",
        "https://example.com./trailing-dot",
        "https://bücher.example/hooks",
        "https://例え.テスト/フック",
        "https://xn--bcher-kva.example/",
        "https://[::1]/",
        "https://[2001:db8::1]:8443/hooks",
        "https://[::ffff:192.0.2.1]/",
        "https://192.0.2.10/",
        "https://192.0.2.10:8080/x",
        "https://localhost/",
        "https://a.b/",
        "https://1example.com/",
        "https://example.com?x=1",
        "  https://example.com/padded  ",
        "https://example.com/" + String(repeating: "a", count: 2028),
    ]

    @Test("valid edge cases are accepted", arguments: goodURLs)
    func goodURL(_ url: String) throws {
        let valid = try WebhookValidator.validate(draft(url: url)).get()
        #expect(valid.url == url.trimmingWhitespace())
    }

    @Test("http to loopback only in development mode")
    func devLoopback() throws {
        for url in ["http://localhost:8787/", "http://127.0.0.1:9000/x", "http://127.5.6.7/", "http://[::1]:80/", "http://app.localhost/"] {
            #expect(throws: Never.self) { try WebhookValidator.validate(draft(url: url), options: .init(devMode: true)).get() }
            #expect(failure(draft(url: url)) != nil)
        }
        for url in ["http://example.com/", "http://10.0.0.1/", "http://192.168.1.1/", "http://[::2]/"] {
            #expect(failure(draft(url: url), dev: true)?.message(for: .url)?.hasPrefix("HTTPS is required") == true)
        }
    }

    struct BadNameCase: Sendable, CustomTestStringConvertible {
        let name: String
        let expected: String
        var testDescription: String { "\(name.prefix(30).debugDescription) → \(expected)" }
    }

    static let badNamesForTests = badNames

    @Test("bad names are refused", arguments: badNames)
    func badName(_ testCase: BadNameCase) {
        #expect(failure(draft(name: testCase.name))?.message(for: .name) == testCase.expected)
    }

    @Test("names: trimmed, wide characters and emoji count as one character each")
    func goodNames() throws {
        #expect(try WebhookValidator.validate(draft(name: "  Billing  ")).get().name == "Billing")
        #expect(try WebhookValidator.validate(draft(name: "注文の更新 🚀")).get().name == "注文の更新 🚀")
        #expect(try WebhookValidator.validate(draft(name: String(repeating: "界", count: 100))).get().name.count == 100)
        #expect(try WebhookValidator.validate(draft(name: String(repeating: "👩‍👩‍👧", count: 100))).get().name.count == 100)
        #expect(try WebhookValidator.validate(draft(name: "x")).get().name == "x")
    }

    struct BadSecretCase: Sendable, CustomTestStringConvertible {
        let secret: String
        let expected: String
        var testDescription: String { "\(secret.prefix(30).debugDescription) → \(expected)" }
    }

    @Test("bad secrets are refused", arguments: badSecrets)
    func badSecret(_ testCase: BadSecretCase) {
        #expect(failure(draft(secret: testCase.secret))?.message(for: .secret) == testCase.expected)
    }

    @Test("secrets: empty means none; whsec_ and plain secrets are kept as typed")
    func goodSecrets() throws {
        #expect(try WebhookValidator.validate(draft(secret: "")).get().secret == nil)
        #expect(try WebhookValidator.validate(draft(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).get().secret == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(try WebhookValidator.validate(draft(secret: "plain-secret!")).get().secret == "plain-secret!")
        #expect(try WebhookValidator.validate(draft(secret: String(repeating: "s", count: 256))).get().secret?.count == 256)
    }

    struct BadEventsCase: Sendable, CustomTestStringConvertible {
        let events: [String]
        let expected: String
        var testDescription: String { "\(events) → \(expected)" }
    }

    @Test("bad event lists are refused", arguments: badEvents)
    func badEventList(_ testCase: BadEventsCase) {
        #expect(failure(draft(events: testCase.events))?.message(for: .events) == testCase.expected)
    }

    @Test("events are de-duplicated and kept in catalogue order")
    func eventOrder() throws {
        let valid = try WebhookValidator.validate(draft(events: ["order.status", "job.status", "order.status"])).get()
        #expect(valid.events == [.jobStatus, .orderStatus])
    }

    @Test("every broken field is reported at once")
    func allErrorsAtOnce() {
        let result = failure(WebhookDraft(name: "", url: "ftp://x", secret: "a b", events: [], active: true))
        #expect(result?.errors.map(\.field) == [.name, .url, .secret, .events])
        #expect(result?.description.contains("name: Name is required") == true)
    }
}

private let known = "(known: job.status, order.status)"

let badNames: [ValidationTests.BadNameCase] = [
    .init(name: "", expected: "Name is required"),
    .init(name: " ", expected: "Name is required"),
    .init(name: "\t\n ", expected: "Name is required"),
    .init(name: "\u{3000}", expected: "Name is required"),
    .init(name: String(repeating: "a", count: 101), expected: "Name is too long (max 100)"),
    .init(name: String(repeating: "界", count: 101), expected: "Name is too long (max 100)"),
    .init(name: String(repeating: "🚀", count: 101), expected: "Name is too long (max 100)"),
    .init(name: String(repeating: "x", count: 10_000), expected: "Name is too long (max 100)"),
    .init(name: "Bill\ning", expected: "Name contains control characters"),
    .init(name: "Bill\ring", expected: "Name contains control characters"),
    .init(name: "Bill\tng", expected: "Name contains control characters"),
    .init(name: "Bill\u{0}ing", expected: "Name contains control characters"),
    .init(name: "Bill\u{1B}[31ming", expected: "Name contains control characters"),
    .init(name: "Bill\u{7F}ing", expected: "Name contains control characters"),
    .init(name: "Bill\u{9B}ing", expected: "Name contains control characters"),
    .init(name: "Bill\u{2028}ing", expected: "Name contains control characters"),
    .init(name: "Bill\u{7}ing", expected: "Name contains control characters"),
    // Invisible, yet they reorder what follows on the row.
    .init(name: "Bill\u{202E}gni", expected: "Name contains control characters"),
    .init(name: "Bill\u{2067}ing", expected: "Name contains control characters"),
    .init(name: "Bill\u{200F}ing", expected: "Name contains control characters"),
    // Nothing anyone could see.
    .init(name: "\u{200B}", expected: "Name is required"),
    .init(name: "\u{200B}\u{2060}\u{FEFF}", expected: "Name is required"),
]

let badSecrets: [ValidationTests.BadSecretCase] = [
    .init(secret: String(repeating: "s", count: 257), expected: "Secret is too long (max 256)"),
    .init(secret: "has space", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "tab\there", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "newline\n", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "sécret", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "秘密", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "\u{7F}", expected: "Secret may hold only printable ASCII, no spaces"),
    .init(secret: "whsec_", expected: "Secret starting with whsec_ must be base64 after the prefix"),
    .init(secret: "whsec_!!!!", expected: "Secret starting with whsec_ must be base64 after the prefix"),
    .init(secret: "whsec_abcde", expected: "Secret starting with whsec_ must be base64 after the prefix"),
]

let badEvents: [ValidationTests.BadEventsCase] = [
    .init(events: [], expected: "Select at least one event"),
    .init(events: [""], expected: "Select at least one event"),
    .init(events: ["  "], expected: "Select at least one event"),
    .init(events: ["job"], expected: "Unknown event \"job\" \(known)"),
    .init(events: ["JOB.STATUS"], expected: "Unknown event \"JOB.STATUS\" \(known)"),
    .init(events: ["job.status", "invoice.paid"], expected: "Unknown event \"invoice.paid\" \(known)"),
    .init(events: ["*"], expected: "Unknown event \"*\" \(known)"),
    .init(events: ["job.status", ""], expected: "Unknown event (empty) \(known)"),
    .init(events: ["order_status"], expected: "Unknown event \"order_status\" \(known)"),
]
