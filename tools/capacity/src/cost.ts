/**
 * Monthly compute cost from what the simulation ran: replica-seconds × each pod's requests.
 *
 * LIST PRICES (USD, pay-as-you-go, Linux, region East US), entered by hand on 2026-11-23 from the rates those pages
 * published in 2025 (they could not be re-fetched from here) — adjust to your agreement (reservations, savings plan,
 * enterprise discounts) and re-check before relying on them:
 * - Azure Container Apps, Consumption plan — https://azure.microsoft.com/en-us/pricing/details/container-apps/
 *   (as listed in 2025): active usage $0.000024 per vCPU-second and $0.000003 per GiB-second; requests $0.40 per
 *   million. Monthly free grant per subscription (Microsoft Learn, "Billing in Azure Container Apps",
 *   https://learn.microsoft.com/azure/container-apps/billing, checked 2026-11-23): 180,000 vCPU-seconds, 360,000
 *   GiB-seconds and 2 million requests. Idle-rate billing is not modelled (every replica bills at the active rate).
 * - AKS node pool — https://azure.microsoft.com/en-us/pricing/details/virtual-machines/linux/ (as listed in 2025):
 *   Standard_D2s_v5 (2 vCPU, 8 GiB) $0.096/h, Standard_D4s_v5 (4 vCPU, 16 GiB) $0.192/h; AKS Free tier control plane
 *   $0 (Standard tier $0.10 per cluster-hour, https://azure.microsoft.com/en-us/pricing/details/kubernetes-service/).
 *   Allocatable capacity per node is an assumption (kube/system reservations): 3.8 vCPU / 12 GiB of a D4s_v5.
 * Neither model includes Redis, Cosmos DB, Azure OpenAI tokens, egress or monitoring — compute for the services only.
 */

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface AcaPrices {
  readonly model: 'aca';
  readonly region: string;
  readonly vcpuSecondUsd: number;
  readonly gibSecondUsd: number;
  readonly perMillionRequestsUsd: number;
  readonly freeVcpuSecondsPerMonth: number;
  readonly freeGibSecondsPerMonth: number;
  readonly freeRequestsPerMonth: number;
  readonly source: string;
}

export interface AksPrices {
  readonly model: 'aks';
  readonly region: string;
  readonly nodeSku: string;
  readonly nodeHourUsd: number;
  readonly allocatableVcpu: number;
  readonly allocatableGib: number;
  /** Nodes kept regardless of load (the user pool's minimum). */
  readonly minNodes: number;
  /** A separate system node pool (kube-system, KEDA, ingress, monitoring agents). */
  readonly systemPool: { readonly sku: string; readonly nodes: number; readonly nodeHourUsd: number };
  readonly controlPlaneHourUsd: number;
  readonly source: string;
}

export type PriceTable = AcaPrices | AksPrices;

export const ACA_EAST_US: AcaPrices = {
  model: 'aca',
  region: 'eastus',
  vcpuSecondUsd: 0.000024,
  gibSecondUsd: 0.000003,
  perMillionRequestsUsd: 0.4,
  freeVcpuSecondsPerMonth: 180_000,
  freeGibSecondsPerMonth: 360_000,
  freeRequestsPerMonth: 2_000_000,
  source: 'Azure Container Apps Consumption plan list prices, East US (azure.microsoft.com/pricing/details/container-apps, 2025); free grants per learn.microsoft.com/azure/container-apps/billing',
};

export const AKS_D4S_V5_EAST_US: AksPrices = {
  model: 'aks',
  region: 'eastus',
  nodeSku: 'Standard_D4s_v5',
  nodeHourUsd: 0.192,
  allocatableVcpu: 3.8,
  allocatableGib: 12,
  minNodes: 1,
  systemPool: { sku: 'Standard_D2s_v5', nodes: 1, nodeHourUsd: 0.096 },
  controlPlaneHourUsd: 0,
  source: 'Azure Linux VM pay-as-you-go list prices, East US (azure.microsoft.com/pricing/details/virtual-machines/linux, 2025); AKS Free tier',
};

export const PRICE_TABLES: Readonly<Record<'aca' | 'aks', PriceTable>> = { aca: ACA_EAST_US, aks: AKS_D4S_V5_EAST_US };

/** What one service used over the simulated window. */
export interface ServiceUsage {
  readonly service: string;
  /** Σ pods × dt (pods that exist, ready or starting), seconds. */
  readonly replicaSeconds: number;
  readonly cpuRequestCores: number;
  readonly memoryRequestGib: number;
  /** Requests the service received. */
  readonly requests: number;
}

export interface ServiceCost {
  readonly service: string;
  readonly monthlyUsd: number;
  readonly vcpuSecondsPerMonth: number;
  readonly gibSecondsPerMonth: number;
  readonly requestsPerMonth: number;
}

export interface CostSummary {
  readonly model: 'aca' | 'aks';
  readonly prices: PriceTable;
  readonly services: readonly ServiceCost[];
  /** Before free grants (ACA) / including system pool (AKS). */
  readonly grossMonthlyUsd: number;
  readonly freeGrantUsd: number;
  readonly netMonthlyUsd: number;
  readonly notes: readonly string[];
}

/**
 * Scales the simulated window to a month (730 h) and prices it. For AKS, `nodeSeconds` is the integral of the node
 * count needed to fit every pod's requests (the caller computes it step by step with `nodesFor`).
 */
export function monthlyCost(usage: readonly ServiceUsage[], windowSeconds: number, prices: PriceTable, nodeSeconds = 0): CostSummary {
  const scale = SECONDS_PER_MONTH / windowSeconds;
  if (prices.model === 'aca') {
    const services = usage.map((u): ServiceCost => {
      const vcpu = u.replicaSeconds * u.cpuRequestCores * scale;
      const gib = u.replicaSeconds * u.memoryRequestGib * scale;
      const requests = u.requests * scale;
      return {
        service: u.service,
        vcpuSecondsPerMonth: vcpu,
        gibSecondsPerMonth: gib,
        requestsPerMonth: requests,
        monthlyUsd: vcpu * prices.vcpuSecondUsd + gib * prices.gibSecondUsd + (requests / 1e6) * prices.perMillionRequestsUsd,
      };
    });
    const gross = services.reduce((s, c) => s + c.monthlyUsd, 0);
    const totalVcpu = services.reduce((s, c) => s + c.vcpuSecondsPerMonth, 0);
    const totalGib = services.reduce((s, c) => s + c.gibSecondsPerMonth, 0);
    const totalRequests = services.reduce((s, c) => s + c.requestsPerMonth, 0);
    const free =
      Math.min(totalVcpu, prices.freeVcpuSecondsPerMonth) * prices.vcpuSecondUsd +
      Math.min(totalGib, prices.freeGibSecondsPerMonth) * prices.gibSecondUsd +
      (Math.min(totalRequests, prices.freeRequestsPerMonth) / 1e6) * prices.perMillionRequestsUsd;
    return {
      model: 'aca',
      prices,
      services,
      grossMonthlyUsd: gross,
      freeGrantUsd: free,
      netMonthlyUsd: gross - free,
      notes: ['every replica bills at the active rate (idle-rate discount not modelled)', 'compute only: Redis, Cosmos DB, Azure OpenAI and egress are not included'],
    };
  }
  // AKS: the node pool is shared; attribute it to services by their share of requested vCPU-seconds.
  const nodeCost = (nodeSeconds * scale * prices.nodeHourUsd) / 3600;
  const fixed = HOURS_PER_MONTH * (prices.systemPool.nodes * prices.systemPool.nodeHourUsd + prices.controlPlaneHourUsd);
  const cpuSeconds = usage.map((u) => u.replicaSeconds * u.cpuRequestCores);
  const totalCpu = cpuSeconds.reduce((s, v) => s + v, 0);
  const services = usage.map(
    (u, i): ServiceCost => ({
      service: u.service,
      vcpuSecondsPerMonth: cpuSeconds[i] * scale,
      gibSecondsPerMonth: u.replicaSeconds * u.memoryRequestGib * scale,
      requestsPerMonth: u.requests * scale,
      monthlyUsd: totalCpu > 0 ? (nodeCost * cpuSeconds[i]) / totalCpu : 0,
    }),
  );
  return {
    model: 'aks',
    prices,
    services,
    grossMonthlyUsd: nodeCost + fixed,
    freeGrantUsd: 0,
    netMonthlyUsd: nodeCost + fixed,
    notes: [
      `user pool ${prices.nodeSku} sized step by step to fit every pod's requests (min ${prices.minNodes} node); per-service figures are shares of it by requested vCPU-seconds`,
      `includes a ${prices.systemPool.nodes}× ${prices.systemPool.sku} system pool ($${fixed.toFixed(2)}/month)`,
      'compute only: Redis, Cosmos DB, Azure OpenAI and egress are not included',
    ],
  };
}

/** Nodes of the user pool needed to fit the summed requests (bin packing approximated by totals). */
export function nodesFor(totalCpuCores: number, totalMemoryGib: number, prices: AksPrices): number {
  return Math.max(prices.minNodes, Math.ceil(totalCpuCores / prices.allocatableVcpu - 1e-9), Math.ceil(totalMemoryGib / prices.allocatableGib - 1e-9));
}
