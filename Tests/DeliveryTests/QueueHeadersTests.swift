import Testing
@testable import HookdashStore

@Suite struct QueueHeadersTests {
    @Test func headersRoundTripWithAwkwardCharacters() {
        let headers = [
            RecordedHeader(name: "x-quote", value: #"say "hi" \ bye"#),
            RecordedHeader(name: "x-control", value: "tab\there\u{1}"),
            RecordedHeader(name: "x-unicode", value: "ünïcødé ✓ 漢字"),
            RecordedHeader(name: "x-quote", value: "duplicate names keep order"),
        ]
        #expect(QueueHeaders.decode(QueueHeaders.encode(headers)) == headers)
        #expect(QueueHeaders.decode(QueueHeaders.encode([])) == [])
        #expect(QueueHeaders.encode([RecordedHeader(name: "x-a", value: "q\"\\\u{1F}é")]) == #"[{"name":"x-a","value":"q\"\\\u001fé"}]"#)
    }
}
