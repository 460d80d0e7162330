import { SERVICE_PORTS } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { APP_SERVICES, CATALOGUE, ENVIRONMENT_CONFIG, ENVIRONMENTS, type AppService, type Catalogue, type Environment } from '../catalogue.js';
import { synthService, type K8sObject } from '../synth.js';
import { GATEWAY_PUBLIC_PATHS } from './gateway-ingress.js';

/* Targeted assertions on the synthesized objects (talis-cdk8s-constructs style). */

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const cache = new Map<string, K8sObject[]>();
function objects(service: AppService, env: Environment = 'prod'): K8sObject[] {
  const key = `${env}/${service}`;
  if (!cache.has(key)) cache.set(key, synthService(service, env));
  return cache.get(key)!;
}
const get = (service: AppService, kind: string, env: Environment = 'prod'): Any => {
  const found = objects(service, env).filter((o) => o.kind === kind);
  expect(found, `${kind} of ${service}`).toHaveLength(1);
  return found[0] as Any;
};
const container = (service: AppService, env: Environment = 'prod'): Any => get(service, 'Deployment', env)['spec'].template.spec.containers[0];

describe('Deployment', () => {
  it('lets the pod outlive its pre-stop sleep plus drain deadline before SIGKILL', () => {
    for (const s of APP_SERVICES) {
      const pod = get(s, 'Deployment')['spec'].template.spec;
      const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds;
      const readiness = CATALOGUE[s].probes.readiness;
      expect(preStop).toBe(readiness.periodSeconds * readiness.failureThreshold);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + CATALOGUE[s].drainDeadlineSeconds);
    }
  });

  it('probes /health for startup and liveness and /ready for readiness on the catalogue port', () => {
    const c = container('knowledge-retrieval');
    expect(c.ports).toEqual([{ name: 'http', containerPort: SERVICE_PORTS['knowledge-retrieval'], protocol: 'TCP' }]);
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, failureThreshold: 60 });
    expect(c.livenessProbe.httpGet.path).toBe('/health');
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
  });

  it('reads config from its ConfigMap and secrets from the Key Vault-synced Secret, with /tmp on an emptyDir', () => {
    const deployment = get('escalation', 'Deployment');
    const spc = get('escalation', 'SecretProviderClass');
    const c = container('escalation');
    expect(c.envFrom).toEqual([{ configMapRef: { name: get('escalation', 'ConfigMap')['metadata'].name } }, { secretRef: { name: spc['spec'].secretObjects[0].secretName } }]);
    const volumes = deployment['spec'].template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(volumes).toContainEqual({ name: 'secrets-store', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: spc['metadata'].name } } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(spc['spec'].secretObjects[0].data.map((d: Any) => d['key'])).toEqual(['REDIS_URL', 'REDIS_PASSWORD', 'ZENDESK_API_TOKEN']);
  });

  it('runs under its workload identity', () => {
    const sa = get('response-generator', 'ServiceAccount');
    const pod = get('response-generator', 'Deployment')['spec'].template;
    expect(sa['metadata'].annotations['azure.workload.identity/client-id']).toBe(ENVIRONMENT_CONFIG.prod.azure.clientIds['response-generator']);
    expect(pod.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(pod.spec.serviceAccountName).toBe(sa['metadata'].name);
    expect(get('response-generator', 'SecretProviderClass')['spec'].parameters.clientID).toBe(sa['metadata'].annotations['azure.workload.identity/client-id']);
  });

  it('spreads pods across zones and nodes', () => {
    const keys = get('gateway', 'Deployment')['spec'].template.spec.topologySpreadConstraints.map((t: Any) => t['topologyKey']);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  it('rolls the pods when the config changes', () => {
    const hash = (c?: Catalogue) => (synthService('critic', 'prod', c ? { catalogue: c } : {}).find((o) => o.kind === 'Deployment') as Any)['spec'].template.metadata.annotations['supportmesh.io/config-hash'];
    const changed: Catalogue = { ...CATALOGUE, critic: { ...CATALOGUE.critic, config: { CRITIC_GROUNDING_THRESHOLD: '0.5' } } };
    expect(hash(changed)).not.toBe(hash());
  });

  it('lives in the supportmesh-<env> namespace with the derived labels', () => {
    for (const env of ENVIRONMENTS) {
      for (const o of objects('critic', env)) {
        expect(o.metadata.namespace).toBe(`supportmesh-${env}`);
        expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'critic', 'app.kubernetes.io/part-of': 'supportmesh', 'supportmesh.io/env': env });
      }
    }
  });
});

describe('NetworkPolicy', () => {
  const policy = (s: AppService) => get(s, 'NetworkPolicy')['spec'];

  it('denies by default in both directions', () => {
    for (const s of APP_SERVICES) expect(policy(s).policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('admits the ingress controller only to the gateway, and only the gateway to the agents', () => {
    const gatewayFrom = policy('gateway').ingress.map((r: Any) => r['from'][0]);
    expect(gatewayFrom[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } });
    for (const s of APP_SERVICES.filter((x) => x !== 'gateway')) {
      const from = policy(s).ingress.map((r: Any) => r['from'][0]);
      expect(from[0]).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'supportmesh' } } });
      expect(JSON.stringify(policy(s).ingress)).not.toContain('ingress-nginx');
    }
    // Prometheus may scrape everyone.
    for (const s of APP_SERVICES) expect(policy(s).ingress[1].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('monitoring');
  });

  it('allows DNS everywhere, Redis to its users and HTTPS to the LLM callers only', () => {
    const egressPorts = (s: AppService) => policy(s).egress.flatMap((r: Any) => r['ports'].map((p: Any) => `${p['protocol']}/${p['port']}`));
    for (const s of APP_SERVICES) expect(egressPorts(s)).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53']));
    for (const s of ['analytics', 'escalation', 'response-generator', 'gateway', 'critic'] as const) expect(egressPorts(s)).toContain('TCP/6380');
    for (const s of ['intent-classifier', 'knowledge-retrieval', 'speech-connector'] as const) expect(egressPorts(s)).not.toContain('TCP/6380');
    for (const s of ['response-generator', 'intent-classifier', 'knowledge-retrieval'] as const) expect(egressPorts(s)).toContain('TCP/443');
    expect(egressPorts('critic')).not.toContain('TCP/443');
    expect(egressPorts('analytics')).not.toContain('TCP/443');
  });

  it('lets the gateway reach each agent on its port', () => {
    const egress = policy('gateway').egress as Any[];
    for (const s of APP_SERVICES.filter((x) => x !== 'gateway')) {
      expect(egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': s, 'app.kubernetes.io/part-of': 'supportmesh' } } }], ports: [{ port: SERVICE_PORTS[s], protocol: 'TCP' }] });
    }
  });
});

/** Ingress path matching as the Ingress spec defines Prefix (by path element) and Exact. */
function routed(paths: readonly { path: string; pathType: string }[], url: string): boolean {
  return paths.some((p) => (p.pathType === 'Exact' ? url === p.path : p.path === '/' || url === p.path || url.startsWith(`${p.path}/`)));
}

describe('Ingress', () => {
  it('exists only for the gateway, with TLS for its host', () => {
    for (const s of APP_SERVICES.filter((x) => x !== 'gateway')) expect(objects(s).filter((o) => o.kind === 'Ingress')).toEqual([]);
    const spec = get('gateway', 'Ingress')['spec'];
    expect(spec.tls).toEqual([{ hosts: [ENVIRONMENT_CONFIG.prod.ingress.host], secretName: 'gateway-tls' }]);
    expect(spec.rules[0].host).toBe(ENVIRONMENT_CONFIG.prod.ingress.host);
  });

  it('routes the API and the chat page but not /metrics, /health or /ready', () => {
    const paths = get('gateway', 'Ingress')['spec'].rules[0].http.paths;
    expect(paths.map((p: Any) => ({ path: p['path'], pathType: p['pathType'] }))).toEqual(GATEWAY_PUBLIC_PATHS);
    for (const url of ['/v1/conversations', '/v1/conversations/abc/messages', '/']) expect(routed(paths, url), url).toBe(true);
    for (const url of ['/metrics', '/health', '/ready', '/v1metrics', '/metrics/']) expect(routed(paths, url), url).toBe(false);
  });
});

describe('ScaledObject', () => {
  const so = (s: AppService, env: Environment = 'prod') => get(s, 'ScaledObject', env)['spec'];
  const trigger = (s: AppService, name: string, env: Environment = 'prod') => so(s, env).triggers.find((t: Any) => t['name'] === name);

  it('targets the Deployment object and scales HTTP services on in-flight, CPU, memory and p95', () => {
    expect(so('intent-classifier').scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: get('intent-classifier', 'Deployment')['metadata'].name });
    expect(trigger('gateway', 'inflight')).toMatchObject({ type: 'prometheus', metricType: 'AverageValue', metadata: { threshold: '10', query: 'sum(http_server_requests_in_flight{namespace="supportmesh-prod",service="gateway"})' } });
    expect(trigger('gateway', 'cpu')).toEqual({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
    expect(trigger('gateway', 'memory')).toEqual({ type: 'memory', name: 'memory', metricType: 'Utilization', metadata: { value: '80' } });
    const p95 = trigger('gateway', 'p95');
    expect(p95.metadata.threshold).toBe('1');
    expect(p95.metadata.query).toMatch(/^histogram_quantile\(0\.95, sum by \(le\) \(rate\(http_server_request_duration_seconds_bucket\{/);
  });

  it('scales the stream consumers on consumer-group lag over 100', () => {
    expect(trigger('analytics', 'lag')).toMatchObject({ type: 'redis-streams', metadata: { stream: 'conversation.turn', consumerGroup: 'analytics', lagCount: '100' }, authenticationRef: { name: 'analytics-redis' } });
    expect(trigger('escalation', 'lag')).toMatchObject({ metadata: { stream: CATALOGUE.escalation.consumes[0]!.stream, consumerGroup: 'ticket-worker', lagCount: '100' } });
    const auth = get('escalation', 'TriggerAuthentication')['spec'];
    expect(auth.secretTargetRef).toEqual([{ parameter: 'password', name: 'escalation-secrets', key: 'REDIS_PASSWORD' }]);
  });

  it('scales the speech connector on concurrent audio streams', () => {
    expect(trigger('speech-connector', 'streams')).toMatchObject({ type: 'prometheus', metadata: { query: 'sum(speech_active_streams{namespace="supportmesh-prod",service="speech-connector"})', threshold: '10' } });
  });

  it('caps prod agents by the New York schedule windows and leaves the gateway and dev unscheduled', () => {
    const crons = so('critic').triggers.filter((t: Any) => t['type'] === 'cron');
    expect(crons.map((t: Any) => [t['name'], t['metadata'].desiredReplicas, t['metadata'].timezone])).toEqual([
      ['window_morning', '2', 'America/New_York'],
      ['window_business', '3', 'America/New_York'],
      ['window_evening', '2', 'America/New_York'],
      ['window_weekend', '2', 'America/New_York'],
    ]);
    expect(so('critic').advanced.scalingModifiers).toMatchObject({ target: '1', metricType: 'AverageValue' });
    expect(so('gateway').triggers.some((t: Any) => t['type'] === 'cron')).toBe(false);
    expect(so('critic', 'dev').triggers.some((t: Any) => t['type'] === 'cron')).toBe(false);
  });

  it('falls back to a fixed replica count when a scaler keeps failing', () => {
    expect(so('gateway').fallback).toEqual({ failureThreshold: 3, replicas: 10 });
  });
});

describe('PrometheusRule', () => {
  const alerts = (s: AppService) => get(s, 'PrometheusRule')['spec'].groups[0].rules.map((r: Any) => r['alert']);

  it('carries the seed alert table', () => {
    expect(alerts('response-generator')).toEqual(['SupportMeshHighCpu', 'SupportMeshCircuitOpen', 'SupportMeshHighLatencyP95', 'SupportMeshAtMaxReplicas', 'SupportMeshLlmPoolExhausted']);
    expect(alerts('gateway')).toContain('SupportMeshMonthlyCostOverBudget');
    expect(alerts('critic')).not.toContain('SupportMeshLlmPoolExhausted');
    const cpu = get('critic', 'PrometheusRule')['spec'].groups[0].rules[0];
    expect(cpu).toMatchObject({ for: '10m' });
    expect(cpu.expr).toMatch(/> 0\.85$/);
    const cost = get('gateway', 'PrometheusRule')['spec'].groups[0].rules.find((r: Any) => r['alert'] === 'SupportMeshMonthlyCostOverBudget');
    expect(cost.expr).toMatch(new RegExp(`> ${ENVIRONMENT_CONFIG.prod.monthlyLlmBudgetUsd}$`));
  });

  it('is picked up by the Prometheus operator, as is the ServiceMonitor', () => {
    expect(get('critic', 'PrometheusRule')['metadata'].labels).toMatchObject(ENVIRONMENT_CONFIG.prod.monitoring.selectorLabels);
    const sm = get('critic', 'ServiceMonitor');
    expect(sm['metadata'].labels).toMatchObject(ENVIRONMENT_CONFIG.prod.monitoring.selectorLabels);
    expect(sm['spec'].endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }]);
  });
});
