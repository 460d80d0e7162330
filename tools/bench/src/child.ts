import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface NodeChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
  readonly hasExited: () => boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `node ...args` (this Node binary) with piped output handed to `onLine`. */
export function spawnNode(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {},
): NodeChild {
  const child = spawn(process.execPath, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      gone = true;
      resolve();
    });
    child.once('error', () => {
      gone = true;
      resolve();
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => opts.onLine?.(line));
  }
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => gone,
    async stop(graceMs = 5_000) {
      if (gone) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `url` every `pollMs` until it answers with a status accepted by `accept` (default 2xx); resolves with the
 * time it took (ms). Rejects when `isDead()` turns true or the deadline passes.
 */
export async function waitHttp(
  url: string,
  opts: { timeoutMs?: number; pollMs?: number; isDead?: () => boolean; accept?: (status: number) => boolean; since?: number } = {},
): Promise<number> {
  const since = opts.since ?? performance.now();
  const deadline = since + (opts.timeoutMs ?? 30_000);
  const accept = opts.accept ?? ((s: number) => s >= 200 && s < 300);
  // Bounded by the deadline.
  while (performance.now() < deadline) {
    if (opts.isDead?.()) throw new Error(`process behind ${url} exited before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (accept(res.status)) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 10));
  }
  throw new Error(`${url} not ready within ${opts.timeoutMs ?? 30_000} ms`);
}
