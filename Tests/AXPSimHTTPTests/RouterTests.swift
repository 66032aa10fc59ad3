import AXPSimHTTP
import Testing

@Suite struct RouterTests {
    var router: Router<String> {
        var router = Router<String>()
        router.add("GET", "/a/{id}", "get-a")
        router.add("POST", "/a/{id}", "post-a")
        router.add("POST", "/e/{engagementId}:join", "join")
        router.add("POST", "/e/{engagementId}:disconnect", "disconnect")
        router.add("GET", "/e/{engagementId}", "get-e")
        return router
    }

    @Test func matchesParametersAndCustomVerbs() {
        guard case .found(let handler, let parameters, _) = router.match(method: "POST", path: "/e/123:join") else {
            Issue.record("no match")
            return
        }
        #expect(handler == "join" && parameters == ["engagementId": "123"])
        guard case .found(let plain, let plainParameters, _) = router.match(method: "GET", path: "/e/123") else {
            Issue.record("no match")
            return
        }
        #expect(plain == "get-e" && plainParameters == ["engagementId": "123"])
    }

    @Test func distinguishesNotFoundFromMethodNotAllowed() {
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/a/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "POST"])
        guard case .notFound = router.match(method: "GET", path: "/a/1/2") else {
            Issue.record("expected 404")
            return
        }
        guard case .notFound = router.match(method: "GET", path: "/e/1:unknown") else {
            Issue.record("a parameter without a verb must not swallow a colon")
            return
        }
    }

    @Test func formDecoding() {
        #expect(FormDecoding.decode("a=1&b=x+y%21&c&a=2") == ["a": "2", "b": "x y!", "c": ""])
        #expect(FormDecoding.decode("%ZZ=%") == ["%ZZ": "%"])
    }

    @Test func requestHelpers() {
        let request = HTTPRequest(
            method: "POST", path: "/", headers: ["authorization": "Bearer  abc ", "content-type": "Application/JSON; charset=utf-8"],
            remoteAddress: "::1")
        #expect(request.bearerToken == "abc")
        #expect(request.mediaType == "application/json")
        #expect(request.isLoopback)
        #expect(!HTTPRequest(method: "GET", path: "/", remoteAddress: "10.0.0.1").isLoopback)
    }
}
