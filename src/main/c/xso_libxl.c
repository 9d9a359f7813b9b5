/*
 * JNI bindings of org.xso.hypervisor.libxl.LibxlNative to libxl (libxenlight 4.17) and
 * libxenstore.
 *
 * Shape (netty's transport-native-epoll): natives are registered from a table in JNI_OnLoad, every
 * call returns 0 or a negative code (a libxl ERROR_* value for libxl calls, -errno for xenstore
 * and file calls) and never throws except for OutOfMemoryError. Calls that produce a value return
 * it and report their code through an int[1] "rc" argument. Handles are native pointers carried as
 * Java longs.
 *
 * IMPORTANT: the method table at the end must stay consistent with LibxlNative.java; the layout of
 * the long[] domain records must stay consistent with LibxlNative.DOMINFO_*.
 */
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>

#define XSO_NATIVE_CLASS "org/xso/hypervisor/libxl/LibxlNative"
#define XSO_LOG_CLASS "org/xso/hypervisor/libxl/LibxlLog"
#define XSO_ABI_VERSION 1

/* LibxlError.java copies libxl 4.17's numbering of libxl_error, -1 .. -32 (ERROR_QEMU_API); the
 * build stops if the headers number them otherwise. */
_Static_assert(ERROR_QEMU_API == -32, "LibxlError.java knows libxl errors -1 .. -32 (ERROR_QEMU_API)");

/* IMPORTANT: consistent with LibxlNative.DOMINFO_STRIDE and the DOMINFO_* offsets. */
#define DOMINFO_STRIDE 8

static JavaVM *xso_vm;
static jclass xso_string_class;
static jmethodID xso_log_method;

/* A libxl context with the logger that forwards its lines to a Java LibxlLog. */
struct xso_ctx {
    xentoollog_logger logger; /* first: libxl hands this pointer back to the callbacks */
    jobject sink;             /* global ref to the LibxlLog */
    libxl_ctx *ctx;
};

static void xso_log_vmessage(xentoollog_logger *lg, xentoollog_level level, int errnoval,
                             const char *context, const char *format, va_list al)
{
    struct xso_ctx *c = (struct xso_ctx *)lg;
    char line[2048];
    JNIEnv *env;
    int attached = 0;

    vsnprintf(line, sizeof(line), format, al);
    if ((*xso_vm)->GetEnv(xso_vm, (void **)&env, JNI_VERSION_1_8) == JNI_EDETACHED) {
        /* libxl's own helper threads: attach for this line only */
        if ((*xso_vm)->AttachCurrentThreadAsDaemon(xso_vm, (void **)&env, NULL) != JNI_OK)
            return;
        attached = 1;
    }
    jstring jctx = context ? (*env)->NewStringUTF(env, context) : NULL;
    jstring jline = (*env)->NewStringUTF(env, line);
    if (jline != NULL)
        (*env)->CallVoidMethod(env, c->sink, xso_log_method, (jint)level, (jint)errnoval, jctx, jline);
    if ((*env)->ExceptionCheck(env))
        (*env)->ExceptionClear(env); /* a failing logger must not fail the libxl call */
    if (jctx != NULL)
        (*env)->DeleteLocalRef(env, jctx);
    if (jline != NULL)
        (*env)->DeleteLocalRef(env, jline);
    if (attached)
        (*xso_vm)->DetachCurrentThread(xso_vm);
}

static void xso_log_destroy(xentoollog_logger *lg)
{
    (void)lg; /* owned by struct xso_ctx, freed in ctxFree0 */
}

static libxl_ctx *ctx_of(jlong handle)
{
    return ((struct xso_ctx *)(intptr_t)handle)->ctx;
}

static struct xs_handle *xs_of(jlong handle)
{
    return (struct xs_handle *)(intptr_t)handle;
}

static void set_rc(JNIEnv *env, jintArray rc, jint value)
{
    (*env)->SetIntArrayRegion(env, rc, 0, 1, &value);
}

static int neg_errno(void)
{
    return errno > 0 ? -errno : -EIO;
}

/* A Java string as a NUL-terminated modified-UTF-8 copy owned by the JVM; release with unchars. */
static const char *chars(JNIEnv *env, jstring s)
{
    return s == NULL ? NULL : (*env)->GetStringUTFChars(env, s, NULL);
}

static void unchars(JNIEnv *env, jstring s, const char *c)
{
    if (c != NULL)
        (*env)->ReleaseStringUTFChars(env, s, c);
}

/* --- libxl ---------------------------------------------------------------------------------- */

static jint abiVersion0(JNIEnv *env, jclass clazz)
{
    return XSO_ABI_VERSION;
}

static jlong ctxAlloc0(JNIEnv *env, jclass clazz, jobject sink)
{
    struct xso_ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return ERROR_NOMEM;
    c->logger.vmessage = xso_log_vmessage;
    c->logger.progress = NULL;
    c->logger.destroy = xso_log_destroy;
    c->sink = (*env)->NewGlobalRef(env, sink);
    if (c->sink == NULL) {
        free(c);
        return ERROR_NOMEM;
    }
    int rc = libxl_ctx_alloc(&c->ctx, LIBXL_VERSION, 0, &c->logger);
    if (rc != 0) {
        (*env)->DeleteGlobalRef(env, c->sink);
        free(c);
        return rc < 0 ? rc : ERROR_FAIL;
    }
    return (jlong)(intptr_t)c;
}

static jint ctxFree0(JNIEnv *env, jclass clazz, jlong handle)
{
    struct xso_ctx *c = (struct xso_ctx *)(intptr_t)handle;
    int rc = libxl_ctx_free(c->ctx);
    (*env)->DeleteGlobalRef(env, c->sink);
    free(c);
    return rc;
}

static void put_dominfo(jlong *out, const libxl_dominfo *d)
{
    out[0] = d->domid;
    out[1] = (d->running ? 1 : 0) | (d->blocked ? 2 : 0) | (d->paused ? 4 : 0) | (d->shutdown ? 8 : 0)
             | (d->dying ? 16 : 0);
    out[2] = d->shutdown_reason;
    out[3] = (jlong)d->current_memkb;
    out[4] = (jlong)d->max_memkb;
    out[5] = d->vcpu_online;
    out[6] = d->domain_type;
    out[7] = (jlong)d->cpu_time;
}

static jlongArray listDomain0(JNIEnv *env, jclass clazz, jlong handle, jintArray rc)
{
    int n = 0;
    libxl_dominfo *list = libxl_list_domain(ctx_of(handle), &n);
    if (list == NULL) {
        set_rc(env, rc, ERROR_FAIL);
        return NULL;
    }
    jlongArray out = (*env)->NewLongArray(env, n * DOMINFO_STRIDE);
    if (out != NULL) {
        jlong rec[DOMINFO_STRIDE];
        for (int i = 0; i < n; i++) {
            put_dominfo(rec, &list[i]);
            (*env)->SetLongArrayRegion(env, out, i * DOMINFO_STRIDE, DOMINFO_STRIDE, rec);
        }
    }
    libxl_dominfo_list_free(list, n);
    set_rc(env, rc, 0);
    return out;
}

static jlongArray domainInfo0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jintArray rc)
{
    libxl_dominfo info;
    libxl_dominfo_init(&info);
    int r = libxl_domain_info(ctx_of(handle), &info, (uint32_t)domid);
    jlongArray out = NULL;
    if (r == 0) {
        jlong rec[DOMINFO_STRIDE];
        put_dominfo(rec, &info);
        out = (*env)->NewLongArray(env, DOMINFO_STRIDE);
        if (out != NULL)
            (*env)->SetLongArrayRegion(env, out, 0, DOMINFO_STRIDE, rec);
    }
    libxl_dominfo_dispose(&info);
    set_rc(env, rc, r);
    return out;
}

static jstring domidToName0(JNIEnv *env, jclass clazz, jlong handle, jint domid)
{
    char *name = libxl_domid_to_name(ctx_of(handle), (uint32_t)domid);
    if (name == NULL)
        return NULL;
    jstring s = (*env)->NewStringUTF(env, name);
    free(name);
    return s;
}

static jint domainPause0(JNIEnv *env, jclass clazz, jlong handle, jint domid)
{
    return libxl_domain_pause(ctx_of(handle), (uint32_t)domid, NULL);
}

static jint domainUnpause0(JNIEnv *env, jclass clazz, jlong handle, jint domid)
{
    return libxl_domain_unpause(ctx_of(handle), (uint32_t)domid, NULL);
}

static jint domainSuspend0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jint fd, jint flags)
{
    return libxl_domain_suspend(ctx_of(handle), (uint32_t)domid, fd, flags, NULL);
}

static jint domainSuspendOnly0(JNIEnv *env, jclass clazz, jlong handle, jint domid)
{
    return libxl_domain_suspend_only(ctx_of(handle), (uint32_t)domid, NULL);
}

static jint domainResume0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jboolean suspendCancel)
{
    return libxl_domain_resume(ctx_of(handle), (uint32_t)domid, suspendCancel ? 1 : 0, NULL);
}

static jint domainDestroy0(JNIEnv *env, jclass clazz, jlong handle, jint domid)
{
    return libxl_domain_destroy(ctx_of(handle), (uint32_t)domid, NULL);
}

static jstring retrieveDomainConfiguration0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jintArray rc)
{
    libxl_ctx *ctx = ctx_of(handle);
    libxl_domain_config config;
    libxl_domain_config_init(&config);
    int r = libxl_retrieve_domain_configuration(ctx, (uint32_t)domid, &config, NULL);
    jstring out = NULL;
    if (r == 0) {
        char *json = libxl_domain_config_to_json(ctx, &config);
        if (json == NULL) {
            r = ERROR_FAIL;
        }
        else {
            out = (*env)->NewStringUTF(env, json);
            free(json);
        }
    }
    libxl_domain_config_dispose(&config);
    set_rc(env, rc, r);
    return out;
}

/* Restores a domain from a save image on restoreFd with the config (libxl JSON); domid < 0 lets
 * libxl choose. The new domain stays paused, as after xl restore -p. */
static jint domainCreateRestore0(JNIEnv *env, jclass clazz, jlong handle, jstring configJson, jint domid,
                                 jint restoreFd, jintArray domidOut)
{
    libxl_ctx *ctx = ctx_of(handle);
    libxl_domain_config config;
    libxl_domain_restore_params params;
    uint32_t newDomid = INVALID_DOMID;
    const char *json = chars(env, configJson);
    if (json == NULL)
        return ERROR_NOMEM;
    libxl_domain_config_init(&config);
    libxl_domain_restore_params_init(&params);
    int r = libxl_domain_config_from_json(ctx, &config, json);
    unchars(env, configJson, json);
    if (r == 0) {
        config.c_info.domid = domid < 0 ? INVALID_DOMID : (libxl_domid)domid;
        params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
        /* libxl_domain_suspend wrote a v2 stream (LIBXL_HAVE_SRM_V2); the default, 1, makes libxl
         * run convert-legacy-stream over it, which fails (found on a real Xen 4.17) */
        params.stream_version = 2;
        r = libxl_domain_create_restore(ctx, &config, &newDomid, restoreFd, -1, &params, NULL, NULL);
    }
    libxl_domain_restore_params_dispose(&params);
    libxl_domain_config_dispose(&config);
    if (r == 0)
        set_rc(env, domidOut, (jint)newDomid);
    return r;
}

/* Strings of a device list, DISK_STRIDE or NIC_STRIDE per device: consistent with LibxlNative. */
static jobjectArray strings(JNIEnv *env, int n)
{
    return (*env)->NewObjectArray(env, n, xso_string_class, NULL);
}

static int put_string(JNIEnv *env, jobjectArray a, int i, const char *s)
{
    if (s == NULL)
        return 0;
    jstring j = (*env)->NewStringUTF(env, s);
    if (j == NULL)
        return -1;
    (*env)->SetObjectArrayElement(env, a, i, j);
    (*env)->DeleteLocalRef(env, j);
    return 0;
}

#define DISK_STRIDE 4

static jobjectArray deviceDiskList0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jintArray rc)
{
    int n = 0;
    char num[32];
    libxl_device_disk *disks = libxl_device_disk_list(ctx_of(handle), (uint32_t)domid, &n);
    if (disks == NULL)
        n = 0; /* libxl returns NULL for "no disks" too */
    jobjectArray out = strings(env, n * DISK_STRIDE);
    for (int i = 0; out != NULL && i < n; i++) {
        libxl_device_disk *d = &disks[i];
        snprintf(num, sizeof(num), "%u", (unsigned)d->backend_domid);
        if (put_string(env, out, i * DISK_STRIDE, d->vdev) < 0
            || put_string(env, out, i * DISK_STRIDE + 1, num) < 0
            || put_string(env, out, i * DISK_STRIDE + 2, d->pdev_path) < 0
            || put_string(env, out, i * DISK_STRIDE + 3, d->readwrite ? "w" : "r") < 0)
            out = NULL;
    }
    if (disks != NULL)
        libxl_device_disk_list_free(disks, n);
    set_rc(env, rc, 0);
    return out;
}

#define NIC_STRIDE 4

static jobjectArray deviceNicList0(JNIEnv *env, jclass clazz, jlong handle, jint domid, jintArray rc)
{
    int n = 0;
    char devid[32], backend[32], mac[18];
    libxl_device_nic *nics = libxl_device_nic_list(ctx_of(handle), (uint32_t)domid, &n);
    if (nics == NULL)
        n = 0;
    jobjectArray out = strings(env, n * NIC_STRIDE);
    for (int i = 0; out != NULL && i < n; i++) {
        libxl_device_nic *d = &nics[i];
        snprintf(devid, sizeof(devid), "%d", d->devid);
        snprintf(backend, sizeof(backend), "%u", (unsigned)d->backend_domid);
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", d->mac[0], d->mac[1], d->mac[2], d->mac[3],
                 d->mac[4], d->mac[5]);
        if (put_string(env, out, i * NIC_STRIDE, devid) < 0 || put_string(env, out, i * NIC_STRIDE + 1, backend) < 0
            || put_string(env, out, i * NIC_STRIDE + 2, mac) < 0
            || put_string(env, out, i * NIC_STRIDE + 3, d->bridge) < 0)
            out = NULL;
    }
    if (nics != NULL)
        libxl_device_nic_list_free(nics, n);
    set_rc(env, rc, 0);
    return out;
}

/* --- files ---------------------------------------------------------------------------------- */

static jint open0(JNIEnv *env, jclass clazz, jstring path, jboolean write)
{
    const char *p = chars(env, path);
    if (p == NULL)
        return -ENOMEM;
    int fd;
    do {
        fd = write ? open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : open(p, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    int err = fd < 0 ? neg_errno() : fd;
    unchars(env, path, p);
    return err;
}

static jint close0(JNIEnv *env, jclass clazz, jint fd)
{
    return close(fd) < 0 ? neg_errno() : 0;
}

/* --- xenstore ------------------------------------------------------------------------------- */

static jlong xsOpen0(JNIEnv *env, jclass clazz, jint flags)
{
    struct xs_handle *h = xs_open((unsigned long)flags);
    return h == NULL ? neg_errno() : (jlong)(intptr_t)h;
}

static void xsClose0(JNIEnv *env, jclass clazz, jlong xs)
{
    xs_close(xs_of(xs));
}

static jbyteArray xsRead0(JNIEnv *env, jclass clazz, jlong xs, jint t, jstring path, jintArray rc)
{
    unsigned int len = 0;
    const char *p = chars(env, path);
    if (p == NULL)
        return NULL;
    void *value = xs_read(xs_of(xs), (xs_transaction_t)t, p, &len);
    int err = value == NULL ? neg_errno() : 0;
    unchars(env, path, p);
    set_rc(env, rc, err);
    if (value == NULL)
        return NULL;
    jbyteArray out = (*env)->NewByteArray(env, (jsize)len);
    if (out != NULL)
        (*env)->SetByteArrayRegion(env, out, 0, (jsize)len, value);
    free(value);
    return out;
}

static jint xsWrite0(JNIEnv *env, jclass clazz, jlong xs, jint t, jstring path, jbyteArray value)
{
    const char *p = chars(env, path);
    if (p == NULL)
        return -ENOMEM;
    jsize len = (*env)->GetArrayLength(env, value);
    jbyte *bytes = (*env)->GetByteArrayElements(env, value, NULL);
    if (bytes == NULL) {
        unchars(env, path, p);
        return -ENOMEM;
    }
    bool ok = xs_write(xs_of(xs), (xs_transaction_t)t, p, bytes, (unsigned int)len);
    int err = ok ? 0 : neg_errno();
    (*env)->ReleaseByteArrayElements(env, value, bytes, JNI_ABORT);
    unchars(env, path, p);
    return err;
}

static jint xsRm0(JNIEnv *env, jclass clazz, jlong xs, jint t, jstring path)
{
    const char *p = chars(env, path);
    if (p == NULL)
        return -ENOMEM;
    int err = xs_rm(xs_of(xs), (xs_transaction_t)t, p) ? 0 : neg_errno();
    unchars(env, path, p);
    return err;
}

static jobjectArray string_vector(JNIEnv *env, char **vec, unsigned int n)
{
    jobjectArray out = strings(env, (int)n);
    for (unsigned int i = 0; out != NULL && i < n; i++) {
        if (put_string(env, out, (int)i, vec[i]) < 0)
            out = NULL;
    }
    return out;
}

static jobjectArray xsDirectory0(JNIEnv *env, jclass clazz, jlong xs, jint t, jstring path, jintArray rc)
{
    unsigned int n = 0;
    const char *p = chars(env, path);
    if (p == NULL)
        return NULL;
    char **names = xs_directory(xs_of(xs), (xs_transaction_t)t, p, &n);
    int err = names == NULL ? neg_errno() : 0;
    unchars(env, path, p);
    set_rc(env, rc, err);
    if (names == NULL)
        return NULL;
    jobjectArray out = string_vector(env, names, n);
    free(names); /* one block: the vector and its strings */
    return out;
}

/* The node's permissions as {id, perms} pairs (XS_PERM_* bits); the first entry is the owner. */
static jintArray xsGetPermissions0(JNIEnv *env, jclass clazz, jlong xs, jint t, jstring path, jintArray rc)
{
    unsigned int n = 0;
    const char *p = chars(env, path);
    if (p == NULL)
        return NULL;
    struct xs_permissions *perms = xs_get_permissions(xs_of(xs), (xs_transaction_t)t, p, &n);
    int err = perms == NULL ? neg_errno() : 0;
    unchars(env, path, p);
    set_rc(env, rc, err);
    if (perms == NULL)
        return NULL;
    jintArray out = (*env)->NewIntArray(env, (jsize)(2 * n));
    for (unsigned int i = 0; out != NULL && i < n; i++) {
        jint pair[2] = { (jint)perms[i].id, (jint)perms[i].perms };
        (*env)->SetIntArrayRegion(env, out, (jsize)(2 * i), 2, pair);
    }
    free(perms);
    return out;
}

static jint xsWatch0(JNIEnv *env, jclass clazz, jlong xs, jstring path, jstring token, jboolean add)
{
    const char *p = chars(env, path);
    const char *k = chars(env, token);
    int err;
    if (p == NULL || k == NULL)
        err = -ENOMEM;
    else if (add)
        err = xs_watch(xs_of(xs), p, k) ? 0 : neg_errno();
    else
        err = xs_unwatch(xs_of(xs), p, k) ? 0 : neg_errno();
    unchars(env, token, k);
    unchars(env, path, p);
    return err;
}

/* Waits up to timeoutMs for a watch event: {path, token}, or null with rc -ETIMEDOUT. */
static jobjectArray xsReadWatch0(JNIEnv *env, jclass clazz, jlong xs, jint timeoutMs, jintArray rc)
{
    struct xs_handle *h = xs_of(xs);
    char **event = xs_check_watch(h);
    if (event == NULL && errno == EAGAIN) {
        struct pollfd pfd = { .fd = xs_fileno(h), .events = POLLIN };
        int n;
        do {
            n = poll(&pfd, 1, timeoutMs);
        } while (n < 0 && errno == EINTR);
        if (n == 0) {
            set_rc(env, rc, -ETIMEDOUT);
            return NULL;
        }
        event = xs_check_watch(h);
    }
    if (event == NULL) {
        set_rc(env, rc, errno == EAGAIN ? -ETIMEDOUT : neg_errno());
        return NULL;
    }
    set_rc(env, rc, 0);
    jobjectArray out = string_vector(env, event, 2); /* XS_WATCH_PATH, XS_WATCH_TOKEN */
    free(event);
    return out;
}

static jlong xsTransactionStart0(JNIEnv *env, jclass clazz, jlong xs)
{
    xs_transaction_t t = xs_transaction_start(xs_of(xs));
    return t == XBT_NULL ? neg_errno() : (jlong)t;
}

static jint xsTransactionEnd0(JNIEnv *env, jclass clazz, jlong xs, jint t, jboolean abort)
{
    return xs_transaction_end(xs_of(xs), (xs_transaction_t)t, abort) ? 0 : neg_errno();
}

/* --- registration --------------------------------------------------------------------------- */

static const JNINativeMethod xso_methods[] = {
    { "abiVersion0", "()I", (void *)abiVersion0 },
    { "ctxAlloc0", "(L" XSO_LOG_CLASS ";)J", (void *)ctxAlloc0 },
    { "ctxFree0", "(J)I", (void *)ctxFree0 },
    { "listDomain0", "(J[I)[J", (void *)listDomain0 },
    { "domainInfo0", "(JI[I)[J", (void *)domainInfo0 },
    { "domidToName0", "(JI)Ljava/lang/String;", (void *)domidToName0 },
    { "domainPause0", "(JI)I", (void *)domainPause0 },
    { "domainUnpause0", "(JI)I", (void *)domainUnpause0 },
    { "domainSuspend0", "(JIII)I", (void *)domainSuspend0 },
    { "domainSuspendOnly0", "(JI)I", (void *)domainSuspendOnly0 },
    { "domainResume0", "(JIZ)I", (void *)domainResume0 },
    { "domainDestroy0", "(JI)I", (void *)domainDestroy0 },
    { "retrieveDomainConfiguration0", "(JI[I)Ljava/lang/String;", (void *)retrieveDomainConfiguration0 },
    { "domainCreateRestore0", "(JLjava/lang/String;II[I)I", (void *)domainCreateRestore0 },
    { "deviceDiskList0", "(JI[I)[Ljava/lang/String;", (void *)deviceDiskList0 },
    { "deviceNicList0", "(JI[I)[Ljava/lang/String;", (void *)deviceNicList0 },
    { "open0", "(Ljava/lang/String;Z)I", (void *)open0 },
    { "close0", "(I)I", (void *)close0 },
    { "xsOpen0", "(I)J", (void *)xsOpen0 },
    { "xsClose0", "(J)V", (void *)xsClose0 },
    { "xsRead0", "(JILjava/lang/String;[I)[B", (void *)xsRead0 },
    { "xsWrite0", "(JILjava/lang/String;[B)I", (void *)xsWrite0 },
    { "xsRm0", "(JILjava/lang/String;)I", (void *)xsRm0 },
    { "xsDirectory0", "(JILjava/lang/String;[I)[Ljava/lang/String;", (void *)xsDirectory0 },
    { "xsGetPermissions0", "(JILjava/lang/String;[I)[I", (void *)xsGetPermissions0 },
    { "xsWatch0", "(JLjava/lang/String;Ljava/lang/String;Z)I", (void *)xsWatch0 },
    { "xsReadWatch0", "(JI[I)[Ljava/lang/String;", (void *)xsReadWatch0 },
    { "xsTransactionStart0", "(J)J", (void *)xsTransactionStart0 },
    { "xsTransactionEnd0", "(JIZ)I", (void *)xsTransactionEnd0 },
};

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    jclass native = NULL, log = NULL, string = NULL;
    jint version = JNI_ERR;

    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return JNI_ERR;
    xso_vm = vm;
    if ((native = (*env)->FindClass(env, XSO_NATIVE_CLASS)) == NULL)
        goto done;
    if ((log = (*env)->FindClass(env, XSO_LOG_CLASS)) == NULL)
        goto done;
    if ((xso_log_method = (*env)->GetMethodID(env, log, "log", "(IILjava/lang/String;Ljava/lang/String;)V")) == NULL)
        goto done;
    if ((string = (*env)->FindClass(env, "java/lang/String")) == NULL)
        goto done;
    if ((xso_string_class = (*env)->NewGlobalRef(env, string)) == NULL)
        goto done;
    if ((*env)->RegisterNatives(env, native, xso_methods, sizeof(xso_methods) / sizeof(xso_methods[0])) != 0) {
        (*env)->DeleteGlobalRef(env, xso_string_class);
        xso_string_class = NULL;
        goto done;
    }
    version = JNI_VERSION_1_8;
done:
    if (native != NULL)
        (*env)->DeleteLocalRef(env, native);
    if (log != NULL)
        (*env)->DeleteLocalRef(env, log);
    if (string != NULL)
        (*env)->DeleteLocalRef(env, string);
    return version;
}

JNIEXPORT void JNI_OnUnload(JavaVM *vm, void *reserved)
{
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
        return;
    jclass native = (*env)->FindClass(env, XSO_NATIVE_CLASS);
    if (native != NULL)
        (*env)->UnregisterNatives(env, native);
    if (xso_string_class != NULL)
        (*env)->DeleteGlobalRef(env, xso_string_class);
}
