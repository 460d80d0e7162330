import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { abortReason } from '@supportmesh/resilience';

/**
 * The absolute path of an executable: `name` itself when it contains a slash, else the first match on `PATH`.
 * Undefined when none is found. No shell (`which`) is involved.
 */
export async function findExecutable(name: string, pathEnv: string | undefined = process.env['PATH']): Promise<string | undefined> {
  const candidates = name.includes('/') ? [name] : (pathEnv ?? '').split(delimiter).filter((d) => isAbsolute(d)).map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Bytes written to the child's stdin (then closed). */
  readonly stdin?: Uint8Array;
  /** Stop collecting stdout beyond this many bytes (the child is killed). @default 64 MiB */
  readonly maxStdoutBytes?: number;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  /** The last 4 kB of stderr (engine diagnostics; may quote file names, never request text). */
  readonly stderrTail: string;
}

const STDERR_TAIL = 4096;

/**
 * Runs `command` with an argument array — never through a shell — and collects its output.
 * An aborted `signal` kills the child (SIGKILL) and rejects with the abort reason.
 */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const maxStdout = opts.maxStdoutBytes ?? 64 * 1024 * 1024;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
    const out: Buffer[] = [];
    let outBytes = 0;
    let errTail = '';
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      child.kill('SIGKILL');
      finish(() => reject(abortReason(signal as AbortSignal)));
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxStdout) {
        child.kill('SIGKILL');
        finish(() => reject(new RangeError(`${command} wrote more than ${maxStdout} bytes`)));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errTail = (errTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.once('error', (err) => finish(() => reject(err)));
    child.once('close', (code, sig) => finish(() => resolve({ code, signal: sig, stdout: Buffer.concat(out), stderrTail: errTail })));
    child.stdin.on('error', () => {
      // the child may exit before reading all of stdin (EPIPE); its exit status tells what happened
    });
    if (opts.stdin) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
