import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which playwright-core drives (Playwright's own browser downloads are not used). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The Chromium binary, installed with apt-get when the machine lacks it (as root: this is how a
 * fresh machine gets it). Never a reason to skip the test: without it, this throws.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) {
    return CHROMIUM_PATH;
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: run \`apt-get install -y chromium\` as root (or run the tests as root).`,
    );
  }
  const apt = (args: string[]): void => {
    execFileSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    });
  };
  try {
    apt(['install', '-y', 'chromium']);
  } catch {
    // A fresh image has no package lists yet.
    apt(['update']);
    apt(['install', '-y', 'chromium']);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing.`);
  }
  return CHROMIUM_PATH;
}
