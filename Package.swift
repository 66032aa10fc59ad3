// swift-tools-version:6.2
import PackageDescription

/// Settings shared by every Swift target of axpsim: Swift 6 language mode plus the upcoming
/// features that keep existentials and imports explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "axpsim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "axpsim", targets: ["axpsim"]),
        .library(name: "AXPSimServer", targets: ["AXPSimServer"]),
        .library(name: "AXPSimTesting", targets: ["AXPSimTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev"])]
        ),
        // The system OpenSSL 3 libcrypto (already loaded by libwebsockets): RS256 signing, through
        // AXPSimOpenSSL only.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "AXPSimCInterop",
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimCore",
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimStore",
            dependencies: [
                "AXPSimCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The one module that holds the unsafe OpenSSL calls (parse a key once, sign RS256).
        .target(
            name: "AXPSimOpenSSL",
            dependencies: ["COpenSSL", "AXPSimCInterop"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimAuth",
            dependencies: [
                "AXPSimCore", "AXPSimOpenSSL",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimHTTP",
            dependencies: [
                "CMicroHTTPD", "AXPSimCInterop",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimWebSocket",
            dependencies: [
                "CWebSockets", "AXPSimCInterop",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimFixtures",
            dependencies: [
                "AXPSimCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimScenario",
            dependencies: [
                "AXPSimCore", "AXPSimFixtures",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimTLS",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
        // The emulated platform without transport: chat, clocks and timers, tokens, scenarios, faults.
        // It never imports AXPSimHTTP or AXPSimWebSocket (SourceHabitsTests checks).
        .target(
            name: "AXPSimChat",
            dependencies: [
                "AXPSimCore", "AXPSimStore", "AXPSimAuth", "AXPSimFixtures", "AXPSimScenario",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimServer",
            dependencies: [
                "AXPSimChat", "AXPSimCore", "AXPSimStore", "AXPSimAuth", "AXPSimHTTP", "AXPSimWebSocket", "AXPSimFixtures", "AXPSimScenario", "AXPSimTLS",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "AXPSimTesting",
            dependencies: [
                "AXPSimServer", "AXPSimChat", "AXPSimCore", "AXPSimHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // What one fuzz input does to each parser of outside input; shared by the libFuzzer harnesses
        // in Tests/Fuzz (built by scripts/fuzz.sh) and the corpus tests. Not part of any product.
        .target(
            name: "AXPSimFuzzTargets",
            dependencies: [
                "AXPSimCore", "AXPSimAuth", "AXPSimFixtures", "AXPSimScenario",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "axpsim",
            dependencies: [
                "AXPSimServer", "AXPSimCore", "AXPSimFixtures", "AXPSimAuth", "AXPSimScenario", "AXPSimTLS", "AXPSimWebSocket",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "AXPSimCoreTests", dependencies: ["AXPSimCore"], swiftSettings: strictSettings),
        .testTarget(name: "AXPSimStoreTests", dependencies: ["AXPSimStore", "AXPSimCore", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strictSettings),
        .testTarget(
            name: "AXPSimAuthTests",
            dependencies: [
                "AXPSimAuth", "AXPSimCore", "AXPSimOpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strictSettings),
        .testTarget(name: "AXPSimHTTPTests", dependencies: ["AXPSimHTTP"], swiftSettings: strictSettings),
        .testTarget(name: "AXPSimWebSocketTests", dependencies: ["AXPSimWebSocket"], swiftSettings: strictSettings),
        .testTarget(name: "AXPSimFixturesTests", dependencies: ["AXPSimFixtures", "AXPSimCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "AXPSimScenarioTests", dependencies: ["AXPSimScenario", "AXPSimFixtures", "AXPSimCore"], swiftSettings: strictSettings),
        .testTarget(
            name: "AXPSimFuzzTargetsTests", dependencies: ["AXPSimFuzzTargets", "AXPSimCore", "AXPSimScenario"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "AXPSimServerTests",
            dependencies: [
                "AXPSimServer", "AXPSimChat", "AXPSimCore", "AXPSimStore", "AXPSimAuth", "AXPSimFixtures", "AXPSimHTTP", "AXPSimWebSocket", "AXPSimTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AXPSimChatTests",
            dependencies: ["AXPSimTesting", "AXPSimChat", "AXPSimServer", "AXPSimCore", "AXPSimStore", "AXPSimScenario"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AXPSimTLSTests",
            dependencies: [
                "AXPSimTLS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
