import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { howItEnded, startApp } from './processes';

describe('an app npm start runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-processes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ending = (source: string): Promise<string> => {
    const script = join(dir, `app-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(script, source);
    return new Promise((resolve) => {
      const app = startApp('test-app', script, process.env, (_name, how) => resolve(how));
      app.child.stdout?.resume();
    });
  };

  it('is said to have ended by its exit code, or by the signal that killed it', async () => {
    expect(await ending('process.exit(3);')).toBe('code 3');
    expect(await ending("process.kill(process.pid, 'SIGKILL');")).toBe('signal SIGKILL');
    expect(howItEnded(null, null)).toBe('signal unknown');
  });
});
