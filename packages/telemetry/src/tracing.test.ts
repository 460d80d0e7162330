import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTraceContext, initTracing, injectTraceContext, tracingMiddleware, type Tracing } from './tracing.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;
let tracing: Tracing | undefined;
let server: Server | undefined;

afterEach(async () => {
  if (server) await new Promise((r) => server?.close(r));
  server = undefined;
  await tracing?.shutdown();
  tracing = undefined;
});

describe('initTracing', () => {
  it('does not export unless an OTLP endpoint is configured', async () => {
    tracing = initTracing({ service: 's', env: {} });
    expect(tracing.exporting).toBe(false);
    await tracing.shutdown();
    tracing = initTracing({ service: 's', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' } });
    expect(tracing.exporting).toBe(true);
  });

  it('writes a W3C traceparent for the active span and nothing without one', () => {
    tracing = initTracing({ service: 's', exporter: new InMemorySpanExporter() });
    expect(injectTraceContext({})).toEqual({});
    const span = trace.getTracer('t').startSpan('work');
    const headers = injectTraceContext<Record<string, string>>({}, trace.setSpan(extractTraceContext({}), span));
    const match = TRACEPARENT.exec(headers['traceparent'] ?? '');
    expect(match?.[1]).toBe(span.spanContext().traceId);
    expect(match?.[2]).toBe(span.spanContext().spanId);
    span.end();
  });

  it('continues an incoming trace across an HTTP service and names the span by route', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = initTracing({ service: 'svc', exporter });
    const app = express();
    app.use(tracingMiddleware('svc'));
    app.get('/v1/items/:id', (_req, res) => {
      res.json(injectTraceContext({}));
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`http://127.0.0.1:${port}/v1/items/42`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const outbound = (await res.json()) as { traceparent?: string };
    const match = TRACEPARENT.exec(outbound.traceparent ?? '');
    expect(match?.[1]).toBe(traceId);
    expect(match?.[2]).not.toBe('00f067aa0ba902b7');

    // the server span ends on the response's 'close', which can trail the client's read by a tick
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length === 0; i++) {
      await tracing.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['GET /v1/items/:id']);
    expect(spans[0]?.spanContext().traceId).toBe(traceId);
  });
});
