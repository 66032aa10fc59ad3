import AXPSimCore
@testable import AXPSimServer
import Foundation
import Testing

/// The delivery cache of a session's encoded events: commits answered together (group commit)
/// may be published in any order, and the cache must stay a contiguous run whose end never moves
/// back, or a socket could stop one event short until the next commit.
@Suite struct EventHubCacheTests {
    func item(_ seq: Int64) -> EventHub.CachedEvent {
        EventHub.CachedEvent(
            event: SessionEvent(
                journalId: seq, accountId: "A", sessionId: "s", seq: seq, eventType: .message, engagementId: nil, createdAt: Date(), fields: [:]),
            frame: Data("\(seq)".utf8))
    }

    func seqs(_ list: [EventHub.CachedEvent]) -> [Int64] { list.map(\.event.seq) }

    @Test func eventsPublishedOutOfOrderStayContiguous() {
        var list: [EventHub.CachedEvent] = []
        for seq in [1, 2, 3] as [Int64] { EventHub.cache(item(seq), in: &list) }
        // 5 is published before 4 (two commits of one batch answered at once).
        EventHub.cache(item(5), in: &list)
        #expect(seqs(list) == [5], "a gap restarts the run at the newer event")
        EventHub.cache(item(4), in: &list)
        #expect(seqs(list) == [4, 5], "the event just before the run goes in front: the end stays at 5")
        EventHub.cache(item(5), in: &list)
        EventHub.cache(item(2), in: &list)
        #expect(seqs(list) == [4, 5], "repeated and older events change nothing")
        EventHub.cache(item(6), in: &list)
        #expect(seqs(list) == [4, 5, 6])
    }

    @Test func theRunIsBounded() {
        var list: [EventHub.CachedEvent] = []
        for seq in Int64(1)...Int64(EventHub.recentLimit + 10) { EventHub.cache(item(seq), in: &list) }
        #expect(list.count == EventHub.recentLimit)
        #expect(list.last?.event.seq == Int64(EventHub.recentLimit + 10))
        #expect(seqs(list) == Array(Int64(11)...Int64(EventHub.recentLimit + 10)))
    }
}
