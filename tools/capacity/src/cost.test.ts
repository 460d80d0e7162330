import { describe, expect, it } from 'vitest';
import { ACA_EAST_US, AKS_D4S_V5_EAST_US, monthlyCost, nodesFor, SECONDS_PER_MONTH } from './cost.js';

describe('monthly cost', () => {
  it('prices one always-on 0.5 vCPU / 1 GiB replica on Container Apps at $39.42 a month before free grants', () => {
    const week = 7 * 86_400;
    const cost = monthlyCost([{ service: 'a', replicaSeconds: week, cpuRequestCores: 0.5, memoryRequestGib: 1, requests: 0 }], week, ACA_EAST_US);
    // 2,628,000 s × (0.5 × $0.000024 + 1 × $0.000003)
    expect(cost.grossMonthlyUsd).toBeCloseTo(SECONDS_PER_MONTH * 0.000015, 6);
    expect(cost.grossMonthlyUsd).toBeCloseTo(39.42, 2);
    expect(cost.freeGrantUsd).toBeCloseTo(180_000 * 0.000024 + 360_000 * 0.000003, 6);
    expect(cost.netMonthlyUsd).toBeCloseTo(39.42 - 5.4, 2);
  });

  it('scales a shorter window to the month and charges requests beyond the free 2 million', () => {
    const hour = 3600;
    const cost = monthlyCost([{ service: 'a', replicaSeconds: 2 * hour, cpuRequestCores: 1, memoryRequestGib: 2, requests: 10_000 }], hour, ACA_EAST_US);
    expect(cost.services[0].vcpuSecondsPerMonth).toBeCloseTo(2 * SECONDS_PER_MONTH);
    expect(cost.services[0].requestsPerMonth).toBeCloseTo(7_300_000);
  });

  it('sizes the AKS user pool by the larger of CPU and memory and adds the system pool', () => {
    expect(nodesFor(4.5, 9, AKS_D4S_V5_EAST_US)).toBe(2);
    expect(nodesFor(1, 30, AKS_D4S_V5_EAST_US)).toBe(3);
    expect(nodesFor(0, 0, AKS_D4S_V5_EAST_US)).toBe(1);
    const week = 7 * 86_400;
    const cost = monthlyCost([{ service: 'a', replicaSeconds: week, cpuRequestCores: 0.5, memoryRequestGib: 1, requests: 0 }], week, AKS_D4S_V5_EAST_US, 2 * week);
    expect(cost.netMonthlyUsd).toBeCloseTo(730 * (2 * 0.192 + 0.096), 6);
  });
});
