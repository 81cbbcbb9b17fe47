/*
 * nfq-delay: holds every packet of an NFQUEUE for a fixed time, then accepts it.
 * The test bed's stand-in for netem (this kernel has no sch_netem): run inside a network
 * namespace whose nftables rules send packets to the queue, it adds a one-way delay.
 *
 *   nfq-delay QUEUE_NUM DELAY_MS
 *
 * Packets are released in arrival order; verdicts are given by packet id, so they may be out
 * of order with respect to ids, which libnetfilter_queue allows. Only metadata is copied.
 */
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
#include <sys/socket.h>
#include <time.h>

#define RING (1u << 20)

static uint32_t ids[RING];
static uint64_t due[RING];
static unsigned head, tail;
static uint64_t delay_ns;
static volatile sig_atomic_t stop;
static unsigned long overflow;

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
  if (((tail + 1) & (RING - 1)) == head) {
    overflow++;
    return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
  }
  ids[tail] = id;
  due[tail] = now_ns() + delay_ns;
  tail = (tail + 1) & (RING - 1);
  return 0;
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
  int queue = atoi(argv[1]);
  delay_ns = (uint64_t)(atof(argv[2]) * 1e6);
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  struct nfq_handle *h = nfq_open();
  if (h == NULL) { perror("nfq_open"); return 1; }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, on_packet, NULL);
  if (qh == NULL) { perror("nfq_create_queue"); return 1; }
  if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen(qh, 1 << 20);
  int fd = nfq_fd(h);
  int one = 1, big = 64 << 20;
  setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  nfnl_rcvbufsiz(nfq_nfnlh(h), 64 << 20);

  fprintf(stdout, "ready\n");
  fflush(stdout);
  static char buf[65536] __attribute__((aligned));
  while (!stop) {
    int timeout = 100;
    if (head != tail) {
      uint64_t n = now_ns();
      timeout = due[head] > n ? (int)((due[head] - n) / 1000000ull) : 0;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int r = poll(&p, 1, timeout);
    if (r > 0 && (p.revents & POLLIN)) {
      for (int i = 0; i < 256; i++) {
        ssize_t len = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (len <= 0) break;
        nfq_handle_packet(h, buf, (int)len);
      }
    }
    uint64_t n = now_ns();
    while (head != tail && due[head] <= n) {
      nfq_set_verdict(qh, ids[head], NF_ACCEPT, 0, NULL);
      head = (head + 1) & (RING - 1);
    }
  }
  while (head != tail) {
    nfq_set_verdict(qh, ids[head], NF_ACCEPT, 0, NULL);
    head = (head + 1) & (RING - 1);
  }
  if (overflow) fprintf(stderr, "nfq-delay: %lu packets passed undelayed (ring full)\n", overflow);
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
