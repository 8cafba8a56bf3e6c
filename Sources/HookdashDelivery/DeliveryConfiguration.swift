import Foundation
import HookdashStore

/// How the engine sends: limits, timeouts, trust and the SSRF policy.
public struct DeliveryConfiguration: Sendable {
    public static let defaultVersion = "0.1.0"

    public var concurrency: Int
    public var perEndpoint: Int
    public var connectTimeout: Duration
    public var requestTimeout: Duration
    /// A PEM bundle of extra CAs to trust (private PKI, test certificates).
    public var caFilePath: String?
    public var addressPolicy: AddressPolicy
    /// Plain `http://` is only for loopback receivers in development mode.
    public var allowsPlainHTTP: Bool
    /// Without plain http allowed, how long a due delivery to an http:// URL is left to a
    /// process that may send it before this one records the refusal.
    public var plainHTTPGrace: TimeInterval = 30
    /// A kept-alive connection unused this long is closed rather than reused. Node.js and
    /// Apache close theirs after 5 s idle (their defaults); a request sent on one just as the
    /// endpoint closes it is reset unread and fails an attempt (the retry ladder's 5 s step
    /// lands on exactly that moment). Closing first costs only a new connection.
    public var idleConnectionTimeout: Duration = .seconds(4)
    /// Longer than a whole attempt, so a live worker never loses its claim mid-request.
    public var leaseDuration: TimeInterval
    public var userAgent: String
    public var retrySchedule: RetrySchedule
    /// How often an idle engine looks for newly due work written by other processes.
    public var idlePollInterval: Duration
    /// A webhook whose attempts have all failed for this long is set inactive (nil: never).
    public var disableAfterFailingFor: TimeInterval?
    /// While the database takes no writes, one delivery at a time probes it this often
    /// (seconds, on the engine's clock).
    public var troubleProbeInterval: TimeInterval

    public init(
        concurrency: Int = 32, perEndpoint: Int = 4, connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(15), caFilePath: String? = nil,
        addressPolicy: AddressPolicy = AddressPolicy(), allowsPlainHTTP: Bool = false,
        leaseDuration: TimeInterval = 60, userAgent: String = "hookdash/\(defaultVersion)",
        retrySchedule: RetrySchedule = RetrySchedule(), idlePollInterval: Duration = .milliseconds(250),
        disableAfterFailingFor: TimeInterval? = FailureStreak.defaultDisableAfter,
        troubleProbeInterval: TimeInterval = 5
    ) {
        self.troubleProbeInterval = troubleProbeInterval
        self.concurrency = max(1, concurrency)
        self.perEndpoint = max(1, perEndpoint)
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.caFilePath = caFilePath
        self.addressPolicy = addressPolicy
        self.allowsPlainHTTP = allowsPlainHTTP
        self.leaseDuration = leaseDuration
        self.userAgent = userAgent
        self.retrySchedule = retrySchedule
        self.idlePollInterval = idlePollInterval
        self.disableAfterFailingFor = disableAfterFailingFor
    }

    /// `--dev`: loopback targets and plain http to them are allowed.
    public static func development(_ base: DeliveryConfiguration = DeliveryConfiguration()) -> DeliveryConfiguration {
        var configuration = base
        configuration.addressPolicy = AddressPolicy(allowsLoopback: true, allowedRanges: base.addressPolicy.allowedRanges)
        configuration.allowsPlainHTTP = true
        return configuration
    }
}
