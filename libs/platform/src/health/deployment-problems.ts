/** A way the apps of one installation disagree, or a check of the deployment that failed, in words. */
export interface DeploymentProblem {
  /** The setting to look at (`SLUICE_ENCRYPTION_KEY`, `QUEUE_PREFIX`, `schema`, …). */
  setting: string;
  message: string;
}

/** What `/health` asks for the deployment's problems as this process last found them. */
export interface DeploymentProblemSource {
  problems(): DeploymentProblem[];
}
export const DEPLOYMENT_PROBLEMS = Symbol('DEPLOYMENT_PROBLEMS');
