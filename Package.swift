// swift-tools-version:6.0
import PackageDescription

// Layers, each knowing only those below it:
//   HookdashDomain → HookdashCrypto → HookdashStore → HookdashDelivery / HookdashReceiver
//   HookdashUI → HookdashTerminal (the only ncurses user) and HookdashConsole
//   HookdashCLI wires everything; `hookdash` and `hookdash-bench` are thin executables.
let package = Package(
    name: "hookdash",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hookdash", targets: ["hookdash"]),
        .executable(name: "hookdash-bench", targets: ["hookdash-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Pure values: webhooks, validation, event catalogue, envelopes, retry ladder, address rules.
        .target(name: "HookdashDomain"),

        // OpenSSL libcrypto, confined to one wrapper module.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "HookdashCrypto", dependencies: ["CLibCrypto", "HookdashDomain"]),

        // SQLite through GRDB: webhooks, messages, deliveries, attempts.
        .target(name: "HookdashStore", dependencies: [
            "HookdashDomain",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        // The durable queue's worker: claims due deliveries, signs, POSTs, records attempts.
        .target(name: "HookdashDelivery", dependencies: [
            "HookdashDomain", "HookdashCrypto", "HookdashStore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // A loopback HTTP(S) receiver: `hookdash listen`, tests and benchmarks.
        .target(name: "HookdashReceiver", dependencies: [
            "HookdashDomain", "HookdashCrypto",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),

        // ncursesw, confined to one wrapper module (HookdashTerminal).
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),

        // Terminal-independent drawing: styled cell grid, text width, keys, themes.
        .target(name: "HookdashUI"),
        // The only code that calls ncurses: copies a grid to the screen, reads keys.
        .target(name: "HookdashTerminal", dependencies: ["CNcursesw", "HookdashUI"]),
        // The console as a state machine: state, actions, update, render into a grid.
        .target(name: "HookdashConsole", dependencies: [
            "HookdashDomain", "HookdashCrypto", "HookdashStore", "HookdashDelivery", "HookdashUI",
        ]),

        // Command line: every subcommand, sharing the store and validation.
        .target(name: "HookdashCLI", dependencies: [
            "HookdashDomain", "HookdashCrypto", "HookdashStore", "HookdashDelivery",
            "HookdashReceiver", "HookdashUI", "HookdashTerminal", "HookdashConsole",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "hookdash", dependencies: ["HookdashCLI"]),
        .executableTarget(name: "hookdash-bench", dependencies: [
            "HookdashDomain", "HookdashCrypto", "HookdashStore", "HookdashDelivery",
            "HookdashReceiver", "HookdashUI", "HookdashConsole", "HookdashTerminal",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),

        .testTarget(name: "DomainTests", dependencies: ["HookdashDomain"]),
        .testTarget(name: "CryptoTests", dependencies: ["HookdashCrypto", "HookdashDomain"]),
        .testTarget(name: "StoreTests", dependencies: [
            "HookdashStore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "DeliveryTests", dependencies: [
            "HookdashDelivery", "HookdashReceiver", "HookdashStore", "HookdashCrypto", "HookdashDomain",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ConsoleTests", dependencies: ["HookdashConsole", "HookdashUI"], exclude: ["Golden"]),
        // End to end: runs the built `hookdash` binary as a subprocess (and in tmux).
        .testTarget(name: "CLITests", dependencies: [
            "HookdashCLI", "HookdashDomain", "HookdashStore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
