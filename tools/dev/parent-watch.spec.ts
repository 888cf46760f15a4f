import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real processes: a shell starts a Node process that watches its parent (100 ms), waits until the
 * watch is installed, then either exits (as npm's shell does on a SIGTERM to npm) or stays.
 */
describe('watchParent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-parent-watch-'));
  const children: ChildProcess[] = [];
  const marks: string[] = [];
  afterAll(() => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    // The watchers themselves: an orphan whose watch failed would otherwise outlive the run.
    for (const mark of marks) {
      const pid = Number(read(`${mark}.pid`));
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const watcher = (mark: string): string => `
    const { writeFileSync } = require('node:fs');
    const { watchParent } = require(${JSON.stringify(join(__dirname, 'parent-watch.ts'))});
    writeFileSync(${JSON.stringify(`${mark}.pid`)}, String(process.pid));
    watchParent(() => { writeFileSync(${JSON.stringify(mark)}, 'gone'); process.exit(0); }, 100);
    writeFileSync(${JSON.stringify(mark)}, 'ready ' + process.pid);
    setInterval(() => undefined, 1000);
  `;

  /** Starts the shell; `then` is what it does once the watcher is ready. Resolves with the mark's path. */
  function startUnderShell(name: string, then: 'exit' | 'wait'): string {
    const mark = join(dir, name);
    marks.push(mark);
    const node = `"${process.execPath}" -r ts-node/register/transpile-only -e "$WATCHER"`;
    const script = `${node} & while [ ! -s "${mark}" ]; do sleep 0.05; done; ${then === 'exit' ? 'exit 0' : 'wait'}`;
    const shell = spawn('sh', ['-c', script], {
      env: { ...process.env, WATCHER: watcher(mark) },
      stdio: 'ignore',
    });
    children.push(shell);
    return mark;
  }

  const read = (mark: string): string => {
    try {
      return readFileSync(mark, 'utf8');
    } catch {
      return '';
    }
  };

  async function until(mark: string, predicate: (text: string) => boolean, ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline && !predicate(read(mark))) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return read(mark);
  }

  it('calls back once the parent has exited and the process was re-parented', async () => {
    const mark = startUnderShell('orphaned', 'exit');
    expect(await until(mark, (text) => text === 'gone', 20_000)).toBe('gone');
  }, 30_000);

  it('stays quiet while the parent lives', async () => {
    const mark = startUnderShell('parented', 'wait');
    const ready = await until(mark, (text) => text.startsWith('ready'), 20_000);
    expect(ready).toMatch(/^ready \d+$/);
    // Ten polls' worth with the parent alive: the mark must still say ready.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(read(mark)).toBe(ready);
    process.kill(Number(ready.split(' ')[1]), 'SIGKILL');
  }, 30_000);
});
