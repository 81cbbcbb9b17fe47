/*
 * connect: the connect scan's socket work on native threads.
 *
 * A TCP connect probe is socket(), a non-blocking connect(), a wait for the answer, one
 * getsockopt(SO_ERROR) and close(). On loopback the kernel does the whole exchange (our SYN,
 * the answer, the reset) inside connect(), in the thread that calls it, and that kernel work
 * is most of a scan. Through libuv it all runs on the JS thread, next to the engine. Here the
 * JS thread only queues probes; `threads` native threads (one per core) run them, each with
 * its own epoll set and its own timeouts, and hand results back in batches.
 *
 * JS side: start(ctx, id, address, port, timeoutMs) queues a probe and returns at once. When
 * results are waiting, an eventfd wakes a uv_poll_t on the creating thread's libuv loop
 * (napi_get_uv_event_loop: the main thread's or a worker's) and the callback is called with a
 * count of triples [id, code, rttMs] written into the Float64Array given at creation:
 *   code 0 = open (the peer is the port asked for), 1 = self-connect (the kernel picked the
 *   target port as our own source port on the same address), 2 = connected, but the peer is
 *   not the port asked for, 3 = no answer before timeoutMs, a negative number = -errno.
 * An accepted connection is closed with SO_LINGER 0: the service sees a reset, and no
 * TIME_WAIT is left behind. A probe never reports synchronously.
 *
 * The native threads never call into JS; close() and the environment's cleanup hook join them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>

#include "addon.h"

#define RESULTS 1024
#define MAX_THREADS 16
#define CODE_OPEN 0
#define CODE_SELF 1
#define CODE_UNVERIFIED 2
#define CODE_TIMEOUT 3
#define EVENTS 256

typedef struct {
  double id;
  double timeout_ms;
  struct sockaddr_in6 sa; /* or a sockaddr_in in its first bytes */
  socklen_t salen;
  uint16_t port;
} probe_t;

typedef struct {
  double id;
  double code;
  double rtt;
} result_t;

/* A pending socket; `gen` tells a live deadline-heap entry from a stale one (fds are reused). */
typedef struct {
  double id;
  double sent_ms;
  uint32_t gen;
  uint16_t port;
  uint8_t used;
} slot_t;

typedef struct {
  double at;
  int fd;
  uint32_t gen;
} deadline_t;

struct ctx;

typedef struct worker {
  struct ctx *ctx;
  pthread_t thread;
  int started;
  int epfd;
  int wakefd; /* eventfd in epfd: new probes or stop */
  /* Under ctx->lock: */
  VEC(probe_t) queue;
  int sleeping;
  /* The thread's own: */
  slot_t *slots;
  size_t nslots;
  uint32_t gen;
  size_t pending;
  VEC(deadline_t) heap;
  VEC(result_t) out;
} worker_t;

typedef struct ctx {
  napi_env env;
  napi_ref callback;
  napi_ref results_ref;
  double *results;
  uv_poll_t *poll; /* its own allocation: see shutdown_ctx */
  int notifyfd;    /* eventfd: results are waiting */
  pthread_mutex_t lock;
  int lock_ready;
  int stop;
  int closed;
  int hook;
  int nworkers;
  unsigned next;
  worker_t workers[MAX_THREADS];
  /* Under lock: results the threads have handed over, and whether JS was already told. */
  VEC(result_t) done;
  int notified;
  /* The JS thread's: results being delivered. */
  VEC(result_t) delivering;
} ctx_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static napi_value throw_code(napi_env env, const char *code, const char *msg) {
  napi_throw_error(env, code, msg);
  return NULL;
}

/* ---- deadline heap (min-heap on `at`) ---- */

static void heap_push(worker_t *w, deadline_t d) {
  if (!VEC_PUSH(w->heap, d)) return; /* out of memory: the probe then waits for close() */
  size_t i = w->heap.n - 1;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (w->heap.v[p].at <= w->heap.v[i].at) break;
    deadline_t t = w->heap.v[p];
    w->heap.v[p] = w->heap.v[i];
    w->heap.v[i] = t;
    i = p;
  }
}

static deadline_t heap_pop(worker_t *w) {
  deadline_t top = w->heap.v[0];
  w->heap.v[0] = w->heap.v[--w->heap.n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < w->heap.n && w->heap.v[l].at < w->heap.v[m].at) m = l;
    if (r < w->heap.n && w->heap.v[r].at < w->heap.v[m].at) m = r;
    if (m == i) break;
    deadline_t t = w->heap.v[m];
    w->heap.v[m] = w->heap.v[i];
    w->heap.v[i] = t;
    i = m;
  }
  return top;
}

/* ---- the probing thread ---- */

static int sa_port(const struct sockaddr_storage *s) {
  if (s->ss_family == AF_INET) return ntohs(((const struct sockaddr_in *)s)->sin_port);
  if (s->ss_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)s)->sin6_port);
  return -1;
}

static int sa_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family || sa_port(a) != sa_port(b)) return 0;
  if (a->ss_family == AF_INET) return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* A connected socket: is its peer the port asked for, or itself? Then reset and close it. */
static int judge_connected(int fd, int port) {
  struct sockaddr_storage local, peer;
  socklen_t ll = sizeof local, pl = sizeof peer;
  int code;
  if (getsockname(fd, (struct sockaddr *)&local, &ll) < 0 || getpeername(fd, (struct sockaddr *)&peer, &pl) < 0) code = CODE_UNVERIFIED;
  else if (sa_port(&peer) != port) code = CODE_UNVERIFIED;
  else code = sa_same(&local, &peer) ? CODE_SELF : CODE_OPEN;
  struct linger lg = { 1, 0 };
  (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  return code;
}

static int ensure_slot(worker_t *w, int fd) {
  if ((size_t)fd < w->nslots) return 1;
  size_t n = w->nslots == 0 ? 1024 : w->nslots;
  while (n <= (size_t)fd) n *= 2;
  slot_t *s = realloc(w->slots, n * sizeof *s);
  if (s == NULL) return 0;
  memset(s + w->nslots, 0, (n - w->nslots) * sizeof *s);
  w->slots = s;
  w->nslots = n;
  return 1;
}

static void emit(worker_t *w, double id, double code, double rtt) {
  result_t r = { id, code, rtt };
  if (!VEC_PUSH(w->out, r)) {
    /* Out of memory: nothing can be reported; the probe stays pending in JS until close(). */
  }
}

static void start_probe(worker_t *w, const probe_t *p) {
  double t0 = now_ms();
  int fd = socket(p->sa.sin6_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    emit(w, p->id, -errno, now_ms() - t0);
    return;
  }
  if (connect(fd, (const struct sockaddr *)&p->sa, p->salen) == 0) {
    emit(w, p->id, judge_connected(fd, p->port), now_ms() - t0);
    return;
  }
  if (errno != EINPROGRESS) {
    int e = errno;
    close(fd);
    emit(w, p->id, -e, now_ms() - t0);
    return;
  }
  if (!ensure_slot(w, fd)) {
    close(fd);
    emit(w, p->id, -ENOMEM, now_ms() - t0);
    return;
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLOUT;
  ev.data.fd = fd;
  if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    int e = errno;
    close(fd);
    emit(w, p->id, -e, now_ms() - t0);
    return;
  }
  slot_t *s = &w->slots[fd];
  s->id = p->id;
  s->sent_ms = t0;
  s->port = p->port;
  s->gen = ++w->gen;
  s->used = 1;
  w->pending++;
  heap_push(w, (deadline_t){ t0 + p->timeout_ms, fd, s->gen });
}

static void finish_fd(worker_t *w, int fd, double now) {
  slot_t *s = &w->slots[fd];
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  double code;
  if (err == 0) code = judge_connected(fd, s->port);
  else {
    close(fd);
    code = -err;
  }
  s->used = 0;
  w->pending--;
  emit(w, s->id, code, now - s->sent_ms);
}

/* Hands this thread's results to JS; wakes the JS loop only when it was not told already. */
static void publish(worker_t *w) {
  if (w->out.n == 0) return;
  ctx_t *c = w->ctx;
  int wake = 0;
  pthread_mutex_lock(&c->lock);
  for (size_t i = 0; i < w->out.n; i++) (void)VEC_PUSH(c->done, w->out.v[i]);
  if (!c->notified) {
    c->notified = 1;
    wake = 1;
  }
  pthread_mutex_unlock(&c->lock);
  w->out.n = 0;
  if (wake) {
    uint64_t one = 1;
    ssize_t r = write(c->notifyfd, &one, sizeof one);
    (void)r;
  }
}

static void *run_worker(void *arg) {
  worker_t *w = (worker_t *)arg;
  ctx_t *c = w->ctx;
  VEC(probe_t) batch = { NULL, 0, 0 };
  struct epoll_event evs[EVENTS];
  for (;;) {
    /* Take what JS queued (swap, so the lock is held for a moment only). */
    pthread_mutex_lock(&c->lock);
    int stop = c->stop;
    probe_t *v = w->queue.v;
    size_t n = w->queue.n, cap = w->queue.cap;
    w->queue.v = batch.v;
    w->queue.n = 0;
    w->queue.cap = batch.cap;
    batch.v = v;
    batch.n = n;
    batch.cap = cap;
    int idle = !stop && n == 0;
    if (idle) w->sleeping = 1;
    pthread_mutex_unlock(&c->lock);
    if (stop) break;
    for (size_t i = 0; i < batch.n; i++) start_probe(w, &batch.v[i]);
    batch.n = 0;
    publish(w);

    /* Wait for answers, for new probes (wakefd) or for the nearest deadline. While new probes
       were just started, only look (timeout 0) so that the queue keeps moving. */
    int timeout = -1;
    if (!idle) timeout = 0;
    else if (w->heap.n > 0) {
      double ms = w->heap.v[0].at - now_ms();
      timeout = ms <= 0 ? 0 : (int)ms + 1;
    }
    int k = epoll_wait(w->epfd, evs, EVENTS, timeout);
    if (idle) {
      pthread_mutex_lock(&c->lock);
      w->sleeping = 0;
      pthread_mutex_unlock(&c->lock);
    }
    double now = now_ms();
    for (int i = 0; i < k; i++) {
      int fd = evs[i].data.fd;
      if (fd == w->wakefd) {
        uint64_t x;
        ssize_t r = read(w->wakefd, &x, sizeof x);
        (void)r;
        continue;
      }
      if ((size_t)fd < w->nslots && w->slots[fd].used) finish_fd(w, fd, now);
    }
    /* Deadlines: judged after the answers already waiting were read, never before. */
    while (w->heap.n > 0 && w->heap.v[0].at <= now) {
      deadline_t d = heap_pop(w);
      slot_t *s = &w->slots[d.fd];
      if (!s->used || s->gen != d.gen) continue;
      close(d.fd);
      s->used = 0;
      w->pending--;
      emit(w, s->id, CODE_TIMEOUT, now - s->sent_ms);
    }
    publish(w);
  }
  /* Stopped: close what is still pending (JS reports those itself). */
  for (size_t fd = 0; fd < w->nslots; fd++) {
    if (w->slots[fd].used) close((int)fd);
  }
  free(batch.v);
  return NULL;
}

/* ---- JS side ---- */

static void on_notify(uv_poll_t *h, int status, int events) {
  ctx_t *c = (ctx_t *)h->data;
  if (c == NULL || c->closed || c->callback == NULL) return;
  uint64_t x;
  ssize_t rr = read(c->notifyfd, &x, sizeof x);
  (void)rr;
  /* Swap the handed-over results out under the lock; deliver them without it. */
  pthread_mutex_lock(&c->lock);
  result_t *v = c->done.v;
  size_t n = c->done.n, cap = c->done.cap;
  c->done.v = c->delivering.v;
  c->done.n = 0;
  c->done.cap = c->delivering.cap;
  c->notified = 0;
  pthread_mutex_unlock(&c->lock);
  c->delivering.v = v;
  c->delivering.n = n;
  c->delivering.cap = cap;

  napi_handle_scope scope;
  if (napi_open_handle_scope(c->env, &scope) != napi_ok) return;
  napi_value cb, recv;
  napi_get_reference_value(c->env, c->callback, &cb);
  napi_get_undefined(c->env, &recv);
  for (size_t off = 0; off < n && !c->closed; off += RESULTS) {
    size_t m = n - off < RESULTS ? n - off : RESULTS;
    for (size_t i = 0; i < m; i++) {
      c->results[3 * i] = v[off + i].id;
      c->results[3 * i + 1] = v[off + i].code;
      c->results[3 * i + 2] = v[off + i].rtt;
    }
    napi_value count;
    napi_create_int32(c->env, (int32_t)m, &count);
    /* The JS side catches its own errors (and rethrows them from a microtask); a failure here
       means JS cannot run any more (the thread is being terminated): stop quietly. */
    if (napi_call_function(c->env, recv, cb, 1, &count, NULL) != napi_ok) {
      bool pending = false;
      if (napi_is_exception_pending(c->env, &pending) == napi_ok && pending) {
        napi_value ex;
        napi_get_and_clear_last_exception(c->env, &ex);
      }
      break;
    }
  }
  c->delivering.n = 0;
  napi_close_handle_scope(c->env, scope);
}

static void wake_worker(worker_t *w) {
  uint64_t one = 1;
  ssize_t r = write(w->wakefd, &one, sizeof one);
  (void)r;
}

/* Stops and joins the threads, closes every descriptor and the poll handle (idempotent). */
static void shutdown_ctx(ctx_t *c) {
  if (c->closed) return;
  c->closed = 1;
  if (c->lock_ready) {
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_mutex_unlock(&c->lock);
  }
  for (int i = 0; i < c->nworkers; i++) {
    worker_t *w = &c->workers[i];
    if (w->started) {
      wake_worker(w);
      pthread_join(w->thread, NULL);
      w->started = 0;
    }
    if (w->epfd >= 0) close(w->epfd);
    if (w->wakefd >= 0) close(w->wakefd);
    w->epfd = w->wakefd = -1;
  }
  if (c->poll != NULL) {
    uv_poll_stop(c->poll);
    /* libuv finishes a close on a later loop turn, which for a worker thread can come after
       Node has unloaded this addon: the close callback must not be code of ours. The handle
       is a plain malloc() block, so libc's free() is the callback. */
    c->poll->data = NULL;
    uv_close((uv_handle_t *)c->poll, (uv_close_cb)(void (*)(void))free);
    c->poll = NULL;
  }
  if (c->notifyfd >= 0) close(c->notifyfd);
  c->notifyfd = -1;
}

static void free_ctx(ctx_t *c) {
  for (int i = 0; i < c->nworkers; i++) {
    worker_t *w = &c->workers[i];
    free(w->queue.v);
    free(w->slots);
    free(w->heap.v);
    free(w->out.v);
  }
  free(c->done.v);
  free(c->delivering.v);
  if (c->lock_ready) pthread_mutex_destroy(&c->lock);
  free(c);
}

/* The thread's environment is going away (a worker ends): stop while the loop is alive. */
static void on_env_cleanup(void *arg) {
  ctx_t *c = (ctx_t *)arg;
  c->hook = 0;
  shutdown_ctx(c);
}

static void ctx_finalize(napi_env env, void *data, void *hint) {
  ctx_t *c = (ctx_t *)data;
  if (c->hook) {
    c->hook = 0;
    napi_remove_env_cleanup_hook(env, on_env_cleanup, c);
  }
  shutdown_ctx(c);
  if (c->callback != NULL) napi_delete_reference(env, c->callback);
  if (c->results_ref != NULL) napi_delete_reference(env, c->results_ref);
  c->callback = c->results_ref = NULL;
  free_ctx(c);
}

static ctx_t *get_ctx(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) return NULL;
  return (ctx_t *)p;
}

/* create(callback(count), results: Float64Array of 3 × 1024, threads) -> context */
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_valuetype t;
  bool is_ta = false;
  int32_t threads;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function ||
      napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta || napi_get_value_int32(env, argv[2], &threads) != napi_ok || threads < 1 || threads > MAX_THREADS) {
    return throw_arg(env, "create(callback: (count: number) => void, results: Float64Array, threads: 1..16)");
  }
  napi_typedarray_type tt;
  size_t len;
  void *data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, argv[1], &tt, &len, &data, &ab, &off) != napi_ok || tt != napi_float64_array || len < 3 * RESULTS) {
    return throw_arg(env, "create: results must be a Float64Array of at least 3072 numbers");
  }
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return throw_errno(env, "napi_get_uv_event_loop", EINVAL);
  ctx_t *c = calloc(1, sizeof *c);
  if (c == NULL) return throw_errno(env, "calloc", ENOMEM);
  c->env = env;
  c->results = (double *)data;
  c->notifyfd = -1;
  c->nworkers = threads;
  for (int i = 0; i < threads; i++) c->workers[i].epfd = c->workers[i].wakefd = -1;
  int e = 0;
  const char *what = NULL;
  if (pthread_mutex_init(&c->lock, NULL) != 0) {
    what = "pthread_mutex_init";
    e = EAGAIN;
  } else {
    c->lock_ready = 1;
  }
  if (what == NULL && (c->notifyfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
    what = "eventfd";
    e = errno;
  }
  if (what == NULL) {
    c->poll = malloc(sizeof *c->poll);
    if (c->poll == NULL || uv_poll_init(loop, c->poll, c->notifyfd) != 0) {
      free(c->poll);
      c->poll = NULL;
      what = "uv_poll_init";
      e = ENOMEM;
    } else {
      c->poll->data = c;
      /* Results wake the loop; an idle context must not keep it alive. */
      uv_poll_start(c->poll, UV_READABLE, on_notify);
      uv_unref((uv_handle_t *)c->poll);
    }
  }
  for (int i = 0; what == NULL && i < threads; i++) {
    worker_t *w = &c->workers[i];
    w->ctx = c;
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 || (w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
      what = "epoll_create1";
      e = errno;
      break;
    }
    ev.events = EPOLLIN;
    ev.data.fd = w->wakefd;
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ev) < 0) {
      what = "epoll_ctl";
      e = errno;
      break;
    }
    int r = pthread_create(&w->thread, NULL, run_worker, w);
    if (r != 0) {
      what = "pthread_create";
      e = r;
      break;
    }
    w->started = 1;
  }
  if (what != NULL) {
    shutdown_ctx(c);
    free_ctx(c);
    return throw_errno(env, what, e);
  }
  napi_create_reference(env, argv[0], 1, &c->callback);
  napi_create_reference(env, argv[1], 1, &c->results_ref);
  if (napi_add_env_cleanup_hook(env, on_env_cleanup, c) == napi_ok) c->hook = 1;
  napi_value ext;
  if (napi_create_external(env, c, ctx_finalize, NULL, &ext) != napi_ok) {
    ctx_finalize(env, c, NULL);
    return throw_errno(env, "napi_create_external", ENOMEM);
  }
  return ext;
}

/*
 * address(family, text) -> Buffer holding a sockaddr_in / sockaddr_in6 with port 0. IPv6 text
 * may carry a zone (fe80::1%eth0 or %2). Throws EINVAL when it does not parse.
 */
static napi_value js_address(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t family;
  char text[128];
  size_t tl;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || napi_get_value_int32(env, argv[0], &family) != napi_ok || (family != 4 && family != 6) ||
      napi_get_value_string_utf8(env, argv[1], text, sizeof text, &tl) != napi_ok) {
    return throw_arg(env, "address(family: 4 | 6, text: string)");
  }
  napi_value out;
  void *p;
  if (family == 4) {
    struct sockaddr_in s;
    memset(&s, 0, sizeof s);
    s.sin_family = AF_INET;
    if (inet_pton(AF_INET, text, &s.sin_addr) != 1) return throw_code(env, "EINVAL", "not an IPv4 address");
    napi_create_buffer_copy(env, sizeof s, &s, &p, &out);
    return out;
  }
  struct sockaddr_in6 s;
  memset(&s, 0, sizeof s);
  s.sin6_family = AF_INET6;
  char *zone = strchr(text, '%');
  if (zone != NULL) {
    *zone++ = '\0';
    char *end;
    unsigned long idx = strtoul(zone, &end, 10);
    s.sin6_scope_id = (*zone != '\0' && *end == '\0') ? (uint32_t)idx : if_nametoindex(zone);
    if (s.sin6_scope_id == 0) return throw_code(env, "EINVAL", "unknown IPv6 zone");
  }
  if (inet_pton(AF_INET6, text, &s.sin6_addr) != 1) return throw_code(env, "EINVAL", "not an IPv6 address");
  napi_create_buffer_copy(env, sizeof s, &s, &p, &out);
  return out;
}

/* start(ctx, id, address Buffer from address(), port, timeoutMs): queues a probe. */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  double id, timeout;
  int32_t port;
  void *addr;
  size_t alen;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || (c = get_ctx(env, argv[0])) == NULL || napi_get_value_double(env, argv[1], &id) != napi_ok ||
      napi_get_buffer_info(env, argv[2], &addr, &alen) != napi_ok || napi_get_value_int32(env, argv[3], &port) != napi_ok || port < 0 || port > 65535 ||
      napi_get_value_double(env, argv[4], &timeout) != napi_ok || (alen != sizeof(struct sockaddr_in) && alen != sizeof(struct sockaddr_in6))) {
    return throw_arg(env, "start(ctx, id: number, address: Buffer, port: number, timeoutMs: number)");
  }
  if (c->closed) return throw_code(env, "ERR_CLOSED", "start after close");
  probe_t p;
  memset(&p, 0, sizeof p);
  p.id = id;
  p.timeout_ms = timeout;
  p.port = (uint16_t)port;
  p.salen = (socklen_t)alen;
  memcpy(&p.sa, addr, alen);
  if (p.sa.sin6_family == AF_INET) ((struct sockaddr_in *)&p.sa)->sin_port = htons((uint16_t)port);
  else p.sa.sin6_port = htons((uint16_t)port);
  worker_t *w = &c->workers[c->next++ % (unsigned)c->nworkers];
  pthread_mutex_lock(&c->lock);
  int ok = VEC_PUSH(w->queue, p);
  int wake = ok && w->sleeping;
  if (wake) w->sleeping = 0; /* one wake-up is enough */
  pthread_mutex_unlock(&c->lock);
  if (!ok) return throw_errno(env, "start", ENOMEM);
  if (wake) wake_worker(w);
  return NULL;
}

/* ref(ctx, on): while probes are out, the context keeps the loop alive. */
static napi_value js_ref(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool on;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || (c = get_ctx(env, argv[0])) == NULL || napi_get_value_bool(env, argv[1], &on) != napi_ok) {
    return throw_arg(env, "ref(ctx, on: boolean)");
  }
  if (c->poll != NULL) {
    if (on) uv_ref((uv_handle_t *)c->poll);
    else uv_unref((uv_handle_t *)c->poll);
  }
  return NULL;
}

/* close(ctx): stops the threads and closes every pending connect; start() throws afterwards. */
static napi_value js_close_ctx(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || (c = get_ctx(env, argv[0])) == NULL) {
    return throw_arg(env, "close(ctx)");
  }
  shutdown_ctx(c);
  return NULL;
}

void connect_define(napi_env env, napi_value exports) {
  napi_value ns, results, threads;
  napi_create_object(env, &ns);
  napi_create_int32(env, RESULTS, &results);
  napi_create_int32(env, MAX_THREADS, &threads);
  napi_property_descriptor props[] = {
    { "create", NULL, js_create, NULL, NULL, NULL, napi_enumerable, NULL },
    { "address", NULL, js_address, NULL, NULL, NULL, napi_enumerable, NULL },
    { "start", NULL, js_start, NULL, NULL, NULL, napi_enumerable, NULL },
    { "ref", NULL, js_ref, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close_ctx, NULL, NULL, NULL, napi_enumerable, NULL },
    { "maxResults", NULL, NULL, NULL, NULL, results, napi_enumerable, NULL },
    { "maxThreads", NULL, NULL, NULL, NULL, threads, napi_enumerable, NULL },
  };
  napi_define_properties(env, ns, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "connect", ns);
}
