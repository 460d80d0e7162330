import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENVIRONMENT_CONFIG, ENVIRONMENTS, IMAGE_REGISTRY, IMAGE_VERSION } from './catalogue.js';
import { dashboardJson, DASHBOARD_FILE } from './dashboard.js';
import { parseAllDocuments } from 'yaml';
import { synthAll, type K8sObject } from './synth.js';
import { validateObject } from './validate.js';

/**
 * `npm run synth`: writes `infra/dist/<env>/<service>.k8s.yaml` (and nothing else there) and refreshes the Grafana
 * dashboard in `infra/dashboards/`. `SUPPORTMESH_IMAGE_TAG` / `SUPPORTMESH_REGISTRY` override the image for CI.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const imageVersion = process.env['SUPPORTMESH_IMAGE_TAG'] || IMAGE_VERSION;
const registry = process.env['SUPPORTMESH_REGISTRY'] || IMAGE_REGISTRY;
if (imageVersion === 'latest') throw new Error('SUPPORTMESH_IMAGE_TAG must be a version, not latest');

const files = synthAll({ imageVersion, registry });
const dist = join(root, 'dist');
// Only the environment folders are ours; `dist/lib` holds the TypeScript build.
for (const env of ENVIRONMENTS) rmSync(join(dist, env), { recursive: true, force: true });
for (const [path, content] of files) {
  // Validate what is written, read back from the YAML text.
  for (const doc of parseAllDocuments(content)) validateObject(doc.toJS() as K8sObject);
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  writeFileSync(join(dist, path), content);
}
mkdirSync(join(root, 'dashboards'), { recursive: true });
writeFileSync(join(root, 'dashboards', DASHBOARD_FILE), dashboardJson(ENVIRONMENT_CONFIG.prod));

for (const env of ENVIRONMENTS) {
  console.log(`infra/dist/${env}: ${readdirSync(join(dist, env)).length} files`);
}
