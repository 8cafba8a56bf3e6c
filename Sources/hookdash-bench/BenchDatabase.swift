import Foundation
import GRDB
import HookdashDomain
import HookdashStore

/// A throwaway hookdash database for the benchmark, opened like the product opens it.
struct BenchDatabase {
    let store: WebhookStore
    var pool: DatabasePool { store.dbPool }

    static func open(path: String) throws -> BenchDatabase {
        BenchDatabase(store: try WebhookStore.open(path: path))
    }

    func addWebhook(url: String, secret: String) throws {
        let draft = WebhookDraft(name: "bench", url: url, secret: secret, events: ["job.status"], active: true)
        _ = try store.create(try WebhookValidator.validate(draft, options: ValidationOptions(devMode: true)).get())
    }
}

extension BenchDatabase {
    /// A database in a fresh temporary folder, removed with everything in it after `body`.
    static func withTemporary<T>(
        file: String, _ body: (BenchDatabase, URL) async throws -> T
    ) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(try open(path: folder.appendingPathComponent(file).path), folder)
    }
}

/// Clocks and number formats the benchmarks share.
enum Measure {
    /// CPU time of every thread of this process (steadier than wall time on a shared machine).
    static func processCPUSeconds() -> Double {
        Double(clock()) / Double(CLOCKS_PER_SEC)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
