/*
 * nfq-delay: holds every packet of an NFQUEUE for a fixed time, then accepts it.
 * The test bed's stand-in for netem (this kernel has no sch_netem): run inside a network
 * namespace whose iptables rules send packets to the queue, it adds a one-way delay.
 *
 *   nfq-delay QUEUE_NUM DELAY_MS
 *
 * Prints "ready" once the queue is bound. Exits on SIGTERM/SIGINT, and, when its standard input
 * is a pipe or socket, as it closes: it dies with the process that started it (the testbed keeps
 * a pipe open to it) instead of keeping a leftover namespace alive. Any other standard input
 * (/dev/null, a terminal) is not watched.
 *
 * Packets are released in arrival order. The kernel numbers a queue's packets in arrival order
 * too, so while ids keep increasing a run of due packets is released with one batch verdict
 * (every queued id up to the last due one); a non-increasing id (wrap-around) falls back to one
 * verdict per packet. Packets the kernel itself drops (queue longer than maxlen, or our netlink
 * socket buffer full) are counted by the kernel per network namespace in
 * /proc/net/netfilter/nfnetlink_queue; they are reported on stderr, because silent drops would
 * look like extra loss in a benchmark. Fail-open is deliberately not used: it would let packets
 * through undelayed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libnfnetlink/libnfnetlink.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RING (1u << 20)
#define MAXLEN (1u << 20)

static uint32_t ids[RING];
static uint64_t due[RING];
static unsigned head, tail;
static uint64_t delay_ns;
static volatile sig_atomic_t stop;
static unsigned long ring_full, enobufs, received, late;
static uint64_t max_late_ns;
#define LATE_NS 2000000ull /* released more than 2 ms after due: the helper fell behind */
static int queue_num;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg;
  (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (ph == NULL) return 0;
  uint32_t id = ntohl(ph->packet_id);
  received++;
  if (((tail + 1) & (RING - 1)) == head) {
    /* Cannot happen below ~40M packets/s at 25 ms; counted rather than dropped. */
    ring_full++;
    return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
  }
  ids[tail] = id;
  due[tail] = now_ns() + delay_ns;
  tail = (tail + 1) & (RING - 1);
  return 0;
}

/* Releases every packet whose time has come. */
static void release(struct nfq_q_handle *qh, uint64_t n) {
  while (head != tail && due[head] <= n) {
    if (n - due[head] > max_late_ns) max_late_ns = n - due[head];
    if (n - due[head] > LATE_NS) late++;
    unsigned last = head;
    unsigned next = (head + 1) & (RING - 1);
    while (next != tail && due[next] <= n && (int32_t)(ids[next] - ids[last]) > 0) {
      if (n - due[next] > LATE_NS) late++;
      last = next;
      next = (next + 1) & (RING - 1);
    }
    if (last == head) nfq_set_verdict(qh, ids[head], NF_ACCEPT, 0, NULL);
    else nfq_set_verdict_batch(qh, ids[last], NF_ACCEPT);
    head = next;
  }
}

/* Reads the kernel's drop counters of our queue: queue_dropped (maxlen) and user_dropped (socket). */
static void kernel_drops(unsigned long *queue_dropped, unsigned long *user_dropped) {
  FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "r");
  if (f == NULL) return;
  unsigned long q, portid, total, mode, range, qd, ud, seq, one;
  while (fscanf(f, "%lu %lu %lu %lu %lu %lu %lu %lu %lu", &q, &portid, &total, &mode, &range, &qd, &ud, &seq, &one) == 9) {
    if ((int)q == queue_num) {
      *queue_dropped = qd;
      *user_dropped = ud;
    }
  }
  fclose(f);
}

static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s QUEUE_NUM DELAY_MS\n", argv[0]);
    return 2;
  }
  queue_num = atoi(argv[1]);
  delay_ns = (uint64_t)(atof(argv[2]) * 1e6);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGPIPE, SIG_IGN);
  /* The scanner under test competes for the same cores; a delay line that waits for a time
   * slice adds jitter the profile does not ask for. Best effort: needs root (which we have). */
  setpriority(PRIO_PROCESS, 0, -10);

  struct nfq_handle *h = nfq_open();
  if (h == NULL) { perror("nfq-delay: nfq_open"); return 1; }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue_num, on_packet, NULL);
  if (qh == NULL) { perror("nfq-delay: nfq_create_queue"); return 1; }
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("nfq-delay: nfq_set_mode"); return 1; }
  if (nfq_set_queue_maxlen(qh, MAXLEN) < 0) { perror("nfq-delay: nfq_set_queue_maxlen"); return 1; }
  int fd = nfq_fd(h);
  int one = 1, big = 64 << 20;
  /* ENOBUFS would only tell us what the kernel's user_dropped counter already says. */
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0) nfnl_rcvbufsiz(nfq_nfnlh(h), (unsigned)big);

  unsigned long qd0 = 0, ud0 = 0, qd = 0, ud = 0;
  kernel_drops(&qd0, &ud0);
  qd = qd0;
  ud = ud0;
  uint64_t next_check = now_ns() + 1000000000ull;

  struct stat st;
  int watch_stdin = fstat(0, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));

  fprintf(stdout, "ready\n");
  fflush(stdout);
  static char buf[65536] __attribute__((aligned));
  while (!stop) {
    struct timespec timeout = { .tv_sec = 0, .tv_nsec = 100000000 };
    uint64_t n = now_ns();
    if (head != tail) {
      uint64_t wait = due[head] > n ? due[head] - n : 0;
      timeout.tv_sec = (time_t)(wait / 1000000000ull);
      timeout.tv_nsec = (long)(wait % 1000000000ull);
    }
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = watch_stdin ? 0 : -1, .events = POLLIN } };
    int r = ppoll(p, 2, &timeout, NULL);
    if (r > 0 && (p[0].revents & POLLIN)) {
      for (int i = 0; i < 1024; i++) {
        ssize_t len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (len < 0 && errno == ENOBUFS) { enobufs++; continue; }
        if (len <= 0) break;
        nfq_handle_packet(h, buf, (int)len);
        if ((i & 31) == 31) release(qh, now_ns()); /* a burst must not hold back what is due */
      }
    }
    if (r > 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      char c;
      if (read(0, &c, 1) <= 0) stop = 1; /* the owner went away */
    }
    n = now_ns();
    release(qh, n);
    if (n >= next_check) {
      unsigned long q = qd, u = ud;
      kernel_drops(&q, &u);
      if (q != qd || u != ud) {
        fprintf(stderr, "nfq-delay: queue %d: kernel dropped %lu packets (queue full) and %lu (socket buffer full) in the last second\n", queue_num, q - qd, u - ud);
      }
      qd = q;
      ud = u;
      next_check = n + 1000000000ull;
    }
  }
  while (head != tail) {
    nfq_set_verdict(qh, ids[head], NF_ACCEPT, 0, NULL);
    head = (head + 1) & (RING - 1);
  }
  kernel_drops(&qd, &ud);
  /* Being a little late now and then is scheduling noise; over 1% of packets is worth a word. */
  if (ring_full || enobufs || late * 100 > received || qd != qd0 || ud != ud0) {
    fprintf(stderr, "nfq-delay: queue %d: %lu packets delayed; %lu released over 2 ms late (worst %.1f ms), %lu passed undelayed (ring full), %lu ENOBUFS, kernel dropped %lu (queue full) + %lu (socket buffer full)\n",
            queue_num, received, late, (double)max_late_ns / 1e6, ring_full, enobufs, qd - qd0, ud - ud0);
  }
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
