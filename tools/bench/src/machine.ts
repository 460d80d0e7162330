import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  /** Logical CPUs this process may use. */
  readonly cores: number;
  readonly memoryMiB: number;
  readonly nodeVersion: string;
  readonly platform: string;
  readonly kernel: string;
  readonly gitCommit: string;
  /** Uncommitted changes in the work tree when the run started. */
  readonly gitDirty: boolean;
  /** 1/5/15-minute load averages when the run started (other work on the machine depresses every figure). */
  readonly loadAverageAtStart: number[];
}

function git(args: readonly string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The machine the figures come from (read-only `git rev-parse` / `git status`). */
export function machineInfo(repoRoot: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    nodeVersion: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    gitCommit: git(['rev-parse', 'HEAD'], repoRoot) ?? 'unknown',
    gitDirty: (git(['status', '--porcelain', '--untracked-files=no'], repoRoot) ?? '') !== '',
    loadAverageAtStart: os.loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
