import { EndpointNotAllowedError } from './endpoint-not-allowed-error.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Parses a target URL and accepts only loopback hosts over http(s), without credentials.
 * Returns the normalised origin + path without a trailing slash.
 * @throws EndpointNotAllowedError for anything else (other hosts, other protocols, malformed URLs).
 */
export function assertLocalEndpoint(raw: string, what = 'endpoint'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new EndpointNotAllowedError(`${what} "${raw}" is not a valid URL (expected e.g. http://127.0.0.1:8080)`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointNotAllowedError(`${what} "${raw}": only http: and https: are allowed`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname.toLowerCase())) {
    throw new EndpointNotAllowedError(
      `${what} "${url.host}" is not allowed: the load tester only targets this machine (127.0.0.1, localhost or [::1])`,
    );
  }
  if (url.username || url.password) throw new EndpointNotAllowedError(`${what}: credentials in the URL are not allowed`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The same host as `endpoint` on another port (services of the local stack live beside the gateway). */
export function sameHostOnPort(endpoint: string, port: number): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${url.hostname}:${port}`;
}
