import type { NextFunction, Request, Response } from 'express';

/** Sandbox data is always marked as such: every answer carries `X-Sandbox: true`. */
export function markAsSandbox(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Sandbox', 'true');
  next();
}
