/**
 * The pods of one Deployment: created when `spec.replicas` rises, Ready `startupSeconds` later, deleted when it falls.
 * On a scale-down the ReplicaSet controller deletes not-ready pods before ready ones and, among equals, the
 * newest first; termination is immediate here (a pod that is deleted stops billing and serving).
 */
export class PodSet {
  private readyAt: number[] = [];

  constructor(initial: number, now: number) {
    for (let i = 0; i < initial; i++) this.readyAt.push(now);
  }

  get count(): number {
    return this.readyAt.length;
  }

  readyCount(now: number): number {
    let n = 0;
    for (const r of this.readyAt) if (r <= now) n++;
    return n;
  }

  /** Ready flags of every pod at `now` (oldest first). */
  readiness(now: number): boolean[] {
    return this.readyAt.map((r) => r <= now);
  }

  scaleTo(replicas: number, now: number, startupSeconds: number): void {
    while (this.readyAt.length < replicas) this.readyAt.push(now + startupSeconds);
    if (this.readyAt.length > replicas) {
      // Keep the ready pods that have been ready longest.
      const sorted = [...this.readyAt].sort((a, b) => a - b);
      this.readyAt = sorted.slice(0, replicas);
    }
  }
}
