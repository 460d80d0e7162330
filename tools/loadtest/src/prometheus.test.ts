import { describe, expect, it } from 'vitest';
import { histogramQuantile, parsePrometheusText } from './prometheus.js';
import { signalFromMetrics, windowP95Ms } from './scraper.js';

const TEXT = `# HELP http_server_requests_in_flight HTTP requests currently being served
# TYPE http_server_requests_in_flight gauge
http_server_requests_in_flight{service="gateway"} 7
circuit_breaker_state{name="llm-respond",service="gateway"} 2
circuit_breaker_state{name="critic"} 0
llm_pool_active_connections{deployment="gpt-4o"} 4
llm_pool_active_connections{deployment="gpt-4o-mini"} 1
llm_cost_usd_total{deployment="gpt-4o",model="gpt-4o"} 0.125
process_resident_memory_bytes 73400320
cache_hits_total{cache="llm",kind="exact"} 12
cache_hits_total{cache="llm",kind="semantic"} 3
cache_hits_total{cache="session",kind="exact"} 99
cache_misses_total{cache="llm",kind="response"} 40
analytics_stream_lag{stream="conversation.turn",group="analytics"} 140
weird_label{msg="a \\"quoted\\", value"} 1
http_server_request_duration_seconds_bucket{route="/v1/chat",le="0.5"} 10
http_server_request_duration_seconds_bucket{route="/v1/chat",le="1"} 20
http_server_request_duration_seconds_bucket{route="/v1/chat",le="+Inf"} 20
http_server_request_duration_seconds_bucket{route="/metrics",le="0.5"} 500
http_server_request_duration_seconds_bucket{route="/metrics",le="1"} 500
http_server_request_duration_seconds_bucket{route="/metrics",le="+Inf"} 500
not a metric line
`;

describe('Prometheus text parsing', () => {
  it('reads names, labels (with escapes) and values, skipping comments and junk', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples.find((s) => s.name === 'http_server_requests_in_flight')).toEqual({ name: 'http_server_requests_in_flight', labels: { service: 'gateway' }, value: 7 });
    expect(samples.find((s) => s.name === 'weird_label')?.labels.msg).toBe('a "quoted", value');
    expect(samples.some((s) => s.name === 'not')).toBe(false);
  });

  it('derives the scaling signals and ignores the scraper’s own /metrics requests in the latency buckets', () => {
    const { buckets, ...signal } = signalFromMetrics(parsePrometheusText(TEXT));
    expect(signal).toEqual({
      up: true,
      inFlight: 7,
      breakers: { 'llm-respond': 2, critic: 0 },
      poolActive: 5,
      streamLag: 140,
      rssBytes: 73400320,
      llmCostUsd: 0.125,
      llmCacheHits: 15,
      llmCacheMisses: 40,
    });
    expect(buckets).toEqual([
      { le: 0.5, count: 10 },
      { le: 1, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 20 },
    ]);
  });

  it('tolerates a service without any of the metrics', () => {
    const { buckets, ...signal } = signalFromMetrics(parsePrometheusText('process_cpu_seconds_total 3\n'));
    expect(signal).toEqual({ up: true });
    expect(buckets).toEqual([]);
  });
});

describe('histogram_quantile', () => {
  it('interpolates inside the bucket like Prometheus', () => {
    const b = [
      { le: 0.1, count: 50 },
      { le: 0.5, count: 90 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.95, b)).toBeCloseTo(0.75);
  });

  it('answers the largest finite bound when the rank falls in +Inf, and nothing without observations', () => {
    expect(histogramQuantile(0.99, [{ le: 1, count: 1 }, { le: Number.POSITIVE_INFINITY, count: 10 }])).toBe(1);
    expect(histogramQuantile(0.95, [{ le: 1, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 0 }])).toBeUndefined();
  });

  it('takes the p95 of a scrape window from two cumulative snapshots (as rate() would)', () => {
    const older = [{ le: 0.5, count: 100 }, { le: 2.5, count: 100 }, { le: Number.POSITIVE_INFINITY, count: 100 }];
    const newer = [{ le: 0.5, count: 100 }, { le: 2.5, count: 200 }, { le: Number.POSITIVE_INFINITY, count: 200 }];
    expect(windowP95Ms(older, newer)).toBeCloseTo(2400);
    expect(windowP95Ms(newer, older)).toBeUndefined();
  });
});
