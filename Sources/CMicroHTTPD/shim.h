// Tiny helpers over libmicrohttpd for Swift: its daemon start and info calls are variadic, which
// Swift cannot import. Keep this file small; everything else lives in AXPSimHTTP.
#ifndef AXPSIM_CMICROHTTPD_SHIM_H
#define AXPSIM_CMICROHTTPD_SHIM_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <microhttpd.h>

/// Most connections a daemon holds at once (held long polls included); the process's file limit
/// is raised to match at start.
#define AXP_MHD_CONNECTION_LIMIT 20000

/// Raises the soft limit of open files to the hard limit (held connections each need one).
static inline void axp_raise_file_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/// Leaves URLs as they arrived (percent-escapes kept): axpsim decodes the path itself, segment by
/// segment, so that `%2F` or `%2E` spellings can be refused instead of silently changing the route.
/// (MHD has already turned `+` into a space in query arguments when this runs.)
static inline size_t axp_mhd_keep_escaped(void *cls, struct MHD_Connection *connection, char *text) {
    (void)cls;
    (void)connection;
    return strlen(text);
}

/// Starts a daemon bound to `address` (IPv4 or IPv6 literal) and `port` (0 = any free port).
/// `tls_key`/`tls_cert` are PEM strings, or NULL for plain HTTP. Returns NULL on failure.
static inline struct MHD_Daemon *axp_mhd_start(
    unsigned int flags, const char *address, uint16_t port, unsigned int thread_pool_size,
    unsigned int connection_timeout, size_t connection_memory_limit,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls,
    const char *tls_key, const char *tls_cert)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    struct sockaddr *addr = NULL;
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, address, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        addr = (struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, address, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        addr = (struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    if (tls_key != NULL && tls_cert != NULL) {
        flags |= MHD_USE_TLS;
        return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
            MHD_OPTION_SOCK_ADDR, addr,
            MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
            MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)AXP_MHD_CONNECTION_LIMIT,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
            MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
            MHD_OPTION_UNESCAPE_CALLBACK, axp_mhd_keep_escaped, NULL,
            MHD_OPTION_HTTPS_MEM_KEY, tls_key,
            MHD_OPTION_HTTPS_MEM_CERT, tls_cert,
            MHD_OPTION_END);
    }
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
        MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)AXP_MHD_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory_limit,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_UNESCAPE_CALLBACK, axp_mhd_keep_escaped, NULL,
        MHD_OPTION_END);
}

/// The port the daemon listens on (useful after binding port 0), or 0.
static inline uint16_t axp_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/// Number of connections the daemon currently holds.
static inline unsigned int axp_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/// Writes the peer's numeric address into `buffer`; returns 0 on success.
static inline int axp_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t length) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buffer, (socklen_t)length) ? 0 : -1;
    }
    if (sa->sa_family == AF_INET6) {
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buffer, (socklen_t)length) ? 0 : -1;
    }
    return -1;
}

#endif
