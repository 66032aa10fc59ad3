import AXPSimCore
import AXPSimScenario
import Foundation

/// The observable transcript of a chat, as one session saw it: what a recording stores under
/// `timeline:` and what a replay compares against.
package enum ScenarioTimeline {
    /// Timeline entries of `engagementId` from a session's events, times in seconds (to the
    /// millisecond) since `start`.
    package static func entries(_ events: [SessionEvent], engagementId: String, start: Date) -> [TimelineEntry] {
        events.compactMap { event -> TimelineEntry? in
            if let id = event.engagementId, id != engagementId { return nil }
            let at = Double(Timestamp.millis(event.createdAt) - Timestamp.millis(start)) / 1000
            let participant = event.fields["participant"]?.objectValue ?? [:]
            let type = participant["participantType"]?.stringValue ?? ""
            let name = participant["displayName"]?.stringValue ?? ""
            let actor = type == "CUSTOMER" ? "customer" : type == "BOT" ? "bot:\(name)" : "agent:\(name)"
            switch event.eventType {
            case .message:
                let message = event.fields["message"]?.objectValue ?? [:]
                let files = message[EventFields.attachmentsField]?.arrayValue ?? []
                // A file message becomes a line of text (a replay cannot send the file again).
                if !files.isEmpty {
                    return TimelineEntry(at: at, actor: actor, kind: "message", text: Self.fileSummary(message["body"] ?? .null, files))
                }
                let body = MessageBody(stored: message["body"] ?? .null)
                guard body.elementType != .text || body.richMediaPayload != nil else {
                    return TimelineEntry(at: at, actor: actor, kind: "message", text: body.text)
                }
                return TimelineEntry(at: at, actor: actor, kind: "message", text: body.summary, body: body.stored)
            case .participantAdded:
                return type == "CUSTOMER" ? nil : TimelineEntry(at: at, actor: actor, kind: "join")
            case .participantDisconnected:
                return type == "CUSTOMER" || event.fields["reason"] != nil ? nil : TimelineEntry(at: at, actor: actor, kind: "leave")
            case .typing:
                return TimelineEntry(at: at, actor: actor, kind: "typing")
            case .queuePosition:
                let position = event.fields["position"]?.intValue.map { Int($0) } ?? 0
                let wait = event.fields["estimatedWaitSeconds"]?.intValue.map { Int($0) }
                return TimelineEntry(at: at, actor: "system", kind: "queue", text: wait.map { "position \(position) wait \($0)" } ?? "position \(position)")
            case .engagementTerminated:
                return TimelineEntry(at: at, actor: "system", kind: "end", text: event.fields["reason"]?.stringValue)
            case .tokenExpiryReminder:
                return TimelineEntry(at: at, actor: "system", kind: "tokenReminder")
            case .tokenExpired:
                return TimelineEntry(at: at, actor: "system", kind: "tokenExpired")
            case .sessionClosed:
                return TimelineEntry(at: at, actor: "system", kind: "sessionClosed", text: event.fields["reason"]?.stringValue)
            case .engagementError:
                return TimelineEntry(at: at, actor: "system", kind: "error", text: event.fields["error"]?.objectValue["detail"]?.stringValue)
            case .engagementCreated, .routed:
                // A route is checked by `expect.routed` steps, not compared as transcript.
                return nil
            }
        }
    }

    /// A message with files, in one line: `[file] the caption: invoice.pdf (application/pdf, 1234 bytes)`
    /// (the transcript keeps what was sent, not the bytes).
    static func fileSummary(_ body: JSONValue, _ files: [JSONValue]) -> String {
        let model = MessageBody(stored: body)
        let names = files.map { file -> String in
            let fields = file.objectValue
            let name = fields["name"]?.stringValue ?? "?"
            let type = fields["contentType"]?.stringValue ?? "?"
            return "\(name) (\(type), \(fields["size"]?.intValue ?? 0) bytes)"
        }
        let caption = model.text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "[\(model.elementType.rawValue)] " + (caption.isEmpty ? "" : "\(caption): ") + names.joined(separator: ", ")
    }

    /// One readable line per entry: `  12.000s  agent:Alice    message  "text"`.
    package static func line(_ entry: TimelineEntry) -> String {
        let time = String(format: "%9.3fs", entry.at)
        let text = entry.text.map { " \"\($0)\"" } ?? ""
        return "\(time)  \(entry.actor.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.kind)\(text)"
    }

    /// A unified-style diff of expected vs actual lines (`-` expected only, `+` actual only).
    package static func diff(expected: [TimelineEntry], actual: [TimelineEntry]) -> [String] {
        let a = expected.map(line)
        let b = actual.map(line)
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                out.append("  " + a[i])
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                out.append("+ " + b[j])
                j += 1
            } else {
                out.append("- " + a[i])
                i += 1
            }
        }
        return out
    }
}

