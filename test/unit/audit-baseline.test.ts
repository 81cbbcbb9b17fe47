import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPortcullisError, t } from '../../src/core/errors.js';
import type { Listener, NetnsRef, ProcessInfo, SocketKind } from '../../src/audit/types.js';
import { baselineKeyOf, createBaseline, diffBaseline, parseBaseline, serializeBaseline, type Baseline, type BaselineChange } from '../../src/audit/baseline.js';

const OWN: NetnsRef = { inode: 4026531840, own: true };

/** A listener with sensible defaults: tcp on 0.0.0.0, sshd as root, in the audit's own namespace. */
function listener(o: { kind?: SocketKind; address?: string; port: number; netns?: NetnsRef; uid?: number; processes?: Partial<ProcessInfo>[] }): Listener {
  const address = o.address ?? '0.0.0.0';
  return {
    kind: o.kind ?? 'tcp',
    family: o.kind === 'packet' ? undefined : address.includes(':') ? 6 : 4,
    address,
    port: o.port,
    scope: 'all',
    inode: 5000 + o.port,
    uid: o.uid ?? 0,
    netns: o.netns ?? OWN,
    processes: (o.processes ?? [{}]).map((p, i) => ({ pid: 800 + i, name: 'sshd', cmdline: [], exe: '/usr/sbin/sshd', uid: 0, user: 'root', ...p })),
    exposure: 'unknown',
    exposureReason: t('', ''),
    findings: [],
  };
}

const NOW = new Date('2026-11-25T21:00:00.000Z');

test('createBaseline records each listener with its owner', () => {
  const b = createBaseline(
    [
      listener({ port: 22, processes: [{ unit: 'ssh.service' }] }),
      listener({ address: '::', port: 80, netns: { inode: 4026532999, name: 'web', own: false }, processes: [{ pid: 31, name: 'nginx', exe: '/usr/sbin/nginx', user: 'www-data', uid: 33, container: { runtime: 'docker', id: 'a'.repeat(64), name: 'web' } }] }),
      listener({ kind: 'packet', address: '*', port: 3, uid: 0, processes: [] }),
    ],
    NOW,
    'web-1',
  );
  assert.deepEqual(b, {
    format: 'portcullis-baseline',
    version: 1,
    created: '2026-11-25T21:00:00.000Z',
    host: 'web-1',
    listeners: [
      { kind: 'tcp', family: 4, address: '0.0.0.0', port: 22, netns: 4026531840, pid: 800, process: 'sshd', exe: '/usr/sbin/sshd', user: 'root', uid: 0, unit: 'ssh.service' },
      { kind: 'tcp', family: 6, address: '::', port: 80, netns: 'web', pid: 31, process: 'nginx', exe: '/usr/sbin/nginx', user: 'www-data', uid: 33, container: { runtime: 'docker', id: 'a'.repeat(64), name: 'web' } },
      { kind: 'packet', family: null, address: '*', port: 3, netns: 4026531840, pid: null, process: null, exe: null, user: null, uid: null },
    ],
  });
});

test('createBaseline sorts listeners whatever order the audit found them in', () => {
  const ls = [listener({ kind: 'udp', port: 53 }), listener({ port: 443 }), listener({ address: '::', port: 22 }), listener({ port: 22 })];
  const keys = (b: Baseline): string[] => b.listeners.map((x) => `${x.kind} ${x.family} ${x.port}`);
  assert.deepEqual(keys(createBaseline(ls, NOW, 'h')), ['tcp 4 22', 'tcp 4 443', 'tcp 6 22', 'udp 4 53']);
  assert.deepEqual(keys(createBaseline([...ls].reverse(), NOW, 'h')), keys(createBaseline(ls, NOW, 'h')));
});

test('createBaseline records SO_REUSEPORT siblings of one program once, and of two programs twice', () => {
  const nginx = { name: 'nginx', exe: '/usr/sbin/nginx', user: 'www-data', uid: 33 };
  const b = createBaseline([listener({ port: 443, processes: [{ ...nginx, pid: 10 }] }), listener({ port: 443, processes: [{ ...nginx, pid: 11 }] }), listener({ port: 443, processes: [{ pid: 12, name: 'envoy', exe: '/usr/bin/envoy', user: 'envoy', uid: 101 }] })], NOW, 'h');
  assert.deepEqual(
    b.listeners.map((x) => [x.pid, x.exe]),
    [
      [10, '/usr/sbin/nginx'],
      [12, '/usr/bin/envoy'],
    ],
  );
});

test('serializeBaseline writes pretty JSON that parseBaseline reads back unchanged', () => {
  const b = createBaseline([listener({ port: 22 }), listener({ kind: 'raw', address: '0.0.0.0', port: 1, processes: [{ name: 'ping', exe: '/usr/bin/ping', container: { runtime: 'podman', id: 'b'.repeat(64) } }] })], NOW, 'web-1');
  const text = serializeBaseline(b);
  assert.ok(text.endsWith('}\n'));
  assert.match(text, /^\{\n {2}"format": "portcullis-baseline",\n {2}"version": 1,/);
  assert.deepEqual(parseBaseline(text, 'base.json'), b);
});

test('parseBaseline ignores fields it does not know', () => {
  const b = JSON.parse(serializeBaseline(createBaseline([listener({ port: 22 })], NOW, 'h'))) as Record<string, unknown> & { listeners: Record<string, unknown>[] };
  b.comment = 'taken after the upgrade';
  b.listeners[0]!.note = 'ok';
  assert.deepEqual(parseBaseline(JSON.stringify(b), 'base.json').listeners[0]!.port, 22);
});

const GOOD = { kind: 'tcp', family: 4, address: '0.0.0.0', port: 22, netns: 4026531840, pid: 1, process: 'sshd', exe: '/usr/sbin/sshd', user: 'root', uid: 0 };
const doc = (over: Record<string, unknown>, listenerOver: Record<string, unknown> = {}): string => JSON.stringify({ format: 'portcullis-baseline', version: 1, created: '2026-11-25T21:00:00.000Z', host: 'h', listeners: [GOOD, { ...GOOD, ...listenerOver }], ...over });

const bad: { name: string; text: string; wantErr: RegExp; wantEs?: RegExp }[] = [
  { name: 'text that is not JSON', text: '{"format": ', wantErr: /^base\.json: not JSON \(/, wantEs: /^base\.json: no es JSON \(/ },
  { name: 'an empty file', text: '', wantErr: /^base\.json: not JSON/ },
  { name: 'a JSON array', text: '[]', wantErr: /^base\.json: expected a baseline object, got an array$/ },
  { name: 'another format', text: doc({ format: 'nmap' }), wantErr: /^base\.json: format: expected "portcullis-baseline", got "nmap" \(not a Portcullis baseline\)$/, wantEs: /^base\.json: format: se esperaba "portcullis-baseline", hay "nmap"/ },
  { name: 'a missing format', text: doc({ format: undefined }), wantErr: /^base\.json: format: expected "portcullis-baseline", got undefined/ },
  { name: 'version 2', text: doc({ version: 2 }), wantErr: /^base\.json: version: version 2 is not supported \(this Portcullis reads version 1\)$/ },
  { name: 'a version that is a string', text: doc({ version: '1' }), wantErr: /^base\.json: version: expected 1, got "1"$/ },
  { name: 'a created that is not a date', text: doc({ created: 'yesterday' }), wantErr: /^base\.json: created: expected an ISO 8601 date and time, got "yesterday"$/ },
  { name: 'a host that is a number', text: doc({ host: 7 }), wantErr: /^base\.json: host: expected a host name, got 7$/ },
  { name: 'listeners that are an object', text: doc({ listeners: {} }), wantErr: /^base\.json: listeners: expected an array, got an object$/ },
  { name: 'a listener that is a string', text: doc({ listeners: ['tcp 22'] }), wantErr: /^base\.json: listeners\[0\]: expected an object, got "tcp 22"$/ },
  { name: 'a port that is a string', text: doc({}, { port: '22' }), wantErr: /^base\.json: listeners\[1\]\.port: expected an integer 0-65535, got "22"$/, wantEs: /^base\.json: listeners\[1\]\.port: se esperaba un entero 0-65535, hay "22"$/ },
  { name: 'a port above 65535', text: doc({}, { port: 65536 }), wantErr: /listeners\[1\]\.port: expected an integer 0-65535, got 65536$/ },
  { name: 'an unknown kind', text: doc({}, { kind: 'sctp' }), wantErr: /listeners\[1\]\.kind: expected tcp, udp, raw or packet, got "sctp"$/ },
  { name: 'family 5', text: doc({}, { family: 5 }), wantErr: /listeners\[1\]\.family: expected 4, 6 or null, got 5$/ },
  { name: 'an empty address', text: doc({}, { address: '' }), wantErr: /listeners\[1\]\.address: expected an address, got ""$/ },
  { name: 'a netns that is a list', text: doc({}, { netns: [1] }), wantErr: /listeners\[1\]\.netns: expected a namespace name or inode, got an array$/ },
  { name: 'pid 0', text: doc({}, { pid: 0 }), wantErr: /listeners\[1\]\.pid: expected a pid or null, got 0$/ },
  { name: 'a missing exe', text: doc({}, { exe: undefined }), wantErr: /listeners\[1\]\.exe: expected a path or null, got undefined$/ },
  { name: 'a uid that is a name', text: doc({}, { uid: 'root' }), wantErr: /listeners\[1\]\.uid: expected a uid or null, got "root"$/ },
  { name: 'a unit that is a number', text: doc({}, { unit: 5 }), wantErr: /listeners\[1\]\.unit: expected a systemd unit name, got 5$/ },
  { name: 'a container that is a string', text: doc({}, { container: 'docker' }), wantErr: /listeners\[1\]\.container: expected an object \{ runtime, id, name\? \}, got "docker"$/ },
  { name: 'an unknown container runtime', text: doc({}, { container: { runtime: 'rkt', id: 'x' } }), wantErr: /listeners\[1\]\.container\.runtime: expected one of docker, podman, kubernetes, containerd, lxc, systemd-nspawn, got "rkt"$/ },
  { name: 'a container without an id', text: doc({}, { container: { runtime: 'docker' } }), wantErr: /listeners\[1\]\.container\.id: expected a container id, got undefined$/ },
];
for (const c of bad) {
  test(`parseBaseline rejects ${c.name}`, () => {
    assert.throws(
      () => parseBaseline(c.text, 'base.json'),
      (err: unknown) => {
        assert.ok(isPortcullisError(err, 'PC_BASELINE'), String(err));
        assert.equal(err.exitCode, 2);
        assert.equal(err.subject, 'base.json');
        assert.match(err.message, c.wantErr);
        assert.match(err.messageEs, c.wantEs ?? /^base\.json: /);
        return true;
      },
    );
  });
}

const SSHD = listener({ port: 22 });
const WEB = listener({ address: '::', port: 80, processes: [{ pid: 900, name: 'nginx', exe: '/usr/sbin/nginx', user: 'www-data', uid: 33 }] });
const before = createBaseline([SSHD, WEB], NOW, 'web-1');

/** A change as one line: kind, key, and the owner field that changed. */
function summary(c: BaselineChange): string {
  if (c.kind === 'appeared') return `appeared ${c.key} ${c.after.exe}`;
  if (c.kind === 'vanished') return `vanished ${c.key} ${c.before.exe}`;
  return c.kind === 'changed-exe' ? `changed-exe ${c.key} ${c.before.exe} -> ${c.after.exe}` : `changed-owner ${c.key} ${c.before.uid} -> ${c.after.uid}`;
}

const diffs: { name: string; now: Listener[]; want: string[] }[] = [
  { name: 'finds nothing when nothing changed', now: [WEB, SSHD], want: [] },
  { name: 'takes a new pid alone for a restart, not a change', now: [listener({ port: 22, processes: [{ pid: 4321 }] }), listener({ address: '::', port: 80, processes: [{ pid: 77, name: 'nginx', exe: '/usr/sbin/nginx', user: 'www-data', uid: 33 }] })], want: [] },
  { name: 'reports a listener that appeared', now: [SSHD, WEB, listener({ port: 4444, processes: [{ name: 'nc', exe: '/usr/bin/nc.openbsd', user: 'www-data', uid: 33 }] })], want: ['appeared tcp 0.0.0.0:4444 netns 4026531840 /usr/bin/nc.openbsd'] },
  { name: 'reports a listener that vanished', now: [SSHD], want: ['vanished tcp [::]:80 netns 4026531840 /usr/sbin/nginx'] },
  { name: 'reports a change of user', now: [listener({ port: 22, processes: [{ user: 'nobody', uid: 65534 }] }), WEB], want: ['changed-owner tcp 0.0.0.0:22 netns 4026531840 0 -> 65534'] },
  { name: 'reports a change of executable', now: [listener({ port: 22, processes: [{ exe: '/tmp/.sshd' }] }), WEB], want: ['changed-exe tcp 0.0.0.0:22 netns 4026531840 /usr/sbin/sshd -> /tmp/.sshd'] },
  { name: 'reports a change of both user and executable as two changes', now: [SSHD, listener({ address: '::', port: 80, processes: [{ name: 'python3', exe: '/usr/bin/python3.12', user: 'root', uid: 0 }] })], want: ['changed-owner tcp [::]:80 netns 4026531840 33 -> 0', 'changed-exe tcp [::]:80 netns 4026531840 /usr/sbin/nginx -> /usr/bin/python3.12'] },
  { name: 'takes an owner it could not read for no change', now: [listener({ port: 22, processes: [] }), listener({ address: '::', port: 80, processes: [{ pid: 900, name: 'nginx' , exe: undefined, user: undefined, uid: undefined }] })], want: [] },
  { name: 'takes a new address for a new listener', now: [listener({ address: '127.0.0.1', port: 22 }), WEB], want: ['vanished tcp 0.0.0.0:22 netns 4026531840 /usr/sbin/sshd', 'appeared tcp 127.0.0.1:22 netns 4026531840 /usr/sbin/sshd'] },
  { name: 'takes another namespace for another listener', now: [SSHD, WEB, listener({ port: 22, netns: { inode: 4026533000, name: 'blue', own: false } })], want: ['appeared tcp 0.0.0.0:22 netns blue /usr/sbin/sshd'] },
  { name: 'takes the same port on another protocol for another listener', now: [SSHD, WEB, listener({ kind: 'udp', port: 22 })], want: ['appeared udp 0.0.0.0:22 netns 4026531840 /usr/sbin/sshd'] },
  { name: 'reports a second program joining a port as appeared, not as a change', now: [SSHD, WEB, listener({ address: '::', port: 80, processes: [{ pid: 5000, name: 'evil', exe: '/dev/shm/evil', user: 'www-data', uid: 33 }] })], want: ['appeared tcp [::]:80 netns 4026531840 /dev/shm/evil'] },
  { name: 'reports everything vanished when nothing listens', now: [], want: ['vanished tcp 0.0.0.0:22 netns 4026531840 /usr/sbin/sshd', 'vanished tcp [::]:80 netns 4026531840 /usr/sbin/nginx'] },
];
for (const c of diffs) {
  test(`diffBaseline ${c.name}`, () => {
    assert.deepEqual(diffBaseline(before, c.now).map(summary), c.want);
  });
}

test('diffBaseline works from a baseline read back from its file', () => {
  const reread = parseBaseline(serializeBaseline(before), 'base.json');
  assert.deepEqual(diffBaseline(reread, [listener({ port: 22, processes: [{ exe: '/tmp/.sshd' }] })]).map(summary), ['changed-exe tcp 0.0.0.0:22 netns 4026531840 /usr/sbin/sshd -> /tmp/.sshd', 'vanished tcp [::]:80 netns 4026531840 /usr/sbin/nginx']);
});

test('diffBaseline messages say what changed in both languages', () => {
  const [exe] = diffBaseline(before, [listener({ port: 22, processes: [{ pid: 5, exe: '/tmp/.sshd' }] }), WEB]);
  assert.deepEqual(exe?.message, {
    en: 'tcp 0.0.0.0:22 netns 4026531840: the executable changed from /usr/sbin/sshd to /tmp/.sshd (sshd, pid 5)',
    es: 'tcp 0.0.0.0:22 netns 4026531840: el ejecutable cambió de /usr/sbin/sshd a /tmp/.sshd (sshd, pid 5)',
  });
  const [owner] = diffBaseline(before, [listener({ port: 22, processes: [{ pid: 5, user: 'nobody', uid: 65534 }] }), WEB]);
  assert.equal(owner?.message.en, 'tcp 0.0.0.0:22 netns 4026531840: the user changed from root (uid 0) to nobody (uid 65534) (sshd, pid 5)');
  const [gone] = diffBaseline(before, [WEB]);
  assert.deepEqual(gone?.message, { en: 'tcp 0.0.0.0:22 netns 4026531840 (sshd, pid 800) no longer listens', es: 'tcp 0.0.0.0:22 netns 4026531840 (sshd, pid 800) ya no escucha' });
  const [extra] = diffBaseline(before, [SSHD, WEB, listener({ port: 8080, processes: [] })]);
  assert.deepEqual(extra?.message, { en: 'tcp 0.0.0.0:8080 netns 4026531840 (owner unknown) is new since the baseline of 2026-11-25T21:00:00.000Z', es: 'tcp 0.0.0.0:8080 netns 4026531840 (dueño desconocido) es nuevo desde la línea base del 2026-11-25T21:00:00.000Z' });
});

test('diffBaseline hands back the current listener with each change that has one', () => {
  const l = listener({ port: 4444 });
  const [c] = diffBaseline(before, [SSHD, WEB, l]);
  assert.ok(c?.kind === 'appeared');
  assert.equal(c.listener, l);
});

test('baselineKeyOf gives a listener and its baseline record the same key', () => {
  assert.equal(baselineKeyOf(WEB), 'tcp [::]:80 netns 4026531840');
  assert.equal(baselineKeyOf(before.listeners[1]!), baselineKeyOf(WEB));
});
