import AXPSimChat
import AXPSimHTTP
import Foundation
import AXPSimCore
import Logging
import AXPSimStore

extension Emulator {
    /// Every HTTP route of the emulator.
    func makeRoutes() -> RouteTable {
        var table = RouteTable()
        addBackendRoutes(to: &table)
        addControlRoutes(to: &table)
        addClockRoutes(to: &table)
        addSDKRoutes(to: &table)
        addChatControlRoutes(to: &table)
        addFaultRoutes(to: &table)
        addSnapshotRoutes(to: &table)
        addScenarioRoutes(to: &table)
        return table
    }
}
