import AXPSimAuth
import AXPSimChat
import Foundation
import AXPSimCore
import AXPSimStore
import Logging

/// Every setting of one emulator, built from CLI flags, `AXPSIM_*` environment variables and
/// defaults (in that order of precedence), and printed at start-up.
public struct EmulatorConfiguration: Sendable, CustomStringConvertible {
    /// Address both ports bind to.
    public var host = "127.0.0.1"
    /// HTTP port; 0 picks a free one.
    public var httpPort: UInt16 = 8080
    /// WebSocket port; 0 picks a free one.
    public var wsPort: UInt16 = 8081
    /// Serve HTTPS/WSS with the local CA's certificate (or the given one).
    public var tls = false
    /// PEM certificate (chain) and key to serve instead of the local CA's (`--tls-cert`/`--tls-key`).
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Folder of the local CA and its server certificate; nil means ``defaultTLSDirectory``.
    public var tlsDirectory: String?
    /// Allowed CORS origins; `*` allows any.
    public var corsOrigins: [String] = ["*"]
    /// SQLite file, or `:memory:`.
    public var databasePath = ".axpsim/state.sqlite"
    /// Folder of fixture YAML files.
    public var fixturesPath: String?
    /// Folder of scenario YAML files.
    public var scenariosPath: String?
    /// Overrides the lifetime (seconds) of chat JWTs requested without `ttl`/`ttlSeconds`.
    public var tokenTTLOverride: Int?
    /// Overrides every integration's `reminderLeadSeconds`.
    public var reminderLeadOverride: Int?
    /// Lifetime of OAuth access tokens, seconds.
    public var accessTokenTTL = 3600
    /// Clock mode of accounts that never set one.
    public var defaultClockMode: ClockMode = .real
    /// When set, every control call needs `Authorization: Bearer <token>` (from any address);
    /// when nil, the control plane answers loopback peers only.
    public var controlToken: String?
    /// Where to write the ready JSON once serving.
    public var readyFile: String?
    /// Largest accepted request body, bytes (but on the two upload routes, see ``maxAttachmentBytes``).
    public var maxBodySize = 1 << 20
    /// Largest attachment, bytes (`--max-attachment-size`): what `:generateUploadUrl` may announce
    /// and the contact center may upload; the upload routes alone accept a body this large plus
    /// its multipart framing.
    public var maxAttachmentBytes = AttachmentPolicy.defaultMaxBytes
    /// Number of HTTP worker threads.
    public var httpThreads = 4
    /// Room for a request's line and headers on one connection, bytes (`--max-header-size`): it
    /// is libmicrohttpd's memory pool per connection, which also holds the answer's headers, so a
    /// request whose line and headers come near it is answered 431. Every held long poll keeps
    /// this much resident.
    public var maxHeaderSize = 12 * 1024
    /// Frames an event socket may have queued before it is closed as a slow consumer (4408).
    public var wsQueueFrames = 4096
    /// Requests kept in the request journal.
    public var requestJournalSize = 1000
    public var logLevel: Logger.Level = .info
    /// How long a long poll with nothing to send is held before `[]`, seconds.
    public var longPollHoldSeconds = 25
    /// Longest accepted message text, characters.
    public var maxMessageLength = 4096
    /// Most long polls one session may have held at once; more answer 429.
    public var maxPollsPerSession = 16
    /// Most event sockets one session may have at once; more are closed with 4429.
    public var maxSocketsPerSession = 16
    /// How long, on the account clock, closed sessions (with their event logs), ended chats and
    /// expired or revoked tokens are kept before they are pruned, seconds.
    public var retentionSeconds = 24 * 3600
    /// The https host name clients reach axpsim by (`--public-host`): the Omni SDK accepts only a
    /// dotted host without a port. The certificate covers it and every URL axpsim writes uses it.
    public var publicHost: String?
    /// The signing key a database without one starts with, instead of a newly generated one
    /// (RSA-2048 generation takes tens of milliseconds): `axpsim replay`/`run` give every
    /// scenario's in-memory emulator the same key. Not a CLI setting, not printed.
    public var initialSigningKey: SigningKey?

    public init() {}

    /// The local CA's folder: `--tls-dir` when given, else `tls/` beside the database file, else
    /// (in-memory database) `.axpsim/tls`, so a browser keeps trusting the same CA across runs.
    public var resolvedTLSDirectory: String {
        tlsDirectory ?? Self.defaultTLSDirectory(databasePath: databasePath)
    }

    /// `tls/` beside `databasePath`, or `.axpsim/tls` for an in-memory database.
    public static func defaultTLSDirectory(databasePath: String) -> String {
        let memory = databasePath.isEmpty || databasePath == ":memory:" || databasePath.hasPrefix("file::memory:")
        if memory { return ".axpsim/tls" }
        return ((databasePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("tls")
    }

    /// What makes this configuration unusable, one sentence each (empty when it can start).
    /// Checked after flags and environment are merged, so a variable set to an empty value is
    /// caught as surely as a flag.
    public var problems: [String] {
        var problems: [String] = []
        if let controlToken, controlToken.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append("the control token must not be empty (--control-token / AXPSIM_CONTROL_TOKEN): an empty token would open the control plane")
        }
        if let controlToken, controlToken.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x21 || $0 > 0x7E } ?? true }) {
            problems.append("the control token must be printable ASCII without spaces (it travels in an Authorization header and a cookie)")
        }
        if !(1...10_000).contains(maxPollsPerSession) { problems.append("--max-polls-per-session must be between 1 and 10000") }
        if !(1...10_000).contains(maxSocketsPerSession) { problems.append("--max-sockets-per-session must be between 1 and 10000") }
        if retentionSeconds < 60 { problems.append("--retention must be at least 60 seconds") }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) { problems.append("--tls-cert and --tls-key go together") }
        if !(1...AttachmentPolicy.maxConfigurableBytes).contains(maxAttachmentBytes) {
            problems.append("--max-attachment-size must be between 1 and \(AttachmentPolicy.maxConfigurableBytes) bytes")
        }
        if let publicHost, !Self.isOmniHost(publicHost) {
            problems.append(
                "--public-host must be a lowercase dotted host name without scheme, port or path, whose last label is not a number "
                    + "(the Omni SDK accepts nothing else), e.g. axp.test; got \(publicHost)")
        }
        return problems
    }

    /// True for a host the Omni SDK takes as is: lowercase letters, digits and hyphens in dotted
    /// labels of 1–63 characters, at most 253 in all, the last label not all digits (no IPs), no port.
    public static func isOmniHost(_ host: String) -> Bool {
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, host.count <= 253, let last = labels.last, !last.allSatisfy(\.isNumber) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// Splits a comma-separated list.
    public static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    private var tlsSummary: String {
        guard tls else { return "off" }
        if let tlsCertificatePath { return "cert \(tlsCertificatePath)" }
        return "local CA in \(resolvedTLSDirectory)"
    }

    public var description: String {
        [
            "host=\(host)", "httpPort=\(httpPort)", "wsPort=\(wsPort)", "tls=\(tlsSummary)", "db=\(databasePath)",
            "fixtures=\(fixturesPath ?? "-")", "scenarios=\(scenariosPath ?? "-")", "cors=\(corsOrigins.joined(separator: ","))",
            "tokenTTL=\(tokenTTLOverride.map(String.init) ?? "per integration")",
            "reminderLead=\(reminderLeadOverride.map(String.init) ?? "per integration")", "accessTokenTTL=\(accessTokenTTL)",
            "clock=\(defaultClockMode)", "controlToken=\(controlToken == nil ? "off (loopback only)" : "on")",
            "maxBody=\(maxBodySize)", "maxAttachment=\(maxAttachmentBytes)", "httpThreads=\(httpThreads)", "maxHeader=\(maxHeaderSize)", "wsQueueFrames=\(wsQueueFrames)",
            "longPollHold=\(longPollHoldSeconds)s", "maxPollsPerSession=\(maxPollsPerSession)",
            "maxSocketsPerSession=\(maxSocketsPerSession)", "retention=\(retentionSeconds)s", "publicHost=\(publicHost ?? "-")",
            "logLevel=\(logLevel)",
        ].joined(separator: " ")
    }
}
