/*
 * A test-only stand-in for libxenlight and libxenstore: it exports the libxl and xenstore symbols
 * that the JNI shim (src/main/c/xso_libxl.c) calls, with the same signatures (it is compiled
 * against the installed libxl.h and xenstore.h), and scripted behaviour instead of a hypervisor.
 * The shim is linked against it in the test phase of the libxl profile, so the Java adapter, the
 * JNI glue and the marshalling run end to end without Xen.
 *
 * The xenstore is an in-memory tree with watches (fired on registration and on every change of
 * the path or a descendant), transactions (buffered writes, EAGAIN on a scripted conflict) and a
 * pipe per handle behind xs_fileno. The test scripts the stand-in through that xenstore, under
 * /standin:
 *
 *   /standin/domain/<domid>        write "<name> <memkb> <vcpus>": a running domain appears
 *   /standin/reset                 write anything: no domains and an empty xenstore again
 *   /standin/fail/<function>       write "<code>": the next call of that libxl function returns it
 *   /standin/xs-conflicts          write "<n>": the next n transaction commits fail with EAGAIN
 *   /standin/delay/<function>      write "<ms>": the next call of that libxl function takes that long
 *   /standin/xenstored-stop        write anything: xenstored killed (every handle opened before fails
 *                                  with EINVAL, xs_open fails but with flag 1<<30, the test's control
 *                                  handle; only dom0's and /standin's nodes are left; domains run on)
 *   /standin/xenstored-start       write anything: xenstored started again, without a live update
 *   /standin/hold/<function>       write anything: calls of that function wait until it is removed,
 *                                  and /standin/held/<function> exists while one waits
 *   /standin/stall-backends        write "1": restored backends never leave InitWait
 *   /standin/image-bytes           write "<n>": the size of the body of a save image (default 65536)
 *   /standin/last/<function>       read: the arguments of the last call, as the stand-in saw them
 *   /standin/alloc/outstanding     read: memory handed to the shim and not freed yet
 *
 * Counting allocator: everything this library hands to the shim is allocated through track(), and
 * the test build of the shim is linked with --wrap=malloc,calloc,realloc,free so that the shim's
 * own allocations and every free() it calls come through here too. outstanding = live pointers.
 *
 * A save image is "XSO-STANDIN-SAVE 1 <name> <memkb> <vcpus>\n", the device nodes of both ends,
 * "body <n>\n" and n bytes where byte i is (i * 31 + 7) & 0xff. create_restore checks all of it,
 * and refuses a config whose name another domain has (ERROR_INVAL), as libxl does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>

/* --- counting allocator ---------------------------------------------------------------------- */

#define TRACK_SLOTS (1 << 16)
static void *tracked[TRACK_SLOTS];
static long tracked_live;
static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(void *p)
{
    return ((uintptr_t)p >> 4) * 2654435761u % TRACK_SLOTS;
}

static void *track(void *p)
{
    if (p == NULL)
        return NULL;
    pthread_mutex_lock(&track_lock);
    size_t i = slot_of(p);
    while (tracked[i] != NULL && tracked[i] != (void *)1)
        i = (i + 1) % TRACK_SLOTS;
    tracked[i] = p;
    tracked_live++;
    pthread_mutex_unlock(&track_lock);
    return p;
}

static void untrack(void *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&track_lock);
    size_t i = slot_of(p);
    while (tracked[i] != NULL) {
        if (tracked[i] == p) {
            tracked[i] = (void *)1; /* tombstone */
            tracked_live--;
            break;
        }
        i = (i + 1) % TRACK_SLOTS;
    }
    pthread_mutex_unlock(&track_lock);
}

static long outstanding(void)
{
    pthread_mutex_lock(&track_lock);
    long n = tracked_live;
    pthread_mutex_unlock(&track_lock);
    return n;
}

void *__wrap_malloc(size_t n)
{
    return track(malloc(n));
}

void *__wrap_calloc(size_t n, size_t size)
{
    return track(calloc(n, size));
}

void *__wrap_realloc(void *p, size_t n)
{
    untrack(p);
    return track(realloc(p, n));
}

void __wrap_free(void *p)
{
    untrack(p);
    free(p);
}

static void *sa_calloc(size_t n, size_t size)
{
    return __wrap_calloc(n, size);
}

static char *sa_strdup(const char *s)
{
    return s == NULL ? NULL : track(strdup(s));
}

/* --- the in-memory xenstore ------------------------------------------------------------------ */

struct node {
    char *path;
    char *value;
    unsigned int len;
};

#define MAX_NODES 4096
static struct node nodes[MAX_NODES];
static int nnodes;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

#define MAX_EVENTS 1024
struct xs_handle {
    int pipe[2];
    char *events[MAX_EVENTS][2];
    int head, count;
    int generation; /* the xenstored it connected to: see xenstored_restart */
};

/* Bumped by /standin/xenstored-stop: a handle opened before answers every call with EINVAL, as a
 * connection to a real xenstored that was killed does (its xs_check_watch failed with errno 22). */
static volatile int xenstored_generation;

/* Between /standin/xenstored-stop and /standin/xenstored-start, xs_open fails (ECONNREFUSED) but
 * for the test's own control handle (flag XSO_STANDIN_CONTROL). */
static volatile int xenstored_down;
#define XSO_STANDIN_CONTROL (1UL << 30)

#define STALE(h) ((h) != NULL && (h)->generation != xenstored_generation)
#define FAIL_IF_STALE(h, ret)                                                                                \
    do {                                                                                                     \
        if (STALE(h)) {                                                                                      \
            errno = EINVAL;                                                                                  \
            return ret;                                                                                      \
        }                                                                                                    \
    } while (0)

#define MAX_WATCHES 256
static struct watch {
    struct xs_handle *h;
    char *path;
    char *token;
} watches[MAX_WATCHES];
static int nwatches;

static struct node *find(const char *path)
{
    for (int i = 0; i < nnodes; i++)
        if (strcmp(nodes[i].path, path) == 0)
            return &nodes[i];
    return NULL;
}

static bool under(const char *path, const char *ancestor)
{
    size_t n = strlen(ancestor);
    return strncmp(path, ancestor, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void queue_event(struct xs_handle *h, const char *path, const char *token)
{
    if (h->count == MAX_EVENTS)
        return; /* a full queue drops, as a slow reader of a real xenstored would be throttled */
    int i = (h->head + h->count) % MAX_EVENTS;
    h->events[i][0] = strdup(path);
    h->events[i][1] = strdup(token);
    h->count++;
    char b = 0;
    if (write(h->pipe[1], &b, 1) < 0) {
        /* the reader polls the queue too */
    }
}

/* Fires every watch on path or an ancestor of it, and every watch below a removed path. */
static void fire(const char *path, bool removed)
{
    for (int i = 0; i < nwatches; i++) {
        if (under(path, watches[i].path))
            queue_event(watches[i].h, path, watches[i].token);
        else if (removed && under(watches[i].path, path))
            queue_event(watches[i].h, watches[i].path, watches[i].token);
    }
}

static void set_node(const char *path, const void *value, unsigned int len)
{
    struct node *n = find(path);
    if (n == NULL) {
        if (nnodes == MAX_NODES)
            return;
        n = &nodes[nnodes++];
        n->path = strdup(path);
    }
    else {
        free(n->value);
    }
    n->value = malloc(len + 1);
    memcpy(n->value, value, len);
    n->value[len] = '\0';
    n->len = len;
    fire(path, false);
    /* xenstored's special watches: a domain introduced (written by StandIn.domain) */
    if (strncmp(path, "/standin/domain/", 16) == 0)
        fire("@introduceDomain", false);
}

static void set_str(const char *path, const char *value)
{
    set_node(path, value, (unsigned int)strlen(value));
}

static void setf(const char *value, const char *fmt, ...)
{
    char path[512];
    va_list al;
    va_start(al, fmt);
    vsnprintf(path, sizeof(path), fmt, al);
    va_end(al);
    set_str(path, value);
}

static bool rm_tree(const char *path)
{
    bool any = false;
    for (int i = 0; i < nnodes;) {
        if (under(nodes[i].path, path)) {
            free(nodes[i].path);
            free(nodes[i].value);
            nodes[i] = nodes[--nnodes];
            any = true;
        }
        else {
            i++;
        }
    }
    if (any)
        fire(path, true);
    if (any && strncmp(path, "/standin/domain/", 16) == 0)
        fire("@releaseDomain", false);
    return any;
}

static const char *get_str(const char *path)
{
    struct node *n = find(path);
    return n == NULL ? NULL : n->value;
}

static long get_long(const char *path, long dflt)
{
    const char *v = get_str(path);
    return v == NULL ? dflt : strtol(v, NULL, 10);
}

/* --- domains --------------------------------------------------------------------------------- */

#define MAX_DOMAINS 64
static struct domain {
    bool exists;
    char name[65];
    uint64_t memkb;
    int vcpus;
    bool paused;
    bool shutdown;
    libxl_shutdown_reason reason;
    bool awaiting_frontends; /* restored: the frontends reconnect once it runs */
} domains[MAX_DOMAINS];

static struct domain *domain(uint32_t domid)
{
    return domid < MAX_DOMAINS && domains[domid].exists ? &domains[domid] : NULL;
}

static void script_domain(const char *path, const char *value)
{
    unsigned domid = (unsigned)strtoul(path + strlen("/standin/domain/"), NULL, 10);
    if (domid == 0 || domid >= MAX_DOMAINS)
        return;
    struct domain *d = &domains[domid];
    memset(d, 0, sizeof(*d));
    if (sscanf(value, "%64s %lu %d", d->name, (unsigned long *)&d->memkb, &d->vcpus) == 3) {
        d->exists = true;
        setf(d->name, "/local/domain/%u/name", domid);
    }
}

struct libxl__ctx {
    xentoollog_logger *lg;
};

/* The context of the last restore: the handshake threads log through it, from threads the JVM has
 * never seen, as libxl's own helper threads do. Cleared when that context is freed. */
static libxl_ctx *restore_ctx;
static pthread_mutex_t restore_ctx_lock = PTHREAD_MUTEX_INITIALIZER;

static void sa_log(libxl_ctx *ctx, xentoollog_level level, int errnoval, const char *fmt, ...)
{
    va_list al;
    va_start(al, fmt);
    if (ctx != NULL && ctx->lg != NULL)
        ctx->lg->vmessage(ctx->lg, level, errnoval, "libxl", fmt, al);
    va_end(al);
}

/* A scripted failure for this call, consumed; 0 if none. Also records the call's arguments. */
static int scripted(libxl_ctx *ctx, const char *function, const char *argsfmt, ...)
{
    char path[256], args[256];
    va_list al;
    va_start(al, argsfmt);
    vsnprintf(args, sizeof(args), argsfmt, al);
    va_end(al);
    snprintf(path, sizeof(path), "/standin/last/%s", function);
    set_str(path, args);
    snprintf(path, sizeof(path), "/standin/fail/%s", function);
    long code = get_long(path, 0);
    if (code != 0) {
        rm_tree(path);
        sa_log(ctx, XTL_ERROR, -1, "%s: scripted failure %ld", function, code);
    }
    return (int)code;
}

/* --- libxl: context and domains -------------------------------------------------------------- */

int libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags, xentoollog_logger *lg)
{
    libxl_ctx probe = { lg };
    pthread_mutex_lock(&store_lock);
    int rc = version == LIBXL_VERSION ? scripted(&probe, "libxl_ctx_alloc", "version=%d", version) : ERROR_VERSION;
    pthread_mutex_unlock(&store_lock);
    if (rc != 0) {
        sa_log(&probe, XTL_ERROR, ENOENT, "cannot open libxc handle");
        return rc;
    }
    *pctx = sa_calloc(1, sizeof(**pctx));
    (*pctx)->lg = lg;
    sa_log(*pctx, XTL_DEBUG, -1, "context allocated");
    return 0;
}

int libxl_ctx_free(libxl_ctx *ctx)
{
    pthread_mutex_lock(&restore_ctx_lock);
    if (restore_ctx == ctx)
        restore_ctx = NULL;
    pthread_mutex_unlock(&restore_ctx_lock);
    __wrap_free(ctx);
    return 0;
}

static void fill_dominfo(libxl_dominfo *info, uint32_t domid, const struct domain *d)
{
    memset(info, 0, sizeof(*info));
    info->domid = domid;
    info->ssid_label = sa_strdup("system_u:system_r:domU_t");
    info->running = !d->paused && !d->shutdown;
    info->blocked = false;
    info->paused = d->paused;
    info->shutdown = d->shutdown;
    info->shutdown_reason = d->shutdown ? d->reason : LIBXL_SHUTDOWN_REASON_UNKNOWN;
    info->current_memkb = d->memkb;
    info->max_memkb = d->memkb;
    info->vcpu_online = (uint32_t)d->vcpus;
    info->vcpu_max_id = (uint32_t)d->vcpus - 1;
    info->domain_type = LIBXL_DOMAIN_TYPE_PV;
    info->cpu_time = 1000000ull * domid;
}

void libxl_dominfo_init(libxl_dominfo *p)
{
    memset(p, 0, sizeof(*p));
}

void libxl_dominfo_dispose(libxl_dominfo *p)
{
    __wrap_free(p->ssid_label);
    p->ssid_label = NULL;
}

libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain_out)
{
    pthread_mutex_lock(&store_lock);
    libxl_dominfo *list = NULL;
    if (scripted(ctx, "libxl_list_domain", "") == 0) {
        int n = 0;
        for (uint32_t i = 0; i < MAX_DOMAINS; i++)
            n += domains[i].exists;
        list = sa_calloc((size_t)n + 1, sizeof(*list));
        n = 0;
        for (uint32_t i = 0; i < MAX_DOMAINS; i++)
            if (domains[i].exists)
                fill_dominfo(&list[n++], i, &domains[i]);
        *nb_domain_out = n;
    }
    pthread_mutex_unlock(&store_lock);
    return list;
}

void libxl_dominfo_list_free(libxl_dominfo *list, int nb_domain)
{
    for (int i = 0; i < nb_domain; i++)
        libxl_dominfo_dispose(&list[i]);
    __wrap_free(list);
}

int libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info_r, uint32_t domid)
{
    pthread_mutex_lock(&store_lock);
    int rc = scripted(ctx, "libxl_domain_info", "domid=%u", domid);
    struct domain *d = domain(domid);
    if (rc == 0 && d == NULL)
        rc = ERROR_DOMAIN_NOTFOUND;
    if (rc == 0 && info_r != NULL)
        fill_dominfo(info_r, domid, d);
    pthread_mutex_unlock(&store_lock);
    return rc;
}

/* As libxl reads it: /local/domain/<domid>/name (gone after a xenstored restart). */
char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid)
{
    pthread_mutex_lock(&store_lock);
    struct domain *d = domain(domid);
    char path[64];
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    const char *stored = get_str(path);
    char *name = d == NULL || stored == NULL ? NULL : sa_strdup(stored);
    pthread_mutex_unlock(&store_lock);
    return name;
}

/* Runs one domain operation under the store lock: scripted failure, then the domain must exist. */
#define DOMAIN_OP(fn, argsfmt, ...)                                                                          \
    pthread_mutex_lock(&store_lock);                                                                         \
    int rc = scripted(ctx, fn, argsfmt, __VA_ARGS__);                                                        \
    struct domain *d = domain(domid);                                                                        \
    if (rc == 0 && d == NULL) {                                                                              \
        sa_log(ctx, XTL_ERROR, -1, "%s: domain %u not found", fn, domid);                                     \
        rc = ERROR_DOMAIN_NOTFOUND;                                                                          \
    }

#define DOMAIN_OP_END                                                                                        \
    pthread_mutex_unlock(&store_lock);                                                                       \
    return rc;

static void *handshake(void *arg);
static void start_frontends(uint32_t domid);


int libxl_domain_pause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_domain_pause", "domid=%u", domid)
    if (rc == 0)
        d->paused = true;
    DOMAIN_OP_END
}

int libxl_domain_unpause(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_domain_unpause", "domid=%u", domid)
    if (rc == 0) {
        d->paused = false;
        if (d->awaiting_frontends) {
            d->awaiting_frontends = false;
            start_frontends(domid);
        }
    }
    DOMAIN_OP_END
}

static int write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The device nodes of both ends, one "fe|be <type> <devid> <key>\t<value>" line each. */
static void dump_devices(FILE *out, uint32_t domid)
{
    static const char *types[] = { "vbd", "vif" };
    char prefix[128], bprefix[160];
    for (int t = 0; t < 2; t++) {
        snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/%s/", domid, types[t]);
        snprintf(bprefix, sizeof(bprefix), "/local/domain/0/backend/%s/%u/", types[t], domid);
        for (int i = 0; i < nnodes; i++) {
            const char *end = NULL, *rest = NULL;
            if (strncmp(nodes[i].path, prefix, strlen(prefix)) == 0) {
                end = "fe";
                rest = nodes[i].path + strlen(prefix);
            }
            else if (strncmp(nodes[i].path, bprefix, strlen(bprefix)) == 0) {
                end = "be";
                rest = nodes[i].path + strlen(bprefix);
            }
            const char *slash = rest == NULL ? NULL : strchr(rest, '/');
            if (slash != NULL)
                fprintf(out, "%s %s %.*s %s\t%s\n", end, types[t], (int)(slash - rest), rest, slash + 1,
                        nodes[i].value);
        }
    }
}

/* A scripted delay for this call (/standin/delay/<function>, ms, consumed), slept without the lock. */
static void delay(const char *function)
{
    char path[256];
    snprintf(path, sizeof(path), "/standin/delay/%s", function);
    pthread_mutex_lock(&store_lock);
    long ms = get_long(path, 0);
    if (ms > 0)
        rm_tree(path);
    pthread_mutex_unlock(&store_lock);
    if (ms > 0) {
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* A scripted hold of this call: while /standin/hold/<function> exists the call waits (without the
 * lock), showing /standin/held/<function> meanwhile, so that a test can act during the call. */
static void hold(const char *function)
{
    char path[256], held[256];
    snprintf(path, sizeof(path), "/standin/hold/%s", function);
    snprintf(held, sizeof(held), "/standin/held/%s", function);
    pthread_mutex_lock(&store_lock);
    int holding = get_str(path) != NULL;
    if (holding)
        set_str(held, "1");
    pthread_mutex_unlock(&store_lock);
    while (holding) {
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&store_lock);
        holding = get_str(path) != NULL;
        if (!holding)
            rm_tree(held);
        pthread_mutex_unlock(&store_lock);
    }
}

int libxl_domain_suspend(libxl_ctx *ctx, uint32_t domid, int fd, int flags, const libxl_asyncop_how *ao_how)
{
    delay("libxl_domain_suspend");
    hold("libxl_domain_suspend");
    DOMAIN_OP("libxl_domain_suspend", "domid=%u flags=%d", domid, flags)
    if (rc == 0 && d->shutdown) {
        sa_log(ctx, XTL_ERROR, -1, "domain %u is not running", domid);
        rc = ERROR_FAIL;
    }
    if (rc == 0) {
        char *header = NULL;
        size_t hlen = 0;
        FILE *h = open_memstream(&header, &hlen);
        fprintf(h, "XSO-STANDIN-SAVE 1 %s %lu %d\n", d->name, (unsigned long)d->memkb, d->vcpus);
        dump_devices(h, domid);
        long body = get_long("/standin/image-bytes", 65536);
        fprintf(h, "body %ld\n", body);
        fclose(h);
        int w = write_all(fd, header, hlen);
        free(header);
        unsigned char chunk[4096];
        for (long off = 0; w == 0 && off < body; off += (long)sizeof(chunk)) {
            size_t n = body - off < (long)sizeof(chunk) ? (size_t)(body - off) : sizeof(chunk);
            for (size_t i = 0; i < n; i++)
                chunk[i] = (unsigned char)(((off + (long)i) * 31 + 7) & 0xff);
            w = write_all(fd, chunk, n);
        }
        if (w != 0) {
            sa_log(ctx, XTL_ERROR, errno, "writing the save image of domain %u failed", domid);
            rc = ERROR_FAIL;
        }
        else {
            sa_log(ctx, XTL_INFO, -1, "domain %u saved (%ld bytes of memory)", domid, body);
            d->shutdown = true;
            d->reason = LIBXL_SHUTDOWN_REASON_SUSPEND;
        }
    }
    DOMAIN_OP_END
}

int libxl_domain_suspend_only(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_domain_suspend_only", "domid=%u", domid)
    if (rc == 0) {
        d->shutdown = true;
        d->reason = LIBXL_SHUTDOWN_REASON_SUSPEND;
    }
    DOMAIN_OP_END
}

int libxl_domain_resume(libxl_ctx *ctx, uint32_t domid, int suspend_cancel, const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_domain_resume", "domid=%u suspend_cancel=%d", domid, suspend_cancel)
    if (rc == 0 && !(d->shutdown && d->reason == LIBXL_SHUTDOWN_REASON_SUSPEND)) {
        sa_log(ctx, XTL_ERROR, -1, "domain %u is not suspended", domid);
        rc = ERROR_FAIL;
    }
    if (rc == 0)
        d->shutdown = false;
    DOMAIN_OP_END
}

int libxl_domain_destroy(libxl_ctx *ctx, uint32_t domid, const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_domain_destroy", "domid=%u", domid)
    if (rc == 0) {
        char path[128];
        d->exists = false;
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        rm_tree(path);
        snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
        rm_tree(path);
        snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
        rm_tree(path);
    }
    DOMAIN_OP_END
}

/* --- libxl: configuration -------------------------------------------------------------------- */

void libxl_domain_config_init(libxl_domain_config *p)
{
    memset(p, 0, sizeof(*p));
}

void libxl_domain_config_dispose(libxl_domain_config *p)
{
    __wrap_free(p->c_info.name);
    p->c_info.name = NULL;
}

void libxl_domain_restore_params_init(libxl_domain_restore_params *p)
{
    memset(p, 0, sizeof(*p));
}

void libxl_domain_restore_params_dispose(libxl_domain_restore_params *p)
{
}

int libxl_retrieve_domain_configuration(libxl_ctx *ctx, uint32_t domid, libxl_domain_config *d_config,
                                        const libxl_asyncop_how *ao_how)
{
    DOMAIN_OP("libxl_retrieve_domain_configuration", "domid=%u", domid)
    if (rc == 0) {
        d_config->c_info.name = sa_strdup(d->name);
        d_config->c_info.domid = domid;
        d_config->b_info.max_vcpus = d->vcpus;
        d_config->b_info.max_memkb = d->memkb;
    }
    DOMAIN_OP_END
}

char *libxl_domain_config_to_json(libxl_ctx *ctx, libxl_domain_config *p)
{
    char *json = NULL;
    if (asprintf(&json, "{\"c_info\":{\"type\":\"pv\",\"name\":\"%s\"},\"b_info\":{\"max_vcpus\":%d,\"max_memkb\":%lu}}",
                 p->c_info.name, p->b_info.max_vcpus, (unsigned long)p->b_info.max_memkb)
        < 0)
        return NULL;
    return track(json);
}

int libxl_domain_config_from_json(libxl_ctx *ctx, libxl_domain_config *p, const char *s)
{
    char name[65];
    const char *n = strstr(s, "\"name\":\"");
    const char *v = strstr(s, "\"max_vcpus\":");
    const char *m = strstr(s, "\"max_memkb\":");
    if (n == NULL || v == NULL || m == NULL || sscanf(n + 8, "%64[^\"]", name) != 1) {
        sa_log(ctx, XTL_ERROR, -1, "Failed to parse JSON configuration: %s", s);
        return ERROR_INVAL;
    }
    p->c_info.name = sa_strdup(name);
    p->b_info.max_vcpus = atoi(v + 12);
    p->b_info.max_memkb = strtoull(m + 12, NULL, 10);
    return 0;
}

/* --- libxl: restore and the xenbus handshake ------------------------------------------------- */

static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = read(fd, &buf[n], 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = '\0';
    return 0;
}

/* Writes one saved device node under the new domain; states restart at Initialising. */
static void restore_node(uint32_t domid, const char *line)
{
    char end[3], type[4], devid[16], key[128];
    const char *tab = strchr(line, '\t');
    if (tab == NULL || sscanf(line, "%2s %3s %15s %127[^\t]", end, type, devid, key) != 4)
        return;
    char path[256], value[256];
    snprintf(value, sizeof(value), "%s", tab + 1);
    bool fe = strcmp(end, "fe") == 0;
    if (fe)
        snprintf(path, sizeof(path), "/local/domain/%u/device/%s/%s/%s", domid, type, devid, key);
    else
        snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/%s/%s", type, domid, devid, key);
    if (strcmp(key, "state") == 0)
        snprintf(value, sizeof(value), "%d", fe ? 1 : 2); /* the backend is at InitWait at once */
    else if (fe && strcmp(key, "backend") == 0)
        snprintf(value, sizeof(value), "/local/domain/0/backend/%s/%u/%s", type, domid, devid);
    else if (!fe && strcmp(key, "frontend") == 0)
        snprintf(value, sizeof(value), "/local/domain/%u/device/%s/%s", domid, type, devid);
    else if (!fe && strcmp(key, "frontend-id") == 0)
        snprintf(value, sizeof(value), "%u", domid);
    else if (fe && (strcmp(key, "ring-ref") == 0 || strcmp(key, "tx-ring-ref") == 0 || strcmp(key, "rx-ring-ref") == 0))
        snprintf(value, sizeof(value), "%ld", strtol(tab + 1, NULL, 10) + 1000); /* re-granted */
    set_str(path, value);
}

static int restore_image(libxl_ctx *ctx, int fd, uint32_t domid, struct domain *d)
{
    char line[512];
    long body = -1;
    unsigned long memkb;
    if (read_line(fd, line, sizeof(line)) < 0
        || sscanf(line, "XSO-STANDIN-SAVE 1 %64s %lu %d", d->name, &memkb, &d->vcpus) != 3) {
        sa_log(ctx, XTL_ERROR, -1, "restore: not a save image");
        return ERROR_FAIL;
    }
    d->memkb = memkb;
    while (read_line(fd, line, sizeof(line)) == 0) {
        if (sscanf(line, "body %ld", &body) == 1)
            break;
        restore_node(domid, line);
    }
    unsigned char chunk[4096];
    long off = 0;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        for (ssize_t i = 0; i < r; i++, off++)
            if (chunk[i] != (unsigned char)((off * 31 + 7) & 0xff)) {
                sa_log(ctx, XTL_ERROR, -1, "restore: memory image corrupt at byte %ld", off);
                return ERROR_FAIL;
            }
    }
    if (body < 0 || off != body) {
        sa_log(ctx, XTL_ERROR, -1, "restore: memory image truncated (%ld of %ld bytes)", off, body);
        return ERROR_FAIL;
    }
    return 0;
}

int libxl_domain_create_restore(libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t *domid_out, int restore_fd,
                                int send_back_fd, const libxl_domain_restore_params *params,
                                const libxl_asyncop_how *ao_how, const libxl_asyncprogress_how *aop_console_how)
{
    pthread_mutex_lock(&store_lock);
    uint32_t domid = d_config->c_info.domid;
    int rc = scripted(ctx, "libxl_domain_create_restore", "domid=%u name=%s fd-valid=%d send_back_fd=%d", domid,
                      d_config->c_info.name, fcntl(restore_fd, F_GETFD) >= 0, send_back_fd);
    if (rc == 0 && domid == (uint32_t)INVALID_DOMID) {
        for (domid = 1; domid < MAX_DOMAINS && domains[domid].exists; domid++) {
        }
    }
    if (rc == 0 && (domid == 0 || domid >= MAX_DOMAINS || domains[domid].exists)) {
        sa_log(ctx, XTL_ERROR, -1, "domid %u is not available", domid);
        rc = ERROR_INVAL;
    }
    /* libxl__domain_rename, when libxl__domain_make names the new domain: one name, one domain */
    for (uint32_t other = 1; rc == 0 && other < MAX_DOMAINS; other++) {
        if (domains[other].exists && d_config->c_info.name != NULL
            && strcmp(domains[other].name, d_config->c_info.name) == 0) {
            sa_log(ctx, XTL_ERROR, -1, "domain with name \"%s\" already exists.", d_config->c_info.name);
            rc = ERROR_INVAL;
        }
    }
    /* libxl_domain_suspend writes a v2 stream; the restore params' stream_version defaults to 1,
     * which makes the real libxl run convert-legacy-stream over it (and fail): the caller must say 2 */
    if (rc == 0 && params->stream_version != 2) {
        sa_log(ctx, XTL_ERROR, -1, "stream_version %u: the stream would be converted from the legacy format",
               params->stream_version);
        rc = ERROR_FAIL;
    }
    if (rc == 0) {
        struct domain *d = &domains[domid];
        memset(d, 0, sizeof(*d));
        rc = restore_image(ctx, restore_fd, domid, d);
        if (rc == 0) {
            /* the domain is named as its config says, not as the image recorded it */
            if (d_config->c_info.name != NULL)
                snprintf(d->name, sizeof(d->name), "%s", d_config->c_info.name);
            d->exists = true;
            d->paused = true;
            d->awaiting_frontends = true;
            setf(d->name, "/local/domain/%u/name", domid);
            pthread_mutex_lock(&restore_ctx_lock);
            restore_ctx = ctx;
            pthread_mutex_unlock(&restore_ctx_lock);
            *domid_out = domid;
        }
        else {
            char path[128];
            snprintf(path, sizeof(path), "/local/domain/%u", domid);
            rm_tree(path);
            snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
            rm_tree(path);
            snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
            rm_tree(path);
        }
    }
    pthread_mutex_unlock(&store_lock);
    return rc;
}

static void start_frontends(uint32_t domid)
{
    if (get_long("/standin/stall-backends", 0) != 0)
        return;
    pthread_t t;
    if (pthread_create(&t, NULL, handshake, (void *)(uintptr_t)domid) == 0)
        pthread_detach(t);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Sets the state of every device's frontend (fe) or backend whose current state is from. */
static void step(uint32_t domid, bool fe, const char *type, const char *from, const char *to)
{
    char prefix[128];
    if (fe)
        snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/%s/", domid, type);
    else
        snprintf(prefix, sizeof(prefix), "/local/domain/0/backend/%s/%u/", type, domid);
    pthread_mutex_lock(&store_lock);
    for (int i = 0; i < nnodes; i++) {
        const char *p = nodes[i].path;
        size_t n = strlen(p);
        if (strncmp(p, prefix, strlen(prefix)) == 0 && n > 6 && strcmp(p + n - 6, "/state") == 0
            && strcmp(nodes[i].value, from) == 0) {
            char path[256];
            snprintf(path, sizeof(path), "%s", p);
            set_str(path, to);
        }
    }
    pthread_mutex_unlock(&store_lock);
}

/* The handshake of blkif.h and netif.h after a restore: blkfront 1 -> 3, netfront 1 -> 4, then the
 * backends Connected, then blkfront Connected. */
static void *handshake(void *arg)
{
    uint32_t domid = (uint32_t)(uintptr_t)arg;
    pthread_mutex_lock(&restore_ctx_lock);
    sa_log(restore_ctx, XTL_INFO, -1, "domain %u: frontends reconnecting", domid);
    pthread_mutex_unlock(&restore_ctx_lock);
    sleep_ms(5);
    step(domid, true, "vbd", "1", "3");
    step(domid, true, "vif", "1", "4");
    sleep_ms(5);
    step(domid, false, "vbd", "2", "4");
    step(domid, false, "vif", "2", "4");
    sleep_ms(5);
    step(domid, true, "vbd", "3", "4");
    return NULL;
}

/* --- libxl: device lists --------------------------------------------------------------------- */

/* The devids of a domain's frontends of one type, from the xenstore. */
static int devids(uint32_t domid, const char *type, long *out, int max)
{
    char prefix[128];
    int n = snprintf(prefix, sizeof(prefix), "/local/domain/%u/device/%s/", domid, type), count = 0;
    for (int i = 0; i < nnodes && count < max; i++) {
        const char *p = nodes[i].path;
        if (strncmp(p, prefix, (size_t)n) == 0 && strcmp(strchr(p + n, '/') ? strchr(p + n, '/') : "", "/state") == 0)
            out[count++] = strtol(p + n, NULL, 10);
    }
    return count;
}

static const char *backend_key(uint32_t domid, const char *type, long devid, const char *key)
{
    char path[256];
    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u/%ld/%s", type, domid, devid, key);
    return get_str(path);
}

libxl_device_disk *libxl_device_disk_list(libxl_ctx *ctx, uint32_t domid, int *num)
{
    long ids[32];
    pthread_mutex_lock(&store_lock);
    libxl_device_disk *list = NULL;
    *num = 0;
    if (scripted(ctx, "libxl_device_disk_list", "domid=%u", domid) == 0) {
        int n = devids(domid, "vbd", ids, 32);
        list = n == 0 ? NULL : sa_calloc((size_t)n, sizeof(*list));
        for (int i = 0; i < n; i++) {
            const char *dev = backend_key(domid, "vbd", ids[i], "dev");
            const char *params = backend_key(domid, "vbd", ids[i], "params");
            const char *mode = backend_key(domid, "vbd", ids[i], "mode");
            list[i].backend_domid = 0;
            list[i].backend_domname = sa_strdup("Domain-0");
            list[i].vdev = sa_strdup(dev != NULL ? dev : "xvda");
            list[i].pdev_path = sa_strdup(params != NULL ? params : "");
            list[i].readwrite = mode == NULL || strcmp(mode, "w") == 0;
        }
        *num = n;
    }
    pthread_mutex_unlock(&store_lock);
    return list;
}

void libxl_device_disk_list_free(libxl_device_disk *list, int num)
{
    for (int i = 0; i < num; i++) {
        __wrap_free(list[i].backend_domname);
        __wrap_free(list[i].vdev);
        __wrap_free(list[i].pdev_path);
    }
    __wrap_free(list);
}

libxl_device_nic *libxl_device_nic_list(libxl_ctx *ctx, uint32_t domid, int *num)
{
    long ids[32];
    pthread_mutex_lock(&store_lock);
    libxl_device_nic *list = NULL;
    *num = 0;
    if (scripted(ctx, "libxl_device_nic_list", "domid=%u", domid) == 0) {
        int n = devids(domid, "vif", ids, 32);
        list = n == 0 ? NULL : sa_calloc((size_t)n, sizeof(*list));
        for (int i = 0; i < n; i++) {
            const char *mac = backend_key(domid, "vif", ids[i], "mac");
            const char *bridge = backend_key(domid, "vif", ids[i], "bridge");
            unsigned int m[6] = { 0 };
            if (mac != NULL)
                sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]);
            list[i].devid = (libxl_devid)ids[i];
            list[i].backend_domid = 0;
            list[i].backend_domname = sa_strdup("Domain-0");
            for (int k = 0; k < 6; k++)
                list[i].mac[k] = (uint8_t)m[k];
            list[i].bridge = sa_strdup(bridge != NULL ? bridge : "xenbr0");
        }
        *num = n;
    }
    pthread_mutex_unlock(&store_lock);
    return list;
}

void libxl_device_nic_list_free(libxl_device_nic *list, int num)
{
    for (int i = 0; i < num; i++) {
        __wrap_free(list[i].backend_domname);
        __wrap_free(list[i].bridge);
    }
    __wrap_free(list);
}

/* --- xenstore -------------------------------------------------------------------------------- */

#define MAX_TX 64
static struct tx {
    bool open;
    int nwrites;
    char *paths[64];
    char *values[64];
    unsigned int lens[64];
} txs[MAX_TX];

struct xs_handle *xs_open(unsigned long flags)
{
    if (xenstored_down && (flags & XSO_STANDIN_CONTROL) == 0) {
        errno = ECONNREFUSED;
        return NULL;
    }
    struct xs_handle *h = sa_calloc(1, sizeof(*h));
    if (pipe(h->pipe) < 0) {
        __wrap_free(h);
        return NULL;
    }
    h->generation = xenstored_generation;
    return h;
}

void xs_close(struct xs_handle *h)
{
    if (h == NULL)
        return;
    pthread_mutex_lock(&store_lock);
    for (int i = 0; i < nwatches;) {
        if (watches[i].h == h) {
            free(watches[i].path);
            free(watches[i].token);
            watches[i] = watches[--nwatches];
        }
        else {
            i++;
        }
    }
    for (; h->count > 0; h->count--, h->head = (h->head + 1) % MAX_EVENTS) {
        free(h->events[h->head][0]);
        free(h->events[h->head][1]);
    }
    pthread_mutex_unlock(&store_lock);
    close(h->pipe[0]);
    close(h->pipe[1]);
    __wrap_free(h);
}

static struct tx *tx_of(xs_transaction_t t)
{
    return t > 0 && t < MAX_TX && txs[t].open ? &txs[t] : NULL;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
    FAIL_IF_STALE(h, NULL);
    char buf[32];
    const char *value = NULL;
    unsigned int n = 0;
    pthread_mutex_lock(&store_lock);
    struct tx *x = tx_of(t);
    if (t != XBT_NULL && x == NULL) {
        pthread_mutex_unlock(&store_lock);
        errno = EINVAL;
        return NULL;
    }
    for (int i = x == NULL ? 0 : x->nwrites - 1; x != NULL && i >= 0; i--)
        if (strcmp(x->paths[i], path) == 0) {
            value = x->values[i];
            n = x->lens[i];
            break;
        }
    if (value == NULL && strcmp(path, "/standin/alloc/outstanding") == 0) {
        n = (unsigned int)snprintf(buf, sizeof(buf), "%ld", outstanding());
        value = buf;
    }
    else if (value == NULL) {
        struct node *node = find(path);
        if (node != NULL) {
            value = node->value;
            n = node->len;
        }
    }
    char *out = NULL;
    if (value != NULL) {
        out = malloc(n + 1); /* tracked below, after the count above was taken */
        memcpy(out, value, n);
        out[n] = '\0';
        if (len != NULL)
            *len = n;
    }
    pthread_mutex_unlock(&store_lock);
    if (out == NULL)
        errno = ENOENT;
    return track(out);
}

/* Dom0 runs on every host. */
static void boot_dom0(void)
{
    struct domain *d = &domains[0];
    memset(d, 0, sizeof(*d));
    d->exists = true;
    snprintf(d->name, sizeof(d->name), "Domain-0");
    d->memkb = 1048576;
    d->vcpus = 2;
    set_str("/local/domain/0/name", "Domain-0");
}

__attribute__((constructor)) static void standin_init(void)
{
    boot_dom0();
}

/* Forgets every domain but dom0 and every node: a fresh host for the next test. */
static void reset(void)
{
    for (int i = 0; i < nnodes; i++) {
        free(nodes[i].path);
        free(nodes[i].value);
    }
    nnodes = 0;
    memset(domains, 0, sizeof(domains));
    xenstored_down = 0;
    boot_dom0();
}

/* xenstored killed: every connection is lost; until it is started again (without a live update), it
 * knows nothing but dom0 (the domains run on, unknown to it). Called under the lock. */
static void xenstored_stop(void)
{
    xenstored_generation++;
    xenstored_down = 1;
    for (int i = 0; i < nnodes;) {
        if (under(nodes[i].path, "/standin") || under(nodes[i].path, "/local/domain/0")) {
            i++;
            continue;
        }
        free(nodes[i].path);
        free(nodes[i].value);
        nodes[i] = nodes[--nnodes];
    }
    for (int i = 0; i < nwatches; i++) {
        free(watches[i].path);
        free(watches[i].token);
    }
    nwatches = 0;
}

static void script_hook(const char *path, const char *value)
{
    if (strncmp(path, "/standin/domain/", 16) == 0)
        script_domain(path, value);
    else if (strcmp(path, "/standin/reset") == 0)
        reset();
    else if (strcmp(path, "/standin/xenstored-stop") == 0)
        xenstored_stop();
    else if (strcmp(path, "/standin/xenstored-start") == 0)
        xenstored_down = 0;
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data, unsigned int len)
{
    FAIL_IF_STALE(h, false);
    pthread_mutex_lock(&store_lock);
    struct tx *x = tx_of(t);
    bool ok = true;
    if (t != XBT_NULL && x == NULL) {
        errno = EINVAL;
        ok = false;
    }
    else if (x != NULL) {
        if (x->nwrites == 64) {
            errno = ENOSPC;
            ok = false;
        }
        else {
            x->paths[x->nwrites] = strdup(path);
            x->values[x->nwrites] = malloc(len + 1);
            memcpy(x->values[x->nwrites], data, len);
            x->values[x->nwrites][len] = '\0';
            x->lens[x->nwrites++] = len;
        }
    }
    else {
        set_node(path, data, len);
        script_hook(path, get_str(path));
    }
    pthread_mutex_unlock(&store_lock);
    return ok;
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    FAIL_IF_STALE(h, false);
    pthread_mutex_lock(&store_lock);
    bool ok = rm_tree(path);
    pthread_mutex_unlock(&store_lock);
    if (!ok)
        errno = ENOENT;
    return ok;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
    FAIL_IF_STALE(h, NULL);
    pthread_mutex_lock(&store_lock);
    size_t plen = strlen(path), bytes = 0;
    const char *names[256];
    size_t lens[256];
    unsigned int n = 0;
    bool exists = false;
    for (int i = 0; i < nnodes; i++) {
        const char *p = nodes[i].path;
        if (strcmp(p, path) == 0)
            exists = true;
        if (strncmp(p, path, plen) != 0 || p[plen] != '/')
            continue;
        exists = true;
        const char *child = p + plen + 1;
        size_t clen = strchr(child, '/') ? (size_t)(strchr(child, '/') - child) : strlen(child);
        bool seen = false;
        for (unsigned int k = 0; k < n && !seen; k++)
            seen = lens[k] == clen && strncmp(names[k], child, clen) == 0;
        if (!seen && n < 256) {
            names[n] = child;
            lens[n++] = clen;
            bytes += clen + 1;
        }
    }
    char **vec = NULL;
    if (exists) {
        /* one block, as libxenstore returns it: the vector, then the strings */
        vec = malloc(n * sizeof(char *) + bytes + 1);
        char *s = (char *)(vec + n);
        for (unsigned int k = 0; k < n; k++) {
            memcpy(s, names[k], lens[k]);
            s[lens[k]] = '\0';
            vec[k] = s;
            s += lens[k] + 1;
        }
        *num = n;
    }
    pthread_mutex_unlock(&store_lock);
    if (vec == NULL)
        errno = ENOENT;
    return track(vec);
}

/* Permissions as libxl sets them: a guest's directory is its own with read for dom0, a backend
 * directory is dom0's with read for the frontend's domain, anything else is dom0's alone. */
struct xs_permissions *xs_get_permissions(struct xs_handle *h, xs_transaction_t t, const char *path,
                                          unsigned int *num)
{
    FAIL_IF_STALE(h, NULL);
    unsigned int owner = 0, reader = 0;
    bool shared = false;
    pthread_mutex_lock(&store_lock);
    bool exists = find(path) != NULL;
    for (int i = 0; !exists && i < nnodes; i++)
        exists = under(nodes[i].path, path);
    pthread_mutex_unlock(&store_lock);
    if (!exists) {
        errno = ENOENT;
        return NULL;
    }
    char type[8];
    if (sscanf(path, "/local/domain/0/backend/%7[^/]/%u", type, &reader) == 2)
        shared = reader != 0;
    else if (sscanf(path, "/local/domain/%u", &owner) == 1 && owner != 0)
        shared = true;
    struct xs_permissions *perms = track(malloc(2 * sizeof(*perms)));
    perms[0].id = owner;
    perms[0].perms = XS_PERM_NONE;
    perms[1].id = reader;
    perms[1].perms = XS_PERM_READ;
    *num = shared ? 2 : 1;
    return perms;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    FAIL_IF_STALE(h, false);
    pthread_mutex_lock(&store_lock);
    bool ok = nwatches < MAX_WATCHES;
    if (ok) {
        watches[nwatches].h = h;
        watches[nwatches].path = strdup(path);
        watches[nwatches++].token = strdup(token);
        queue_event(h, path, token); /* a watch fires once on registration */
    }
    else {
        errno = E2BIG;
    }
    pthread_mutex_unlock(&store_lock);
    return ok;
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    pthread_mutex_lock(&store_lock);
    bool ok = false;
    for (int i = 0; i < nwatches && !ok; i++) {
        if (watches[i].h == h && strcmp(watches[i].path, path) == 0 && strcmp(watches[i].token, token) == 0) {
            free(watches[i].path);
            free(watches[i].token);
            watches[i] = watches[--nwatches];
            ok = true;
        }
    }
    pthread_mutex_unlock(&store_lock);
    if (!ok)
        errno = ENOENT;
    return ok;
}

int xs_fileno(struct xs_handle *h)
{
    return h->pipe[0];
}

char **xs_check_watch(struct xs_handle *h)
{
    FAIL_IF_STALE(h, NULL);
    pthread_mutex_lock(&store_lock);
    char **vec = NULL;
    if (h->count > 0) {
        char *path = h->events[h->head][0], *token = h->events[h->head][1];
        size_t pl = strlen(path) + 1, tl = strlen(token) + 1;
        vec = malloc(2 * sizeof(char *) + pl + tl);
        vec[XS_WATCH_PATH] = (char *)(vec + 2);
        vec[XS_WATCH_TOKEN] = vec[XS_WATCH_PATH] + pl;
        memcpy(vec[XS_WATCH_PATH], path, pl);
        memcpy(vec[XS_WATCH_TOKEN], token, tl);
        free(path);
        free(token);
        h->head = (h->head + 1) % MAX_EVENTS;
        h->count--;
        char b;
        if (read(h->pipe[0], &b, 1) < 0) {
            /* the queue is the truth; the pipe only wakes pollers */
        }
    }
    pthread_mutex_unlock(&store_lock);
    if (vec == NULL)
        errno = EAGAIN;
    return track(vec);
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    FAIL_IF_STALE(h, XBT_NULL);
    pthread_mutex_lock(&store_lock);
    xs_transaction_t t = XBT_NULL;
    for (xs_transaction_t i = 1; i < MAX_TX; i++)
        if (!txs[i].open) {
            txs[i].open = true;
            txs[i].nwrites = 0;
            t = i;
            break;
        }
    pthread_mutex_unlock(&store_lock);
    if (t == XBT_NULL)
        errno = ENOSPC;
    return t;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    pthread_mutex_lock(&store_lock);
    struct tx *x = tx_of(t);
    bool ok = x != NULL;
    int err = EINVAL;
    long conflicts = get_long("/standin/xs-conflicts", 0);
    if (ok && !abort && conflicts > 0) {
        char n[24];
        snprintf(n, sizeof(n), "%ld", conflicts - 1);
        set_str("/standin/xs-conflicts", n);
        ok = false;
        err = EAGAIN;
    }
    for (int i = 0; x != NULL && i < x->nwrites; i++) {
        if (ok && !abort)
            set_node(x->paths[i], x->values[i], x->lens[i]);
        free(x->paths[i]);
        free(x->values[i]);
    }
    if (x != NULL)
        x->open = false;
    pthread_mutex_unlock(&store_lock);
    if (!ok)
        errno = err;
    return ok;
}
