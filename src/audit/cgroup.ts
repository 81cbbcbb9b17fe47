/**
 * Pure reader of /proc/PID/cgroup: which systemd unit and which container a process is in.
 * Lines are "hierarchy-id:controllers:path"; cgroup v2 has the single line "0::/path", v1 one
 * line per hierarchy. The path names the unit and the container the way systemd, the
 * container runtimes and the kubelet lay out their cgroups (see cgroupContainer below).
 */
import type { CgroupInfo, ContainerRef } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;
const UNIT = /\.(service|scope|socket|mount|swap)$/;
// Kubernetes pod uids: a UUID, with '_' for '-' under the systemd cgroup driver (systemd reserves '-').
const POD = /^(?:kubepods-(?:besteffort-|burstable-|guaranteed-)?)?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$/;

/** A container found at segment `at` of a cgroup path. */
interface Found {
  readonly ref: ContainerRef;
  readonly at: number;
}

/** Decodes systemd's unit-name escaping ('\x2d' is '-', since '-' itself means a slice boundary). */
function unescapeSystemd(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The id inside a runtime's scope name: 'docker-<id>.scope', 'cri-containerd-<id>.scope', or a bare 64-hex id. */
function scopeId(segment: string, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) {
    const m = new RegExp(`^${p}-([0-9a-f]{64})(?:\\.scope)?$`).exec(segment);
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}

function kubernetes(segments: readonly string[]): Found | undefined {
  const root = segments.findIndex((s) => s === 'kubepods' || s === 'kubepods.slice');
  if (root < 0) return undefined;
  let podUid: string | undefined;
  for (let i = root + 1; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    const pod = POD.exec(seg);
    if (pod?.[1] !== undefined) {
      podUid = pod[1].replaceAll('_', '-');
      continue;
    }
    // systemd driver: '<runtime>-<id>.scope'; cgroupfs driver: the bare id under pod<uid>.
    // 'crio-conmon-<id>.scope' is CRI-O's monitor process and does not match.
    const id = scopeId(seg, ['cri-containerd', 'crio', 'docker', 'containerd']) ?? (HEX64.test(seg) ? seg : undefined);
    if (id !== undefined) return { at: i, ref: { runtime: 'kubernetes', id, ...(podUid !== undefined && { podUid }) } };
  }
  // In a pod's cgroup but not (yet) in one of its containers: the pod is all there is to say.
  return podUid === undefined ? undefined : { at: segments.length - 1, ref: { runtime: 'kubernetes', id: '', podUid } };
}

/**
 * Finds the container in a cgroup path. Layouts recognised:
 * - Docker: systemd driver 'system.slice/docker-<id>.scope', cgroupfs driver '/docker/<id>'.
 * - Podman: 'libpod-<id>.scope' (rootful and rootless), cgroupfs '/libpod_parent/libpod-<id>';
 *   'libpod-conmon-<id>.scope' holds conmon, the monitor, not the container.
 * - Kubernetes: 'kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice/<runtime>-<id>.scope'
 *   and cgroupfs '/kubepods/<qos>/pod<uid>/<id>'.
 * - containerd without Kubernetes: nerdctl's 'nerdctl-<id>.scope', ctr's '/<namespace>/<id>'.
 * - LXC/LXD: v1 '/lxc/<name>', LXC 4+ 'lxc.payload.<name>', LXC 3 'lxc.payload/<name>' (not 'lxc.monitor').
 * - systemd-nspawn: 'machine.slice/machine-<name>.scope' (libvirt's 'machine-qemu…' scopes are VMs, not containers).
 */
function cgroupContainer(segments: readonly string[]): Found | undefined {
  const k8s = kubernetes(segments);
  if (k8s !== undefined) return k8s;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    const next = segments[i + 1];
    const docker = scopeId(seg, ['docker']) ?? (seg === 'docker' && next !== undefined && HEX64.test(next) ? next : undefined);
    if (docker !== undefined) return { at: seg === 'docker' ? i + 1 : i, ref: { runtime: 'docker', id: docker } };
    const podman = scopeId(seg, ['libpod']);
    if (podman !== undefined) return { at: i, ref: { runtime: 'podman', id: podman } };
    const nerdctl = scopeId(seg, ['nerdctl', 'cri-containerd']);
    if (nerdctl !== undefined) return { at: i, ref: { runtime: 'containerd', id: nerdctl } };
    // ctr puts a task at /<namespace>/<id>, and only at the top of the tree.
    if (i === 0 && next !== undefined && HEX64.test(next) && /^[a-z0-9][a-z0-9._-]*$/.test(seg) && !seg.endsWith('.slice')) {
      return { at: 1, ref: { runtime: 'containerd', id: next } };
    }
    const lxcName = seg === 'lxc' || seg === 'lxc.payload' ? next : /^lxc\.payload\.(.+)$/.exec(seg)?.[1];
    if (lxcName !== undefined && lxcName !== '') {
      return { at: seg.startsWith('lxc.payload.') ? i : i + 1, ref: { runtime: 'lxc', id: lxcName, name: lxcName } };
    }
    const machine = /^machine-(.+)\.scope$/.exec(seg)?.[1];
    if (machine !== undefined && segments[i - 1] === 'machine.slice') {
      const name = unescapeSystemd(machine);
      if (!/^qemu-\d+-/.test(name)) return { at: i, ref: { runtime: 'systemd-nspawn', id: name, name } };
    }
  }
  return undefined;
}

/**
 * The systemd unit of a path, as `systemctl status PID` names it: the first non-slice unit
 * ('system.slice/foo.service/worker' → foo.service, since a delegated service may make its own
 * sub-groups). Under a user manager ('user@1000.service') the user's own unit is named instead,
 * because 'user@1000.service' says nothing about which program listens. Segments from the
 * container on belong to the container's runtime or its own init, so they are not looked at.
 */
function cgroupUnit(segments: readonly string[], stop: number): string | undefined {
  let unit: string | undefined;
  for (let i = 0; i < stop; i++) {
    const seg = segments[i] ?? '';
    if (!UNIT.test(seg)) continue;
    if (unit === undefined) {
      unit = seg;
      if (!/^user@\d+\.service$/.test(seg)) break;
    } else {
      unit = seg;
    }
  }
  return unit;
}

/** The path segments of the line that says most: the v2 line, else v1's name=systemd, else the first v1 line. */
function linePaths(text: string): string[][] {
  const v2: string[] = [];
  const named: string[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(raw.trim());
    if (m?.[3] === undefined) continue;
    const path = m[3];
    if (m[1] === '0' && m[2] === '') v2.push(path);
    else if (m[2] === 'name=systemd') named.push(path);
    else other.push(path);
  }
  // A path read from inside a cgroup namespace starts with '/..'; those segments say nothing.
  return [...v2, ...named, ...other].map((p) => p.split('/').filter((s) => s !== '' && s !== '..' && s !== '.'));
}

/** Parses /proc/PID/cgroup (v1 or v2) into the systemd unit and container it shows. */
export function parseCgroup(text: string): CgroupInfo {
  const paths = linePaths(text);
  // v1 hierarchies may disagree (name=systemd knows units, cpu,cpuacct may be flat); take the
  // first line that shows a container, and the unit from the preferred line.
  let found: Found | undefined;
  let foundIn: string[] | undefined;
  for (const segs of paths) {
    found = cgroupContainer(segs);
    if (found !== undefined) {
      foundIn = segs;
      break;
    }
  }
  const unitPath = foundIn ?? paths.find((s) => s.some((x) => UNIT.test(x))) ?? paths[0] ?? [];
  // The container's own scope ('docker-<id>.scope') only repeats the container id; not a unit worth naming.
  const unit = cgroupUnit(unitPath, found?.at ?? unitPath.length);
  return { ...(unit !== undefined && { unit }), ...(found !== undefined && { container: found.ref }) };
}
