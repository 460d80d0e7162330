import { HorizontalPodAutoscaler, type ReconcileResult } from './hpa.js';
import { KedaScaledObject, kedaScaleDecision, type KedaEvaluation, type ServiceSignals } from './keda.js';
import { PodSet } from './pods.js';

/** `--horizontal-pod-autoscaler-sync-period` */
export const HPA_SYNC_SECONDS = 15;

export interface ControlStep {
  /** `spec.replicas` after this step. */
  readonly replicas: number;
  readonly pods: number;
  readonly ready: number;
  readonly evaluation: KedaEvaluation;
  /** Set when KEDA polled this step. */
  readonly kedaAction?: 'none' | 'activate' | 'deactivate' | 'to-min';
  /** Set when the HPA synced this step. */
  readonly hpa?: ReconcileResult;
}

/**
 * The control loop of one ScaledObject and its Deployment: KEDA's operator polls every `pollingInterval`
 * (activation, scale to and from zero), the HPA it created syncs every 15 s while the target has replicas, and the
 * Deployment's pods follow `spec.replicas` (new pods Ready after `startupSeconds`).
 */
export class ScaledTarget {
  readonly keda: KedaScaledObject;
  readonly hpa: HorizontalPodAutoscaler;
  readonly pods: PodSet;
  replicas: number;
  lastActiveTime: number | undefined;
  private lastPoll = -1;
  private lastSync = -1;

  constructor(
    keda: KedaScaledObject,
    private readonly startupSeconds: number,
    initialReplicas: number = keda.minReplicaCount,
  ) {
    this.keda = keda;
    this.hpa = new HorizontalPodAutoscaler(keda.hpaSpec());
    this.pods = new PodSet(initialReplicas, 0);
    this.replicas = initialReplicas;
  }

  /**
   * One step at simulation time `t` (seconds; `epochSeconds` is the wall clock for cron triggers). `signals` is asked
   * once, for the pods as they are before this step's decisions.
   */
  step(t: number, epochSeconds: number, signals: ServiceSignals): ControlStep {
    const ready = this.pods.readyCount(t);
    const evaluation = this.keda.evaluate(signals, epochSeconds);
    let kedaAction: ControlStep['kedaAction'];
    let hpa: ReconcileResult | undefined;
    const poll = Math.floor(t / this.keda.pollingInterval);
    if (poll > this.lastPoll) {
      this.lastPoll = poll;
      const decision = kedaScaleDecision(this.keda, { now: t, currentReplicas: this.replicas, active: evaluation.active, lastActiveTime: this.lastActiveTime, createdAt: 0 });
      this.lastActiveTime = decision.lastActiveTime;
      kedaAction = decision.action;
      this.apply(decision.replicas, t);
    }
    const sync = Math.floor(t / HPA_SYNC_SECONDS);
    if (sync > this.lastSync && this.replicas > 0) {
      this.lastSync = sync;
      hpa = this.hpa.reconcile(t, { currentReplicas: this.replicas, statusReplicas: this.pods.count, readyPods: ready, metrics: evaluation.metrics });
      this.apply(hpa.replicas, t);
    }
    return {
      replicas: this.replicas,
      pods: this.pods.count,
      ready,
      evaluation,
      ...(kedaAction ? { kedaAction } : {}),
      ...(hpa ? { hpa } : {}),
    };
  }

  private apply(replicas: number, t: number): void {
    if (replicas === this.replicas) return;
    this.replicas = replicas;
    this.pods.scaleTo(replicas, t, this.startupSeconds);
  }
}
