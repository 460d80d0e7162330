import { SERVICE_PORTS, type ServiceName } from '@supportmesh/contracts';
import { LOCAL_COSMOS_KEY } from './cosmos.js';

/** The development API key printed by `npm start`. Local runs only: production refuses it. */
export const DEV_API_KEY = 'sm_dev_local_only_0123456789abcdef';
export const DEV_ADMIN_KEY = 'sm_dev_admin_local_only_fedcba9876543210';

/**
 * V8 flags every service runs with, locally and in its image (node arguments before `main.mjs` in the `CMD` of
 * `infra/docker/Dockerfile`; a test keeps the two equal). A young generation of a fixed 32 MB (two 16 MB
 * semi-spaces): Node 24 on a large machine otherwise lets V8 grow it up to 128 MB as allocation demands and shrink it
 * again when a process idles, steps of 20–100 MB in RSS that look like a leak under steady load and are not. With it
 * pinned, a warm service's memory is flat and predictable under its 1 GiB limit. (`--min-semi-space-size` is not
 * allowed in `NODE_OPTIONS`, hence node arguments.)
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--min-semi-space-size=16', '--max-semi-space-size=16'];

export interface ProcessSpec {
  /** Name shown as the log prefix. */
  readonly name: string;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  readonly port: number;
  /** Whether it serves GET /ready over HTTP (the Cosmos server does not). */
  readonly readyPath?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Infrastructure stand-ins start first and never run as replicas. */
  readonly infra?: boolean;
}

const url = (name: ServiceName) => `http://127.0.0.1:${SERVICE_PORTS[name]}`;

/** Environment every service gets in the local run (each one reads only what its config schema names). */
export function localEnv(redisUrl: string): Record<string, string> {
  return {
    SUPPORTMESH_ENV: 'local',
    REDIS_URL: redisUrl,
    LLM_ENDPOINT: `${url('llm-emulator')}/v1`,
    LLM_API_KEY: 'local-emulator-key',
    COSMOS_ENDPOINT: `https://127.0.0.1:${SERVICE_PORTS.cosmos}`,
    COSMOS_KEY: LOCAL_COSMOS_KEY,
    COSMOS_ALLOW_SELF_SIGNED: 'true',
    INTENT_CLASSIFIER_URL: url('intent-classifier'),
    KNOWLEDGE_RETRIEVAL_URL: url('knowledge-retrieval'),
    RESPONSE_GENERATOR_URL: url('response-generator'),
    ESCALATION_URL: url('escalation'),
    ANALYTICS_URL: url('analytics'),
    CRITIC_URL: url('critic'),
    SPEECH_CONNECTOR_URL: url('speech-connector'),
    GATEWAY_DEV_API_KEY: DEV_API_KEY,
    GATEWAY_DEV_ADMIN_KEY: DEV_ADMIN_KEY,
  };
}

export const INFRA: readonly ProcessSpec[] = [
  { name: 'llm-emulator', entry: 'tools/llm-emulator/src/main.ts', port: SERVICE_PORTS['llm-emulator'], readyPath: '/ready', infra: true },
  { name: 'cosmos', entry: 'tools/dev/src/cosmos-main.ts', port: SERVICE_PORTS.cosmos, infra: true },
];

export const SERVICES: readonly ProcessSpec[] = (
  [
    'intent-classifier',
    'knowledge-retrieval',
    'response-generator',
    'escalation',
    'analytics',
    'critic',
    'speech-connector',
    'gateway',
  ] as const
).map((name) => ({ name, entry: `apps/${name}/src/main.ts`, port: SERVICE_PORTS[name], readyPath: '/ready' }));
