import AXPSimChat
import AXPSimCore
import AXPSimStore
import Foundation
import GRDB
import Testing

/// `GET …/sessions/{id}` keeps the views it reads until a commit changes a session, an
/// engagement, a participant or a conversation; the caller's checks still run on every call.
@Suite struct SessionViewCacheTests {
    func engagementIds(_ view: SessionView) -> [String] { view.engagements.map(\.engagement.engagementId) }

    @Test func aKeptViewAnswersOnlyUntilACommitChangesWhatItShows() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        #expect(try core.chat.session(ann, session).engagements.isEmpty)
        let generation = core.store.sessionViewGeneration.current
        #expect(try core.chat.session(ann, session).engagements.isEmpty)
        #expect(core.store.sessionViewGeneration.current == generation, "reading moves nothing")

        let chat = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        let id = chat.engagement.engagementId
        #expect(core.store.sessionViewGeneration.current != generation)
        #expect(engagementIds(try core.chat.session(ann, session)) == [id], "a new chat is shown at once")

        _ = try core.chat.participantJoin(id, type: .agent, displayName: "Alice")
        #expect(try core.chat.session(ann, session).engagements.first?.participants.map(\.displayName) == ["Customer", "Alice"])
        #expect(try core.chat.session(ann, session).engagements.first?.engagement.status == .active)

        // The kept view does not skip the caller's checks.
        #expect(throws: AXPSimError.forbidden("The token's customer does not own this session")) { try core.chat.session(try core.caller("bob"), session) }
        #expect(throws: AXPSimError.sessionNotFound) { try core.chat.session(try core.caller("ann", on: core.other), session) }

        _ = try core.chat.end(id, reason: "AGENT_CLOSED")
        #expect(try core.chat.session(ann, session).engagements.isEmpty, "an ended chat leaves the view")
        #expect(try core.chat.closeSession(session, reason: "USER_CLOSED"))
        #expect(throws: AXPSimError.sessionNotFound) { try core.chat.session(ann, session) }
    }

    @Test func changesOfOtherTablesAndRolledBackOnesKeepTheGeneration() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        _ = try core.chat.session(ann, session)
        let generation = core.store.sessionViewGeneration.current
        try core.clocks.set(accountId: "CORE01", ClockState(mode: .virtual, virtualNow: ChatHarness.start.addingTimeInterval(60)))
        #expect(core.store.sessionViewGeneration.current == generation, "a clock change shows in no session view")
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try core.store.write { db in
                try db.execute(sql: "UPDATE chat_session SET display_name = 'Nobody' WHERE session_id = ?", arguments: [session])
                throw Refused()
            }
        }
        #expect(core.store.sessionViewGeneration.current == generation, "a rolled-back change moves nothing")
        try core.store.write { db in
            try db.execute(sql: "UPDATE chat_session SET display_name = 'Ann B.' WHERE session_id = ?", arguments: [session])
        }
        #expect(core.store.sessionViewGeneration.current != generation)
        #expect(try core.chat.session(ann, session).session.displayName == "Ann B.")
    }

    @Test func aRestoredSnapshotIsWhatTheNextReadShows() throws {
        let core = try ChatHarness()
        let ann = try core.caller("ann")
        let session = try core.session(ann)
        try core.store.saveSnapshot("empty")
        _ = try core.chat.createEngagement(ann, SDKRequests.CreateEngagement(sessionId: session, engagementParameters: [:]))
        #expect(try core.chat.session(ann, session).engagements.count == 1)
        #expect(try core.store.restoreSnapshot("empty"))
        #expect(try core.chat.session(ann, session).engagements.isEmpty, "SQLite's backup is seen by no observer: the restore moves the generation")
    }
}
