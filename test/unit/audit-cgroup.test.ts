import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCgroup } from '../../src/audit/cgroup.js';
import type { CgroupInfo } from '../../src/audit/types.js';

// Container ids and pod uids shaped like the real ones (64 hex; RFC 4122 uids).
const D = '9ec39b91f3d70e1beff50a308f77067065ea6be0d91a3378375056cd4422cf3d';
const P = 'b7e26f0c3a1d4e5f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f';
const K = '0a1b22ec1361a97c3511db37a4bae932d41b22264e5b97611748f8b662312574';
const UID = '8d3b6a4e-7f41-4c5e-9a2b-0f1e2d3c4b5a';
const UID_ = UID.replaceAll('-', '_');

/** Cgroup v1 as a systemd machine writes it: one line per hierarchy, all with the same path. */
const v1 = (path: string): string =>
  ['12:pids', '11:hugetlb', '10:net_cls,net_prio', '9:perf_event', '8:devices', '7:freezer', '6:memory', '5:cpuset', '4:blkio', '3:cpu,cpuacct', '2:rdma', '1:name=systemd']
    .map((h) => `${h}:${path}`)
    .join('\n') + '\n0::/\n';

const CASES: readonly { name: string; text: string; want: CgroupInfo }[] = [
  // systemd units
  { name: 'a system service (v2)', text: '0::/system.slice/redis-server.service\n', want: { unit: 'redis-server.service' } },
  { name: 'a templated service', text: '0::/system.slice/system-openvpn\\x2dserver.slice/openvpn-server@home.service\n', want: { unit: 'openvpn-server@home.service' } },
  { name: 'a sub-group of a delegated service', text: '0::/system.slice/gitlab-runner.service/docker-builds\n', want: { unit: 'gitlab-runner.service' } },
  { name: 'the Docker daemon itself', text: '0::/system.slice/docker.service\n', want: { unit: 'docker.service' } },
  { name: 'a login session', text: '0::/user.slice/user-0.slice/session-3.scope\n', want: { unit: 'session-3.scope' } },
  { name: "a user's own service under user@.service", text: '0::/user.slice/user-1000.slice/user@1000.service/app.slice/syncthing.service\n', want: { unit: 'syncthing.service' } },
  {
    name: 'a desktop app scope under user@.service',
    text: '0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-org.gnome.Terminal-4182.scope\n',
    want: { unit: 'app-gnome-org.gnome.Terminal-4182.scope' },
  },
  { name: 'the user manager itself', text: '0::/user.slice/user-1000.slice/user@1000.service/init.scope\n', want: { unit: 'init.scope' } },
  { name: 'PID 1', text: '0::/init.scope\n', want: { unit: 'init.scope' } },
  { name: 'the root cgroup', text: '0::/\n', want: {} },
  { name: 'a v1 service, named by name=systemd', text: v1('/system.slice/ssh.service'), want: { unit: 'ssh.service' } },
  {
    name: 'a v1 hybrid where only name=systemd knows the unit',
    text: '4:memory:/\n3:cpu,cpuacct:/\n1:name=systemd:/system.slice/postgresql@16-main.service\n0::/\n',
    want: { unit: 'postgresql@16-main.service' },
  },
  { name: 'empty text', text: '', want: {} },

  // Docker
  { name: 'Docker, systemd driver (v2)', text: `0::/system.slice/docker-${D}.scope\n`, want: { container: { runtime: 'docker', id: D } } },
  { name: 'Docker, systemd driver (v1)', text: v1(`/system.slice/docker-${D}.scope`), want: { container: { runtime: 'docker', id: D } } },
  { name: 'Docker, cgroupfs driver (v1)', text: v1(`/docker/${D}`), want: { container: { runtime: 'docker', id: D } } },
  { name: 'Docker seen from another cgroup namespace', text: `0::/../docker-${D}.scope\n`, want: { container: { runtime: 'docker', id: D } } },

  // Podman
  { name: 'Podman, rootful', text: `0::/machine.slice/libpod-${P}.scope/container\n`, want: { container: { runtime: 'podman', id: P } } },
  {
    name: 'Podman, rootless',
    text: `0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${P}.scope\n`,
    want: { unit: 'user@1000.service', container: { runtime: 'podman', id: P } },
  },
  { name: "Podman's conmon, which is not the container", text: `0::/machine.slice/libpod-conmon-${P}.scope\n`, want: { unit: `libpod-conmon-${P}.scope` } },
  { name: 'Podman, cgroupfs manager', text: `0::/libpod_parent/libpod-${P}\n`, want: { container: { runtime: 'podman', id: P } } },

  // Kubernetes
  {
    name: 'Kubernetes, systemd driver, containerd, burstable',
    text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${K}.scope\n`,
    want: { container: { runtime: 'kubernetes', id: K, podUid: UID } },
  },
  {
    name: 'Kubernetes, systemd driver, CRI-O, guaranteed',
    text: `0::/kubepods.slice/kubepods-pod${UID_}.slice/crio-${K}.scope\n`,
    want: { container: { runtime: 'kubernetes', id: K, podUid: UID } },
  },
  {
    name: 'Kubernetes, systemd driver, dockershim, besteffort (v1)',
    text: v1(`/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice/docker-${K}.scope`),
    want: { container: { runtime: 'kubernetes', id: K, podUid: UID } },
  },
  {
    name: 'Kubernetes, cgroupfs driver (v1)',
    text: `6:memory:/kubepods/burstable/podfbc202d3-da21-11e8-ab5e-42010a80014b/${K}\n1:name=systemd:/kubepods/burstable/podfbc202d3-da21-11e8-ab5e-42010a80014b/${K}\n`,
    want: { container: { runtime: 'kubernetes', id: K, podUid: 'fbc202d3-da21-11e8-ab5e-42010a80014b' } },
  },
  {
    name: "CRI-O's conmon in a pod, which is not a container",
    text: `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-conmon-${K}.scope\n`,
    want: { container: { runtime: 'kubernetes', id: '', podUid: UID } },
  },

  // containerd without Kubernetes
  { name: 'nerdctl', text: `0::/system.slice/nerdctl-${K}.scope\n`, want: { container: { runtime: 'containerd', id: K } } },
  { name: 'ctr in the default namespace', text: `0::/default/${K}\n`, want: { container: { runtime: 'containerd', id: K } } },

  // LXC / LXD
  { name: 'LXC, v1', text: v1('/lxc/web01'), want: { container: { runtime: 'lxc', id: 'web01', name: 'web01' } } },
  { name: 'LXC 4+, a service inside the container', text: '0::/lxc.payload.web01/system.slice/nginx.service\n', want: { container: { runtime: 'lxc', id: 'web01', name: 'web01' } } },
  { name: 'LXC 3, payload directory', text: '0::/lxc.payload/web01/init.scope\n', want: { container: { runtime: 'lxc', id: 'web01', name: 'web01' } } },
  { name: "LXC's monitor, which is not the container", text: '0::/lxc.monitor.web01\n', want: {} },

  // systemd-nspawn
  {
    name: 'systemd-nspawn, with an escaped machine name',
    text: '0::/machine.slice/machine-debian\\x2dbookworm.scope/payload/system.slice/nginx.service\n',
    want: { container: { runtime: 'systemd-nspawn', id: 'debian-bookworm', name: 'debian-bookworm' } },
  },
  { name: 'a libvirt VM in machine.slice, which is not a container', text: '0::/machine.slice/machine-qemu\\x2d1\\x2dwin11.scope/libvirt/emulator\n', want: { unit: 'machine-qemu\\x2d1\\x2dwin11.scope' } },
];

for (const c of CASES) {
  test(`parseCgroup reads ${c.name}`, () => {
    assert.deepEqual(parseCgroup(c.text), c.want);
  });
}

test('parseCgroup ignores lines that are not cgroup lines', () => {
  assert.deepEqual(parseCgroup('garbage\n\n0::/system.slice/cron.service\r\n'), { unit: 'cron.service' });
});
