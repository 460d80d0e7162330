import { SERVICE_PORTS, STREAMS } from '@supportmesh/contracts';

/**
 * The service catalogue: the single source of truth for what runs where, how big, how many and on
 * which signals it scales. Every manifest, alert and dashboard panel is derived from these objects.
 * Ports come from `@supportmesh/contracts` (`SERVICE_PORTS`), the same constant the apps listen on.
 */

export const ENVIRONMENTS = ['dev', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const APP_SERVICES = [
  'gateway',
  'intent-classifier',
  'knowledge-retrieval',
  'response-generator',
  'escalation',
  'analytics',
  'critic',
  'speech-connector',
] as const;
export type AppService = (typeof APP_SERVICES)[number];

/** Image registry and the version every image is tagged with (never `latest`). */
export const IMAGE_REGISTRY = 'supportmeshacr.azurecr.io';
export const IMAGE_VERSION = '0.1.0';

/** Kubernetes resource quantities for one container. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** One HTTP probe's timing (all in seconds). */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly initialDelaySeconds?: number;
}

export interface Probes {
  /** `GET /health` until the process is up; gives slow starters (index building) time before liveness counts. */
  readonly startup: ProbeTiming;
  /** `GET /health`: process alive, no I/O. */
  readonly liveness: ProbeTiming;
  /** `GET /ready`: dependencies reachable; 503 while starting or draining. */
  readonly readiness: ProbeTiming;
}

/**
 * A window of the weekly schedule (America/New_York). `days` picks Mon–Fri or Sat–Sun; a weekday window
 * whose end is earlier than its start runs past midnight. `min`/`max` bound the replica count inside it.
 */
export interface ScheduleWindow {
  readonly name: string;
  readonly days: 'weekdays' | 'weekend';
  /** `HH:MM`, 24 h. */
  readonly start: string;
  /** `HH:MM`, 24 h; `00:00` with `start: 00:00` on `weekend` means the whole weekend. */
  readonly end: string;
  readonly min: number;
  readonly max: number;
}

export interface Schedule {
  readonly timezone: string;
  readonly windows: readonly ScheduleWindow[];
}

/**
 * The seed's schedule table. Night's minimum of 0 is served as 1 (see README: a synchronous HTTP agent cannot
 * wake from zero on its own traffic), so every floor equals `minReplicaCount`; the windows cap the maximum.
 */
export const SEED_SCHEDULE: Schedule = {
  timezone: 'America/New_York',
  windows: [
    { name: 'night', days: 'weekdays', start: '02:00', end: '06:00', min: 0, max: 1 },
    { name: 'morning', days: 'weekdays', start: '06:00', end: '09:00', min: 1, max: 2 },
    { name: 'business', days: 'weekdays', start: '09:00', end: '18:00', min: 1, max: 3 },
    { name: 'evening', days: 'weekdays', start: '18:00', end: '22:00', min: 1, max: 2 },
    { name: 'late_night', days: 'weekdays', start: '22:00', end: '02:00', min: 1, max: 1 },
    { name: 'weekend', days: 'weekend', start: '00:00', end: '00:00', min: 1, max: 2 },
  ],
};

/** Replica bounds for one environment. */
export interface ReplicaBounds {
  readonly min: number;
  readonly max: number;
  /** Replicas KEDA holds while a scaler keeps failing (see `fallback` in the ScaledObject). */
  readonly fallback: number;
  /** Per-window caps; absent means `max` applies around the clock. */
  readonly schedule?: Schedule;
}

/** A scaling signal; each becomes one KEDA trigger. */
export type ScalingSignal =
  | { readonly kind: 'in-flight'; readonly perPod: number }
  | { readonly kind: 'latency-p95'; readonly thresholdSeconds: number }
  | { readonly kind: 'cpu'; readonly utilization: number }
  | { readonly kind: 'memory'; readonly utilization: number }
  | { readonly kind: 'stream-lag'; readonly stream: string; readonly group: string; readonly lagPerPod: number }
  | { readonly kind: 'active-streams'; readonly perPod: number };

/** A Redis stream the service reads with a consumer group. */
export interface StreamConsumer {
  readonly stream: string;
  readonly group: string;
}

/** What a service may open connections to (DNS is always allowed). */
export type EgressNeed =
  | 'redis'
  | 'azure-openai'
  | 'cosmos'
  | 'azure-speech'
  | 'entra-id'
  | 'service-desk'
  | { readonly service: AppService };

/** A Key Vault secret mounted through the Secrets Store CSI driver and exposed as an environment variable. */
export interface SecretRef {
  /** Secret name in Azure Key Vault. */
  readonly objectName: string;
  /** Environment variable (and key of the synced Kubernetes Secret). */
  readonly env: string;
}

export interface ServiceSpec {
  readonly name: AppService;
  readonly component: 'gateway' | 'agent' | 'speech';
  readonly description: string;
  readonly port: number;
  readonly resources: Resources;
  readonly replicas: Readonly<Record<Environment, ReplicaBounds>>;
  readonly probes: Probes;
  /** Seconds the app may take to finish in-flight work after SIGTERM (its `shutdownTimeoutMs`). */
  readonly drainDeadlineSeconds: number;
  readonly scaling: readonly ScalingSignal[];
  readonly consumes: readonly StreamConsumer[];
  /** Who may open connections to it: the ingress controller (public) or the gateway. */
  readonly reachableFrom: 'ingress' | 'gateway';
  readonly egress: readonly EgressNeed[];
  readonly secrets: readonly SecretRef[];
  /** Non-secret settings beyond the common ones (PORT, NODE_ENV, …). */
  readonly config: Readonly<Record<string, string>>;
  /** Uses the pooled LLM client (pool and cost alerts apply). */
  readonly usesLlm: boolean;
  /** Size limit of the writable `/tmp` (root filesystem is read-only). */
  readonly tmpSizeLimit: string;
}

export type Catalogue = Readonly<Record<AppService, ServiceSpec>>;

/** Seed default: 0.5 vCPU / 1 GiB per instance; CPU may burst to 1 vCPU, memory is capped at the request. */
export const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '500m', memory: '1Gi' },
  limits: { cpu: '1', memory: '1Gi' },
};

export const DEFAULT_PROBES: Probes = {
  startup: { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
  liveness: { periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
  readiness: { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
};

const HTTP_SIGNALS: readonly ScalingSignal[] = [
  { kind: 'in-flight', perPod: 10 },
  { kind: 'cpu', utilization: 70 },
  { kind: 'memory', utilization: 80 },
  { kind: 'latency-p95', thresholdSeconds: 1 },
];

/** Seed prod bounds for an agent: 1–3 with the schedule's per-window caps. */
const AGENT_REPLICAS: Readonly<Record<Environment, ReplicaBounds>> = {
  dev: { min: 1, max: 2, fallback: 2 },
  prod: { min: 1, max: 3, fallback: 3, schedule: SEED_SCHEDULE },
};

export const CONSUMER_GROUPS = {
  analytics: { stream: STREAMS.conversationTurn, group: 'analytics' },
  ticketWorker: { stream: STREAMS.tickets, group: 'ticket-worker' },
} as const satisfies Record<string, StreamConsumer>;

const REDIS_URL: SecretRef = { objectName: 'redis-url', env: 'REDIS_URL' };
/** Read by KEDA's redis-streams scaler through a TriggerAuthentication, not by the app. */
export const REDIS_PASSWORD: SecretRef = { objectName: 'redis-password', env: 'REDIS_PASSWORD' };
const COSMOS_KEY: SecretRef = { objectName: 'cosmos-key', env: 'COSMOS_KEY' };

function agent(
  name: Exclude<AppService, 'gateway' | 'speech-connector'>,
  description: string,
  extra: Partial<ServiceSpec> = {},
): ServiceSpec {
  return {
    name,
    component: 'agent',
    description,
    port: SERVICE_PORTS[name],
    resources: DEFAULT_RESOURCES,
    replicas: AGENT_REPLICAS,
    probes: DEFAULT_PROBES,
    drainDeadlineSeconds: 20,
    scaling: HTTP_SIGNALS,
    consumes: [],
    reachableFrom: 'gateway',
    egress: [],
    secrets: [],
    config: {},
    usesLlm: false,
    tmpSizeLimit: '64Mi',
    ...extra,
  };
}

const streamLag = (c: StreamConsumer): ScalingSignal => ({ kind: 'stream-lag', stream: c.stream, group: c.group, lagPerPod: 100 });

export const CATALOGUE: Catalogue = {
  gateway: {
    name: 'gateway',
    component: 'gateway',
    description: 'Public API, auth, rate limits, conversation pipeline, web chat page',
    port: SERVICE_PORTS.gateway,
    resources: DEFAULT_RESOURCES,
    replicas: {
      dev: { min: 1, max: 2, fallback: 2 },
      prod: { min: 2, max: 20, fallback: 10 },
    },
    probes: DEFAULT_PROBES,
    drainDeadlineSeconds: 30,
    scaling: HTTP_SIGNALS,
    consumes: [],
    reachableFrom: 'ingress',
    egress: [
      'redis',
      'cosmos',
      'azure-openai',
      'entra-id',
      { service: 'intent-classifier' },
      { service: 'knowledge-retrieval' },
      { service: 'response-generator' },
      { service: 'escalation' },
      { service: 'analytics' },
      { service: 'critic' },
      { service: 'speech-connector' },
    ],
    secrets: [REDIS_URL, COSMOS_KEY, { objectName: 'gateway-api-keys', env: 'GATEWAY_API_KEYS' }],
    config: {},
    usesLlm: true,
    tmpSizeLimit: '64Mi',
  },
  'intent-classifier': agent('intent-classifier', 'POST /v1/classify', {
    egress: ['azure-openai', 'entra-id'],
    usesLlm: true,
  }),
  'knowledge-retrieval': agent('knowledge-retrieval', 'POST /v1/retrieve over the help-center index built at start', {
    probes: { ...DEFAULT_PROBES, startup: { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 60 } },
    egress: ['azure-openai', 'entra-id'],
    usesLlm: true,
  }),
  'response-generator': agent('response-generator', 'POST /v1/respond: grounded LLM answers with citations', {
    drainDeadlineSeconds: 45,
    egress: ['redis', 'azure-openai', 'entra-id'],
    secrets: [REDIS_URL],
    usesLlm: true,
  }),
  escalation: agent('escalation', 'POST /v1/escalate and the ticket worker on the tickets stream', {
    scaling: [...HTTP_SIGNALS, streamLag(CONSUMER_GROUPS.ticketWorker)],
    consumes: [CONSUMER_GROUPS.ticketWorker],
    egress: ['redis', 'service-desk'],
    secrets: [REDIS_URL, REDIS_PASSWORD, { objectName: 'zendesk-api-token', env: 'ZENDESK_API_TOKEN' }],
    config: {
      ESCALATION_STREAM: CONSUMER_GROUPS.ticketWorker.stream,
      ESCALATION_GROUP: CONSUMER_GROUPS.ticketWorker.group,
      SERVICE_DESK: 'zendesk',
      // Placeholders: the team's Zendesk account.
      ZENDESK_SUBDOMAIN: 'northwind',
      ZENDESK_EMAIL: 'support-bot@northwind.example',
    },
  }),
  analytics: agent('analytics', 'conversation.turn consumer and GET /v1/analytics/summary', {
    scaling: [...HTTP_SIGNALS, streamLag(CONSUMER_GROUPS.analytics)],
    consumes: [CONSUMER_GROUPS.analytics],
    egress: ['redis'],
    secrets: [REDIS_URL, REDIS_PASSWORD],
    config: { ANALYTICS_STREAM: CONSUMER_GROUPS.analytics.stream, ANALYTICS_GROUP: CONSUMER_GROUPS.analytics.group },
  }),
  critic: agent('critic', 'POST /v1/review: PII, prompt injection, safety, groundedness', {
    egress: ['redis'],
    secrets: [REDIS_URL],
  }),
  'speech-connector': {
    name: 'speech-connector',
    component: 'speech',
    description: 'POST /v1/speech/transcribe and /v1/speech/synthesize',
    port: SERVICE_PORTS['speech-connector'],
    resources: DEFAULT_RESOURCES,
    replicas: AGENT_REPLICAS,
    probes: DEFAULT_PROBES,
    drainDeadlineSeconds: 60,
    // Audio length dominates latency here, so concurrent streams replace the p95 signal.
    scaling: [
      { kind: 'in-flight', perPod: 10 },
      { kind: 'active-streams', perPod: 10 },
      { kind: 'cpu', utilization: 70 },
      { kind: 'memory', utilization: 80 },
    ],
    consumes: [],
    reachableFrom: 'gateway',
    egress: ['azure-speech', 'entra-id'],
    secrets: [{ objectName: 'azure-speech-key', env: 'AZURE_SPEECH_KEY' }],
    config: {},
    usesLlm: false,
    tmpSizeLimit: '256Mi',
  },
};

/** Cluster and Azure settings per environment (identifiers, not secrets). */
export interface EnvironmentConfig {
  readonly name: Environment;
  readonly namespace: string;
  readonly logLevel: string;
  readonly ingress: {
    readonly host: string;
    readonly className: string;
    readonly clusterIssuer: string;
    readonly tlsSecretName: string;
    /** Namespace and pod labels of the ingress controller allowed to reach the gateway. */
    readonly controllerNamespace: string;
    readonly controllerPodLabels: Readonly<Record<string, string>>;
  };
  readonly monitoring: {
    readonly namespace: string;
    readonly prometheusPodLabels: Readonly<Record<string, string>>;
    readonly prometheusUrl: string;
    /** Labels the Prometheus operator selects ServiceMonitors and PrometheusRules by. */
    readonly selectorLabels: Readonly<Record<string, string>>;
    readonly grafanaUrl: string;
  };
  readonly azure: {
    readonly tenantId: string;
    readonly keyVaultName: string;
    readonly openAiEndpoint: string;
    readonly cosmosEndpoint: string;
    readonly speechRegion: string;
    /** Subnet of the private endpoints (Redis, Azure OpenAI, Cosmos DB). */
    readonly privateEndpointCidr: string;
    /** Client id of each service's user-assigned managed identity (workload identity federation). */
    readonly clientIds: Readonly<Record<AppService, string>>;
  };
  readonly redis: { readonly host: string; readonly port: number; readonly tls: boolean };
  /** Rolling 30-day LLM spend that raises the budget alert. */
  readonly monthlyLlmBudgetUsd: number;
}

/** Placeholder client ids: replace with the outputs of the platform's identity provisioning. */
function clientIds(envIndex: number): Record<AppService, string> {
  return Object.fromEntries(
    APP_SERVICES.map((s, i) => [s, `00000000-0000-0000-000${envIndex}-${String(i + 1).padStart(12, '0')}`]),
  ) as Record<AppService, string>;
}

function environment(name: Environment, envIndex: number, overrides: { host: string; budget: number; logLevel: string }): EnvironmentConfig {
  return {
    name,
    namespace: `supportmesh-${name}`,
    logLevel: overrides.logLevel,
    ingress: {
      host: overrides.host,
      className: 'nginx',
      clusterIssuer: 'letsencrypt',
      tlsSecretName: 'gateway-tls',
      controllerNamespace: 'ingress-nginx',
      controllerPodLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    },
    monitoring: {
      namespace: 'monitoring',
      prometheusPodLabels: { 'app.kubernetes.io/name': 'prometheus' },
      prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
      selectorLabels: { release: 'kube-prometheus-stack' },
      grafanaUrl: 'https://grafana.supportmesh.example.com',
    },
    azure: {
      tenantId: '00000000-0000-0000-0000-000000000000',
      keyVaultName: `kv-supportmesh-${name}`,
      openAiEndpoint: `https://oai-supportmesh-${name}.openai.azure.com`,
      cosmosEndpoint: `https://cosmos-supportmesh-${name}.documents.azure.com:443/`,
      speechRegion: 'eastus',
      privateEndpointCidr: name === 'prod' ? '10.20.8.0/24' : '10.10.8.0/24',
      clientIds: clientIds(envIndex),
    },
    redis: { host: `redis-supportmesh-${name}.redis.cache.windows.net`, port: 6380, tls: true },
    monthlyLlmBudgetUsd: overrides.budget,
  };
}

export const ENVIRONMENT_CONFIG: Readonly<Record<Environment, EnvironmentConfig>> = {
  dev: environment('dev', 1, { host: 'dev.supportmesh.example.com', budget: 200, logLevel: 'debug' }),
  prod: environment('prod', 2, { host: 'api.supportmesh.example.com', budget: 5000, logLevel: 'info' }),
};

/** Fully qualified image reference for a service. */
export function imageFor(service: AppService, version: string = IMAGE_VERSION, registry: string = IMAGE_REGISTRY): string {
  return `${registry}/supportmesh/${service}:${version}`;
}
