#ifndef NEWSWATCH_CCURL_SHIM_H
#define NEWSWATCH_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>

// Swift cannot call C variadic functions: one typed wrapper per argument type.
static inline CURLcode nw_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nw_easy_setopt_write_callback(CURL *h, CURLoption o, curl_write_callback cb) {
    return curl_easy_setopt(h, o, cb);
}
static inline CURLcode nw_easy_setopt_opensocket_callback(CURL *h, curl_opensocket_callback cb) {
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, cb);
}
static inline CURLcode nw_easy_setopt_prereq_callback(CURL *h, curl_prereq_callback cb) {
    return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, cb);
}
static inline CURLcode nw_easy_setopt_read_callback(CURL *h, curl_read_callback cb) {
    return curl_easy_setopt(h, CURLOPT_READFUNCTION, cb);
}
static inline CURLcode nw_easy_setopt_xferinfo_callback(CURL *h, curl_xferinfo_callback cb) {
    return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb);
}
static inline long nw_usessl_all(void) { return (long)CURLUSESSL_ALL; }
static inline long nw_usessl_try(void) { return (long)CURLUSESSL_TRY; }
static inline CURLcode nw_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_double(CURL *h, CURLINFO i, double *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode nw_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode nw_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline long nw_curl_global_all(void) { return CURL_GLOBAL_ALL; }
static inline CURLversion nw_curlversion_now(void) { return CURLVERSION_NOW; }
static inline curl_socket_t nw_curl_socket_bad(void) { return CURL_SOCKET_BAD; }
static inline int nw_prereq_ok(void) { return CURL_PREREQFUNC_OK; }
static inline int nw_prereq_abort(void) { return CURL_PREREQFUNC_ABORT; }

// `CURLMsg.data` is a union; Swift sees it awkwardly, so read the one member we use here.
static inline CURLcode nw_msg_result(const CURLMsg *m) { return m->data.result; }

// The value of the response header `name` from the last response (after redirects), or NULL.
// The pointer is valid until the next request on the handle or its cleanup.
static inline const char *nw_easy_header_value(CURL *h, const char *name) {
    struct curl_header *hdr = NULL;
    if (curl_easy_header(h, name, 0, CURLH_HEADER, -1, &hdr) != CURLHE_OK || hdr == NULL) return NULL;
    return hdr->value;
}

// Writes the numeric address of an about-to-be-opened socket into `buf` (opensocket callback);
// returns 0 on success, -1 for a family other than IPv4/IPv6.
static inline int nw_sockaddr_ntop(const struct curl_sockaddr *a, char *buf, socklen_t len) {
    if (a->family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)&a->addr;
        return inet_ntop(AF_INET, &in->sin_addr, buf, len) ? 0 : -1;
    }
    if (a->family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)&a->addr;
        return inet_ntop(AF_INET6, &in6->sin6_addr, buf, len) ? 0 : -1;
    }
    return -1;
}

// Opens the socket curl asked for, close-on-exec so a child process (exec sink) never inherits it.
static inline curl_socket_t nw_open_socket(const struct curl_sockaddr *a) {
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

#endif
