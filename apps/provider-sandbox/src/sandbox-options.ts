/** What a sandbox instance is built from. */
export interface SandboxOptions {
  /** Same seed, same world and same injected failures. */
  seed: number;
  /** Number of companies in the world. */
  worldSize: number;
  /** Log every request the sandbox answers (method, path, status, duration). */
  logRequests?: boolean;
}

export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/** The list of simulated providers (the registry), injectable so tests can narrow it. */
export const SIMULATED_PROVIDERS = Symbol('SIMULATED_PROVIDERS');
