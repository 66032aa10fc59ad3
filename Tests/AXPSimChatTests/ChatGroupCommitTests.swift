import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import Synchronization
import Testing

/// Chat writes committed together (group commit): under concurrency every message is stored once,
/// in a gap-free order, every session's log stays gap-free, a failing request changes nothing,
/// and nothing is published before its commit.
@Suite struct ChatGroupCommitTests {
    @Test func concurrentMessagesKeepGapFreeOrderAndArePublishedAfterCommit() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let phone = try core.session(ann)
        let laptop = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: phone, engagementParameters: [:]))
        let engagementId = chat.engagement.engagementId
        _ = try core.chat.join(ann, engagementId, SDKRequests.DialogAction(sessionId: laptop, dialogId: nil, reason: nil))
        let senders = 8
        let each = 25
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: senders) { sender in
            for n in 0..<each {
                do {
                    _ = try core.say(ann, sender % 2 == 0 ? phone : laptop, engagementId, "m\(sender)-\(n)")
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let messages = try core.store.chatRead { try $0.messages(engagementId, pageSize: 1000, pageNumber: 1, ascending: true) }
        #expect(messages.map(\.messageIndex) == Array(1...Int64(senders * each)), "gap-free message order")
        for sender in 0..<senders {
            let own = messages.compactMap { $0.text }.filter { $0.hasPrefix("m\(sender)-") }
            #expect(own == (0..<each).map { "m\(sender)-\($0)" }, "each sender's messages in the order it sent them")
        }
        for session in [phone, laptop] {
            let events = try core.events(session)
            #expect(events.map(\.seq) == Array(1...Int64(events.count)), "gap-free event ids")
            let texts = events.filter { $0.eventType == .message }.compactMap { $0.fields["message"]?.objectValue["body"]?.objectValue["elementText"]?.objectValue["text"]?.stringValue }
            #expect(texts.count == senders * each && Set(texts).count == texts.count, "every message once on every follower")
        }
        #expect(core.sink.readBack.withLock { $0 }.allSatisfy { $0 }, "every published event was committed before it was published")
        let published = core.sink.all.reduce(0) { count, call in
            if case .published(let types, _) = call { return count + types.filter { $0 == "MESSAGE" }.count }
            return count
        }
        #expect(published == 2 * senders * each, "each stored MESSAGE event published once")
    }

    @Test func failingRequestsAmongConcurrentOnesChangeNothingAndPublishNothing() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        let engagementId = chat.engagement.engagementId
        let publishedBefore = core.sink.all.count
        let outcomes = Mutex<(ok: Int, refused: Int, other: [String])>((0, 0, []))
        DispatchQueue.concurrentPerform(iterations: 8) { sender in
            for n in 0..<20 {
                // Every other request names a parent message that does not exist: a 400 raised
                // after the request's first writes, rolled back to its savepoint.
                let bad = n % 2 == 1
                do {
                    _ = try core.chat.sendMessage(
                        ann, engagementId,
                        SDKRequests.SendMessage(
                            sessionId: session, dialogId: nil, parentMessageId: bad ? "no-such-message" : nil, body: ChatMessage.textBody("t\(sender)-\(n)"),
                            text: "t\(sender)-\(n)"))
                    outcomes.withLock { $0.ok += 1 }
                } catch AXPSimError.constraintViolation {
                    outcomes.withLock { $0.refused += 1 }
                } catch {
                    outcomes.withLock { $0.other.append("\(error)") }
                }
            }
        }
        let result = outcomes.withLock { $0 }
        #expect(result.ok == 80 && result.refused == 80 && result.other.isEmpty)
        let messages = try core.store.chatRead { try $0.messages(engagementId, pageSize: 1000, pageNumber: 1, ascending: true) }
        #expect(messages.map(\.messageIndex) == Array(1...Int64(80)), "refused requests took no message index")
        #expect(messages.compactMap(\.text).allSatisfy { text in (Int(text.split(separator: "-")[1]) ?? 1) % 2 == 0 })
        let events = try core.events(session)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)), "refused requests left no event and no gap")
        #expect(events.filter { $0.eventType == .message }.count == 80)
        #expect(core.sink.all.count - publishedBefore == 80, "one publication per accepted message, none for refused ones")
        #expect(core.sink.readBack.withLock { $0 }.allSatisfy { $0 })
    }
}
