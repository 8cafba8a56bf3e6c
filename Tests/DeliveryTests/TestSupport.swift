import Foundation
import GRDB
import HookdashDomain
import HookdashDelivery
import HookdashReceiver
import HookdashStore

/// A fresh database file in its own temp folder, with the queue schema.
struct TestDatabase {
    let folder: URL
    let path: String
    let store: WebhookStore
    let pool: DatabasePool
    let queue: QueueStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hookdash-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("hookdash.sqlite").path
        store = try WebhookStore.open(path: path)
        pool = store.dbPool
        queue = QueueStore(pool)
    }

    /// Another process's view of the same file.
    static func open(path: String) throws -> DatabasePool {
        try WebhookStore.open(path: path).dbPool
    }

    @discardableResult
    func addWebhook(url: String, secret: String? = nil, events: [String] = ["job.status"], active: Bool = true) throws -> String {
        let draft = WebhookDraft(name: "hook", url: url, secret: secret ?? "", events: events, active: active)
        switch WebhookValidator.validate(draft, options: ValidationOptions(devMode: true)) {
        case .success(let valid): return try store.create(valid).id
        case .failure(let failure): throw TestFailure("invalid test webhook: \(failure)")
        }
    }

    @discardableResult
    func emit(_ event: String = "job.status", body: String = #"{"id":"j1","status":"RUNNING"}"#, at date: Date = Date())
        throws -> EnqueueResult {
        try queue.enqueue(NewMessage(eventType: event, liveMode: true, body: Data(body.utf8), createdAt: date))
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Engine settings for loopback tests; the retry ladder is pinned (no jitter).
func devConfiguration(
    caFile: String? = nil, concurrency: Int = 32, jitterRandom: Double = 0.5
) -> DeliveryConfiguration {
    DeliveryConfiguration.development(DeliveryConfiguration(
        concurrency: concurrency, caFilePath: caFile,
        retrySchedule: RetrySchedule(random: { jitterRandom }),
        idlePollInterval: .milliseconds(20), troubleProbeInterval: 0))
}

/// A throwaway certificate for localhost / 127.0.0.1 made with the openssl CLI.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    /// `names` is the certificate's subjectAltName list.
    init(in folder: URL, names: String = "DNS:localhost,IP:127.0.0.1", file: String = "cert") throws {
        certificatePath = folder.appendingPathComponent("\(file).pem").path
        keyPath = folder.appendingPathComponent("\(file)-key.pem").path
        let status = try runProcess("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=hookdash test",
            "-addext", "subjectAltName=\(names)",
            "-keyout", keyPath, "-out", certificatePath, "-days", "2",
        ])
        guard status == 0 else { throw TestFailure("openssl req failed with \(status)") }
    }

    var receiverFiles: ReceiverTLSFiles {
        ReceiverTLSFiles(certificatePath: certificatePath, privateKeyPath: keyPath)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@discardableResult
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    if let environment { process.environment = environment }
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}
