import Foundation
import GRDB
import Testing
@testable import HookdashStore

/// Message and delivery ids are UUID version 7: valid UUIDs whose order follows creation time,
/// so the indexes keyed by them grow at their ends.
@Suite("Time-ordered ids")
struct TimeOrderedIDTests {
    @Test("a version-7, RFC 9562 variant UUID in lower case, with the time in its first 48 bits")
    func format() throws {
        // Half a millisecond in: a Date holds binary fractions, so .123 alone may read as .1229999.
        let now = Date(timeIntervalSince1970: 1_798_545_600.1235)
        let id = TimeOrderedID.make(now: now)
        let uuid = try #require(UUID(uuidString: id))
        #expect(id == id.lowercased())
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
        let milliseconds = bytes.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_798_545_600_123)
    }

    @Test("ids sort by creation time across milliseconds and never repeat")
    func orderAndUniqueness() {
        let start = 1_798_545_600_000
        let ordered = (0..<1000).map {
            TimeOrderedID.make(now: Date(timeIntervalSince1970: (Double(start + $0) + 0.5) / 1000))
        }
        let outOfOrder = zip(ordered, ordered.dropFirst()).filter { $0 >= $1 }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.prefix(3))")
        let sameMillisecond = (0..<10_000).map { _ in TimeOrderedID.make(now: Date(timeIntervalSince1970: 1_798_545_600)) }
        #expect(Set(sameMillisecond).count == sameMillisecond.count)
    }

    @Test("emitted messages and their deliveries get time-ordered ids")
    func enqueueUsesThem() throws {
        let folder = try TemporaryFolder()
        let store = try WebhookStore.open(path: folder.file("db.sqlite"))
        let queue = QueueStore(store.dbPool)
        _ = try store.create(try validFields(name: "Jobs"))
        _ = try store.create(try validFields(name: "Also jobs"))
        for index in 0..<3 {
            _ = try queue.enqueue(NewMessage(
                eventType: "job.status", liveMode: true, body: Data(#"{"n":\#(index)}"#.utf8), createdAt: Date()))
            Thread.sleep(forTimeInterval: 0.002)
        }
        let (messages, deliveries) = try store.dbPool.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM messages ORDER BY createdAt, rowid"),
             try String.fetchAll(db, sql: "SELECT id FROM deliveries ORDER BY createdAt, rowid"))
        }
        #expect(messages.count == 3)
        #expect(deliveries.count == 6)
        for id in messages + deliveries {
            #expect(UUID(uuidString: id) != nil)
            #expect(Array(id)[14] == "7")
        }
        #expect(zip(messages, messages.dropFirst()).allSatisfy { $0 < $1 })
    }
}
