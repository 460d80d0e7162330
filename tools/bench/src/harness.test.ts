import { describe, expect, it } from 'vitest';
import { median, sumMetric } from './harness.js';

describe('metrics scraping helpers', () => {
  const text = [
    '# HELP http_server_requests_total HTTP requests served',
    '# TYPE http_server_requests_total counter',
    'http_server_requests_total{service="critic",route="/v1/review",method="POST",status="200"} 120',
    'http_server_requests_total{service="critic",route="/v1/review",method="POST",status="400"} 3',
    'http_server_requests_total{service="critic",route="/metrics",method="GET",status="200"} 7',
    'http_server_requests_total_created{service="critic"} 1700000000',
    'cache_hits_total{cache="exact",kind="exact"} 4',
  ].join('\n');

  it('sums a counter over its label sets, filtered by labels', () => {
    expect(sumMetric(text, 'http_server_requests_total')).toBe(130);
    expect(sumMetric(text, 'http_server_requests_total', (l) => l['route'] !== '/metrics')).toBe(123);
    expect(sumMetric(text, 'cache_hits_total')).toBe(4);
    expect(sumMetric(text, 'absent_total')).toBe(0);
  });

  it('takes the median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
