/**
 * The one place the bench imports the local stack runner (`@supportmesh/dev`, itself a `type:tool`). The module
 * boundary rule lets tools depend only on libs outside tests; the bench has to drive the stack, hence the exception.
 */
export { DEV_API_KEY, freePort, REPO_ROOT, SERVICE_NODE_FLAGS, SERVICES, startStack, type Stack, type StackOptions } from '@supportmesh/dev';
