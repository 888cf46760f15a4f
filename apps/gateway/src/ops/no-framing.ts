import type { NextFunction, Request, Response } from 'express';

/**
 * Refuses to let another site show a page in a frame: `frame-ancestors 'none'` for browsers that
 * read CSP, `X-Frame-Options: DENY` for those that do not. For Bull Board, whose buttons retry,
 * clean, pause and empty queues and whose Basic credentials the browser sends by itself: framed
 * under a page of another site, the operator could be led to click them (clickjacking). Only
 * `frame-ancestors`: a whole CSP would break the board's own inline styles and web fonts.
 */
export function noFraming(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  next();
}
