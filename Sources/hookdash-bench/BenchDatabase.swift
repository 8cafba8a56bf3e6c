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
