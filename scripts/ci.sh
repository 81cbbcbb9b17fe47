#!/usr/bin/env bash
# The whole test suite, from a fresh clone: system packages (as root), npm packages, lint,
# type-check, build, generated-file checks, then every test on this machine's Node and on
# the current LTS (Node 24). This is the README's test command and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

need_pkgs=()
# The service corpus (test/helpers/service-corpus.ts) runs sshd, nginx, apache2, vsftpd, postfix,
# dovecot, memcached and named in a test namespace; the packages must not start them on the host.
for pair in nmap:nmap nft:nftables ip:iproute2 xmllint:libxml2-utils ndiff:ndiff iptables:iptables gcc:gcc g++:g++ make:make python3:python3 dnsmasq:dnsmasq-base chronyd:chrony snmpd:snmpd \
  openssl:openssl sshd:openssh-server nginx:nginx apache2:apache2 vsftpd:vsftpd postfix:postfix memcached:memcached named:bind9; do
  # /usr/sbin too: daemons live there, and a CI PATH may not include it.
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need_pkgs+=("${pair#*:}")
done
[ -e /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || need_pkgs+=(libnetfilter-queue-dev)
[ -e /usr/lib/dovecot/imap-login ] || need_pkgs+=(dovecot-imapd)
[ -e /usr/lib/dovecot/pop3-login ] || need_pkgs+=(dovecot-pop3d)
[ -x /usr/bin/time ] || need_pkgs+=(time)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install ${need_pkgs[*]}"
    apt-get update -qq
    # Daemon packages start their service on install (sshd on 22, nginx on 80, postfix on 25...):
    # policy-rc.d exit 101 forbids that while installing (the image may already have one; it stays).
    own_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
    [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  else
    echo "not root: cannot install ${need_pkgs[*]}; tests that need them will say so and skip"
  fi
fi

step "npm ci (its install script builds the optional raw-socket addon)"
npm ci --no-audit --no-fund --loglevel=error

step "lint"
npx eslint .
step "type-check"
npx tsc -p tsconfig.json --noEmit
step "build"
npm run build --silent
step "generated files are up to date"
for gen in scripts/gen-*.ts; do
  [ -e "$gen" ] || continue
  node --import tsx "$gen" --check
done

step "tests on $(node --version)"
node scripts/run-tests.mjs

step "tests on Node 24 (current LTS)"
# This pass checks that everything runs on the current LTS. It leaves out the two UDP tests that
# wait on this machine's default ICMP rate limit (about 200 s spent in the kernel's one-per-second
# pacing, not in Node): the pass above runs them. Both passes together stay under 20 minutes.
npx -y -p node@24 node scripts/run-tests.mjs "--test-skip-pattern=default ICMP limits"
