import { readdir, readFile, readlink } from 'node:fs/promises';

/** Resident set size of a process in bytes (`VmRSS` of /proc/<pid>/status); undefined when it is gone. */
export async function rssBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Open file descriptors of a process, and how many of them are sockets. */
export async function fdCounts(pid: number): Promise<{ fds: number; sockets: number } | undefined> {
  const inodes = await fdTargets(pid);
  if (!inodes) return undefined;
  return { fds: inodes.length, sockets: inodes.filter((t) => t.startsWith('socket:')).length };
}

async function fdTargets(pid: number): Promise<string[] | undefined> {
  let names: string[];
  try {
    names = await readdir(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const targets = await Promise.all(names.map((n) => readlink(`/proc/${pid}/fd/${n}`).catch(() => '')));
  return targets.filter((t) => t !== '');
}

/** Socket inodes a process holds open. */
export async function socketInodes(pid: number): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of (await fdTargets(pid)) ?? []) {
    const m = /^socket:\[(\d+)\]$/.exec(t);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

export interface TcpEntry {
  readonly localPort: number;
  readonly remotePort: number;
  /** Kernel state: 1 = ESTABLISHED, 10 = LISTEN, … */
  readonly state: number;
  readonly inode: string;
}

export const TCP_LISTEN = 0x0a;

/** Every TCP socket of this network namespace (IPv4 and IPv6) from /proc/net/tcp{,6}. */
export async function tcpTable(): Promise<TcpEntry[]> {
  const out: TcpEntry[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = f[1] ?? '';
      const remote = f[2] ?? '';
      out.push({
        localPort: parseInt(local.slice(local.lastIndexOf(':') + 1), 16),
        remotePort: parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16),
        state: parseInt(f[3] ?? '0', 16),
        inode: f[9] ?? '0',
      });
    }
  }
  return out;
}

/** Which of `pids` owns the socket with this inode. */
export async function ownerOf(inode: string, pids: readonly number[]): Promise<number | undefined> {
  for (const pid of pids) if ((await socketInodes(pid)).has(inode)) return pid;
  return undefined;
}

/**
 * The process (among `pids`) that accepted the connection a client made from `clientPort` to `serverPort`:
 * the server side of a loopback connection is the entry whose local port is the server's and whose remote
 * port is the client's. Undefined until the connection was accepted (its inode is 0 before).
 */
export async function serverPidOf(clientPort: number, serverPort: number, pids: readonly number[]): Promise<number | undefined> {
  const entry = (await tcpTable()).find((e) => e.localPort === serverPort && e.remotePort === clientPort && e.inode !== '0');
  return entry ? ownerOf(entry.inode, pids) : undefined;
}

/** The process (among `pids`) on the client side of a connection to `serverPort` from `clientPort`. */
export async function clientPidOf(clientPort: number, serverPort: number, pids: readonly number[]): Promise<number | undefined> {
  const entry = (await tcpTable()).find((e) => e.localPort === clientPort && e.remotePort === serverPort && e.inode !== '0');
  return entry ? ownerOf(entry.inode, pids) : undefined;
}

/** Whether `pid` still holds a listening socket on `port`. */
export async function isListening(pid: number, port: number): Promise<boolean> {
  const listeners = (await tcpTable()).filter((e) => e.state === TCP_LISTEN && e.localPort === port);
  if (listeners.length === 0) return false;
  const mine = await socketInodes(pid);
  return listeners.some((e) => mine.has(e.inode));
}
