import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// PEM files for serving HTTPS.
public struct ReceiverTLSFiles: Sendable {
    public let certificatePath: String
    public let privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

/// A loopback HTTP/1.1 (or HTTPS) server that records every request and answers per a policy.
/// Used by `hookdash listen`, by the tests and by the benchmark.
public final class Receiver: Sendable {
    public let host: String
    public let port: Int
    public let usesTLS: Bool
    private let serverChannel: Channel
    private let state: ReceiverState

    private init(host: String, port: Int, usesTLS: Bool, serverChannel: Channel, state: ReceiverState) {
        self.host = host
        self.port = port
        self.usesTLS = usesTLS
        self.serverChannel = serverChannel
        self.state = state
    }

    /// Binds `host:port` (port 0 picks a free one; read `port` afterwards).
    /// `keepsRequests: false` only counts requests, for long benchmark runs.
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        policy: ReceiverPolicy = ReceiverPolicy(),
        tls: ReceiverTLSFiles? = nil,
        keepsRequests: Bool = true,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onRequest: (@Sendable (RecordedRequest) -> Void)? = nil
    ) async throws -> Receiver {
        let sslContext = try tls.map(makeSSLContext)
        let state = ReceiverState(policy: policy, keepsRequests: keepsRequests, onRequest: onRequest)
        let channel: Channel
        do {
            channel = try await bind(host: host, port: port, sslContext: sslContext, state: state, group: group)
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ReceiverStartError.portInUse(port)
        } catch let error as IOError where error.errnoCode == EACCES {
            throw ReceiverStartError.portNeedsPrivileges(port)
        }
        let boundPort = channel.localAddress?.port ?? port
        return Receiver(host: host, port: boundPort, usesTLS: sslContext != nil, serverChannel: channel, state: state)
    }

    private static func bind(
        host: String, port: Int, sslContext: NIOSSLContext?, state: ReceiverState, group: EventLoopGroup
    ) async throws -> Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                state.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ReceiverHTTPHandler(state: state))
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// NIOSSL's errors name its internals ("failedToLoadCertificate"); these name the file's trouble.
    static func whyUnreadable(_ path: String, holding what: String) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return ReceiverStartError.noSuchFile }
        guard FileManager.default.isReadableFile(atPath: path) else { return "permission denied" }
        return "it holds no \(what) in PEM form"
    }

    private static func makeSSLContext(_ files: ReceiverTLSFiles) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw ReceiverStartError.unreadableCertificate(
                path: files.certificatePath, reason: Self.whyUnreadable(files.certificatePath, holding: "certificate"))
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
        } catch {
            throw ReceiverStartError.unreadablePrivateKey(
                path: files.privateKeyPath, reason: Self.whyUnreadable(files.privateKeyPath, holding: "private key"))
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch NIOSSLError.failedToLoadPrivateKey {
            // Both files read; OpenSSL refuses a key whose public half is not the certificate's.
            throw ReceiverStartError.mismatchedKey(certificate: files.certificatePath, key: files.privateKeyPath)
        }
    }

    /// `http(s)://host:port` + path.
    public func url(path: String = "/hooks", hostName: String? = nil) -> String {
        "\(usesTLS ? "https" : "http")://\(hostName ?? host):\(port)\(path)"
    }

    public var requests: [RecordedRequest] { state.requests }
    public var requestCount: Int { state.requestCount }

    public func setPolicy(_ policy: ReceiverPolicy) {
        state.setPolicy(policy)
    }

    /// Polls until at least `count` requests arrived; false on timeout.
    public func waitForRequests(count: Int, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while state.requestCount < count {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Stops accepting and closes open connections.
    public func stop() async {
        try? await serverChannel.close()
        for channel in state.takeOpenChannels() {
            try? await channel.close()
        }
    }
}

/// Why a receiver could not start, in words a person can act on.
public enum ReceiverStartError: Error, Equatable, CustomStringConvertible {
    case portInUse(Int)
    case portNeedsPrivileges(Int)
    case unreadableCertificate(path: String, reason: String)
    case unreadablePrivateKey(path: String, reason: String)
    case mismatchedKey(certificate: String, key: String)

    public var description: String {
        switch self {
        case .portInUse(let port):
            "port \(port) is already in use by another program; pick another with --port N (0 picks a free one)"
        case .portNeedsPrivileges(let port):
            "port \(port) needs administrator rights; use a port above 1023"
        case .unreadableCertificate(let path, let reason):
            "cannot read the certificate \(path) (a PEM file is expected): \(reason)"
        case .unreadablePrivateKey(let path, let reason):
            "cannot read the private key \(path) (a PEM file is expected): \(reason)"
        case .mismatchedKey(let certificate, let key):
            "the private key \(key) does not belong to the certificate \(certificate); give the key made with it"
        }
    }

    static let noSuchFile = "no such file"

    /// A named file is not there (exit 66), as opposed to one that holds the wrong thing (65).
    public var isMissingFile: Bool {
        switch self {
        case .unreadableCertificate(_, let reason), .unreadablePrivateKey(_, let reason): reason == Self.noSuchFile
        case .mismatchedKey, .portInUse, .portNeedsPrivileges: false
        }
    }

    /// A named file could not be used (as opposed to the port).
    public var isAboutAFile: Bool {
        switch self {
        case .unreadableCertificate, .unreadablePrivateKey, .mismatchedKey: true
        case .portInUse, .portNeedsPrivileges: false
        }
    }
}
