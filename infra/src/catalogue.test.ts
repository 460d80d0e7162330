import { SERVICE_PORTS, STREAMS } from '@supportmesh/contracts';
import { describe, expect, it } from 'vitest';
import { APP_SERVICES, CATALOGUE, ENVIRONMENT_CONFIG, ENVIRONMENTS, IMAGE_VERSION, SEED_SCHEDULE } from './catalogue.js';
import { windowAt } from './keda/scaling.js';
import { namespaceFor } from './names.js';

describe('service catalogue', () => {
  it('lists the gateway, six agents and the speech connector', () => {
    expect(Object.keys(CATALOGUE).sort()).toEqual([...APP_SERVICES].sort());
    expect(APP_SERVICES).toHaveLength(8);
    for (const s of APP_SERVICES) expect(CATALOGUE[s].name).toBe(s);
  });

  it('takes every port from the shared SERVICE_PORTS the apps listen on', () => {
    for (const s of APP_SERVICES) expect(CATALOGUE[s].port).toBe(SERVICE_PORTS[s]);
  });

  it('requests the seed default of 0.5 vCPU and 1 GiB per instance', () => {
    for (const s of APP_SERVICES) expect(CATALOGUE[s].resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  it('bounds replicas as the seed does: prod agents 1–3, gateway 2–20, dev 1–2', () => {
    for (const s of APP_SERVICES) {
      const { dev, prod } = CATALOGUE[s].replicas;
      expect([dev.min, dev.max]).toEqual([1, 2]);
      expect([prod.min, prod.max]).toEqual(s === 'gateway' ? [2, 20] : [1, 3]);
      for (const b of [dev, prod]) expect(b.fallback).toBeLessThanOrEqual(b.max);
    }
  });

  it('names the stream consumers: analytics on conversation.turn, the ticket worker on the tickets stream', () => {
    expect(CATALOGUE.analytics.consumes).toEqual([{ stream: STREAMS.conversationTurn, group: 'analytics' }]);
    expect(CATALOGUE.escalation.consumes).toEqual([{ stream: STREAMS.tickets, group: 'ticket-worker' }]);
    const consumers = APP_SERVICES.filter((s) => CATALOGUE[s].consumes.length > 0);
    expect(consumers.sort()).toEqual(['analytics', 'escalation']);
  });

  it('tags images with a version, never latest', () => {
    expect(IMAGE_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('derives the namespace supportmesh-<env>', () => {
    for (const env of ENVIRONMENTS) expect(ENVIRONMENT_CONFIG[env].namespace).toBe(namespaceFor(env));
  });

  it('covers every minute of the week with exactly the seed schedule windows', () => {
    const seen = new Map<string, number>();
    for (let day = 0; day < 7; day++) {
      for (let minute = 0; minute < 24 * 60; minute++) {
        const w = windowAt(SEED_SCHEDULE, day, minute);
        seen.set(w.name, (seen.get(w.name) ?? 0) + 1);
      }
    }
    // Mon–Fri minutes per window, weekend whole days.
    expect(Object.fromEntries(seen)).toEqual({
      night: 5 * 4 * 60,
      morning: 5 * 3 * 60,
      business: 5 * 9 * 60,
      evening: 5 * 4 * 60,
      late_night: 5 * 4 * 60,
      weekend: 2 * 24 * 60,
    });
    expect(windowAt(SEED_SCHEDULE, 3, 10 * 60)).toMatchObject({ name: 'business', min: 1, max: 3 });
    expect(windowAt(SEED_SCHEDULE, 1, 60)).toMatchObject({ name: 'late_night', max: 1 });
  });
});
