import Foundation
import GRDB
import HookdashDelivery
import HookdashReceiver
import HookdashStore

// `swift run -c release hookdash-bench delivery [--messages N] [--endpoints N] [--seconds S]`
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "delivery" else {
    print("usage: hookdash-bench delivery [--messages N] [--webhooks N] [--wrk-seconds S] [--concurrency N] [--synchronous-normal]")
    exit(64)
}
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return Int(arguments[index + 1]) ?? fallback
}
let report = try await DeliveryBenchmark(
    messages: option("--messages", 5000), webhooks: option("--webhooks", 4),
    wrkSeconds: option("--wrk-seconds", 5), concurrency: option("--concurrency", 32),
    synchronousNormal: arguments.contains("--synchronous-normal")
).run()
print(report)
