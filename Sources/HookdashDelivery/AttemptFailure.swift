import AsyncHTTPClient
import Foundation
import HookdashStore
import NIOCore
import NIOHTTP1
import NIOSSL

/// Why an attempt got no usable answer, in the operator's words: what happened at which
/// endpoint and, when there is one, what to do about it. The libraries' own texts name their
/// internals ("HTTPClientError.remoteConnectionClosed", "invalid constant string", a
/// BoringSSL error with a source path) and say nothing a person can act on.
struct AttemptFailure: Equatable {
    let errorClass: AttemptErrorClass
    let text: String

    /// `endpoint` is "host:port" as the request went out; `answerStarted` when the error came
    /// while reading the body of an answer whose head had arrived.
    init(
        _ error: Error, endpoint: String, configuration: DeliveryConfiguration, answerStarted: Bool = false,
        secure: Bool = false
    ) {
        if answerStarted, let clientError = error as? HTTPClientError,
           [.readTimeout, .deadlineExceeded].contains(clientError) {
            self = Self.unfinishedAnswer(from: endpoint, configuration: configuration)
        } else if let clientError = error as? HTTPClientError {
            self = Self.describe(clientError, endpoint: endpoint, configuration: configuration, secure: secure)
        } else if let ioError = error as? IOError {
            self = Self.describe(errno: ioError.errnoCode, endpoint: endpoint)
        } else if let parserError = error as? HTTPParserError {
            self = switch parserError {
            case .invalidEOFState: Self(.http, "the answer from \(endpoint) was cut off before its end")
            case .headerOverflow: Self(.http, "\(endpoint) answered with headers too large to read (over 80 KB)")
            default: Self(.http, "\(endpoint) answered with something that is not HTTP/1.1")
            }
        } else if let sslError = error as? NIOSSLError {
            self = Self.describe(sslError, endpoint: endpoint, trustsExtraCAs: configuration.caFilePath != nil)
        } else if let extraError = error as? NIOSSLExtraError, extraError == .failedToValidateHostname {
            self = Self(.tls, "TLS: the certificate of \(endpoint) is issued for another name")
        } else if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel {
            // The connection (a kept-alive one, typically) closed under the request.
            self = Self(.other, "\(endpoint) closed the connection before answering")
        } else if let resolution = error as? ResolutionError {
            self = Self(.dns, resolution.description)
        } else {
            self = Self(.other, String(describing: error))
        }
    }

    /// The head came in time, the end of the body did not (it stalled, or trickled on).
    static func unfinishedAnswer(from endpoint: String, configuration: DeliveryConfiguration) -> AttemptFailure {
        Self(.timeout, "the answer from \(endpoint) started but did not end within \(seconds(configuration.requestTimeout))")
    }

    private init(_ errorClass: AttemptErrorClass, _ text: String) {
        self.errorClass = errorClass
        self.text = text
    }

    private static func describe(
        _ error: HTTPClientError, endpoint: String, configuration: DeliveryConfiguration, secure: Bool
    ) -> AttemptFailure {
        // Which of the two timeouts fires first for a server that accepts and then stays
        // silent in TLS is a race: both read the same.
        let connecting = secure
            ? "could not connect to \(endpoint) and finish the TLS handshake within \(seconds(configuration.connectTimeout))"
            : "could not connect to \(endpoint) within \(seconds(configuration.connectTimeout))"
        return switch error {
        case .connectTimeout, .tlsHandshakeTimeout:
            Self(.timeout, connecting)
        case .deadlineExceeded, .readTimeout, .writeTimeout:
            Self(.timeout, "no answer from \(endpoint) within \(seconds(configuration.requestTimeout))")
        case .remoteConnectionClosed:
            Self(.other, "\(endpoint) closed the connection without answering")
        case .bodyLengthMismatch:
            Self(.http, "the answer from \(endpoint) was cut off before its end")
        case .uncleanShutdown:
            Self(.tls, "TLS: \(endpoint) closed the connection without ending TLS")
        default:
            Self(.other, "\(endpoint): \(error)")
        }
    }

    private static func describe(errno code: Int32, endpoint: String) -> AttemptFailure {
        switch code {
        case ECONNREFUSED: Self(.refused, "connection refused by \(endpoint) (nothing is listening there)")
        case ECONNRESET: Self(.other, "\(endpoint) reset the connection before answering")
        case ENETUNREACH, EHOSTUNREACH: Self(.other, "\(endpoint) is unreachable from this machine")
        case ETIMEDOUT: Self(.timeout, "could not connect to \(endpoint) (timed out)")
        default: Self(.other, "\(endpoint): \(String(cString: strerror(code)))")
        }
    }

    private static func describe(_ error: NIOSSLError, endpoint: String, trustsExtraCAs: Bool) -> AttemptFailure {
        guard case .handshakeFailed(let underlying) = error else {
            return Self(.tls, "TLS with \(endpoint) failed (\(error))")
        }
        let reason = openSSLReason(String(describing: underlying))
        switch reason {
        case "CERTIFICATE_VERIFY_FAILED" where trustsExtraCAs:
            // BoringSSL does not say which check failed; with a CA file given, "add one" is no advice.
            return Self(.tls, "TLS: the certificate of \(endpoint) is not trusted: issued by neither the system's "
                + "CAs nor the --ca-file ones, self-signed, or expired or not yet valid")
        case "CERTIFICATE_VERIFY_FAILED":
            // A name mismatch arrives as NIOSSLExtraError.failedToValidateHostname instead.
            return Self(.tls, "TLS: the certificate of \(endpoint) is not trusted (unknown CA, self-signed or "
                + "expired); trust a private CA with --ca-file PEM")
        case "WRONG_VERSION_NUMBER":
            return Self(.tls, "TLS: \(endpoint) did not answer in TLS (is it a plain http:// endpoint?)")
        case let reason?:
            return Self(.tls, "TLS handshake with \(endpoint) failed (\(reason))")
        case nil:
            return Self(.tls, "TLS handshake with \(endpoint) failed")
        }
    }

    /// BoringSSL describes an error as "error:1000007d:SSL routines:OPENSSL_internal:REASON at
    /// /path/file.cc:320"; the REASON is the part worth showing.
    static func openSSLReason(_ description: String) -> String? {
        guard let marker = description.range(of: "OPENSSL_internal:", options: .backwards) else { return nil }
        let reason = description[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return reason.isEmpty ? nil : String(reason)
    }

    static func seconds(_ duration: Duration) -> String {
        let (whole, fraction) = duration.components
        return fraction == 0 ? "\(whole) s" : String(format: "%.1f s", Double(whole) + Double(fraction) / 1e18)
    }
}
