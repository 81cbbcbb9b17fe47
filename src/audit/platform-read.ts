/** Picks the socket source of macOS or Windows at run time (Linux reads /proc in linux-source.ts). */
import { readDarwinSockets } from './platform/darwin-source.js';
import type { PlatformSocket } from './platform/types.js';
import { readWindowsSockets } from './platform/windows-source.js';

/** The listening sockets of this macOS or Windows machine, from lsof or PowerShell/netstat. */
export function readPlatformSockets(platform: 'darwin' | 'win32', signal?: AbortSignal): Promise<PlatformSocket[]> {
  return platform === 'darwin' ? readDarwinSockets(signal) : readWindowsSockets(signal);
}
