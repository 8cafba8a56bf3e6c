import Foundation
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore

// `swift run -c release hookdash-bench delivery` and `… queue-reads`: see docs/performance.md.
let arguments = Array(CommandLine.arguments.dropFirst())
// The engine runs in this process: tune the allocator as the `hookdash` binary does, unless
// asked to measure glibc's defaults.
if !arguments.contains("--default-allocator") {
    AllocatorTuning.keepFreedMemoryForReuse()
}
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}
do {
    switch arguments.first {
    case "delivery":
        print(try await DeliveryBenchmark(
            messages: option("--messages", 5000), webhooks: option("--webhooks", 4),
            wrkSeconds: option("--wrk-seconds", 5), concurrency: option("--concurrency", 32),
            synchronousNormal: arguments.contains("--synchronous-normal"),
            inProcessReceiver: arguments.contains("--in-process-receiver")
        ).run())
    case "queue-cycle":
        // The database's share of a delivery, no HTTP (docs/performance.md).
        print(try await QueueCycleBenchmark(
            messages: option("--messages", 5000), webhooks: option("--webhooks", 4),
            claimBatch: option("--claim-batch", 8), recordBatch: option("--record-batch", 4),
            combined: arguments.contains("--combined")).run())
    case "startup":
        // The console's first frame with many webhooks and attempts (docs/performance.md, console section).
        try StartupBenchmark.run(arguments: arguments)
    case "startup-measure" where arguments.count > 1:
        try StartupBenchmark.measure(path: arguments[1])
    case "receive":
        // The benchmark's receiver, in its own process so it does not share the engine's.
        try await ReceiverProcess.serve()
    case "queue-reads":
        print(try await QueueReadBenchmark(attempts: option("--attempts", 1_000_000), webhooks: option("--webhooks", 20)).run())
    default:
        print("""
            usage: hookdash-bench delivery [--messages N] [--webhooks N] [--wrk-seconds S] [--concurrency N] [--synchronous-normal] [--in-process-receiver] [--default-allocator]
                   hookdash-bench queue-reads [--attempts N] [--webhooks N]
                   hookdash-bench queue-cycle [--messages N] [--webhooks N] [--claim-batch N] [--record-batch N] [--combined]
                   hookdash-bench startup [--webhooks N] [--attempts N] [--db PATH] [--binary-runs N] [--binary-only]
            """)
        exit(64)
    }
} catch {
    // A benchmark that cannot run says why in one line (a stale or foreign database, no wrk, …).
    FileHandle.standardError.write(Data("hookdash-bench: \(error)\n".utf8))
    exit(1)
}
