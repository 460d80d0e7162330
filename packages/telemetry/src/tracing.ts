import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  readonly service: string;
  /** Reads `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Export spans here instead of OTLP (tests). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  /** True when spans are exported somewhere. */
  readonly exporting: boolean;
  /** Exports finished spans now. */
  flush(): Promise<void>;
  /** Flushes pending spans and unregisters the global tracer provider and propagator. */
  shutdown(): Promise<void>;
}

function otlpExporter(env: Readonly<Record<string, string | undefined>>): SpanExporter | undefined {
  const tracesUrl = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!base && !tracesUrl) return undefined;
  return new OTLPTraceExporter({ url: tracesUrl || `${(base ?? '').replace(/\/+$/, '')}/v1/traces` });
}

/**
 * Registers a global tracer provider with the W3C trace-context propagator. Spans are exported over
 * OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise they are created (so `traceparent`
 * still flows between services) but not exported.
 */
export function initTracing(opts: TracingOptions): Tracing {
  const exporter = opts.exporter ?? otlpExporter(opts.env ?? process.env);
  const spanProcessors: SpanProcessor[] = exporter ? [new BatchSpanProcessor(exporter)] : [];
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.service }),
    spanProcessors,
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    exporting: exporter !== undefined,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Writes `traceparent` (and `tracestate`) for the active span into `headers`; returns `headers`. */
export function injectTraceContext<H extends Record<string, string>>(headers: H, ctx: Context = context.active()): H {
  propagation.inject(ctx, headers);
  return headers;
}

/** The context carried by incoming `traceparent`/`tracestate` headers (the active context if none). */
export function extractTraceContext(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  ctx: Context = context.active(),
): Context {
  return propagation.extract(ctx, headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const v = carrier[key.toLowerCase()] ?? carrier[key];
      return Array.isArray(v) ? v[0] : v;
    },
  });
}

type Next = (err?: unknown) => void;

/**
 * Express middleware: continues the caller's trace (or starts one) with a SERVER span for the request,
 * active for the rest of the request so outbound calls can `injectTraceContext`.
 */
export function tracingMiddleware(service: string): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  const tracer = trace.getTracer(service);
  return (req, res, next) => {
    const parent = extractTraceContext(req.headers);
    const span = tracer.startSpan(`${req.method ?? 'HTTP'}`, { kind: SpanKind.SERVER }, parent);
    const end = (): void => {
      res.off('close', end);
      const route = (req as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } }).route?.path;
      if (typeof route === 'string') span.updateName(`${req.method ?? 'HTTP'} ${(req as { baseUrl?: string }).baseUrl ?? ''}${route}`);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (!res.writableFinished || res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('close', end);
    context.with(trace.setSpan(parent, span), () => next());
  };
}
