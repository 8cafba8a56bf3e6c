import Foundation
import HookdashStore
import Testing

/// What `hookdash emit` accepts as an event body, and how it words what it refuses.
@Suite struct EventBodyTests {
    @Test func aJSONObjectIsKeptByteForByteWithoutSurroundingWhitespace() throws {
        let body = try DeliveryEnvelope.checkedBody(Data(" \n{\"z\":1, \"a\":[true,null]}\t\n".utf8))
        #expect(String(decoding: body, as: UTF8.self) == "{\"z\":1, \"a\":[true,null]}")
    }

    @Test func aByteOrderMarkIsNotPartOfTheBody() throws {
        let body = try DeliveryEnvelope.checkedBody(Data([0xEF, 0xBB, 0xBF] + Array("{\"bom\":1}\r\n".utf8)))
        #expect(String(decoding: body, as: UTF8.self) == "{\"bom\":1}")
        let envelope = DeliveryEnvelope.encode(
            eventType: "order.status", liveMode: true, messageID: "01a233e1-6246-7de4-ad4d-92f05dba1b93",
            timestamp: Date(), body: body)
        #expect((try? JSONSerialization.jsonObject(with: envelope)) is [String: Any])
    }

    @Test func theLimitIsOneMegabyteInclusive() throws {
        func object(ofSize size: Int) -> Data {
            // {"x":"aaa…"} is 8 bytes plus the a's.
            Data((#"{"x":""# + String(repeating: "a", count: size - 8) + #""}"#).utf8)
        }
        #expect(try DeliveryEnvelope.checkedBody(object(ofSize: 1_000_000)).count == 1_000_000)
        // The file's last newline is not the body's.
        #expect(try DeliveryEnvelope.checkedBody(object(ofSize: 1_000_000) + Data("\n".utf8)).count == 1_000_000)
        #expect(throws: DeliveryEnvelope.BodyProblem.tooLarge(bytes: 1_000_001)) {
            try DeliveryEnvelope.checkedBody(object(ofSize: 1_000_001))
        }
        // The envelope around the largest body still fits nginx's default limit of 1 MiB.
        let envelope = DeliveryEnvelope.encode(
            eventType: "order.status", liveMode: true, messageID: "01a233e1-6246-7de4-ad4d-92f05dba1b93",
            timestamp: Date(), body: object(ofSize: 1_000_000))
        #expect(envelope.count < 1 << 20)
    }

    @Test func eachMistakeIsNamed() {
        let cases: [(String, String)] = [
            (#"{"id":"o1","#, "the body is not valid JSON: unexpected end of input at byte 11"),
            ("", "the body is not valid JSON: unexpected end of input at byte 0"),
            (#"{"a":1} trailing"#, "the body is not valid JSON: unexpected text after the JSON value at byte 8"),
            ("[1, 2]", "the body must be a JSON object ({…}), not an array"),
            (#""text""#, "the body must be a JSON object ({…}), not a string"),
            ("42", "the body must be a JSON object ({…}), not a number"),
            ("null", "the body must be a JSON object ({…}), not null"),
            (#"{"e":1E400}"#, "the body is not valid JSON: a number beyond a 64-bit float's range at byte 5"),
            // Said without a byte, in a library's name: "Foundation's JSON reader refuses it".
            (#"{"a":01}"#, "the body is not valid JSON: a leading zero in a number at byte 5"),
            (#"{"a":-00.5}"#, "the body is not valid JSON: a leading zero in a number at byte 5"),
        ]
        for (input, message) in cases {
            do {
                _ = try DeliveryEnvelope.checkedBody(Data(input.utf8))
                Issue.record("accepted \(input)")
            } catch {
                #expect(error.description == message, "\(input)")
            }
        }
        #expect(DeliveryEnvelope.BodyProblem.tooLarge(bytes: nil).description.hasPrefix("the body is more than 1 MB (1000000 bytes)"))
    }
}
