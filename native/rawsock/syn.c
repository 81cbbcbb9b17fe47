/*
 * syn: the SYN scan's packet work on one native thread (and a send helper).
 *
 * On loopback the kernel handles a SYN, and the RST or SYN-ACK it provokes, inside the call
 * that sends it; that kernel work is most of a SYN scan. Here one thread does all of the
 * packet work: it builds the SYNs (keyed cookie as the sequence number, see
 * src/core/packet/syn-cookie.ts), sends them in sendmmsg batches, reads the raw TCP and ICMP
 * sockets, keeps only replies that carry our cookie (the same rules as
 * src/core/packet/syn-reply.ts, which is the reference and is tested against this), matches
 * them to the probe of that (host, port), and times silent probes out. The JS thread runs the
 * scan engine and only queues work and takes results. With sendHelper, a second thread only
 * sends: the packet thread hands it each chunk of SYNs it has room for (helper_run), so the
 * kernel's work inside the send calls runs on two cores.
 *
 * JS side:
 *   create(callback, results, froms, key, sourcePort, span, sendHelper) -> context; one thread
 *     starts, and with sendHelper a second one that only sends (see helper_run).
 *   watch(ctx, family, tcpFd, icmpFd): the raw sockets of a family (opened and filtered by
 *     the caller, who closes them after close(ctx)); SYNs of that family go out of tcpFd.
 *   host(ctx, slot, family, src, dst, scope, pseudoSum): registers a target under a small
 *     slot number (reused after forget); pseudoSum is the unfolded pseudo-header sum.
 *   forget(ctx, slot).
 *   submit(ctx, requests: Float64Array, count): queues `count` probes, 5 numbers each:
 *     [id, slot, port, timeoutMs, try] (try 1 = first; try n goes out from sourcePort +
 *     (n - 1) % span, so a retransmission is a new connection to the target's state tables).
 *   ref(ctx, on), close(ctx).
 * Requests are taken in order: a host registered before a probe is known to it.
 * Results: callback(count) with `count` records of RESULT_FIELDS numbers in `results`:
 *   [id, code, rttMs, ttl, icmpType, icmpCode, fromFamily, 0], and the ICMP sender's address
 *   in froms[16 * i ..]. code: 0 SYN-ACK, 1 RST, 2 ICMP destination unreachable (type/code
 *   set), 3 no answer in time, a negative number = -errno of the send.
 * A probe is reported once. A timeout is judged only after every packet that arrived before
 * its deadline has been read, so a busy machine delays answers but never turns them into
 * silence.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>

#include "addon.h"

#define RESULTS 1024
/* Results per callback: between two, the JS side hands over the probes they freed, so this thread
   is not left idle while the main thread works through a long backlog. */
#define DELIVER_CHUNK 128
#define RESULT_FIELDS 8
#define REQ_FIELDS 5
#define SYN_LEN 24
#define SEND_CHUNK 64
#define RECV_CHUNK 64
#define SNAPLEN 256
#define CTRL_LEN 128
/* Packets read per wake-up at most, so a flood cannot stall sending. */
#define DRAIN_CAP 8192
#define BUCKETS 8192
#define MAX_SLOTS (1u << 24)

enum { REQ_PROBE = 0, REQ_HOST = 1, REQ_FORGET = 2 };
enum { CODE_SYNACK = 0, CODE_RST = 1, CODE_ICMP = 2, CODE_TIMEOUT = 3 };

typedef struct {
  int type;
  double id;
  double timeout_ms;
  uint32_t slot;
  uint16_t port;
  uint16_t tries;
  /* REQ_HOST */
  int family;
  uint8_t src[16], dst[16];
  uint32_t scope;
  uint32_t pseudo;
} req_t;

typedef struct {
  double f[RESULT_FIELDS];
  uint8_t from[16];
} res_t;

typedef struct {
  int used;
  int family;
  uint8_t src[16], dst[16];
  uint32_t scope;
  uint32_t pseudo;
  uint32_t next; /* next slot in the same address bucket, + 1 (0 = none) */
} host_t;

/* A probe sent and not yet answered; key = slot << 16 | port, stored + 1 (0 = empty). */
typedef struct {
  uint64_t key;
  double id;
  double sent_ms;
  uint32_t gen;
} pend_t;

typedef struct {
  double at;
  uint64_t key;
  uint32_t gen;
} deadline_t;

/* What classify() saw (tests): the answer a packet would give, instead of settling a probe. */
typedef struct {
  int hit;
  int code;
  uint16_t port;
  int ttl, type, icode;
  uint8_t target[16];
} capture_t;

typedef struct {
  struct mmsghdr msgs[SEND_CHUNK];
  struct iovec iov[SEND_CHUNK];
  struct sockaddr_in6 to[SEND_CHUNK];
  uint8_t pkt[SEND_CHUNK][SYN_LEN];
  /* IPv4: each SYN names its source address (IP_PKTINFO), see js_watch(). */
  uint8_t ctrl[SEND_CHUNK][CMSG_SPACE(sizeof(struct in_pktinfo))];
  double id[SEND_CHUNK];
  uint64_t key[SEND_CHUNK];
  double timeout[SEND_CHUNK];
  unsigned n;
  int family;
} sendbuf_t;

/* A chunk of SYNs the send helper sends (see helper_run): the pending entries it was
   registered under, and what became of each packet (0 sent, else the send's errno). */
typedef struct {
  sendbuf_t b;
  uint32_t gen[SEND_CHUNK];
  int status[SEND_CHUNK];
  /* When its sending began. */
  double at;
} job_t;

/* Chunks the helper can hold at once: one it sends and one waiting, so it never waits for this
   thread to finish a chunk of its own before it gets the next. */
#define HELPER_JOBS 2
enum { JOB_FREE = 0, JOB_QUEUED = 1, JOB_SENDING = 2, JOB_DONE = 3 };

typedef struct ctx {
  napi_env env;
  capture_t *capture;
  napi_ref callback, results_ref, froms_ref;
  double *results;
  uint8_t *froms;
  uv_poll_t *poll;
  int notifyfd, wakefd, epfd;
  pthread_t thread;
  int started;
  pthread_mutex_t lock;
  int lock_ready;
  int closed, hook;
  /* Under lock: */
  int stop;
  int sleeping;
  VEC(req_t) queue;
  VEC(res_t) done;
  int notified;
  /* JS thread's: */
  VEC(res_t) delivering;
  /* Fixed at create: */
  uint8_t key[16];
  uint16_t sport;
  uint16_t span;
  /* Written by JS (watch) before any probe of the family is submitted; read by the thread. */
  int tcp_fd[2], icmp_fd[2];
  /* The thread's own: */
  host_t *hosts;
  uint32_t nhosts;
  uint32_t buckets[BUCKETS];
  pend_t *pend;
  size_t pcap, pcount;
  uint32_t gen;
  VEC(deadline_t) heap;
  VEC(res_t) out;
  /* The chunk being filled (the thread's own). */
  job_t *mine;
  /* The send helper: a second thread that only sends, from sockets of its own (helper_fd,
     written by watch under `lock`), chunks this thread hands it (jobs), while this thread
     reads and fills and sends the next. jstate and hstop under hlock. */
  int helper_fd[2];
  pthread_t helper;
  int helper_started, hlock_ready;
  pthread_mutex_t hlock;
  pthread_cond_t hwork, hdone;
  int hstop;
  job_t *jobs[HELPER_JOBS];
  int jstate[HELPER_JOBS];
} ctx_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double ms_of(const struct timespec *t) { return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6; }

/* ---- SipHash-2-4 (the reference algorithm; matches src/core/packet/siphash.ts) ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND \
  do { \
    v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
    v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
    v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
    v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
  } while (0)

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static uint64_t siphash24(const uint8_t key[16], const uint8_t *m, size_t len) {
  uint64_t k0 = le64(key), k1 = le64(key + 8);
  uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1, v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
  size_t full = len - len % 8;
  for (size_t i = 0; i < full; i += 8) {
    uint64_t w = le64(m + i);
    v3 ^= w;
    SIPROUND;
    SIPROUND;
    v0 ^= w;
  }
  uint64_t b = (uint64_t)(len & 0xff) << 56;
  for (size_t i = full; i < len; i++) b |= (uint64_t)m[i] << (8 * (i - full));
  v3 ^= b;
  SIPROUND;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  for (int r = 0; r < 4; r++) SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

/* The sequence number of our SYN from src:sport to dst:dport (alen 4 or 16). */
static uint32_t cookie(const uint8_t key[16], const uint8_t *src, const uint8_t *dst, int alen, uint16_t sport, uint16_t dport) {
  uint8_t m[36];
  memcpy(m, src, alen);
  memcpy(m + alen, dst, alen);
  m[2 * alen] = sport >> 8;
  m[2 * alen + 1] = sport & 0xff;
  m[2 * alen + 2] = dport >> 8;
  m[2 * alen + 3] = dport & 0xff;
  return (uint32_t)siphash24(key, m, 2 * alen + 4);
}

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

/* ---- hosts, by slot and by address ---- */

static uint32_t addr_bucket(int family, const uint8_t *a) {
  uint32_t h = 2166136261u ^ (uint32_t)family;
  for (int i = 0; i < (family == 4 ? 4 : 16); i++) h = (h ^ a[i]) * 16777619u;
  return h & (BUCKETS - 1);
}

static int ensure_hosts(ctx_t *c, uint32_t slot) {
  if (slot < c->nhosts) return 1;
  if (slot >= MAX_SLOTS) return 0;
  uint32_t n = c->nhosts == 0 ? 64 : c->nhosts;
  while (n <= slot) n *= 2;
  host_t *h = realloc(c->hosts, (size_t)n * sizeof *h);
  if (h == NULL) return 0;
  memset(h + c->nhosts, 0, (size_t)(n - c->nhosts) * sizeof *h);
  c->hosts = h;
  c->nhosts = n;
  return 1;
}

static void host_unlink(ctx_t *c, uint32_t slot) {
  host_t *h = &c->hosts[slot];
  uint32_t *link = &c->buckets[addr_bucket(h->family, h->dst)];
  while (*link != 0) {
    if (*link == slot + 1) {
      *link = h->next;
      break;
    }
    link = &c->hosts[*link - 1].next;
  }
  h->used = 0;
  h->next = 0;
}

static void host_add(ctx_t *c, const req_t *r) {
  if (!ensure_hosts(c, r->slot)) return; /* its probes then fail with EINVAL */
  if (c->hosts[r->slot].used) host_unlink(c, r->slot);
  host_t *h = &c->hosts[r->slot];
  h->used = 1;
  h->family = r->family;
  memcpy(h->src, r->src, 16);
  memcpy(h->dst, r->dst, 16);
  h->scope = r->scope;
  h->pseudo = r->pseudo;
  uint32_t b = addr_bucket(h->family, h->dst);
  h->next = c->buckets[b];
  c->buckets[b] = r->slot + 1;
}

/* ---- pending probes: open addressing, linear probing, backward-shift deletion ---- */

static size_t pend_home(const ctx_t *c, uint64_t key) {
  uint64_t x = key * 0x9e3779b97f4a7c15ULL;
  return (size_t)(x >> 20) & (c->pcap - 1);
}

static pend_t *pend_find(ctx_t *c, uint64_t key) {
  if (c->pcap == 0) return NULL;
  for (size_t i = pend_home(c, key);; i = (i + 1) & (c->pcap - 1)) {
    if (c->pend[i].key == 0) return NULL;
    if (c->pend[i].key == key) return &c->pend[i];
  }
}

static void pend_remove(ctx_t *c, pend_t *e) {
  size_t i = (size_t)(e - c->pend), mask = c->pcap - 1;
  c->pend[i].key = 0;
  c->pcount--;
  for (size_t j = (i + 1) & mask; c->pend[j].key != 0; j = (j + 1) & mask) {
    size_t home = pend_home(c, c->pend[j].key);
    /* Move j back into the hole at i when its home does not lie cyclically in (i, j]. */
    if (((j - home) & mask) >= ((j - i) & mask)) {
      c->pend[i] = c->pend[j];
      c->pend[j].key = 0;
      i = j;
    }
  }
}

static int pend_grow(ctx_t *c) {
  size_t old = c->pcap, n = old == 0 ? 4096 : old * 2;
  pend_t *p = calloc(n, sizeof *p);
  if (p == NULL) return 0;
  pend_t *was = c->pend;
  c->pend = p;
  c->pcap = n;
  for (size_t i = 0; i < old; i++) {
    if (was[i].key == 0) continue;
    size_t j = pend_home(c, was[i].key);
    while (p[j].key != 0) j = (j + 1) & (n - 1);
    p[j] = was[i];
  }
  free(was);
  return 1;
}

static pend_t *pend_insert(ctx_t *c, uint64_t key) {
  if ((c->pcount + 1) * 2 > c->pcap && !pend_grow(c)) return NULL;
  size_t i = pend_home(c, key);
  while (c->pend[i].key != 0) i = (i + 1) & (c->pcap - 1);
  c->pend[i].key = key;
  c->pcount++;
  return &c->pend[i];
}

/* ---- deadline heap ---- */

static void heap_push(ctx_t *c, deadline_t d) {
  if (!VEC_PUSH(c->heap, d)) return;
  size_t i = c->heap.n - 1;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (c->heap.v[p].at <= c->heap.v[i].at) break;
    deadline_t t = c->heap.v[p];
    c->heap.v[p] = c->heap.v[i];
    c->heap.v[i] = t;
    i = p;
  }
}

static deadline_t heap_pop(ctx_t *c) {
  deadline_t top = c->heap.v[0];
  c->heap.v[0] = c->heap.v[--c->heap.n];
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < c->heap.n && c->heap.v[l].at < c->heap.v[m].at) m = l;
    if (r < c->heap.n && c->heap.v[r].at < c->heap.v[m].at) m = r;
    if (m == i) break;
    deadline_t t = c->heap.v[m];
    c->heap.v[m] = c->heap.v[i];
    c->heap.v[i] = t;
    i = m;
  }
  return top;
}

/* ---- the thread ---- */

static void emit(ctx_t *c, double id, double code, double rtt, int ttl, int type, int icode, int ffam, const uint8_t *from) {
  res_t r;
  memset(&r, 0, sizeof r);
  r.f[0] = id;
  r.f[1] = code;
  r.f[2] = rtt < 0 ? 0 : rtt;
  r.f[3] = ttl;
  r.f[4] = type;
  r.f[5] = icode;
  r.f[6] = ffam;
  if (from != NULL) memcpy(r.from, from, ffam == 4 ? 4 : 16);
  (void)VEC_PUSH(c->out, r); /* out of memory: the probe stays pending in JS until close() */
}


static void write_syn(uint8_t *o, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t pseudo) {
  o[0] = sport >> 8, o[1] = sport & 0xff, o[2] = dport >> 8, o[3] = dport & 0xff;
  o[4] = seq >> 24, o[5] = (seq >> 16) & 0xff, o[6] = (seq >> 8) & 0xff, o[7] = seq & 0xff;
  memset(o + 8, 0, 4);
  o[12] = (SYN_LEN / 4) << 4;
  o[13] = 0x02;
  o[14] = 1024 >> 8, o[15] = 1024 & 0xff;
  memset(o + 16, 0, 4);
  o[20] = 2, o[21] = 4, o[22] = 1460 >> 8, o[23] = 1460 & 0xff;
  uint64_t sum = pseudo;
  for (int i = 0; i < SYN_LEN; i += 2) sum += (uint32_t)((o[i] << 8) | o[i + 1]);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  uint16_t ck = (uint16_t)(~sum & 0xffff);
  o[16] = ck >> 8, o[17] = ck & 0xff;
}

/* Sends a job's packets (the helper, or the packet thread itself) and notes what became of each. */
static void send_job(int fd, job_t *j) {
  sendbuf_t *b = &j->b;
  j->at = now_ms();
  unsigned i = 0;
  while (i < b->n) {
    int r = fd < 0 ? -1 : sendmmsg(fd, b->msgs + i, b->n - i, 0);
    int e = fd < 0 ? EBADF : errno;
    if (r < 0 && e == EINTR) continue;
    if (r > 0) {
      for (int k = 0; k < r; k++) j->status[i + (unsigned)k] = 0;
      i += (unsigned)r;
      continue;
    }
    if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) {
      /* Queues are full: the rest was not sent. The engine sends it again later. */
      for (; i < b->n; i++) j->status[i] = e;
    } else {
      /* This one packet was refused (no route, a local firewall): the others may still go. */
      j->status[i++] = e;
    }
  }
}

static int job_in(const ctx_t *c, int state) {
  for (int k = 0; k < HELPER_JOBS; k++)
    if (c->jstate[k] == state) return k;
  return -1;
}

/* A little more CPU share for the packet threads than Node's own threads get: in the scan's
   first ~100 ms V8 compiles the engine's hot functions on worker threads, and on a machine with
   few cores those took turns with the packet threads that carry the scan (measured on two cores,
   loopback -p-: 220 → 212 ms on Node 24, 252 → 248 ms on Node 20). nice -5 needs CAP_SYS_NICE
   (root has it); without it this fails and changes nothing. The threads end with the scan. */
static void boost_self(void) {
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), -5);
}

static void *helper_run(void *arg) {
  ctx_t *c = (ctx_t *)arg;
  struct sched_param sp = { 0 };
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
  boost_self();
  pthread_mutex_lock(&c->hlock);
  for (;;) {
    int k;
    while ((k = job_in(c, JOB_QUEUED)) < 0 && !c->hstop) pthread_cond_wait(&c->hwork, &c->hlock);
    if (k < 0) break; /* stopped, nothing left to send */
    c->jstate[k] = JOB_SENDING;
    job_t *j = c->jobs[k];
    pthread_mutex_unlock(&c->hlock);
    send_job(c->helper_fd[j->b.family == 6], j);
    pthread_mutex_lock(&c->hlock);
    c->jstate[k] = JOB_DONE;
    pthread_cond_signal(&c->hdone);
    /* The packet thread may be waiting in epoll: the job's deadlines are its to keep. */
    uint64_t one = 1;
    ssize_t w = write(c->wakefd, &one, sizeof one);
    (void)w;
  }
  pthread_mutex_unlock(&c->hlock);
  return NULL;
}

/* Registers a chunk's probes as pending before they are sent (an answer can come back before
   the send call returns); their deadlines wait until collect_job knows they went. */
static void register_job(ctx_t *c, job_t *j) {
  sendbuf_t *b = &j->b;
  double t0 = now_ms();
  for (unsigned i = 0; i < b->n; i++) {
    pend_t *p = pend_find(c, b->key[i]);
    if (p == NULL) p = pend_insert(c, b->key[i]);
    else emit(c, p->id, CODE_TIMEOUT, t0 - p->sent_ms, 0, 0, 0, 0, NULL); /* a second probe of the same pair: the first is over */
    if (p == NULL) {
      emit(c, b->id[i], -ENOMEM, 0, 0, 0, 0, 0, NULL);
      j->gen[i] = 0; /* matches no entry: generations start at 1 */
      continue;
    }
    p->id = b->id[i];
    p->sent_ms = t0;
    p->gen = j->gen[i] = ++c->gen;
  }
}

/* Takes a finished job back: each packet that went gets its deadline, each that did not is
   reported failed (unless an answer or a newer probe of the pair settled it meanwhile). */
static void collect_job(ctx_t *c, job_t *j) {
  sendbuf_t *b = &j->b;
  for (unsigned i = 0; i < b->n; i++) {
    pend_t *p = pend_find(c, b->key[i]);
    int live = p != NULL && p->gen == j->gen[i];
    if (!live) continue; /* answered already, or a newer probe of the pair took over */
    if (j->status[i] == 0) {
      p->sent_ms = j->at;
      heap_push(c, (deadline_t){ j->at + b->timeout[i], b->key[i], j->gen[i] });
    } else {
      emit(c, p->id, -j->status[i], 0, 0, 0, 0, 0, NULL);
      pend_remove(c, p);
    }
  }
  b->n = 0;
}

/* Takes every finished job back (under hlock; the helper does not touch a job once it is done). */
static void collect_done(ctx_t *c) {
  for (int k = 0; k < HELPER_JOBS; k++) {
    if (c->jstate[k] != JOB_DONE) continue;
    collect_job(c, c->jobs[k]);
    c->jstate[k] = JOB_FREE;
  }
}

/* Takes finished jobs back; with `wait`, first waits until the helper has none left to send. */
static void helper_poll(ctx_t *c, int wait) {
  if (!c->helper_started) return;
  pthread_mutex_lock(&c->hlock);
  while (wait && (job_in(c, JOB_QUEUED) >= 0 || job_in(c, JOB_SENDING) >= 0)) pthread_cond_wait(&c->hdone, &c->hlock);
  collect_done(c);
  pthread_mutex_unlock(&c->hlock);
}

/* Sends the chunk being filled: through the helper when it has room (this thread then reads
   and fills the next one meanwhile), else from this thread. */
static void send_chunk(ctx_t *c) {
  sendbuf_t *b = &c->mine->b;
  if (b->n == 0) return;
  if (c->helper_started && c->helper_fd[b->family == 6] >= 0) {
    pthread_mutex_lock(&c->hlock);
    collect_done(c);
    int k = job_in(c, JOB_FREE);
    if (k >= 0) {
      register_job(c, c->mine);
      job_t *j = c->mine;
      c->mine = c->jobs[k];
      c->mine->b.n = 0;
      c->jobs[k] = j;
      c->jstate[k] = JOB_QUEUED;
      pthread_cond_signal(&c->hwork);
      pthread_mutex_unlock(&c->hlock);
      return;
    }
    pthread_mutex_unlock(&c->hlock);
  }
  /* From this thread: the same steps, without the hand-over. */
  register_job(c, c->mine);
  send_job(c->tcp_fd[b->family == 6], c->mine);
  collect_job(c, c->mine);
}

static void queue_probe(ctx_t *c, const req_t *r) {
  host_t *h = r->slot < c->nhosts && c->hosts[r->slot].used ? &c->hosts[r->slot] : NULL;
  if (h == NULL) {
    emit(c, r->id, -EINVAL, 0, 0, 0, 0, 0, NULL);
    return;
  }
  if (c->mine->b.n > 0 && (c->mine->b.n == SEND_CHUNK || c->mine->b.family != h->family)) send_chunk(c);
  sendbuf_t *b = &c->mine->b;
  unsigned j = b->n++;
  b->family = h->family;
  uint16_t sport = (uint16_t)(c->sport + ((r->tries < 1 ? 1 : r->tries) - 1) % c->span);
  int alen = h->family == 4 ? 4 : 16;
  write_syn(b->pkt[j], sport, r->port, cookie(c->key, h->src, h->dst, alen, sport, r->port), h->pseudo);
  memset(&b->to[j], 0, sizeof b->to[j]);
  b->msgs[j].msg_hdr.msg_control = NULL;
  b->msgs[j].msg_hdr.msg_controllen = 0;
  if (h->family == 4) {
    struct sockaddr_in *s = (struct sockaddr_in *)&b->to[j];
    s->sin_family = AF_INET;
    memcpy(&s->sin_addr, h->dst, 4);
    b->msgs[j].msg_hdr.msg_namelen = sizeof *s;
    /* The source address, as the routing table gave it for this host: the helper's socket is
       connected (see js_watch()), which would otherwise make the address it was connected from
       the source of every SYN it sends. */
    memset(b->ctrl[j], 0, sizeof b->ctrl[j]);
    b->msgs[j].msg_hdr.msg_control = b->ctrl[j];
    b->msgs[j].msg_hdr.msg_controllen = sizeof b->ctrl[j];
    struct cmsghdr *cm = CMSG_FIRSTHDR(&b->msgs[j].msg_hdr);
    cm->cmsg_level = IPPROTO_IP;
    cm->cmsg_type = IP_PKTINFO;
    cm->cmsg_len = CMSG_LEN(sizeof(struct in_pktinfo));
    struct in_pktinfo *pi = (struct in_pktinfo *)CMSG_DATA(cm);
    memcpy(&pi->ipi_spec_dst, h->src, 4);
  } else {
    b->to[j].sin6_family = AF_INET6;
    b->to[j].sin6_scope_id = h->scope;
    memcpy(&b->to[j].sin6_addr, h->dst, 16);
    b->msgs[j].msg_hdr.msg_namelen = sizeof b->to[j];
  }
  b->iov[j].iov_base = b->pkt[j];
  b->iov[j].iov_len = SYN_LEN;
  b->msgs[j].msg_hdr.msg_name = &b->to[j];
  b->msgs[j].msg_hdr.msg_iov = &b->iov[j];
  b->msgs[j].msg_hdr.msg_iovlen = 1;
  b->msgs[j].msg_hdr.msg_flags = 0;
  b->id[j] = r->id;
  b->key[j] = (((uint64_t)r->slot << 16) | r->port) + 1;
  b->timeout[j] = r->timeout_ms;
}

/* A reply for (target address, port): settles every pending probe of that pair. */
static void answer(ctx_t *c, int family, const uint8_t *target, uint16_t port, int code, double at, int ttl, int type, int icode, const uint8_t *from) {
  int alen = family == 4 ? 4 : 16;
  if (c->capture != NULL) {
    capture_t *k = c->capture;
    k->hit = 1, k->code = code, k->port = port, k->ttl = ttl, k->type = type, k->icode = icode;
    memcpy(k->target, target, alen);
    return;
  }
  for (uint32_t s = c->buckets[addr_bucket(family, target)]; s != 0; s = c->hosts[s - 1].next) {
    host_t *h = &c->hosts[s - 1];
    if (h->family != family || memcmp(h->dst, target, alen) != 0) continue;
    pend_t *p = pend_find(c, (((uint64_t)(s - 1) << 16) | port) + 1);
    if (p == NULL) continue; /* a duplicate, or an answer after the probe was decided */
    emit(c, p->id, code, at - p->sent_ms, ttl, type, icode, code == CODE_ICMP ? family : 0, from);
    pend_remove(c, p);
  }
}

static int ours(const ctx_t *c, uint16_t port) { return port >= c->sport && port < c->sport + c->span; }

/* A TCP segment from `from` to `to`: a SYN-ACK or RST acknowledging our cookie. */
static void on_tcp(ctx_t *c, int family, const uint8_t *seg, size_t len, const uint8_t *from, const uint8_t *to, int ttl, double at) {
  if (len < 20) return;
  uint16_t sport = be16(seg), dport = be16(seg + 2);
  if (!ours(c, dport)) return;
  int flags = seg[13] & 0x3f, code;
  if (flags & 0x04) code = CODE_RST;
  else if ((flags & 0x12) == 0x12) code = CODE_SYNACK;
  else return;
  int alen = family == 4 ? 4 : 16;
  if ((uint32_t)(cookie(c->key, to, from, alen, dport, sport) + 1) != be32(seg + 8)) return;
  answer(c, family, from, sport, code, at, ttl, 0, 0, NULL);
}

/* The quoted packet of an ICMP error: a TCP SYN of ours (cookie checked), then its pair answered. */
static void on_quote(ctx_t *c, int family, const uint8_t *qsrc, const uint8_t *qdst, int proto, const uint8_t *tp, size_t tlen, int ttl, int type, int icode, const uint8_t *from, double at) {
  if (proto != 6 || tp == NULL || tlen < 8) return;
  uint16_t sport = be16(tp), dport = be16(tp + 2);
  if (!ours(c, sport)) return;
  int alen = family == 4 ? 4 : 16;
  if (cookie(c->key, qsrc, qdst, alen, sport, dport) != be32(tp + 4)) return;
  answer(c, family, qdst, dport, CODE_ICMP, at, ttl, type, icode, from);
}

/* ICMP type 3 codes that answer a probe (see src/scan/raw/icmp-outcome.ts); 4 is path-MTU news. */
static int v4_unreach_code(int code) { return code >= 0 && code <= 15 && code != 4; }

static void on_icmp4(ctx_t *c, const uint8_t *m, size_t len, const uint8_t *from, int ttl, double at) {
  if (len < 8 + 20 || m[0] != 3 || !v4_unreach_code(m[1])) return;
  const uint8_t *ip = m + 8;
  size_t iplen = len - 8;
  int hl = (ip[0] & 0x0f) * 4;
  if (ip[0] >> 4 != 4 || hl < 20 || (size_t)hl > iplen) return;
  int frag = (((ip[6] & 0x1f) << 8) | ip[7]) * 8;
  const uint8_t *tp = frag == 0 ? ip + hl : NULL;
  on_quote(c, 4, ip + 12, ip + 16, ip[9], tp, tp == NULL ? 0 : iplen - (size_t)hl, ttl, m[0], m[1], from, at);
}

static void on_icmp6(ctx_t *c, const uint8_t *m, size_t len, const uint8_t *from, int ttl, double at) {
  if (len < 8 + 40 || m[0] != 1) return;
  const uint8_t *ip = m + 8;
  const uint8_t *end = m + len;
  if (ip[0] >> 4 != 6) return;
  int next = ip[6];
  const uint8_t *at_p = ip + 40;
  while (at_p != NULL && (next == 0 || next == 43 || next == 60 || next == 44 || next == 51)) {
    if (end - at_p < 8) {
      at_p = NULL;
      break;
    }
    int hn = at_p[0];
    if (next == 44) at_p = (((at_p[2] << 8) | at_p[3]) & 0xfff8) == 0 ? at_p + 8 : NULL;
    else at_p += next == 51 ? (at_p[1] + 2) * 4 : (at_p[1] + 1) * 8;
    next = hn;
  }
  if (at_p != NULL && at_p > end) at_p = NULL;
  on_quote(c, 6, ip + 8, ip + 24, next, at_p, at_p == NULL ? 0 : (size_t)(end - at_p), ttl, m[0], m[1], from, at);
}

typedef struct {
  struct mmsghdr msgs[RECV_CHUNK];
  struct iovec iov[RECV_CHUNK];
  struct sockaddr_in6 names[RECV_CHUNK];
  uint8_t ctrl[RECV_CHUNK][CTRL_LEN];
  uint8_t pkt[RECV_CHUNK][SNAPLEN];
} recvbuf_t;

/* Reads one socket until it is empty (or `budget` packets); returns how many were read. */
static int drain(ctx_t *c, recvbuf_t *b, int fd, int family, int tcp, int budget, int *emptied) {
  int got = 0;
  *emptied = 0;
  struct timespec m, r;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  double mono_minus_real = ms_of(&m) - ms_of(&r), read_at = ms_of(&m);
  while (got < budget) {
    for (unsigned j = 0; j < RECV_CHUNK; j++) {
      b->iov[j].iov_base = b->pkt[j];
      b->iov[j].iov_len = SNAPLEN;
      memset(&b->msgs[j].msg_hdr, 0, sizeof b->msgs[j].msg_hdr);
      b->msgs[j].msg_hdr.msg_iov = &b->iov[j];
      b->msgs[j].msg_hdr.msg_iovlen = 1;
      b->msgs[j].msg_hdr.msg_name = &b->names[j];
      b->msgs[j].msg_hdr.msg_namelen = sizeof b->names[j];
      b->msgs[j].msg_hdr.msg_control = b->ctrl[j];
      b->msgs[j].msg_hdr.msg_controllen = CTRL_LEN;
    }
    int n = recvmmsg(fd, b->msgs, RECV_CHUNK, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      *emptied = 1; /* EAGAIN, or an error that leaves nothing to read */
      break;
    }
    for (int j = 0; j < n; j++) {
      struct msghdr *h = &b->msgs[j].msg_hdr;
      size_t len = b->msgs[j].msg_len < SNAPLEN ? b->msgs[j].msg_len : SNAPLEN;
      const uint8_t *p = b->pkt[j];
      double at = read_at;
      int ttl = 0;
      const uint8_t *to = NULL;
      for (struct cmsghdr *cm = CMSG_FIRSTHDR(h); cm != NULL; cm = CMSG_NXTHDR(h, cm)) {
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
          struct timespec ts;
          memcpy(&ts, CMSG_DATA(cm), sizeof ts);
          at = ms_of(&ts) + mono_minus_real;
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_HOPLIMIT) {
          int hl;
          memcpy(&hl, CMSG_DATA(cm), sizeof hl);
          ttl = hl;
        } else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
          to = ((struct in6_pktinfo *)CMSG_DATA(cm))->ipi6_addr.s6_addr;
        }
      }
      if (family == 4) {
        /* IPv4 raw sockets deliver the IP header; only a first fragment has a transport header. */
        if (len < 20) continue;
        int hl = (p[0] & 0x0f) * 4;
        if (p[0] >> 4 != 4 || hl < 20 || (size_t)hl > len || (((p[6] & 0x1f) << 8) | p[7]) != 0) continue;
        if (tcp) on_tcp(c, 4, p + hl, len - (size_t)hl, p + 12, p + 16, p[8], at);
        else on_icmp4(c, p + hl, len - (size_t)hl, p + 12, p[8], at);
      } else {
        const uint8_t *from = b->names[j].sin6_addr.s6_addr;
        if (tcp) {
          if (to != NULL) on_tcp(c, 6, p, len, from, to, ttl, at);
        } else {
          on_icmp6(c, p, len, from, ttl, at);
        }
      }
    }
    got += n;
    if (n < RECV_CHUNK) {
      *emptied = 1;
      break;
    }
  }
  return got;
}

/* Reads every watched socket without waiting (between send batches: a burst of answers must
   not overflow the receive queues while we are still sending). */
static void drain_all(ctx_t *c, recvbuf_t *rb) {
  int emptied;
  for (int f = 0; f < 2; f++) {
    if (c->tcp_fd[f] >= 0) drain(c, rb, c->tcp_fd[f], f ? 6 : 4, 1, DRAIN_CAP, &emptied);
    if (c->icmp_fd[f] >= 0) drain(c, rb, c->icmp_fd[f], f ? 6 : 4, 0, DRAIN_CAP, &emptied);
  }
}

static void publish(ctx_t *c) {
  if (c->out.n == 0) return;
  int wake = 0;
  pthread_mutex_lock(&c->lock);
  for (size_t i = 0; i < c->out.n; i++) (void)VEC_PUSH(c->done, c->out.v[i]);
  if (!c->notified) {
    c->notified = 1;
    wake = 1;
  }
  pthread_mutex_unlock(&c->lock);
  c->out.n = 0;
  if (wake) {
    uint64_t one = 1;
    ssize_t w = write(c->notifyfd, &one, sizeof one);
    (void)w;
  }
}

static void *run(void *arg) {
  ctx_t *c = (ctx_t *)arg;
  /* SCHED_BATCH: when the main thread hands over probes and wakes us, we do not preempt it on
     its core; we run on a free core, or when it blocks. Without this, on a machine with few
     cores each hand-over could stall the JS thread for milliseconds. Best effort. */
  struct sched_param sp = { 0 };
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp);
  boost_self();
  VEC(req_t) batch = { NULL, 0, 0 };
  recvbuf_t *rb = calloc(1, sizeof *rb);
  struct epoll_event evs[8];
  if (rb == NULL) return NULL;
  for (;;) {
    pthread_mutex_lock(&c->lock);
    int stop = c->stop;
    req_t *v = c->queue.v;
    size_t n = c->queue.n, cap = c->queue.cap;
    c->queue.v = batch.v;
    c->queue.n = 0;
    c->queue.cap = batch.cap;
    batch.v = v, batch.n = n, batch.cap = cap;
    int idle = !stop && n == 0;
    if (idle) c->sleeping = 1;
    pthread_mutex_unlock(&c->lock);
    if (stop) break;
    for (size_t i = 0; i < batch.n; i++) {
      const req_t *r = &batch.v[i];
      if (r->type == REQ_PROBE) {
        queue_probe(c, r);
        if (c->mine->b.n == SEND_CHUNK) {
          send_chunk(c);
          drain_all(c, rb);
          /* Hand these answers over now: the main thread works on them while we send on. */
          publish(c);
        }
      } else {
        /* Probes before a host change go out under the old registration. */
        send_chunk(c);
        helper_poll(c, 1);
        if (r->type == REQ_HOST) host_add(c, r);
        else if (r->slot < c->nhosts && c->hosts[r->slot].used) host_unlink(c, r->slot);
      }
    }
    batch.n = 0;
    send_chunk(c);
    /* The helper's chunk, if it is still sending, is collected later: its probes have no
       deadline until then, and it wakes this thread when it is done. */
    helper_poll(c, 0);
    publish(c);

    /* Wait for answers, for new requests (wakefd) or for the nearest deadline. While work
       was just taken, only look (timeout 0) so that the queue keeps moving. */
    int timeout = -1;
    if (!idle) timeout = 0;
    else if (c->heap.n > 0) {
      double ms = c->heap.v[0].at - now_ms();
      timeout = ms <= 0 ? 0 : (int)ms + 1;
    }
    double before = now_ms();
    int k = epoll_wait(c->epfd, evs, 8, timeout);
    if (idle) {
      pthread_mutex_lock(&c->lock);
      c->sleeping = 0;
      pthread_mutex_unlock(&c->lock);
    }
    /* Every socket is read until it is empty, so whatever arrived before `before` is read: a
       probe whose deadline is no later than that has had its chance. */
    int all_emptied = 1;
    for (int i = 0; i < k; i++) {
      int fd = evs[i].data.fd;
      if (fd == c->wakefd) {
        uint64_t x;
        ssize_t rr = read(c->wakefd, &x, sizeof x);
        (void)rr;
        continue;
      }
      for (int f = 0; f < 2; f++) {
        int emptied = 1;
        if (fd == c->tcp_fd[f]) drain(c, rb, fd, f ? 6 : 4, 1, DRAIN_CAP, &emptied);
        else if (fd == c->icmp_fd[f]) drain(c, rb, fd, f ? 6 : 4, 0, DRAIN_CAP, &emptied);
        if (!emptied) all_emptied = 0;
      }
    }
    helper_poll(c, 0);
    double limit = k == 0 && timeout > 0 ? now_ms() : before;
    if (!all_emptied) limit = -1; /* more is waiting: judge nothing until it is read */
    while (c->heap.n > 0 && c->heap.v[0].at <= limit) {
      deadline_t d = heap_pop(c);
      pend_t *p = pend_find(c, d.key);
      if (p == NULL || p->gen != d.gen) continue;
      emit(c, p->id, CODE_TIMEOUT, limit - p->sent_ms, 0, 0, 0, 0, NULL);
      pend_remove(c, p);
    }
    publish(c);
  }
  helper_poll(c, 1);
  free(batch.v);
  free(rb);
  return NULL;
}

/* ---- JS side ---- */

static void on_notify(uv_poll_t *h, int status, int events) {
  ctx_t *c = (ctx_t *)h->data;
  if (c == NULL || c->closed || c->callback == NULL) return;
  uint64_t x;
  ssize_t rr = read(c->notifyfd, &x, sizeof x);
  (void)rr;
  pthread_mutex_lock(&c->lock);
  res_t *v = c->done.v;
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
  for (size_t off = 0; off < n && !c->closed; off += DELIVER_CHUNK) {
    size_t m = n - off < DELIVER_CHUNK ? n - off : DELIVER_CHUNK;
    for (size_t i = 0; i < m; i++) {
      memcpy(c->results + RESULT_FIELDS * i, v[off + i].f, sizeof v[off + i].f);
      memcpy(c->froms + 16 * i, v[off + i].from, 16);
    }
    napi_value count;
    napi_create_int32(c->env, (int32_t)m, &count);
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

static void wake(ctx_t *c) {
  uint64_t one = 1;
  ssize_t r = write(c->wakefd, &one, sizeof one);
  (void)r;
}

static void shutdown_ctx(ctx_t *c) {
  if (c->closed) return;
  c->closed = 1;
  if (c->lock_ready) {
    pthread_mutex_lock(&c->lock);
    c->stop = 1;
    pthread_mutex_unlock(&c->lock);
  }
  if (c->started) {
    wake(c);
    pthread_join(c->thread, NULL);
    c->started = 0;
  }
  if (c->helper_started) {
    pthread_mutex_lock(&c->hlock);
    c->hstop = 1;
    pthread_cond_signal(&c->hwork);
    pthread_mutex_unlock(&c->hlock);
    pthread_join(c->helper, NULL);
    c->helper_started = 0;
  }
  for (int f = 0; f < 2; f++) {
    if (c->helper_fd[f] >= 0) close(c->helper_fd[f]);
    c->helper_fd[f] = -1;
  }
  if (c->epfd >= 0) close(c->epfd);
  if (c->wakefd >= 0) close(c->wakefd);
  c->epfd = c->wakefd = -1;
  if (c->poll != NULL) {
    uv_poll_stop(c->poll);
    /* See connect.c: the close callback must not be code of this addon. */
    c->poll->data = NULL;
    uv_close((uv_handle_t *)c->poll, (uv_close_cb)(void (*)(void))free);
    c->poll = NULL;
  }
  if (c->notifyfd >= 0) close(c->notifyfd);
  c->notifyfd = -1;
}

static void free_ctx(ctx_t *c) {
  free(c->queue.v);
  free(c->done.v);
  free(c->delivering.v);
  free(c->hosts);
  free(c->pend);
  free(c->heap.v);
  free(c->out.v);
  free(c->mine);
  for (int k = 0; k < HELPER_JOBS; k++) free(c->jobs[k]);
  if (c->lock_ready) pthread_mutex_destroy(&c->lock);
  if (c->hlock_ready) {
    pthread_mutex_destroy(&c->hlock);
    pthread_cond_destroy(&c->hwork);
    pthread_cond_destroy(&c->hdone);
  }
  free(c);
}

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
  if (c->froms_ref != NULL) napi_delete_reference(env, c->froms_ref);
  free_ctx(c);
}

static ctx_t *get_ctx(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) return NULL;
  return (ctx_t *)p;
}

static int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is = false;
  napi_typedarray_type t;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &t, len, data, &ab, &off) != napi_ok) return 0;
  return t == want;
}

/* create(callback(count), results: Float64Array(8 × 1024), froms: Uint8Array(16 × 1024), key: Uint8Array(16), sourcePort, span, sendHelper) */
static napi_value js_create(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_valuetype t;
  void *res, *froms, *key;
  size_t rl, fl, kl;
  int32_t sport, span;
  bool helper = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 || napi_get_value_bool(env, argv[6], &helper) != napi_ok || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function ||
      !typed(env, argv[1], napi_float64_array, &res, &rl) || rl < RESULT_FIELDS * RESULTS || !typed(env, argv[2], napi_uint8_array, &froms, &fl) || fl < 16 * RESULTS ||
      !typed(env, argv[3], napi_uint8_array, &key, &kl) || kl != 16 || napi_get_value_int32(env, argv[4], &sport) != napi_ok ||
      napi_get_value_int32(env, argv[5], &span) != napi_ok || sport < 1 || span < 1 || sport + span - 1 > 65535) {
    return throw_arg(env, "create(callback, results: Float64Array(8192), froms: Uint8Array(16384), key: Uint8Array(16), sourcePort, span, sendHelper: boolean)");
  }
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return throw_errno(env, "napi_get_uv_event_loop", EINVAL);
  ctx_t *c = calloc(1, sizeof *c);
  if (c == NULL) return throw_errno(env, "calloc", ENOMEM);
  c->env = env;
  c->results = (double *)res;
  c->froms = (uint8_t *)froms;
  memcpy(c->key, key, 16);
  c->sport = (uint16_t)sport;
  c->span = (uint16_t)span;
  c->notifyfd = c->wakefd = c->epfd = -1;
  c->tcp_fd[0] = c->tcp_fd[1] = c->icmp_fd[0] = c->icmp_fd[1] = -1;
  c->helper_fd[0] = c->helper_fd[1] = -1;
  const char *what = NULL;
  int e = 0;
  if (pthread_mutex_init(&c->lock, NULL) != 0) what = "pthread_mutex_init", e = EAGAIN;
  else c->lock_ready = 1;
  if (what == NULL && (c->mine = calloc(1, sizeof *c->mine)) == NULL) what = "calloc", e = ENOMEM;
  for (int k = 0; k < HELPER_JOBS && what == NULL; k++)
    if ((c->jobs[k] = calloc(1, sizeof *c->jobs[k])) == NULL) what = "calloc", e = ENOMEM;
  if (what == NULL && ((c->notifyfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 || (c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 || (c->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0)) {
    what = "eventfd", e = errno;
  }
  if (what == NULL) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.fd = c->wakefd;
    if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->wakefd, &ev) < 0) what = "epoll_ctl", e = errno;
  }
  if (what == NULL) {
    c->poll = malloc(sizeof *c->poll);
    if (c->poll == NULL || uv_poll_init(loop, c->poll, c->notifyfd) != 0) {
      free(c->poll);
      c->poll = NULL;
      what = "uv_poll_init", e = ENOMEM;
    } else {
      c->poll->data = c;
      uv_poll_start(c->poll, UV_READABLE, on_notify);
      uv_unref((uv_handle_t *)c->poll);
    }
  }
  /* The send helper when asked for: best effort (without it, the packet thread sends
     everything itself). */
  if (what == NULL && helper) {
    if (pthread_mutex_init(&c->hlock, NULL) == 0) {
      if (pthread_cond_init(&c->hwork, NULL) == 0) {
        if (pthread_cond_init(&c->hdone, NULL) == 0) c->hlock_ready = 1;
        else pthread_cond_destroy(&c->hwork);
      }
      if (!c->hlock_ready) pthread_mutex_destroy(&c->hlock);
    }
    if (c->hlock_ready && pthread_create(&c->helper, NULL, helper_run, c) == 0) c->helper_started = 1;
  }
  if (what == NULL) {
    int r = pthread_create(&c->thread, NULL, run, c);
    if (r != 0) what = "pthread_create", e = r;
    else c->started = 1;
  }
  if (what != NULL) {
    shutdown_ctx(c);
    free_ctx(c);
    return throw_errno(env, what, e);
  }
  napi_create_reference(env, argv[0], 1, &c->callback);
  napi_create_reference(env, argv[1], 1, &c->results_ref);
  napi_create_reference(env, argv[2], 1, &c->froms_ref);
  if (napi_add_env_cleanup_hook(env, on_env_cleanup, c) == napi_ok) c->hook = 1;
  napi_value ext;
  if (napi_create_external(env, c, ctx_finalize, NULL, &ext) != napi_ok) {
    ctx_finalize(env, c, NULL);
    return throw_errno(env, "napi_create_external", ENOMEM);
  }
  return ext;
}

/* watch(ctx, family, tcpFd, icmpFd) */
static napi_value js_watch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t family, tcp, icmp;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || (c = get_ctx(env, argv[0])) == NULL || napi_get_value_int32(env, argv[1], &family) != napi_ok ||
      (family != 4 && family != 6) || napi_get_value_int32(env, argv[2], &tcp) != napi_ok || napi_get_value_int32(env, argv[3], &icmp) != napi_ok || tcp < 0 || icmp < 0) {
    return throw_arg(env, "watch(ctx, family: 4 | 6, tcpFd, icmpFd)");
  }
  if (c->closed) return throw_errno(env, "watch", EBADF);
  int f = family == 6;
  if (c->tcp_fd[f] >= 0) return throw_errno(env, "watch", EEXIST);
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.fd = tcp;
  if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, tcp, &ev) < 0) return throw_errno(env, "epoll_ctl", errno);
  ev.data.fd = icmp;
  if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, icmp, &ev) < 0) {
    int e = errno;
    (void)epoll_ctl(c->epfd, EPOLL_CTL_DEL, tcp, NULL);
    return throw_errno(env, "epoll_ctl", e);
  }
  /* The send helper's own socket for the family: it only sends, so it takes no copy of what
     arrives (a filter that accepts nothing). Without one, the packet thread sends alone. */
  int hfd = -1;
  if (c->helper_started) {
    hfd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
    struct sock_filter none = BPF_STMT(BPF_RET | BPF_K, 0);
    struct sock_fprog prog = { 1, &none };
    if (hfd >= 0 && setsockopt(hfd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
      close(hfd);
      hfd = -1;
    }
    int snd = 4 << 20;
    if (hfd >= 0 && setsockopt(hfd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof snd) < 0) (void)setsockopt(hfd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd);
    /* The kernel clones every TCP segment it receives for each raw TCP socket whose address
       matches, and runs the filter on the clone only: a second unconnected socket doubles that
       work (on loopback, every SYN we send and every RST it provokes; measured: 106 → 118 ms
       of kernel time per 65,535 SYNs). Connected, the socket matches only segments from the
       address it is connected to; connect() on a raw socket sends nothing, and the helper
       still names each SYN's destination itself. 127.255.255.254 is a loopback address no
       packet comes from in practice (if one did, the filter would still drop it). Connecting
       also makes the address it was connected from (127.0.0.1) the socket's source address:
       every IPv4 SYN therefore names its own source (IP_PKTINFO, see queue_probe). IPv6 has
       no such address that every machine routes: the IPv6 helper socket stays unconnected. */
    if (hfd >= 0 && family == 4) {
      struct sockaddr_in nowhere;
      memset(&nowhere, 0, sizeof nowhere);
      nowhere.sin_family = AF_INET;
      nowhere.sin_addr.s_addr = htonl(0x7ffffffeu);
      (void)connect(hfd, (const struct sockaddr *)&nowhere, sizeof nowhere);
    }
  }
  /* Published under the lock: the thread reads them after taking the queue under it too. */
  pthread_mutex_lock(&c->lock);
  c->icmp_fd[f] = icmp;
  c->tcp_fd[f] = tcp;
  c->helper_fd[f] = hfd;
  pthread_mutex_unlock(&c->lock);
  return NULL;
}

/* Queues requests in order, all or none, and wakes the thread if it sleeps. `fill(i, out)` writes the i-th. */
static napi_value push_reqs(napi_env env, ctx_t *c, size_t count, void (*fill)(size_t i, req_t *out, const void *arg), const void *arg) {
  pthread_mutex_lock(&c->lock);
  int ok = VEC_RESERVE(c->queue, count);
  if (ok) {
    for (size_t i = 0; i < count; i++) fill(i, &c->queue.v[c->queue.n + i], arg);
    c->queue.n += count;
  }
  int w = ok && c->sleeping;
  if (w) c->sleeping = 0;
  pthread_mutex_unlock(&c->lock);
  if (!ok) return throw_errno(env, "submit", ENOMEM);
  if (w) wake(c);
  return NULL;
}

static void copy_req(size_t i, req_t *out, const void *arg) { *out = ((const req_t *)arg)[i]; }

/* The i-th probe of a submit() batch: [id, slot, port, timeoutMs, try]. */
static void probe_req(size_t i, req_t *out, const void *arg) {
  const double *q = (const double *)arg + i * REQ_FIELDS;
  memset(out, 0, sizeof *out);
  out->type = REQ_PROBE;
  out->id = q[0];
  out->slot = (uint32_t)q[1];
  out->port = (uint16_t)q[2];
  out->timeout_ms = q[3];
  out->tries = (uint16_t)q[4];
}

/* host(ctx, slot, family, src, dst, scope, pseudoSum) */
static napi_value js_host(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  int32_t slot, family;
  uint32_t scope, pseudo;
  void *src, *dst;
  size_t sl, dl;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 7 || (c = get_ctx(env, argv[0])) == NULL || napi_get_value_int32(env, argv[1], &slot) != napi_ok || slot < 0 ||
      (uint32_t)slot >= MAX_SLOTS || napi_get_value_int32(env, argv[2], &family) != napi_ok || (family != 4 && family != 6) || !typed(env, argv[3], napi_uint8_array, &src, &sl) ||
      !typed(env, argv[4], napi_uint8_array, &dst, &dl) || sl != (family == 4 ? 4u : 16u) || dl != sl || napi_get_value_uint32(env, argv[5], &scope) != napi_ok ||
      napi_get_value_uint32(env, argv[6], &pseudo) != napi_ok) {
    return throw_arg(env, "host(ctx, slot, family: 4 | 6, src: Uint8Array, dst: Uint8Array, scope, pseudoSum)");
  }
  if (c->closed) return throw_errno(env, "host", EBADF);
  req_t r;
  memset(&r, 0, sizeof r);
  r.type = REQ_HOST;
  r.slot = (uint32_t)slot;
  r.family = family;
  memcpy(r.src, src, sl);
  memcpy(r.dst, dst, dl);
  r.scope = scope;
  r.pseudo = pseudo;
  return push_reqs(env, c, 1, copy_req, &r);
}

/* forget(ctx, slot) */
static napi_value js_forget(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t slot;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || (c = get_ctx(env, argv[0])) == NULL || napi_get_value_int32(env, argv[1], &slot) != napi_ok || slot < 0) {
    return throw_arg(env, "forget(ctx, slot)");
  }
  if (c->closed) return NULL;
  req_t r;
  memset(&r, 0, sizeof r);
  r.type = REQ_FORGET;
  r.slot = (uint32_t)slot;
  return push_reqs(env, c, 1, copy_req, &r);
}

/* submit(ctx, requests: Float64Array, count): [id, slot, port, timeoutMs, try] each */
static napi_value js_submit(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t count;
  void *data;
  size_t len;
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || (c = get_ctx(env, argv[0])) == NULL || !typed(env, argv[1], napi_float64_array, &data, &len) ||
      napi_get_value_int32(env, argv[2], &count) != napi_ok || count < 0 || (size_t)count * REQ_FIELDS > len) {
    return throw_arg(env, "submit(ctx, requests: Float64Array, count)");
  }
  if (c->closed) return throw_errno(env, "submit", EBADF);
  const double *d = (const double *)data;
  /* Check first: a bad request must not leave half of the batch queued. */
  for (int32_t i = 0; i < count; i++) {
    const double *q = d + (size_t)i * REQ_FIELDS;
    if (!(q[1] >= 0 && q[1] < MAX_SLOTS) || !(q[2] >= 0 && q[2] <= 65535) || !(q[3] >= 0) || !(q[4] >= 1 && q[4] <= 65535)) {
      return throw_arg(env, "submit: a request is out of range");
    }
  }
  return push_reqs(env, c, (size_t)count, probe_req, d);
}

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

static napi_value js_close_ctx(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  ctx_t *c;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || (c = get_ctx(env, argv[0])) == NULL) return throw_arg(env, "close(ctx)");
  shutdown_ctx(c);
  return NULL;
}

/* cookie(key, src, dst, sport, dport): the C cookie, for tests against the TypeScript one. */
static napi_value js_cookie(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  void *key, *src, *dst;
  size_t kl, sl, dl;
  int32_t sport, dport;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || !typed(env, argv[0], napi_uint8_array, &key, &kl) || kl != 16 ||
      !typed(env, argv[1], napi_uint8_array, &src, &sl) || !typed(env, argv[2], napi_uint8_array, &dst, &dl) || sl != dl || (sl != 4 && sl != 16) ||
      napi_get_value_int32(env, argv[3], &sport) != napi_ok || napi_get_value_int32(env, argv[4], &dport) != napi_ok) {
    return throw_arg(env, "cookie(key, src, dst, sport, dport)");
  }
  napi_value out;
  napi_create_uint32(env, cookie(key, src, dst, (int)sl, (uint16_t)sport, (uint16_t)dport), &out);
  return out;
}

/*
 * classify(key, sourcePort, span, family, tcp, message, from, to, ttl) -> null or
 * [code, port, ttl, icmpType, icmpCode, target]: what the packet thread makes of a TCP segment
 * (tcp true) or an ICMP / ICMPv6 message from `from` to `to`, for tests against
 * core/packet/syn-reply.ts. Only answers that settle a probe come out (ICMP: unreachables).
 */
static napi_value js_classify(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  void *key, *msg, *from, *to;
  size_t kl, ml, fl, tl;
  int32_t sport, span, family, ttl;
  bool tcp;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 9 || !typed(env, argv[0], napi_uint8_array, &key, &kl) || kl != 16 ||
      napi_get_value_int32(env, argv[1], &sport) != napi_ok || napi_get_value_int32(env, argv[2], &span) != napi_ok || sport < 1 || span < 1 || sport + span - 1 > 65535 ||
      napi_get_value_int32(env, argv[3], &family) != napi_ok || (family != 4 && family != 6) || napi_get_value_bool(env, argv[4], &tcp) != napi_ok ||
      !typed(env, argv[5], napi_uint8_array, &msg, &ml) || !typed(env, argv[6], napi_uint8_array, &from, &fl) || !typed(env, argv[7], napi_uint8_array, &to, &tl) ||
      fl != (family == 4 ? 4u : 16u) || tl != fl || napi_get_value_int32(env, argv[8], &ttl) != napi_ok) {
    return throw_arg(env, "classify(key, sourcePort, span, family, tcp, message, from, to, ttl)");
  }
  ctx_t *c = calloc(1, sizeof *c);
  if (c == NULL) return throw_errno(env, "classify", ENOMEM);
  capture_t k;
  memset(&k, 0, sizeof k);
  memcpy(c->key, key, 16);
  c->sport = (uint16_t)sport;
  c->span = (uint16_t)span;
  c->capture = &k;
  /* A copy: the parsers may read up to `len` and no further, which ASan would tell. */
  uint8_t *m = malloc(ml == 0 ? 1 : ml);
  if (m == NULL) {
    free(c);
    return throw_errno(env, "classify", ENOMEM);
  }
  memcpy(m, msg, ml);
  if (tcp) on_tcp(c, family, m, ml, from, to, ttl, 0);
  else if (family == 4) on_icmp4(c, m, ml, from, ttl, 0);
  else on_icmp6(c, m, ml, from, ttl, 0);
  free(m);
  free(c);
  napi_value out;
  if (!k.hit) {
    napi_get_null(env, &out);
    return out;
  }
  napi_create_array_with_length(env, 6, &out);
  int vals[5] = { k.code, k.port, k.ttl, k.type, k.icode };
  for (int i = 0; i < 5; i++) {
    napi_value v;
    napi_create_int32(env, vals[i], &v);
    napi_set_element(env, out, (uint32_t)i, v);
  }
  napi_value t;
  void *p;
  napi_create_buffer_copy(env, family == 4 ? 4 : 16, k.target, &p, &t);
  napi_set_element(env, out, 5, t);
  return out;
}

void syn_define(napi_env env, napi_value exports) {
  napi_value ns, results, fields;
  napi_create_object(env, &ns);
  napi_create_int32(env, RESULTS, &results);
  napi_create_int32(env, RESULT_FIELDS, &fields);
  napi_property_descriptor props[] = {
    { "create", NULL, js_create, NULL, NULL, NULL, napi_enumerable, NULL },
    { "watch", NULL, js_watch, NULL, NULL, NULL, napi_enumerable, NULL },
    { "host", NULL, js_host, NULL, NULL, NULL, napi_enumerable, NULL },
    { "forget", NULL, js_forget, NULL, NULL, NULL, napi_enumerable, NULL },
    { "submit", NULL, js_submit, NULL, NULL, NULL, napi_enumerable, NULL },
    { "ref", NULL, js_ref, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close_ctx, NULL, NULL, NULL, napi_enumerable, NULL },
    { "cookie", NULL, js_cookie, NULL, NULL, NULL, napi_enumerable, NULL },
    { "classify", NULL, js_classify, NULL, NULL, NULL, napi_enumerable, NULL },
    { "maxResults", NULL, NULL, NULL, NULL, results, napi_enumerable, NULL },
    { "resultFields", NULL, NULL, NULL, NULL, fields, napi_enumerable, NULL },
  };
  napi_define_properties(env, ns, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "syn", ns);
}
