import AXPSimChat
import AXPSimCore
import AXPSimHTTP
import Foundation


/// The console page and its token login (SPEC 6.1, 6.2). The middleware has already applied the host and origin checks of the guard (and marks these answers `Cache-Control: no-store`); these handlers decide between the console and the login form.
struct ConsoleController: Sendable {
    let controlGuard: ControlGuard
    /// Cookies are `Secure` (served over TLS).
    let secureCookies: Bool

    func addRoutes(to table: inout RouteTable) {
        table.add(
            "GET", "/", .console, "The console (a login form first when --control-token is set)", .content("text/html", .string())
        ) { request in
            guard self.controlGuard.hasCredential(request) else { return .respond(Self.loginPage(status: 200, error: nil)) }
            return .respond(Self.htmlPage(200, ConsolePage.html(tokenLogin: self.controlGuard.token != nil)))
        }
        table.add(
            "POST", "/__sim/login", .console, "Console login: form field `token`; sets an HttpOnly, SameSite=Strict cookie",
            RouteDoc.seeOther.form(.object(["token": .string()], required: ["token"])).also(401, "Not the control token (the form again)", .string())
        ) { request in
            guard self.controlGuard.token != nil else { return .respond(Self.redirect(to: "/")) }
            guard request.mediaType == "application/x-www-form-urlencoded" else {
                throw AXPSimError.unsupportedMediaType(expected: "application/x-www-form-urlencoded")
            }
            guard let token = request.formParameters["token"], self.controlGuard.isToken(token) else {
                return .respond(Self.loginPage(status: 401, error: "That is not the control token."))
            }
            let session = self.controlGuard.sessions.create()
            var response = Self.redirect(to: "/")
            response.setHeader("Set-Cookie", self.sessionCookie(value: session, maxAge: Int(ConsoleSessions.lifetime)))
            return .respond(response)
        }
        table.add("POST", "/__sim/logout", .console, "Console logout: ends the cookie's session", .seeOther) { request in
            if let session = ControlGuard.cookie(ControlGuard.cookieName, in: request) { self.controlGuard.sessions.remove(session) }
            var response = Self.redirect(to: "/")
            response.setHeader("Set-Cookie", self.sessionCookie(value: "", maxAge: 0))
            return .respond(response)
        }
    }

    private func sessionCookie(value: String, maxAge: Int) -> String {
        let secure = secureCookies ? "; Secure" : ""
        return "\(ControlGuard.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict\(secure)"
    }

    private static func redirect(to location: String) -> HTTPResponse {
        var response = HTTPResponse.empty(303)
        response.setHeader("Location", location)
        return response
    }

    private static func htmlPage(_ status: Int, _ html: String) -> HTTPResponse {
        var response = HTTPResponse.text(status, html, contentType: "text/html; charset=utf-8")
        response.setHeader("X-Frame-Options", "DENY")
        response.setHeader("Content-Security-Policy", "frame-ancestors 'none'")
        return response
    }

    private static func loginPage(status: Int, error: String?) -> HTTPResponse {
        htmlPage(status, ConsoleLoginPage.html(error: error))
    }
}
