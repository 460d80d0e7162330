import { fileURLToPath } from 'node:url';
import { freePort } from './dev.js';
import { spawnNode, waitHttp, type NodeChild } from './child.js';

/** The Portkey OSS gateway's Node entry (its npm `bin`). */
export function portkeyEntry(): string {
  return fileURLToPath(import.meta.resolve('@portkey-ai/gateway/build/start-server.js'));
}

export interface Portkey {
  /** `http://127.0.0.1:PORT`; OpenAI paths under `/v1`. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly process: NodeChild;
  close(): Promise<void>;
}

/**
 * Starts the Portkey gateway (`start-server.js --port=N --headless`) as its own Node process and waits until it
 * answers `GET /`. It is stateless: the upstream is chosen per request by {@link portkeyHeaders}.
 */
export async function startPortkey(opts: { port?: number; readyTimeoutMs?: number; onLine?: (line: string) => void } = {}): Promise<Portkey> {
  const port = opts.port ?? (await freePort());
  const proc = spawnNode([portkeyEntry(), `--port=${port}`, '--headless'], { env: { ...process.env, NODE_ENV: 'production' }, ...(opts.onLine ? { onLine: opts.onLine } : {}) });
  try {
    await waitHttp(`http://127.0.0.1:${port}/`, { timeoutMs: opts.readyTimeoutMs ?? 30_000, pollMs: 50, isDead: proc.hasExited });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, port, pid: proc.pid, process: proc, close: () => proc.stop() };
}

/**
 * Headers that make Portkey forward an OpenAI request to `upstreamUrl` (`http://127.0.0.1:PORT`, OpenAI paths
 * under `/v1`). Portkey trusts `localhost`/`127.0.0.1` custom hosts by default (`TRUSTED_CUSTOM_HOSTS`).
 */
export function portkeyHeaders(upstreamUrl: string, apiKey = 'sk-bench-not-a-real-key'): Record<string, string> {
  return {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `${upstreamUrl}/v1`,
    authorization: `Bearer ${apiKey}`,
  };
}
