/*
 * rawsock: the few raw-socket system calls the SYN scan needs, as a Node-API addon (and, in
 * connect.c, the connect scan's socket work).
 *
 * Everything is synchronous on purpose. Sends are non-blocking: a full socket buffer comes back
 * as an errno name for the caller to back off on, never as a wait. The receive call blocks in
 * poll() for at most timeoutMs and is meant to run in a worker thread. Node-API only (no V8 or
 * nan headers), so one binary loads on every Node with Node-API 8; no global state, so the
 * module is context-aware and loads in several worker threads at once.
 *
 * Packed layouts (all integers little-endian):
 *   send record: u16 payload length, u16 zero, u32 IPv6 scope id, 16 bytes destination address
 *                (IPv4 in the first 4), then the payload (the transport header onwards).
 *   recv record: u16 captured length, u16 length on the wire (capped at 65535), u8 family (4|6),
 *                u8 TTL / hop limit, u8 index of the fd in the list given, u8 zero, u32 ifindex,
 *                16 bytes source, 16 bytes destination, f64 arrival time (ms on CLOCK_MONOTONIC,
 *                the clock of process.hrtime()), then the captured bytes. IPv4 payloads start at
 *                the IP header; IPv6 ones at the transport header (the kernel strips it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

#include "addon.h"

#define ABI_VERSION 6
#define SEND_HDR 24
#define RECV_HDR 52
#define CHUNK 64
#define MAX_FDS 8
#define CTRL_LEN 128

static const char *errno_name(int e) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *n = strerrorname_np(e);
  if (n != NULL) return n;
#endif
  switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EMSGSIZE: return "EMSGSIZE";
    default: return "EUNKNOWN";
  }
}

napi_value throw_errno(napi_env env, const char *what, int e) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
  napi_throw_error(env, errno_name(e), msg);
  return NULL;
}

napi_value throw_arg(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  return napi_get_value_int32(env, v, out) == napi_ok;
}

/* A Uint8Array (Buffer included) as a pointer and length. */
static int get_bytes(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  void *p = NULL;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &p, &ab, &off) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t *)p;
  return 1;
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }
static void wr16(uint8_t *p, uint32_t v) { p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, v & 0xffff); wr16(p + 2, v >> 16); }

/* open(family, protocol) -> fd */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t family, proto;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_int(env, argv[0], &family) || !get_int(env, argv[1], &proto) || (family != 4 && family != 6)) {
    return throw_arg(env, "open(family: 4 | 6, protocol: number)");
  }
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return throw_errno(env, "socket", errno);
  /* Replies to a fast scan arrive in bursts faster than one thread drains them: a big queue
     keeps them. FORCE passes rmem_max when privileged, which a raw socket's owner is. */
  int rcv = 32 << 20, snd = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0) (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof snd) < 0) (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd);
  /* Kernel arrival times: the reader may be a busy thread, and a round-trip time should not
     include how long a packet waited in the queue. Best effort: without them, read time. */
  int on_ts = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on_ts, sizeof on_ts);
  if (family == 6) {
    /* IPv6 raw sockets do not deliver the IP header: hop limit and our own (destination)
       address come as ancillary data instead. */
    int on = 1;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) < 0) {
      int e = errno;
      close(fd);
      return throw_errno(env, "setsockopt(IPV6_RECVHOPLIMIT)", e);
    }
  }
  napi_value out;
  napi_create_int32(env, fd, &out);
  return out;
}

/* sendMany(fd, family, batch, count) -> { sent, code } */
static napi_value js_send_many(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd, family, count;
  uint8_t *data;
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !get_int(env, argv[0], &fd) || !get_int(env, argv[1], &family) || !get_bytes(env, argv[2], &data, &len) ||
      !get_int(env, argv[3], &count) || (family != 4 && family != 6) || count < 0) {
    return throw_arg(env, "sendMany(fd: number, family: 4 | 6, batch: Uint8Array, count: number)");
  }
  /* Check the whole batch first: a malformed record must not leave half of it sent. */
  size_t p = 0;
  for (int32_t i = 0; i < count; i++) {
    if (p + SEND_HDR > len || p + SEND_HDR + rd16(data + p) > len) {
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "sendMany: batch is shorter than its records say");
      return NULL;
    }
    p += SEND_HDR + rd16(data + p);
  }

  struct mmsghdr msgs[CHUNK];
  struct iovec iov[CHUNK];
  struct sockaddr_in6 to6[CHUNK];
  struct sockaddr_in to4[CHUNK];
  int32_t done = 0;
  int err = 0;
  size_t pos = 0;
  while (done < count) {
    unsigned n = 0;
    size_t q = pos;
    memset(msgs, 0, sizeof msgs);
    while (n < CHUNK && done + (int32_t)n < count) {
      uint16_t plen = rd16(data + q);
      if (family == 6) {
        memset(&to6[n], 0, sizeof to6[n]);
        to6[n].sin6_family = AF_INET6;
        to6[n].sin6_scope_id = rd32(data + q + 4);
        memcpy(&to6[n].sin6_addr, data + q + 8, 16);
        msgs[n].msg_hdr.msg_name = &to6[n];
        msgs[n].msg_hdr.msg_namelen = sizeof to6[n];
      } else {
        memset(&to4[n], 0, sizeof to4[n]);
        to4[n].sin_family = AF_INET;
        memcpy(&to4[n].sin_addr, data + q + 8, 4);
        msgs[n].msg_hdr.msg_name = &to4[n];
        msgs[n].msg_hdr.msg_namelen = sizeof to4[n];
      }
      iov[n].iov_base = data + q + SEND_HDR;
      iov[n].iov_len = plen;
      msgs[n].msg_hdr.msg_iov = &iov[n];
      msgs[n].msg_hdr.msg_iovlen = 1;
      q += SEND_HDR + plen;
      n++;
    }
    int r = sendmmsg(fd, msgs, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    /* A short count means message r failed; the next call retries it and returns its errno. */
    for (int i = 0; i < r; i++) pos += SEND_HDR + iov[i].iov_len;
    done += r;
  }

  napi_value out, sent, code;
  napi_create_object(env, &out);
  napi_create_int32(env, done, &sent);
  if (err != 0) napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code);
  else napi_get_null(env, &code);
  napi_set_named_property(env, out, "sent", sent);
  napi_set_named_property(env, out, "code", code);
  return out;
}

/* A timespec in milliseconds. */
static double ms_of(const struct timespec *t) { return (double)t->tv_sec * 1e3 + (double)t->tv_nsec / 1e6; }

/* Fills one receive record's header from a received message. `mono_minus_real` converts the
   kernel's CLOCK_REALTIME timestamps to CLOCK_MONOTONIC; `read_at` is used when there is none. */
static void fill_record(uint8_t *rec, const struct msghdr *h, const uint8_t *pkt, unsigned msg_len, unsigned caplen, int idx, double mono_minus_real, double read_at) {
  const struct sockaddr_storage *from = (const struct sockaddr_storage *)h->msg_name;
  double at = read_at;
  memset(rec, 0, RECV_HDR);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      at = ms_of(&ts) + mono_minus_real;
    }
  }
  uint64_t bits;
  memcpy(&bits, &at, sizeof bits);
  wr32(rec + 44, (uint32_t)bits);
  wr32(rec + 48, (uint32_t)(bits >> 32));
  wr16(rec, caplen);
  wr16(rec + 2, msg_len > 65535 ? 65535 : msg_len);
  rec[6] = (uint8_t)idx;
  if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)from;
    rec[4] = 6;
    memcpy(rec + 12, &s6->sin6_addr, 16);
    wr32(rec + 8, s6->sin6_scope_id);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR((struct msghdr *)h, c)) {
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        int hl;
        memcpy(&hl, CMSG_DATA(c), sizeof hl);
        rec[5] = (uint8_t)hl;
      } else if (c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof pi);
        memcpy(rec + 28, &pi.ipi6_addr, 16);
        wr32(rec + 8, (uint32_t)pi.ipi6_ifindex);
      }
    }
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)from;
    rec[4] = 4;
    memcpy(rec + 12, &s4->sin_addr, 4);
    /* IPv4 raw sockets deliver the IP header: TTL and destination come from it. */
    if (caplen >= 20) {
      rec[5] = pkt[8];
      memcpy(rec + 28, pkt + 16, 4);
    }
  }
}

/* Both clocks read back to back: their difference converts kernel timestamps; `now` is monotonic. */
static void refresh_clocks(double *mono_minus_real, double *now) {
  struct timespec m, r;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_REALTIME, &r);
  *now = ms_of(&m);
  *mono_minus_real = *now - ms_of(&r);
}

/* recvMany(fds, timeoutMs, max, snaplen) -> Buffer of records (empty when nothing came) */
static napi_value js_recv_many(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t timeout, max, snaplen = 512;
  uint32_t nfds = 0;
  bool is_array = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &nfds) != napi_ok || nfds < 1 || nfds > MAX_FDS || !get_int(env, argv[1], &timeout) || !get_int(env, argv[2], &max) || max < 1 ||
      max > 65536 || (argc > 3 && !get_int(env, argv[3], &snaplen)) || snaplen < 64 || snaplen > 65535) {
    return throw_arg(env, "recvMany(fds: number[] (1..8), timeoutMs: number, max: 1..65536, snaplen?: 64..65535)");
  }
  struct pollfd pfd[MAX_FDS];
  for (uint32_t i = 0; i < nfds; i++) {
    napi_value v;
    int32_t fd;
    if (napi_get_element(env, argv[0], i, &v) != napi_ok || !get_int(env, v, &fd)) return throw_arg(env, "recvMany: fds must be numbers");
    pfd[i].fd = fd;
    pfd[i].events = POLLIN;
    pfd[i].revents = 0;
  }
  napi_value result;
  int ready = poll(pfd, nfds, timeout);
  if (ready < 0 && errno != EINTR) return throw_errno(env, "poll", errno);
  if (ready <= 0) {
    if (napi_create_buffer(env, 0, NULL, &result) != napi_ok) return NULL; /* terminating, as below */
    return result;
  }
  /* A closed fd would make poll() return at once forever: say so instead of spinning. */
  for (uint32_t i = 0; i < nfds; i++) {
    if (pfd[i].revents & POLLNVAL) return throw_errno(env, "poll", EBADF);
  }

  uint8_t *out = malloc((size_t)max * (RECV_HDR + snaplen));
  uint8_t *pkts = malloc((size_t)CHUNK * snaplen);
  uint8_t (*ctrl)[CTRL_LEN] = malloc(sizeof(*ctrl) * CHUNK);
  struct sockaddr_storage *names = malloc(sizeof(*names) * CHUNK);
  if (out == NULL || pkts == NULL || ctrl == NULL || names == NULL) {
    free(out), free(pkts), free(ctrl), free(names);
    return throw_errno(env, "recvMany", ENOMEM);
  }
  struct mmsghdr msgs[CHUNK];
  struct iovec iov[CHUNK];
  double mono_minus_real, read_at;
  refresh_clocks(&mono_minus_real, &read_at);
  size_t used = 0;
  int got = 0, err = 0;
  for (uint32_t i = 0; i < nfds && got < max && err == 0; i++) {
    if ((pfd[i].revents & (POLLIN | POLLERR)) == 0) continue;
    for (;;) {
      unsigned k = (unsigned)(max - got) < CHUNK ? (unsigned)(max - got) : CHUNK;
      if (k == 0) break;
      memset(msgs, 0, sizeof(msgs[0]) * k);
      for (unsigned j = 0; j < k; j++) {
        iov[j].iov_base = pkts + (size_t)j * snaplen;
        iov[j].iov_len = snaplen;
        msgs[j].msg_hdr.msg_iov = &iov[j];
        msgs[j].msg_hdr.msg_iovlen = 1;
        msgs[j].msg_hdr.msg_name = &names[j];
        msgs[j].msg_hdr.msg_namelen = sizeof names[j];
        msgs[j].msg_hdr.msg_control = ctrl[j];
        msgs[j].msg_hdr.msg_controllen = CTRL_LEN;
      }
      /* MSG_TRUNC: msg_len is the length on the wire even when only snaplen bytes were kept. */
      int r = recvmmsg(pfd[i].fd, msgs, k, MSG_DONTWAIT | MSG_TRUNC, NULL);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) err = errno;
        break;
      }
      for (int j = 0; j < r; j++) {
        unsigned msg_len = msgs[j].msg_len;
        unsigned caplen = msg_len < (unsigned)snaplen ? msg_len : (unsigned)snaplen;
        const uint8_t *pkt = pkts + (size_t)j * snaplen;
        fill_record(out + used, &msgs[j].msg_hdr, pkt, msg_len, caplen, (int)i, mono_minus_real, read_at);
        memcpy(out + used + RECV_HDR, pkt, caplen);
        used += RECV_HDR + caplen;
      }
      got += r;
      if ((unsigned)r < k) break; /* drained */
      refresh_clocks(&mono_minus_real, &read_at);
    }
  }
  free(pkts), free(ctrl), free(names);
  if (err != 0 && got == 0) {
    free(out);
    return throw_errno(env, "recvmmsg", err);
  }
  napi_status st = napi_create_buffer_copy(env, used, out, NULL, &result);
  free(out);
  /* Failure here means the thread is being terminated (it slept in poll() through
     worker.terminate()): JS cannot run any more, and throwing now would abort the process. */
  if (st != napi_ok) return NULL;
  return result;
}

/* attachFilter(fd, program) — program: 8-byte classic BPF instructions (u16 code, u8 jt, u8 jf, u32 k). */
static napi_value js_attach_filter(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  uint8_t *data;
  size_t len;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_int(env, argv[0], &fd) || !get_bytes(env, argv[1], &data, &len) || len == 0 || len % 8 != 0 ||
      len / 8 > BPF_MAXINSNS) {
    return throw_arg(env, "attachFilter(fd: number, program: Uint8Array of 8-byte instructions)");
  }
  unsigned n = (unsigned)(len / 8);
  struct sock_filter *f = calloc(n, sizeof *f);
  if (f == NULL) return throw_errno(env, "attachFilter", ENOMEM);
  for (unsigned i = 0; i < n; i++) {
    f[i].code = rd16(data + i * 8);
    f[i].jt = data[i * 8 + 2];
    f[i].jf = data[i * 8 + 3];
    f[i].k = rd32(data + i * 8 + 4);
  }
  struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
  int r = setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
  int e = errno;
  free(f);
  if (r < 0) return throw_errno(env, "setsockopt(SO_ATTACH_FILTER)", e);
  return NULL;
}

/* close(fd) */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !get_int(env, argv[0], &fd)) return throw_arg(env, "close(fd: number)");
  if (close(fd) < 0) return throw_errno(env, "close", errno);
  return NULL;
}

/* A bind to `port` on every address: 1 when it succeeds, 0 when a socket holds the port, else
   -errno. A dual-stack IPv6 socket also meets the IPv4 sockets. */
static int bind_free(int family, uint16_t port) {
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (family == AF_INET6) {
    int off = 0;
    (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    sl = sizeof *a;
  }
  int r = bind(fd, (struct sockaddr *)&ss, sl);
  int e = errno;
  close(fd);
  return r == 0 ? 1 : e == EADDRINUSE ? 0 : -e;
}

/* tcpPortFree(port) -> whether no TCP socket of this machine holds `port`: listening,
   connected or in TIME_WAIT (a bind to it succeeds). A few syscalls, where reading
   /proc/net/tcp walks the kernel's whole connection table (milliseconds on a big machine). */
static napi_value js_tcp_port_free(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t port;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !get_int(env, argv[0], &port) || port < 1 || port > 65535) {
    return throw_arg(env, "tcpPortFree(port: 1-65535)");
  }
  int r = bind_free(AF_INET6, (uint16_t)port);
  if (r < 0) r = bind_free(AF_INET, (uint16_t)port); /* no IPv6 here */
  if (r < 0) return throw_errno(env, "bind", -r);
  napi_value out;
  napi_get_boolean(env, r == 1, &out);
  return out;
}

/* sourceFor(family, dst: Uint8Array, scope?) -> Uint8Array: the local address the routing table
   picks towards dst — a UDP socket connected (nothing is sent) and asked its name. Synchronous
   and in microseconds, where node:dgram costs a socket handle, a DNS lookup path and, on first
   use, the cluster module. Throws with the errno name as code (ENETUNREACH, EHOSTUNREACH…). */
static napi_value js_source_for(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t family;
  uint32_t scope = 0;
  uint8_t *dst;
  size_t dl;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !get_int(env, argv[0], &family) || (family != 4 && family != 6) || !get_bytes(env, argv[1], &dst, &dl) ||
      dl != (family == 4 ? 4u : 16u) || (argc > 2 && napi_get_value_uint32(env, argv[2], &scope) != napi_ok)) {
    return throw_arg(env, "sourceFor(family: 4 | 6, dst: Uint8Array (4 | 16 bytes), scope?: number)");
  }
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(9);
    memcpy(&a->sin_addr, dst, 4);
    sl = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(9);
    a->sin6_scope_id = scope;
    memcpy(&a->sin6_addr, dst, 16);
    sl = sizeof *a;
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "connect", e);
  }
  struct sockaddr_storage me;
  socklen_t ml = sizeof me;
  int r = getsockname(fd, (struct sockaddr *)&me, &ml);
  int e = errno;
  close(fd);
  if (r < 0) return throw_errno(env, "getsockname", e);
  size_t n = family == 4 ? 4 : 16;
  const void *src = family == 4 ? (const void *)&((struct sockaddr_in *)&me)->sin_addr : (const void *)&((struct sockaddr_in6 *)&me)->sin6_addr;
  void *data;
  napi_value ab, out;
  if (napi_create_arraybuffer(env, n, &data, &ab) != napi_ok || napi_create_typedarray(env, napi_uint8_array, n, ab, 0, &out) != napi_ok) return NULL;
  memcpy(data, src, n);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value abi;
  napi_create_int32(env, ABI_VERSION, &abi);
  napi_property_descriptor props[] = {
    { "open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL },
    { "sendMany", NULL, js_send_many, NULL, NULL, NULL, napi_enumerable, NULL },
    { "recvMany", NULL, js_recv_many, NULL, NULL, NULL, napi_enumerable, NULL },
    { "attachFilter", NULL, js_attach_filter, NULL, NULL, NULL, napi_enumerable, NULL },
    { "close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL },
    { "sourceFor", NULL, js_source_for, NULL, NULL, NULL, napi_enumerable, NULL },
    { "tcpPortFree", NULL, js_tcp_port_free, NULL, NULL, NULL, napi_enumerable, NULL },
    { "abiVersion", NULL, NULL, NULL, NULL, abi, napi_enumerable, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  connect_define(env, exports);
  syn_define(env, exports);
  return exports;
}
