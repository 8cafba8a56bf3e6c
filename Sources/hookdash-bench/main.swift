import Foundation
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore

// `swift run -c release hookdash-bench delivery` and `… queue-reads`: see docs/performance.md.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}
switch arguments.first {
case "delivery":
    print(try await DeliveryBenchmark(
        messages: option("--messages", 5000), webhooks: option("--webhooks", 4),
        wrkSeconds: option("--wrk-seconds", 5), concurrency: option("--concurrency", 32),
        synchronousNormal: arguments.contains("--synchronous-normal"),
        inProcessReceiver: arguments.contains("--in-process-receiver")
    ).run())
case "receive":
    try await ReceiverProcess.serve()
case "queue-reads":
    print(try await QueueReadBenchmark(attempts: option("--attempts", 1_000_000), webhooks: option("--webhooks", 20)).run())
default:
    print("""
        usage: hookdash-bench delivery [--messages N] [--webhooks N] [--wrk-seconds S] [--concurrency N] [--synchronous-normal] [--in-process-receiver]
               hookdash-bench queue-reads [--attempts N] [--webhooks N]
        """)
    exit(64)
}
