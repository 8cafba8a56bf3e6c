import ArgumentParser
import Foundation
import HookdashDelivery
import HookdashDomain
import HookdashStore

extension StoreOptions {
    /// The queue on the database these options name.
    func openQueue() throws -> QueueStore {
        QueueStore(try openStore().dbPool)
    }

    /// The queue of a database that must exist already (see `openExistingStore`).
    func openExistingQueue() throws -> QueueStore {
        QueueStore(try openExistingStore().dbPool)
    }

    /// The queue for commands that only read it (`deliveries`), leaving the file as it was.
    func openQueueForReading() throws -> QueueStore {
        QueueStore(try openStoreForReading().dbPool)
    }

    /// The delivery log lives beside the database: the terminal belongs to the console.
    var deliveryLogPath: String { databasePath + ".delivery.log" }
}

/// Flags that shape the delivery engine (`serve`, `webhooks test`); `--dev` comes from StoreOptions.
struct DeliveryEngineOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "Deliveries this process has in flight at once.")
    var concurrency: Int = 32

    @Option(name: .long, parsing: .unconditional, help: "Deliveries in flight per endpoint, counting other processes on the database.")
    var perEndpoint: Int = 4

    @Option(name: .long, help: "PEM file of extra certificate authorities to trust (or `ca-file = PATH` in the config file).")
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("Allow a private address range (CIDR such as 10.0.0.0/8); repeatable.", valueName: "cidr"))
    var allowPrivate: [String] = []

    // Unconditional, so "-5m" gets the message below rather than "Missing value".
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(DisableAfterOption.help + " Or `disable-after = …` in the config file.", valueName: "duration"),
        transform: DisableAfterOption.parse)
    var disableAfter: DisableAfterOption?

    func validate() throws {
        guard concurrency > 0, perEndpoint > 0 else {
            throw ValidationError("--concurrency and --per-endpoint must be positive")
        }
        // Each delivery in flight holds a connection and a lease; past this a typo, not a plan.
        guard concurrency <= 1024 else { throw ValidationError("--concurrency \(concurrency) is more than 1024 deliveries in flight") }
        guard perEndpoint <= concurrency else {
            throw ValidationError("--per-endpoint \(perEndpoint) is more than --concurrency \(concurrency), the limit for all endpoints together")
        }
        for range in allowPrivate where CIDRRange(range) == nil {
            throw ValidationError("--allow-private: '\(range)' is not a CIDR range such as 10.0.0.0/8")
        }
        // A file that is not there is missing input (66), one that holds no certificate bad data (65).
        if let caFile, let problem = TrustedCAFile.problem(at: caFile) {
            if !FileManager.default.fileExists(atPath: caFile) { throw ErrorReporter.refusal(MissingInput(message: "--ca-file: \(problem)")) }
            throw ErrorReporter.refusal(InvalidInput(message: "--ca-file: \(problem)"))
        }
    }

    /// Takes `ca-file` and `disable-after` from the config file (read now unless the caller
    /// already has it) when their flags are absent.
    func configuration(devMode: Bool, config loaded: UserConfig? = nil) throws -> DeliveryConfiguration {
        var caFilePath = caFile
        var disableAfter: TimeInterval? = FailureStreak.defaultDisableAfter
        if let flag = self.disableAfter { disableAfter = flag.seconds }
        if self.disableAfter == nil || caFilePath == nil {
            let config = try loaded ?? UserConfig.load()
            if self.disableAfter == nil, let setting = config["disable-after"] {
                guard let parsed = DisableAfterOption(argument: setting.value) else {
                    throw config.problem("disable-after", "'\(setting.value)' is not a duration above zero such as 5d, 12h or 30m, or never")
                }
                disableAfter = parsed.seconds
            }
            if caFilePath == nil, let setting = config["ca-file"] {
                if let problem = TrustedCAFile.problem(at: setting.value) {
                    throw config.problem("ca-file", problem)
                }
                caFilePath = setting.value
            }
        }
        let base = DeliveryConfiguration(
            concurrency: concurrency, perEndpoint: perEndpoint, caFilePath: caFilePath,
            addressPolicy: AddressPolicy(allowedRanges: allowPrivate.compactMap(CIDRRange.init)),
            userAgent: "hookdash/\(Hookdash.version)", disableAfterFailingFor: disableAfter)
        return devMode ? .development(base) : base
    }
}

/// The JSON shape of a delivery for `--json`.
/// A delivery in `deliveries --json`, keys in a fixed order as every --json output has.
func deliveryJSON(_ delivery: DeliveryRecord) -> JSONValue {
    func time(_ date: Date?) -> JSONValue { date.map { .string(DeliveryEnvelope.iso8601($0)) } ?? .null }
    return .object([
        ("id", .string(delivery.id)), ("messageId", .string(delivery.messageID)), ("webhookId", .string(delivery.webhookID)),
        ("event", .string(delivery.eventType)), ("liveMode", .bool(delivery.liveMode)),
        ("status", .string(delivery.status.rawValue)), ("attempts", .integer(delivery.attemptCount)),
        ("createdAt", time(delivery.createdAt)), ("nextAttemptAt", time(delivery.nextAttemptAt)),
        ("lastAttemptAt", time(delivery.lastAttemptAt)),
        ("lastStatusCode", delivery.lastStatusCode.map(JSONValue.integer) ?? .null),
        ("lastError", delivery.lastError.map(JSONValue.string) ?? .null),
        ("lastErrorClass", delivery.lastErrorClass.map { .string($0.rawValue) } ?? .null),
        ("sendingNow", .bool(delivery.isInFlight(at: Date()))),
    ])
}
