import { SERVICE_PORTS } from '@supportmesh/contracts';
import { startLocalCosmos } from './cosmos.js';

const port = Number(process.env.COSMOS_PORT ?? SERVICE_PORTS.cosmos);
const cosmos = await startLocalCosmos(port);
console.log(JSON.stringify({ level: 30, service: 'cosmos', msg: 'listening', port: cosmos.port, endpoint: cosmos.endpoint }));
const stop = () => void cosmos.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
