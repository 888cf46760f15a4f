import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { GatewayConfig } from '@sluice/config';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { secretsEqual } from '../auth/api-keys';
import { DashboardService, type DashboardSummary } from './dashboard.service';
import { DashboardSessionGuard, DashboardSessions } from './dashboard-session.guard';
import { sessionCookie, signSession } from './session';

export class DashboardLoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  token!: string;
}

/**
 * Only the page's own files, no inline script or style, no other origin: the page shows what
 * providers and workspaces are called, so nothing injected may run or phone home.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
}

/** The page's files, read once: they live beside this file (the build copies them to dist). */
function loadAssets(): { pages: Record<'index' | 'login', Asset>; files: Record<string, Asset> } {
  const dir = join(__dirname, 'assets');
  const html = 'text/html; charset=utf-8';
  const js = 'text/javascript; charset=utf-8';
  return {
    pages: {
      index: { type: html, body: readFileSync(join(dir, 'index.html')) },
      login: { type: html, body: readFileSync(join(dir, 'login.html')) },
    },
    files: {
      'dashboard.js': { type: js, body: readFileSync(join(dir, 'dashboard.js')) },
      'login.js': { type: js, body: readFileSync(join(dir, 'login.js')) },
      'dashboard.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(dir, 'dashboard.css')) },
      // Chart.js's self-contained build, from the install (chart.js exports only its modules, so
      // the file is found beside its CommonJS entry). Served from here: no CDN.
      'chart.umd.min.js': {
        type: js,
        body: readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')),
      },
    },
  };
}

/**
 * The ops dashboard: a page for operators (admin token login) with balances, burn, spend, queues,
 * circuits and alerts across every workspace. Not public API, so left out of the OpenAPI document.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly assets = loadAssets();

  constructor(
    private readonly config: GatewayConfig,
    private readonly dashboard: DashboardService,
    private readonly sessions: DashboardSessions,
  ) {}

  private send(res: Response, asset: Asset, cache: string): void {
    res
      .status(200)
      .setHeader('Content-Type', asset.type)
      .setHeader('Content-Security-Policy', DASHBOARD_CSP)
      .setHeader('X-Content-Type-Options', 'nosniff')
      .setHeader('Referrer-Policy', 'no-referrer')
      .setHeader('Cache-Control', cache)
      .send(asset.body);
  }

  @Get()
  async page(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!(await this.sessions.allows(req))) {
      res.redirect(303, '/dashboard/login');
      return;
    }
    this.send(res, this.assets.pages.index, 'no-store');
  }

  @Get('login')
  loginPage(@Res() res: Response): void {
    this.send(res, this.assets.pages.login, 'no-store');
  }

  @Get('static/:file')
  file(@Param('file') name: string, @Res() res: Response): void {
    const asset = Object.hasOwn(this.assets.files, name) ? this.assets.files[name] : undefined;
    if (!asset) {
      throw new NotFoundException(`No dashboard file '${name}'.`);
    }
    this.send(res, asset, 'no-cache');
  }

  /** Trades the admin token for a signed, expiring session cookie; the token is never stored. */
  @Post('login')
  @HttpCode(204)
  login(
    @Body() body: DashboardLoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): void {
    if (!secretsEqual(body.token, this.config.adminToken)) {
      throw new UnauthorizedException('Wrong admin token.');
    }
    res.setHeader('Set-Cookie', sessionCookie(signSession(this.config.adminToken), isHttps(req)));
    res.setHeader('Cache-Control', 'no-store');
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.revoke(req);
    res.setHeader('Set-Cookie', sessionCookie(null, isHttps(req)));
  }

  @Get('api/summary')
  @UseGuards(DashboardSessionGuard)
  async summary(@Res({ passthrough: true }) res: Response): Promise<DashboardSummary> {
    res.setHeader('Cache-Control', 'no-store');
    return this.dashboard.summary();
  }
}

/** Marks the cookie Secure when the browser reached us over HTTPS (directly or via a proxy). */
function isHttps(req: Request): boolean {
  return req.secure || req.headers['x-forwarded-proto'] === 'https';
}
