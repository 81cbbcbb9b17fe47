#!/usr/bin/env bash
# The whole test suite, from a fresh clone: system packages (as root), npm packages, lint,
# type-check, build, generated-file checks, then every test on this machine's Node and on
# the current LTS (Node 24). This is the README's test command and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

need_pkgs=()
for pair in nmap:nmap nft:nftables ip:iproute2 xmllint:libxml2-utils ndiff:ndiff iptables:iptables gcc:gcc g++:g++ make:make python3:python3 dnsmasq:dnsmasq-base chronyd:chrony snmpd:snmpd; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
[ -e /usr/include/libnetfilter_queue/libnetfilter_queue.h ] || need_pkgs+=(libnetfilter-queue-dev)
[ -x /usr/bin/time ] || need_pkgs+=(time)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "apt-get install ${need_pkgs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
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
npx -y -p node@24 node scripts/run-tests.mjs
