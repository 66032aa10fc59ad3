import Synchronization
import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation

/// The controllers, one per API, each built with just the services it uses.
extension Emulator {
    /// Every HTTP route of the emulator.
    func makeRoutes() -> RouteTable {
        var table = RouteTable()
        let authentication = SDKAuthentication(store: store, keys: keys, clocks: clocks)
        BackendController(
            store: store, keys: keys, clocks: clocks, tokens: tokens, issuer: baseURL, accessTokenTTL: configuration.accessTokenTTL, logger: logger
        ).addRoutes(to: &table)
        ControlController(
            store: store, keys: keys, retention: retention, journal: journal, resets: resets,
            health: HealthReporter(listeners: listeners, store: store, hub: hub, startedAt: startedAt)
        ).addRoutes(to: &table)
        ConsoleController(controlGuard: controlGuard, secureCookies: configuration.tls).addRoutes(to: &table)
        ClockController(store: store, clocks: clocks, scheduler: scheduler, errors: errors).addRoutes(to: &table)
        let poll = SessionEventPoll(chat: chat, store: store, hub: hub, holdSeconds: configuration.longPollHoldSeconds, links: attachmentLinks)
        ChatSDKController(
            chat: chat, store: store, poll: poll, authentication: authentication, publicBase: publicBase, maxMessageLength: configuration.maxMessageLength
        ).addRoutes(to: &table)
        OmniSDKController(
            chat: chat, authentication: authentication, poll: poll, maxMessageLength: configuration.maxMessageLength, links: attachmentLinks
        ).addRoutes(to: &table)
        AttachmentController(
            chat: chat, authentication: authentication, links: attachmentLinks, maxAttachmentBytes: configuration.maxAttachmentBytes
        ).addRoutes(to: &table)
        ChatControlController(chat: chat, store: store, hub: hub, links: attachmentLinks).addRoutes(to: &table)
        QueueController(chat: chat, store: store).addRoutes(to: &table)
        FaultController(faults: faults).addRoutes(to: &table)
        SnapshotController(store: store, resets: resets).addRoutes(to: &table)
        ScenarioController(
            scenarios: scenarios, chat: chat, store: store, clocks: clocks, recordings: recordings, scenariosPath: configuration.scenariosPath
        ).addRoutes(to: &table)
        addDocumentRoute(to: &table)
        return table
    }

    /// The base of the absolute URLs written for clients.
    var publicBase: PublicBase { attachmentLinks.publicBase }

    /// The event sockets' endpoint.
    var eventSockets: EventSocketController {
        EventSocketController(
            hub: hub, chat: chat, store: store, authentication: SDKAuthentication(store: store, keys: keys, clocks: clocks), logger: logger)
    }

    /// `GET /__sim/openapi.json`, generated from the routes as installed.
    private func addDocumentRoute(to table: inout RouteTable) {
        let routes = routes
        let baseURL = baseURL
        table.add(
            "GET", "/__sim/openapi.json", .control, "The OpenAPI 3.1 document of every HTTP route",
            .json(200, .object(["openapi": .constant("3.1.0"), "paths": .map(.any)], required: ["openapi", "paths"], closed: false))
        ) { _ in
            .respond(JSONResponses.json(200, routes.read { OpenAPIDocument.build($0, serverURL: baseURL.value.withLock { $0 }) }))
        }
    }

    /// The OpenAPI document of the installed routes.
    func openAPIDocument() -> JSONValue {
        routes.read { OpenAPIDocument.build($0, serverURL: httpURL) }
    }
}
