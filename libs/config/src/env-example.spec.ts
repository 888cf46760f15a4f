import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample } from './env-example';
import { ALL_CONFIG_SECTIONS } from './sections';
import { settingsOf } from './setting';

describe('.env.example', () => {
  it('is exactly what the config classes render (run `npm run env:example` after changing a setting)', () => {
    const file = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    expect(file).toBe(renderEnvExample());
  });

  it('lists every setting once, and no variable is declared twice', () => {
    const names = ALL_CONFIG_SECTIONS.flatMap((section) => settingsOf(section).map((s) => s.env));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(renderEnvExample()).toContain(`${name}=`);
    }
  });
});
