/**
 * The names of citebot's settings, and the warnings for variables that are set but ignored (a
 * misspelt name, an unknown one in .env). Re-exported by config.ts.
 */

/** The environment as the entry points pass it in. */
type Env = Record<string, string | undefined>;

/** Every variable citebot reads (config here, NO_COLOR at the entry points). Used to spot misspellings. */
export const CONFIG_VARIABLES = [
  'DISCORD_TOKEN',
  'DISCORD_API_BASE',
  'CORPUS_DIR',
  'CACHE_DIR',
  'DATA_DIR',
  'DATABASE_URL',
  'FEEDBACK_RETENTION_DAYS',
  'MAX_FILE_BYTES',
  'FETCH_ALLOW_HOSTS',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'MODERATOR_ROLE_IDS',
  'OWNER_IDS',
  'COOLDOWN_QUESTIONS',
  'COOLDOWN_SECONDS',
  'AUTOCOMPLETE_PER_10S',
  'MAX_CONCURRENT',
  'MAX_QUEUE',
  'SEMANTIC',
  'SEMANTIC_MAX_PASSAGES',
  'SEMANTIC_MODEL',
  'PRF',
  'MEMORY_LOG_SECONDS',
  'HEAP_GROWTH_PERCENT',
  'DISCORD_PUBLIC_KEY',
  'PORT',
  'HOST',
  'METRICS_PORT',
  'BUTTON_SECRET',
  'BUTTON_SECRET_PREVIOUS',
  'SHARD_COUNT',
  'SHARD_LIST',
  'GATEWAY_INTERACTIONS',
  'NO_COLOR',
] as const;
export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** Variables other programs commonly keep in a project's .env; not ours, but no mistake either. */
const FOREIGN_DOTENV = /^(NODE_|NPM_|TZ$|LANG$|LC_|UV_|DEBUG$)/u;

/** Levenshtein distance, stopping early once it exceeds `max`. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      row.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length] ?? max + 1;
}

/** The known variable `name` is most likely a misspelling of, if any (case-insensitive, small edits). */
export function closestVariable(name: string): ConfigVariable | undefined {
  const upper = name.toUpperCase();
  let best: ConfigVariable | undefined;
  let bestDistance = Infinity;
  for (const known of CONFIG_VARIABLES) {
    // Short names only match by case; longer ones allow one edit per 5 characters, at most 2.
    const max = Math.min(2, Math.floor(known.length / 5));
    const d = editDistance(upper, known, max);
    if (d <= max && d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Warnings about variables that are set but will be ignored: a name close to one of ours (a typo such
 * as COOLDOWN_SECONDZ) anywhere in the environment, and any unknown name in the .env file (`dotenvKeys`,
 * since everything there is meant for citebot).
 */
export function configWarnings(env: Env, dotenvKeys: readonly string[] = []): string[] {
  const known = new Set<string>(CONFIG_VARIABLES);
  const fromFile = new Set(dotenvKeys);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (known.has(name)) continue;
    const close = closestVariable(name);
    if (close) warnings.push(`${name} is not a citebot setting and is ignored; did you mean ${close}?`);
    else if (fromFile.has(name) && !FOREIGN_DOTENV.test(name))
      warnings.push(`${name} in .env is not a citebot setting and is ignored (see .env.example)`);
  }
  return warnings;
}
