import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CapacityInputError } from './capacity-input-error.js';
import { parseQuantity } from './quantity.js';
import { DeploymentSchema, parseOrThrow, ScaledObjectSchema, type ScaledObject } from './schemas.js';

/**
 * Reads synthesized manifests (`infra/dist/<env>/<service>.k8s.yaml`, multi-document YAML) and pairs every KEDA
 * ScaledObject with the Deployment it scales, for the pods' requests and limits.
 */

export interface ManifestService {
  /** The scaled Deployment's name (the service). */
  readonly name: string;
  readonly file: string;
  readonly scaledObject: ScaledObject;
  /** Summed over the pod's containers. */
  readonly cpuRequestCores: number;
  readonly memoryRequestBytes: number;
  readonly cpuLimitCores: number;
  readonly memoryLimitBytes: number;
}

interface Doc {
  readonly file: string;
  readonly index: number;
  readonly value: Record<string, unknown>;
}

function readDocs(file: string, text: string): Doc[] {
  const docs: Doc[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new CapacityInputError(`${file}: YAML document ${index + 1}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value && typeof value === 'object' && !Array.isArray(value)) docs.push({ file, index, value: value as Record<string, unknown> });
  });
  return docs;
}

/** Every `*.yaml` / `*.yml` file of `path` (a directory) or `path` itself. */
export function readManifests(path: string): ManifestService[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (cause) {
    throw new CapacityInputError(`--manifests ${path}: not found (synthesize the manifests first, e.g. \`npm run synth\` in infra)`, { cause });
  }
  if (files.length === 0) throw new CapacityInputError(`--manifests ${path}: no .yaml files`);
  const docs = files.flatMap((f) => readDocs(f, readFileSync(f, 'utf8')));
  return servicesFromDocs(docs);
}

/** Same as `readManifests` for YAML text already in memory (tests, fixtures). */
export function servicesFromYaml(text: string, file = '<yaml>'): ManifestService[] {
  return servicesFromDocs(readDocs(file, text));
}

function servicesFromDocs(docs: readonly Doc[]): ManifestService[] {
  const deployments = new Map<string, { file: string; value: ReturnType<typeof DeploymentSchema.parse> }>();
  for (const d of docs) {
    if (d.value['kind'] !== 'Deployment') continue;
    const dep = parseOrThrow(DeploymentSchema, d.value, `${d.file} (document ${d.index + 1}, Deployment)`);
    deployments.set(dep.metadata.name, { file: d.file, value: dep });
  }
  const services: ManifestService[] = [];
  for (const d of docs) {
    if (d.value['kind'] !== 'ScaledObject') continue;
    const so = parseOrThrow(ScaledObjectSchema, d.value, `${d.file} (document ${d.index + 1}, ScaledObject)`);
    const kind = so.spec.scaleTargetRef.kind ?? 'Deployment';
    if (kind !== 'Deployment') throw new CapacityInputError(`${d.file}: ScaledObject ${so.metadata.name} scales a ${kind}; only Deployments are simulated`);
    const dep = deployments.get(so.spec.scaleTargetRef.name);
    if (!dep) throw new CapacityInputError(`${d.file}: ScaledObject ${so.metadata.name} scales Deployment ${so.spec.scaleTargetRef.name}, which is not in the manifests`);
    let cpuRequest = 0;
    let memRequest = 0;
    let cpuLimit = 0;
    let memLimit = 0;
    for (const c of dep.value.spec.template.spec.containers) {
      const where = `${dep.file}: Deployment ${dep.value.metadata.name} container ${c.name}`;
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      if (req['cpu'] === undefined || req['memory'] === undefined) {
        throw new CapacityInputError(`${where}: resources.requests.cpu and .memory are required (the HPA's Utilization and the cost model need them)`);
      }
      cpuRequest += parseQuantity(req['cpu'], `${where} requests.cpu`);
      memRequest += parseQuantity(req['memory'], `${where} requests.memory`);
      cpuLimit += lim['cpu'] === undefined ? parseQuantity(req['cpu'], `${where} requests.cpu`) : parseQuantity(lim['cpu'], `${where} limits.cpu`);
      memLimit += lim['memory'] === undefined ? parseQuantity(req['memory'], `${where} requests.memory`) : parseQuantity(lim['memory'], `${where} limits.memory`);
    }
    services.push({
      name: dep.value.metadata.name,
      file: d.file,
      scaledObject: so,
      cpuRequestCores: cpuRequest,
      memoryRequestBytes: memRequest,
      cpuLimitCores: cpuLimit,
      memoryLimitBytes: memLimit,
    });
  }
  if (services.length === 0) throw new CapacityInputError('no KEDA ScaledObject found in the manifests');
  return services;
}
