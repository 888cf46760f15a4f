import type { Redis } from 'ioredis';
import type { TestDatabase } from './database';

/** Every (table, column) of the schema that can hold text: text, varchar, json, jsonb, arrays. */
const textColumns = async (db: TestDatabase): Promise<{ table: string; column: string }[]> =>
  db.dataSource.query<{ table: string; column: string }[]>(
    `SELECT c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
        AND (c.data_type IN ('text', 'character varying', 'json', 'jsonb', 'ARRAY'))
      ORDER BY 1, 2`,
  );

/** Where in PostgreSQL `needle` still appears: `table.column` → rows. */
export const mentionsInDatabase = async (
  db: TestDatabase,
  needle: string,
): Promise<Record<string, number>> => {
  const found: Record<string, number> = {};
  for (const { table, column } of await textColumns(db)) {
    const [{ n }] = await db.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "${table}" WHERE strpos(lower("${column}"::text), $1) > 0`,
      [needle],
    );
    if (n > 0) {
      found[`${table}.${column}`] = n;
    }
  }
  return found;
};

/** Redis keys under the prefix whose name or value holds `needle` (every data type read). */
export const mentionsInRedis = async (redis: Redis, prefix: string, needle: string): Promise<string[]> => {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown = null;
      if (type === 'string') {
        value = await redis.get(key);
      } else if (type === 'hash') {
        value = await redis.hgetall(key);
      } else if (type === 'list') {
        value = await redis.lrange(key, 0, -1);
      } else if (type === 'set') {
        value = await redis.smembers(key);
      } else if (type === 'zset') {
        value = await redis.zrange(key, 0, -1);
      } else if (type === 'stream') {
        value = await redis.xrange(key, '-', '+');
      }
      if (`${key} ${JSON.stringify(value)}`.toLowerCase().includes(needle)) {
        found.push(key);
      }
    }
  } while (cursor !== '0');
  return found;
};
