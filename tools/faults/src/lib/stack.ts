/**
 * The one place the suite touches the local multi-process runner (`tools/dev`). The fault suite is test
 * infrastructure run as a CLI (`npm run test:faults`), so it needs the runner outside `*.test.ts` files too.
 */
export { DEV_ADMIN_KEY, DEV_API_KEY, LOCAL_COSMOS_KEY, REPO_ROOT, SERVICE_NODE_FLAGS, startStack, type ManagedProcess, type Stack, type StackOptions } from '@supportmesh/dev';
