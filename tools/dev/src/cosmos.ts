import type { Server } from 'node:https';
import { createHttpsServer } from '@vercel/cosmosdb-server';

/** The well-known key of the Cosmos DB emulator; the local server accepts any key. */
export const LOCAL_COSMOS_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface LocalCosmos {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts `@vercel/cosmosdb-server` (HTTPS, self-signed certificate, in-memory data).
 * Clients trust it through their own `agent` option in local mode only.
 */
export async function startLocalCosmos(port = 0, host = '127.0.0.1'): Promise<LocalCosmos> {
  const server: Server = createHttpsServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `https://${host}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
