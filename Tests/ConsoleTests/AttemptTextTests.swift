import Foundation
import Testing
@testable import HookdashConsole

/// The attempt screen's text: every line break style ends a line, and what the endpoint sent
/// shows its control characters instead of losing them.
@Suite struct AttemptTextTests {
    let delivery = DeliveryRow(
        id: "d1", event: "job.status", messageID: "m1", status: .delivered, attemptCount: 1,
        createdAt: Date(timeIntervalSince1970: 0))

    @Test func crlfAndCrBodiesAreSplitIntoLines() {
        let attempt = AttemptRow(
            number: 1, startedAt: Date(timeIntervalSince1970: 0), durationMilliseconds: 5, statusCode: 200,
            responseBody: "one\r\ntwo\rthree\nfour\tend")
        let lines = AttemptText.lines(for: attempt, delivery: delivery)
        let body = Array(lines.suffix(4))
        #expect(body == ["one", "two", "three", "four    end"])
    }

    @Test func endpointControlCharactersAreShown() {
        let attempt = AttemptRow(
            number: 1, startedAt: Date(timeIntervalSince1970: 0), durationMilliseconds: 5, statusCode: 302,
            error: "HTTP 302 redirect to \u{1B}[31mhttps://evil.example/",
            responseHeaders: [("x-note", "\u{1B}]0;owned\u{7}")], responseBody: "a\u{1B}[2Jb")
        let lines = AttemptText.lines(for: attempt, delivery: delivery)
        #expect(lines.contains("x-note: ^[]0;owned^G"))
        #expect(lines.last == "a^[[2Jb")
        #expect(lines.contains { $0.hasSuffix("— HTTP 302 redirect to ^[[31mhttps://evil.example/") })
        #expect(!lines.joined().unicodeScalars.contains { $0.value == 0x1B })
    }
}
