/*
 * hello-mhd: the floor under axpsim's HTTP numbers. A bare libmicrohttpd server that answers
 * 200 "hello" to every request, started exactly as axpsim starts its daemon
 * (Sources/AXPSimHTTP/HTTPServer.swift + Sources/CMicroHTTPD/shim.h):
 *   flags   MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG
 *   options thread pool of 4, connection timeout 120 s, connection memory limit 64 KiB,
 *           bound to 127.0.0.1 with MHD_OPTION_SOCK_ADDR, a request-completed callback.
 * Like axpsim it answers on the second (or a later) call of the access handler, never on the
 * first, headers-only one: queueing a response there makes MHD send `Connection: close` and
 * defeats keep-alive. A request body is read and discarded.
 *
 * Build: gcc -O2 bench/hello-mhd.c -o /tmp/hello-mhd $(pkg-config --cflags --libs libmicrohttpd)
 * Run:   /tmp/hello-mhd [PORT]       (PORT 0 or omitted = any free port)
 * It prints "port N" on standard output once listening, and exits 0 on SIGINT/SIGTERM.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char body[] = "hello";
/* Any non-NULL marker for "headers seen"; a constant, so nothing to free. */
static int seen_marker;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    if (*con_cls == NULL) {
        /* First call: headers only. Answering now would force Connection: close. */
        *con_cls = &seen_marker;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* A body chunk: consume it. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct MHD_Response *response =
        MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    if (response == NULL) return MHD_NO;
    MHD_add_response_header(response, "Content-Type", "text/plain");
    enum MHD_Result result = MHD_queue_response(connection, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    return result;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls; (void)connection; (void)code;
    *con_cls = NULL;
}

int main(int argc, char **argv) {
    uint16_t port = argc > 1 ? (uint16_t)atoi(argv[1]) : 0;
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);

    /* Block the stop signals before MHD starts its threads, so only sigwait below sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, port, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)4,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "hello-mhd: cannot start the daemon on 127.0.0.1:%u\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    printf("port %u\n", info == NULL ? 0 : info->port);
    fflush(stdout);

    int signal_number = 0;
    sigwait(&stop, &signal_number);
    MHD_stop_daemon(daemon);
    return 0;
}
