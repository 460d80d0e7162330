import { describe, expect, it } from 'vitest';
import { assertLocalEndpoint, sameHostOnPort } from './endpoint.js';
import { isEndpointNotAllowedError } from './endpoint-not-allowed-error.js';

describe('endpoint allow-list', () => {
  it.each(['http://127.0.0.1:8080', 'http://localhost:8080/', 'https://localhost:8443', 'http://[::1]:8080'])('accepts the loopback endpoint %s', (url) => {
    expect(assertLocalEndpoint(url)).toBe(url.replace(/\/$/, ''));
  });

  it.each([
    ['a public host', 'https://api.example.com'],
    ['a LAN address', 'http://192.168.1.10:8080'],
    ['a host that merely starts with localhost', 'http://localhost.example.com'],
    ['another 127/8 spelling', 'http://127.0.0.2:8080'],
    ['another protocol', 'ftp://127.0.0.1'],
    ['credentials in the URL', 'http://user:pw@127.0.0.1:8080'],
    ['something that is not a URL', 'gateway:8080x'],
  ])('rejects %s with a clear error', (_what, url) => {
    let caught: unknown;
    try {
      assertLocalEndpoint(url, '--endpoint');
    } catch (e) {
      caught = e;
    }
    expect(isEndpointNotAllowedError(caught)).toBe(true);
    expect((caught as Error & { code: string }).code).toBe('ENDPOINT_NOT_ALLOWED');
    expect((caught as Error).message).toContain('--endpoint');
  });

  it('derives sibling service URLs on the same host', () => {
    expect(sameHostOnPort('http://localhost:8080', 8090)).toBe('http://localhost:8090');
    expect(sameHostOnPort('http://[::1]:8080', 8081)).toBe('http://[::1]:8081');
  });
});
