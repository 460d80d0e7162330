import { createServer, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { errorEnvelope } from '@supportmesh/contracts';
import { sleep } from '@supportmesh/resilience';
import type { Logger } from '@supportmesh/telemetry';
import type { ServiceApp } from './app.js';

export interface StartServerOptions {
  readonly port: number;
  /** @default '0.0.0.0' */
  readonly host?: string;
  /**
   * Time between "readiness 503" and "stop accepting", so load balancers / Kubernetes endpoints notice
   * the pod is leaving before connections are refused (the analogue of a k8s `preStop` sleep). @default 0
   */
  readonly drainDelayMs?: number;
  /** Deadline for in-flight requests once accepting has stopped; then connections are cut. @default 10_000 */
  readonly shutdownTimeoutMs?: number;
  /** Runs after the HTTP server has closed: abort upstream calls, close Redis/Cosmos, flush telemetry. */
  readonly onShutdown?: () => Promise<void>;
  readonly logger: Logger;
  /** Exit the process after a SIGTERM/SIGINT-triggered shutdown (never after `close()`). @default true */
  readonly exitProcess?: boolean;
  /** Install SIGTERM/SIGINT handlers. @default true */
  readonly handleSignals?: boolean;
  /**
   * Listen with SO_REUSEPORT so several processes share one port (the local runner's `--replicas`);
   * the kernel spreads new connections over them. @default process.env.REUSE_PORT === 'true'
   */
  readonly reusePort?: boolean;
}

export interface RunningServer {
  readonly server: Server;
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** Graceful shutdown; idempotent (every call returns the same promise). */
  close(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Listens, and shuts down gracefully on SIGTERM/SIGINT or `close()`:
 * readiness 503 → `drainDelayMs` → stop accepting and close idle keep-alive sockets → in-flight requests
 * finish (answered with `Connection: close`) within `shutdownTimeoutMs`, then remaining connections are cut →
 * `onShutdown()` → resolve (and exit after a signal). A forced-exit timer (unref'd) backs up a stuck shutdown.
 */
export async function startServer(serviceApp: ServiceApp, opts: StartServerOptions): Promise<RunningServer> {
  const { logger } = opts;
  const drainDelayMs = opts.drainDelayMs ?? 0;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 10_000;
  const server = createServer(serviceApp.app);
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  let idle: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  // Requests Node's HTTP parser rejects (bad framing, oversize headers, invalid characters) never reach Express;
  // answer them in the error envelope too, with a correlation id, and close the connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // Like Node's default handler: answer unless a response on this socket has already sent its headers.
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const correlationId = randomUUID();
    const body = JSON.stringify(
      errorEnvelope(
        tooLarge ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST',
        tooLarge ? 'Request headers are too large.' : 'The request is not valid HTTP.',
        correlationId,
      ),
    );
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-correlation-id: ${correlationId}\r\nconnection: close\r\n\r\n${body}`,
    );
    logger.debug({ code: err.code, correlationId }, 'malformed HTTP request rejected');
  });

  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    const done = (): void => {
      inFlight.delete(res);
      if (stopping) server.closeIdleConnections();
      if (inFlight.size === 0) idle?.();
    };
    res.once('finish', done);
    res.once('close', done);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, host: opts.host ?? '0.0.0.0', reusePort: opts.reusePort ?? process.env.REUSE_PORT === 'true' }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'listening');

  /** Resolves when no request is in flight (the shutdown deadline cuts the rest, which also ends them). */
  const waitForInFlight = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (inFlight.size === 0) resolve();
      else idle = resolve;
    });

  const shutdown = async (): Promise<void> => {
    serviceApp.setDraining();
    if (drainDelayMs > 0) await sleep(drainDelayMs);

    stopping = true;
    let serverClosed = false;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        serverClosed = true;
        resolve();
      }),
    );
    server.closeIdleConnections();
    // Responses not started yet tell their clients not to reuse the connection.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    logger.info({ inFlight: inFlight.size }, 'stopped accepting; draining in-flight requests');

    const deadline = setTimeout(() => {
      if (serverClosed) return;
      logger.warn({ inFlight: inFlight.size, shutdownTimeoutMs }, 'shutdown deadline passed; closing remaining connections');
      server.closeAllConnections();
    }, shutdownTimeoutMs);
    await waitForInFlight();
    // Keep-alive sockets whose last response just finished become idle on the next turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    server.closeIdleConnections();
    await closed;
    clearTimeout(deadline);

    if (opts.onShutdown) {
      try {
        await opts.onShutdown();
      } catch (err) {
        logger.error({ err }, 'onShutdown failed');
      }
    }
    logger.info('shutdown complete');
  };

  const close = (): Promise<void> => {
    closing ??= shutdown().finally(removeSignalHandlers);
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutdown signal received');
    const exit = opts.exitProcess ?? true;
    if (exit) {
      const forced = setTimeout(() => {
        logger.error('shutdown took too long; forcing exit');
        process.exit(1);
      }, drainDelayMs + shutdownTimeoutMs + 5_000);
      forced.unref();
    }
    void close().then(() => {
      if (exit) process.exit(0);
    });
  };
  const removeSignalHandlers = (): void => {
    for (const s of SIGNALS) process.off(s, onSignal);
  };
  if (opts.handleSignals ?? true) for (const s of SIGNALS) process.once(s, onSignal);

  return { server, port, close };
}
