export { DEV_ADMIN_KEY, DEV_API_KEY, LOCAL_SECRETS, startE2eStack, type E2eStack, type E2eStackOptions, type LogLine } from './e2e-stack.js';
export { closeHttpAgents, httpRequest, type HttpOptions, type HttpResponse } from '../http.js';
export { DelayRelay, type RelayRecord } from './relay.js';
