import Foundation
import Testing
@testable import HookdashDomain

@Suite("JSON and import")
struct JSONTests {
    let sample = Webhook(
        id: "a04c1abe-ff2b-4942-8584-daff733da98d", name: "Billing \"prod\" 界", url: "https://example.com/hooks?x=1",
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", events: [.jobStatus, .orderStatus], active: true,
        createdAt: Date(timeIntervalSince1970: 1_649_162_777), updatedAt: Date(timeIntervalSince1970: 1_649_162_800))

    @Test("a webhook's JSON has exactly the SPEC keys in the SPEC order")
    func webhookKeys() throws {
        let text = String(decoding: sample.json.serialized(), as: UTF8.self)
        #expect(text == #"{"id":"a04c1abe-ff2b-4942-8584-daff733da98d","url":"https://example.com/hooks?x=1","name":"Billing \"prod\" 界","active":true,"events":["job.status","order.status"],"createdAt":"2022-04-05T12:46:17Z","updatedAt":"2022-04-05T12:46:40Z","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: sample.json.serialized()) as? [String: Any])
        #expect(Set(object.keys) == Set(Webhook.jsonKeys))
    }

    @Test("no secret is JSON null")
    func nullSecret() {
        var webhook = sample
        webhook.secret = nil
        #expect(webhook.json["secret"] == .null)
    }

    @Test("the parser keeps key order and round-trips values")
    func parserRoundTrip() throws {
        let text = #"{"z":1,"a":[true,false,null,-2.5,"\u00e9\n\ud83d\ude80"],"m":{"k":"v"},"big":12345678901234}"#
        let value = try JSONValue.parse(text)
        #expect(String(decoding: value.serialized(), as: UTF8.self) == #"{"z":1,"a":[true,false,null,-2.5,"é\n🚀"],"m":{"k":"v"},"big":12345678901234}"#)
        #expect(value.pretty().hasPrefix("{\n  \"z\": 1,\n  \"a\": [\n    true,"))
    }

    @Test("broken JSON is reported with a byte offset", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{'a':1}", "[1 2]", "nul", "\"unterminated", "{\"a\":1}}", "[\"\\x\"]", "01x", "[\"\u{01}\"]",
    ])
    func brokenJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("pretty printing shows non-JSON as text")
    func prettyFallback() {
        #expect(JSONPretty.format(Data("<html>oops</html>".utf8)) == "<html>oops</html>")
        #expect(JSONPretty.format(Data(#"{"b":1,"a":2}"#.utf8)) == "{\n  \"b\": 1,\n  \"a\": 2\n}")
    }

    @Test("import reads what export writes")
    func importExportRoundTrip() throws {
        let data = JSONValue.array([sample.json]).serialized()
        let entries = try WebhookImport.parse(data).get()
        #expect(entries.count == 1)
        #expect(entries[0].id == sample.id)
        #expect(entries[0].fields == sample.fields)
        #expect(entries[0].createdAt == sample.createdAt)
        #expect(entries[0].updatedAt == sample.updatedAt)
    }

    @Test("import reports every invalid entry by index and field")
    func importProblems() {
        let text = """
        [
          {"name": "ok", "url": "https://example.com/", "events": ["job.status"]},
          {"name": "", "url": "ftp://x", "events": []},
          {"name": "x", "url": "https://example.com/", "events": "job.status", "active": "yes", "colour": "red"},
          {"id": "NOT-A-UUID", "name": "x", "url": "https://example.com/", "events": ["job.status"], "createdAt": "yesterday"},
          42
        ]
        """
        guard case let .failure(failure) = WebhookImport.parse(Data(text.utf8)) else {
            Issue.record("expected a failure")
            return
        }
        let lines = failure.problems.map(\.description)
        #expect(lines.contains("entry 1, name: Name is required"))
        #expect(lines.contains("entry 1, url: HTTPS is required"))
        #expect(lines.contains("entry 1, events: Select at least one event"))
        #expect(lines.contains("entry 2, events: must be an array of event names"))
        #expect(!lines.contains("entry 2, events: Select at least one event"), "one message per field")
        #expect(lines.contains("entry 2, active: must be true or false"))
        #expect(lines.contains { $0.hasPrefix("entry 2, colour: unknown key") })
        #expect(lines.contains("entry 3, id: must be a lowercase UUID v4"))
        #expect(lines.contains { $0.hasPrefix("entry 3, createdAt: must be an ISO-8601 time") })
        #expect(lines.contains("entry 4: expected a JSON object"))
        #expect(!lines.contains { $0.hasPrefix("entry 0") })
    }

    @Test("import refuses a file that is not an array, or repeats an id")
    func importShape() {
        #expect(throws: ImportFailure.self) { try WebhookImport.parse(Data("{}".utf8)).get() }
        #expect(throws: ImportFailure.self) { try WebhookImport.parse(Data("not json".utf8)).get() }
        // Plain text is no misspelt null; a misspelt literal is named.
        #expect(throws: JSONParseError(offset: 0, reason: "unexpected character")) { try JSONValue.parse(Data("not json".utf8)) }
        #expect(throws: JSONParseError(offset: 1, reason: "expected true")) { try JSONValue.parse(Data("[tru]".utf8)) }
        // Invalid UTF-8 is named at its byte, not where its string ends.
        for (bytes, offset) in [
            (Array(#"{"a":""#.utf8) + [0xFF] + Array(#"abcdefghij"}"#.utf8), 6),
            (Array(#"{""#.utf8) + [0xFF] + Array(#"":1}"#.utf8), 2),
            (Array(#"{"a":"é\#u{1F600}x"#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), 13),
            (Array(#"{"a":"x"#.utf8) + [0xC3] + Array(#""}"#.utf8), 7),
        ] {
            #expect(throws: JSONParseError(offset: offset, reason: "invalid UTF-8")) { try JSONValue.parse(Data(bytes)) }
        }
        let twice = JSONValue.array([sample.json, sample.json]).serialized()
        #expect(throws: ImportFailure.self) { try WebhookImport.parse(twice).get() }
    }

    @Test("the event catalogue matches SPEC §2")
    func catalogue() {
        let text = String(decoding: EventType.catalogueJSON.serialized(), as: UTF8.self)
        #expect(text == #"{"data":[{"name":"job.status","title":"Job Status Updates","category":"job","description":"Sent when job/task status is updated"},{"name":"order.status","title":"Order Status Updates","category":"order","description":"Sent when order status is updated"}]}"#)
    }

    @Test("ids are lowercase UUID v4")
    func ids() {
        let id = WebhookID.generate()
        #expect(WebhookID.isValid(id))
        #expect(!WebhookID.isValid(id.uppercased()))
        #expect(!WebhookID.isValid("a04c1abe-ff2b-1942-8584-daff733da98d"))
        #expect(!WebhookID.isValid("nope"))
    }

    @Test("timestamps are ISO-8601 UTC at whole seconds")
    func timestamps() {
        #expect(Timestamp.iso8601(Date(timeIntervalSince1970: 1_649_162_777.9)) == "2022-04-05T12:46:17Z")
        #expect(Timestamp.parse("2022-04-05T12:46:17Z") == Date(timeIntervalSince1970: 1_649_162_777))
        #expect(Timestamp.parse("2022-04-05T14:46:17+02:00") == Date(timeIntervalSince1970: 1_649_162_777))
        #expect(Timestamp.parse("yesterday") == nil)
        #expect(Timestamp.parse("2022-02-31T00:00:00Z") == nil)
        #expect(Timestamp.parse("2022-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parse("2024-02-29T23:59:59Z") == Date(timeIntervalSince1970: 1_709_251_199))
        for seconds in stride(from: 0, to: 2_000_000_000, by: 86_399 * 367) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(Timestamp.parse(Timestamp.iso8601(date)) == date)
        }
    }

    @Test("clock times are UTC with milliseconds, cut (not rounded) like the whole seconds")
    func clockTimes() {
        #expect(Timestamp.clock(Date(timeIntervalSince1970: 1_649_162_777.9996)) == "12:46:17.999Z")
        #expect(Timestamp.clock(Date(timeIntervalSince1970: 1_649_116_800)) == "00:00:00.000Z")
        #expect(RelativeTime.describeFuture(Date(timeIntervalSince1970: 65), from: Date(timeIntervalSince1970: 0)) == "in 1m")
        #expect(RelativeTime.describe(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 4)) == "just now")
    }

    @Test("the arithmetic parser agrees with Foundation's ISO-8601 formatter, leap days included")
    func canonicalParserMatchesFormatter() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        // Every day boundary ±1 s from 1899 to 2201 at a stride that visits each month and weekday.
        for seconds in stride(from: -2_240_611_200, to: 7_289_654_400, by: 86_400 * 13 + 3_607) {
            let text = Timestamp.iso8601(Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(Timestamp.parse(text) == formatter.date(from: text), "\(text)")
        }
        #expect(Timestamp.parse("2000-02-29T00:00:00Z") == formatter.date(from: "2000-02-29T00:00:00Z"))
        #expect(Timestamp.parse("1900-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2100-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2023-04-31T00:00:00Z") == nil)
        #expect(Timestamp.parse("2023-04-30T24:00:00Z") == nil)
        #expect(Timestamp.parse("1969-12-31T23:59:59Z") == Date(timeIntervalSince1970: -1))
    }
}
