import { settingsOf } from './setting';
import { ALL_CONFIG_SECTIONS } from './sections';

/** Renders `.env.example` from the config classes, so the file and the code cannot drift apart. */
export function renderEnvExample(): string {
  const lines = [
    '# Sluice configuration. Every variable is optional unless marked "required".',
    '# A variable set to an empty value takes its default, unless its description says what empty means.',
    '# `npm start` fills REDIS_URL, DATABASE_URL and SLUICE_ADMIN_TOKEN for local runs when they are unset.',
    '# Generated from libs/config: run `npm run env:example` after changing a setting.',
    '',
  ];
  for (const section of ALL_CONFIG_SECTIONS) {
    const defaults = new section() as unknown as Record<string, unknown>;
    lines.push(`# --- ${section.name.replace(/Config$/, '')} ---`);
    for (const meta of settingsOf(section)) {
      const fallback = defaults[meta.property];
      const required = fallback === undefined;
      lines.push(`# ${meta.description}${required ? ' (required)' : ''}${meta.sensitive ? ' [secret]' : ''}`);
      const value = required
        ? (meta.example ?? '')
        : typeof fallback === 'string'
          ? fallback
          : JSON.stringify(fallback);
      lines.push(`${required ? '' : '# '}${meta.env}=${value}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
