import { loadEmulatorConfig } from './config.js';
import { isConfigError } from './config-error.js';
import { startEmulator } from './server.js';

const log = (level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), service: 'llm-emulator', msg, ...fields })}\n`);
};

async function main(): Promise<void> {
  const options = loadEmulatorConfig(process.env, process.argv.slice(2));
  const emulator = await startEmulator(options);
  log('info', 'listening', {
    url: emulator.url,
    port: emulator.port,
    latency: options.latency,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    faults: emulator.getFaults().active,
    quotas: Object.keys(options.quotas ?? {}),
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    setTimeout(() => process.exit(1), 5_000).unref();
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (isConfigError(err)) log('error', err.message, { code: err.code });
  else log('error', 'failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
