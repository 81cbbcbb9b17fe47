/**
 * The firewall apply state: parseState over good and corrupt files (PC_FIREWALL_STATE naming
 * the file and the field), the state dir's precedence, permissions and atomic writes, the lock,
 * and the pure parts of rollback (the nft restore script, iptables-save normalisation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortcullisError } from '../../src/core/errors.js';
import { ensureStateDir, parseState, readState, resolveStateDir, withStateLock, writeState, type ApplyState } from '../../src/firewall/state.js';
import { normalizeIptablesSave, nftRestoreScript, withInputJump } from '../../src/firewall/apply.js';

const GOOD: ApplyState = {
  version: 1,
  id: '0123456789abcdef',
  backend: 'iptables',
  appliedAt: '2026-11-25T22:00:00.000Z',
  deadline: '2026-11-25T22:00:30.000Z',
  confirmed: false,
  savedFiles: { v4: 'saved-0123456789abcdef.v4', v6: 'saved-0123456789abcdef.v6' },
  netns: 'net:[4026531840]',
  timerPid: 4242,
};

test('parseState accepts good states and names the bad field of corrupt ones', () => {
  const ok: { name: string; value: unknown }[] = [
    { name: 'pending iptables', value: GOOD },
    { name: 'confirmed nftables without timer or netns', value: { version: 1, id: 'deadbeefdeadbeef', backend: 'nftables', appliedAt: GOOD.appliedAt, deadline: null, confirmed: true, savedFiles: { nft: 'saved-x.nft' } } },
  ];
  for (const c of ok) assert.deepEqual(parseState(JSON.stringify(c.value)), c.value, c.name);

  const bad: { name: string; text: string; why: RegExp }[] = [
    { name: 'not JSON', text: '{"version":1,', why: /not JSON/ },
    { name: 'empty file', text: '', why: /not JSON/ },
    { name: 'array', text: '[]', why: /not a JSON object/ },
    { name: 'other version', text: JSON.stringify({ ...GOOD, version: 2 }), why: /"version"/ },
    { name: 'bad id', text: JSON.stringify({ ...GOOD, id: '../x' }), why: /"id"/ },
    { name: 'unknown backend', text: JSON.stringify({ ...GOOD, backend: 'ufw' }), why: /"backend"/ },
    { name: 'bad appliedAt', text: JSON.stringify({ ...GOOD, appliedAt: 'yesterday' }), why: /"appliedAt"/ },
    { name: 'bad deadline', text: JSON.stringify({ ...GOOD, deadline: 30 }), why: /"deadline"/ },
    { name: 'confirmed not boolean', text: JSON.stringify({ ...GOOD, confirmed: 'yes' }), why: /"confirmed"/ },
    { name: 'saved file outside the dir', text: JSON.stringify({ ...GOOD, savedFiles: { v4: '../../etc/shadow', v6: 'x' } }), why: /"savedFiles\.v4"/ },
    { name: 'iptables without v6', text: JSON.stringify({ ...GOOD, savedFiles: { v4: 'x' } }), why: /"savedFiles\.v6"/ },
    { name: 'nftables without nft', text: JSON.stringify({ ...GOOD, backend: 'nftables' }), why: /"savedFiles\.nft"/ },
    { name: 'bad timer pid', text: JSON.stringify({ ...GOOD, timerPid: -1 }), why: /"timerPid"/ },
  ];
  for (const c of bad) {
    assert.throws(
      () => parseState(c.text, '/var/lib/portcullis/firewall/state.json'),
      (err: unknown) => isPortcullisError(err, 'PC_FIREWALL_STATE') && err.message.includes('/var/lib/portcullis/firewall/state.json') && c.why.test(err.message) && err.exitCode === 2,
      c.name,
    );
  }
});

test('resolveStateDir prefers the option, then PORTCULLIS_STATE_DIR, then the default', () => {
  const cases: { opt: string | undefined; env: string | undefined; want: string }[] = [
    { opt: '/o', env: '/e', want: '/o' },
    { opt: undefined, env: '/e', want: '/e' },
    { opt: '', env: '', want: '/var/lib/portcullis/firewall' },
    { opt: undefined, env: undefined, want: '/var/lib/portcullis/firewall' },
  ];
  for (const c of cases) assert.equal(resolveStateDir(c.opt, c.env === undefined ? {} : { PORTCULLIS_STATE_DIR: c.env }), c.want);
});

test('state dir is 0700 and the state file round-trips without temp files left', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pc-fwstate-'));
  try {
    const dir = ensureStateDir(join(root, 'a', 'b'));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(readState(dir), undefined);
    writeState(dir, GOOD);
    writeState(dir, { ...GOOD, confirmed: true });
    assert.equal(readState(dir)?.confirmed, true);
    assert.deepEqual(readdirSync(dir), ['state.json']);
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    writeFileSync(join(dir, 'state.json'), '{oops');
    assert.throws(() => readState(dir), (err: unknown) => isPortcullisError(err, 'PC_FIREWALL_STATE') && err.message.includes(join(dir, 'state.json')));
    // A lock left by a dead process is taken over; a live holder makes the other wait.
    writeFileSync(join(dir, 'lock'), '999999999\n');
    assert.equal(await withStateLock(dir, () => Promise.resolve('took over')), 'took over');
    const order: string[] = [];
    await Promise.all([
      withStateLock(dir, async () => {
        order.push('a-in');
        await new Promise((r) => setTimeout(r, 100));
        order.push('a-out');
      }),
      new Promise((r) => setTimeout(r, 20)).then(() => withStateLock(dir, () => Promise.resolve(order.push('b')))),
    ]);
    assert.deepEqual(order, ['a-in', 'a-out', 'b']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('nftRestoreScript flushes the ruleset, or spares iptables-nft tables', () => {
  const mine = 'table inet mine {\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n\t}\n}\n';
  const ours = 'table inet portcullis {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n';
  const ipt = 'table ip filter {\n\tchain INPUT {\n\t\ttype filter hook input priority filter; policy accept;\n\t\ttcp dport 22  counter packets 0 bytes 0 accept\n\t}\n}\n';
  assert.equal(nftRestoreScript(mine, mine + ours), `flush ruleset\n${mine}`);
  assert.equal(nftRestoreScript('', ours), 'flush ruleset\n');
  // The iptables comment nft prints as nothing (the double space) would be lost by a reload.
  // Unchanged tables stay where they are; changed ones are replaced, ours goes.
  assert.equal(nftRestoreScript(ipt + mine, ipt + mine + ours), 'delete table inet portcullis\n');
  const mine2 = mine.replace('policy accept', 'policy drop');
  assert.equal(nftRestoreScript(ipt + mine, ipt + mine2 + ours), `delete table inet mine\ndelete table inet portcullis\n${mine.trimEnd()}\n`);
  assert.equal(nftRestoreScript(`# Warning: table ip filter is managed by iptables-nft, do not touch!\n${ipt}`, ipt + ours), 'delete table inet portcullis\n');
});

test('normalizeIptablesSave ignores comment lines and counters', () => {
  const a = '# Generated by iptables-save v1.8.9 (nf_tables) on Wed Nov 25 22:00:05 2026\n*filter\n:INPUT ACCEPT [12:3456]\n-A INPUT -j ACCEPT\nCOMMIT\n# Completed on Wed Nov 25 22:00:05 2026\n';
  const b = '# Generated by iptables-save v1.8.9 (nf_tables) on Thu Nov 26 01:00:00 2026\n*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n';
  assert.equal(normalizeIptablesSave(a), normalizeIptablesSave(b));
  assert.notEqual(normalizeIptablesSave(a), normalizeIptablesSave(b.replace('ACCEPT [0:0]', 'DROP [0:0]')));
});

test('withInputJump hooks our chain inside the same filter commit, once', () => {
  const v4 = '# plan\n*filter\n:PORTCULLIS-INPUT - [0:0]\n-A PORTCULLIS-INPUT -j DROP\nCOMMIT\n';
  const cases: { name: string; dump: string; want: string }[] = [
    { name: 'not hooked yet', dump: '', want: '# plan\n*filter\n:PORTCULLIS-INPUT - [0:0]\n-A PORTCULLIS-INPUT -j DROP\n-I INPUT 1 -j PORTCULLIS-INPUT\nCOMMIT\n' },
    { name: 'already hooked', dump: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j PORTCULLIS-INPUT\nCOMMIT\n', want: v4 },
  ];
  for (const c of cases) assert.equal(withInputJump(v4, c.dump), c.want, c.name);
  assert.equal(withInputJump('*nat\nCOMMIT\n', ''), '*nat\nCOMMIT\n', 'no chain of ours, no jump');
});
