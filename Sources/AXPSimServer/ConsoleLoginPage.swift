import AXPSimChat
import Foundation

/// The console's login form, shown at `GET /` when `--control-token` is set and the browser has
/// no session yet. It posts the token to `POST /__sim/login`, which sets the session cookie.
enum ConsoleLoginPage {
    /// The page, with an optional error line (plain text; escaped here).
    static func html(error: String?) -> String {
        let message = error.map { #"<p class="error" role="alert">\#(escape($0))</p>"# } ?? ""
        return #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>axpsim — sign in</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
          body { font: 15px/1.45 system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f6f7f9; color: #1d2330; }
          form { background: #fff; padding: 28px 32px; border-radius: 10px; box-shadow: 0 2px 10px #0002; width: min(360px, 90vw); }
          h1 { font-size: 20px; margin: 0 0 6px; } p { margin: 0 0 16px; color: #4b5563; font-size: 14px; }
          label { display: block; font-weight: 600; margin-bottom: 6px; }
          input { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; border: 1px solid #c7ccd6; border-radius: 6px; }
          button { margin-top: 14px; width: 100%; padding: 9px; font: inherit; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 6px; cursor: pointer; }
          .error { color: #b3261e; font-weight: 600; }
        </style></head>
        <body>
        <form method="post" action="/__sim/login">
          <h1>axpsim console</h1>
          <p>This emulator was started with <code>--control-token</code>. Enter it to open the console.</p>
          \#(message)
          <label for="token">Control token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" autofocus required data-testid="login-token">
          <button type="submit" data-testid="login-submit">Sign in</button>
        </form>
        </body></html>
        """#
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
