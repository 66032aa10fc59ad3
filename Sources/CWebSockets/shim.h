// Tiny helpers over libwebsockets for Swift: LWS_PRE is a macro and the context set-up fills a large
// struct. Keep this file small; everything else lives in AXPSimWebSocket.
#ifndef AXPSIM_CWEBSOCKETS_SHIM_H
#define AXPSIM_CWEBSOCKETS_SHIM_H

#include <stdlib.h>
#include <string.h>
#include <libwebsockets.h>

/// Headroom lws needs before every buffer passed to lws_write.
static inline size_t axp_lws_pre(void) { return LWS_PRE; }

/// Creates a context from `info` (port, interface, options and TLS already set) serving
/// `protocols` (a calloc'd, zero-terminated array it takes) with `context_user`; on failure the
/// array is freed and NULL returned, else `*protocols_out` is the array to free() after
/// lws_context_destroy.
static inline struct lws_context *axp_lws_context(
    struct lws_context_creation_info *info, struct lws_protocols *protocols, void *context_user,
    struct lws_protocols **protocols_out)
{
    info->protocols = protocols;
    info->gid = -1;
    info->uid = -1;
    info->user = context_user;
    struct lws_context *context = lws_create_context(info);
    if (context == NULL) {
        free(protocols);
        return NULL;
    }
    *protocols_out = protocols;
    return context;
}

/// Creates a server context listening on `iface`:`port` (0 = any free port) that serves every
/// subprotocol in `protocol_names` (the first is used when a client asks for none) with `callback`.
/// Each connection gets `per_session_size` bytes of user data. `cert_path`/`key_path` are PEM files
/// for wss://, or NULL. `*protocols_out` must be freed with free() after lws_context_destroy.
static inline struct lws_context *axp_lws_create(
    const char *iface, int port, lws_callback_function *callback, void *context_user,
    const char *const *protocol_names, int protocol_count, size_t per_session_size,
    size_t rx_buffer_size, const char *cert_path, const char *key_path,
    struct lws_protocols **protocols_out)
{
    struct lws_protocols *protocols = calloc((size_t)protocol_count + 1, sizeof(struct lws_protocols));
    if (protocols == NULL) return NULL;
    for (int i = 0; i < protocol_count; i++) {
        protocols[i].name = protocol_names[i];
        protocols[i].callback = callback;
        protocols[i].per_session_data_size = per_session_size;
        protocols[i].rx_buffer_size = rx_buffer_size;
    }
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = iface;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (cert_path != NULL && key_path != NULL) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.ssl_cert_filepath = cert_path;
        info.ssl_private_key_filepath = key_path;
    }
    return axp_lws_context(&info, protocols, context_user, protocols_out);
}

/// The port the context's default vhost listens on, or -1.
static inline int axp_lws_listen_port(struct lws_context *context) {
    struct lws_vhost *vhost = lws_get_vhost_by_name(context, "default");
    return vhost == NULL ? -1 : lws_get_vhost_listen_port(vhost);
}

/// Silences the library's own logging entirely (a command-line client reports failures itself).
static inline void axp_lws_silence(void) { lws_set_log_level(0, NULL); }

/// Quiets the library's own logging down to errors (and warnings when `verbose`).
static inline void axp_lws_set_log_level(int verbose) {
    lws_set_log_level(verbose ? (LLL_ERR | LLL_WARN) : LLL_ERR, NULL);
}

/// A client-only context (no listener) with one protocol, `axpsim-probe`, served by `callback`;
/// TLS is set up for https. `*protocols_out` must be freed with free() after lws_context_destroy.
static inline struct lws_context *axp_lws_create_client(
    lws_callback_function *callback, void *context_user, struct lws_protocols **protocols_out)
{
    struct lws_protocols *protocols = calloc(2, sizeof(struct lws_protocols));
    if (protocols == NULL) return NULL;
    protocols[0].name = "axpsim-probe";
    protocols[0].callback = callback;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    return axp_lws_context(&info, protocols, context_user, protocols_out);
}

/// Starts `GET path` on host:port (https when `tls`, checked against the system's CAs); NULL when
/// it cannot even start.
static inline struct lws *axp_lws_http_get(struct lws_context *context, const char *host, int port, const char *path, int tls) {
    struct lws_client_connect_info info;
    memset(&info, 0, sizeof info);
    info.context = context;
    info.address = host;
    info.port = port;
    info.path = path;
    info.host = host;
    info.method = "GET";  /* no Origin: the control plane refuses other origins */
    info.protocol = "axpsim-probe";
    info.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
    return lws_client_connect_via_info(&info);
}

/// In LWS_CALLBACK_RECEIVE_CLIENT_HTTP: lets lws hand the body over (to RECEIVE_CLIENT_HTTP_READ).
static inline int axp_lws_http_client_read(struct lws *wsi) {
    char buffer[1024 + LWS_PRE];
    char *start = buffer + LWS_PRE;
    int length = (int)(sizeof buffer - LWS_PRE);
    return lws_http_client_read(wsi, &start, &length);
}

/// In LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: adds `Authorization: value`; non-zero when it
/// does not fit.
static inline int axp_lws_add_authorization(struct lws *wsi, void *in, size_t length, const char *value) {
    unsigned char **position = (unsigned char **)in;
    unsigned char *end = *position + length;
    return lws_add_http_header_by_token(
        wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (const unsigned char *)value, (int)strlen(value), position, end);
}

#endif
