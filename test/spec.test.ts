/**
 * The command table (src/app/spec.ts) against what is derived from it: the registration JSON, the
 * option checks, the help texts, the routes and the terminal's parser; and no bound written twice.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
} from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';

import { DISCORD_MAX_RESULTS, MAX_QUESTION_CHARS, MAX_RESULTS } from '../src/app/bounds.js';
import { checkOptions, knowsOption, type RawOption } from '../src/app/check.js';
import { discordHelpLines, terminalHelpLine } from '../src/app/help.js';
import { COMMAND_ROUTES, routeFor } from '../src/app/routes.js';
import { COMMAND_SPECS, type CommandSpec, commandsOf, RESULTS_BOUNDS } from '../src/app/spec.js';
import { parseResultsOption, parseTerminalLine } from '../src/app/terminal.js';
import { COMMAND_NAMES, COMMANDS } from '../src/discord/commands.js';

const root = path.resolve(import.meta.dirname, '..');
const S = ApplicationCommandOptionType.String;
const I = ApplicationCommandOptionType.Integer;

type Def = APIApplicationCommandBasicOption & { max_length?: number; min_value?: number; max_value?: number };

const slash = COMMANDS.filter(
  (c) => (c.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput,
);
const SUB = ApplicationCommandOptionType.Subcommand;

/** What takes options: a slash command, or one subcommand of one (`name` as "command sub"). */
interface Target {
  name: string;
  command: string;
  sub?: string;
  defs: Def[];
}

/** Every slash command's options: its own, or each of its subcommands'. */
const targets: Target[] = slash.flatMap((c): Target[] => {
  type Registered = { type: ApplicationCommandOptionType; name: string; options?: Def[] };
  const options = ('options' in c ? (c.options ?? []) : []) as Registered[];
  const subs = options.filter((o) => o.type === SUB);
  if (subs.length === 0) return [{ name: c.name, command: c.name, defs: options as Def[] }];
  return subs.map((s) => ({
    name: `${c.name} ${s.name}`,
    command: c.name,
    sub: s.name,
    defs: s.options ?? [],
  }));
});

/** checkOptions of a target's options (wrapped in its subcommand when it is one). */
function check(t: Target, options: RawOption[]): string | undefined {
  return checkOptions(t.command, t.sub ? [{ name: t.sub, type: SUB, options }] : options);
}

/** A value of the option's type that every check accepts. */
function fine(d: Def): unknown {
  switch (d.type) {
    case S:
      return 'x';
    case I:
      return d.min_value ?? 1;
    case ApplicationCommandOptionType.Boolean:
      return true;
    default:
      return '123456789012345678';
  }
}

/** The target's required options with fine values, and `name` set to `value`. */
function given(t: Target, name: string, value: unknown): RawOption[] {
  const defs = t.defs;
  const out: RawOption[] = defs
    .filter((d) => d.required && d.name !== name)
    .map((d) => ({ ...d, value: fine(d) }));
  const d = defs.find((x) => x.name === name);
  if (d) out.push({ name, type: d.type, value });
  return out;
}

describe('the registration JSON', () => {
  it('is today’s JSON, byte for byte', () => {
    expect(`${JSON.stringify(COMMANDS, null, 2)}\n`).toBe(
      readFileSync(path.join(root, 'test/fixture/registration.json'), 'utf8'),
    );
  });

  it('takes its bounds from the named constants', () => {
    const ask = targets.find((t) => t.name === 'ask')!.defs;
    expect(ask.find((o) => o.name === 'question')?.max_length).toBe(MAX_QUESTION_CHARS);
    const results = ask.find((o) => o.name === 'results');
    expect(results?.max_value).toBe(DISCORD_MAX_RESULTS);
    expect(results?.description).toContain(`1-${DISCORD_MAX_RESULTS}`);
    expect(RESULTS_BOUNDS.terminal.max).toBe(MAX_RESULTS);
  });

  it('registers every Discord command of the table and no other; COMMAND_NAMES are among them', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(commandsOf('discord').map((c) => c.name));
    for (const name of Object.values(COMMAND_NAMES)) expect(slash.map((c) => c.name)).toContain(name);
  });
});

describe('checkOptions against the registration', () => {
  it('knows every registered option, and no unregistered one', () => {
    for (const t of targets) {
      for (const o of t.defs) expect(knowsOption(t.name, o.name), `${t.name} ${o.name}`).toBe(true);
      expect(check(t, [...given(t, '', ''), { name: 'bogus', type: S, value: 'x' }])).toBe(
        `/${t.name} has no option "bogus". Try /help.`,
      );
    }
  });

  it('a command with subcommands takes exactly one of them', () => {
    const feedback = targets.filter((t) => t.command === 'feedback');
    expect(feedback.map((t) => t.name)).toEqual(['feedback review', 'feedback teach']);
    const use = 'Use one of /feedback review, /feedback teach. Try /help.';
    expect(checkOptions('feedback', [])).toBe(use);
    expect(checkOptions('feedback', [{ name: 'nope', type: SUB, options: [] }])).toBe(use);
    expect(checkOptions('feedback', [{ name: 'page', type: I, value: 1 }])).toBe(use);
    const review = { name: 'review', type: SUB, options: [] };
    expect(checkOptions('feedback', [review, review])).toBe(use);
    expect(checkOptions('feedback', [review])).toBeUndefined();
  });

  it('refuses a value outside an option’s choices', () => {
    const teach = targets.find((t) => t.name === 'feedback teach')!;
    expect(check(teach, given(teach, 'verdict', 'none'))).toBeUndefined();
    expect(check(teach, given(teach, 'verdict', 'maybe'))).toBe(
      'The option "verdict" must be one of: answer, none.',
    );
  });

  it('accepts a value at every bound and refuses one past it', () => {
    let bounds = 0;
    for (const t of targets) {
      for (const o of t.defs) {
        const cases: [unknown, boolean][] = [];
        if (o.max_length !== undefined)
          cases.push(['a'.repeat(o.max_length), true], ['a'.repeat(o.max_length + 1), false]);
        if (o.min_value !== undefined) cases.push([o.min_value, true], [o.min_value - 1, false]);
        if (o.max_value !== undefined) cases.push([o.max_value, true], [o.max_value + 1, false]);
        bounds += cases.length / 2;
        for (const [value, ok] of cases) {
          const problem = check(t, given(t, o.name, value));
          const what = `/${t.name} ${o.name}=${String(value).slice(0, 20)}`;
          if (ok) expect(problem, what).toBeUndefined();
          else
            expect(problem, what).toMatch(
              o.type === S ? /the limit is \d+\.$/u : / must be from \d+ to \d+; got -?\d+\.$/u,
            );
        }
      }
    }
    // question, both articles, section, sources' article, teach's question and passage, /corpus's
    // url and its three article options; results, /read's page, /feedback review's page, /corpus
    // log's page and /insights' days, each at both ends.
    expect(bounds).toBe(21);
  });

  it('needs every required option, and refuses a mistyped one', () => {
    for (const t of targets) {
      for (const o of t.defs) {
        if (o.required) {
          expect(
            check(
              t,
              given(t, '', undefined).filter((g) => g.name !== o.name),
            ),
          ).toBe(`/${t.name} needs the "${o.name}" option.`);
        }
        if (o.type === ApplicationCommandOptionType.User) continue;
        const wrong = o.type === S || o.type === ApplicationCommandOptionType.Attachment ? 42 : 'text';
        expect(check(t, [{ name: o.name, type: o.type, value: wrong }])).toMatch(/must be /u);
      }
    }
  });
});

describe('the help texts', () => {
  it('Discord’s names every Discord command', () => {
    const text = discordHelpLines().join('\n');
    for (const c of commandsOf('discord'))
      expect(text).toContain(c.kind === 'chat' ? `\`/${c.name}` : `**${c.name}**`);
    expect(text).toContain(`\`results\` (1–${DISCORD_MAX_RESULTS})`);
  });

  it('the terminal’s names every terminal command, and no Discord-only one', () => {
    const line = terminalHelpLine();
    for (const c of commandsOf('terminal')) expect(line).toMatch(new RegExp(`/${c.name}\\b`, 'u'));
    expect(line).not.toContain('/read');
    expect(line).toContain('/article [name]');
    // /feedback is Discord's until the terminal has its own form of it.
    if (!routeFor('terminal', 'feedback')) expect(line).not.toContain('/feedback');
    expect(discordHelpLines().join('\n')).toContain('`/feedback review [page]`');
  });
});

describe('routes and the terminal parser', () => {
  it('routes every command of each surface, and only those', () => {
    for (const c of COMMAND_SPECS) {
      for (const surface of ['discord', 'terminal'] as const) {
        expect(routeFor(surface, c.name), `${surface} ${c.name}`).toBe(
          c.surfaces.includes(surface) ? c.route : undefined,
        );
      }
    }
    expect(COMMAND_ROUTES.terminal.get('exit')).toBe('quit');
    expect(routeFor('discord', 'ASK')).toBeUndefined();
    expect(routeFor('terminal', 'ASK')).toBe('ask');
  });

  it('parses lines as today’s handleLine did', () => {
    expect(parseTerminalLine('   ')).toEqual({ kind: 'blank' });
    expect(parseTerminalLine('  What is nanoGPT? ')).toEqual({ kind: 'question', text: 'What is nanoGPT?' });
    expect(parseTerminalLine('/ask   What is nanoGPT?')).toEqual({
      kind: 'command',
      route: 'ask',
      name: 'ask',
      argument: 'What is nanoGPT?',
    });
    expect(parseTerminalLine('/Sources')).toEqual({
      kind: 'command',
      route: 'sources',
      name: 'sources',
      argument: '',
    });
    expect(parseTerminalLine('/EXIT now')).toMatchObject({ kind: 'command', route: 'quit' });
    expect(parseTerminalLine('/nonsense x')).toEqual({ kind: 'unknown', name: 'nonsense' });
    expect(parseTerminalLine('/read a')).toEqual({ kind: 'elsewhere', name: 'read' });
    expect(parseTerminalLine('/ what')).toEqual({ kind: 'question', text: '/ what' });
  });

  it('reads a subcommand of a command that has them: the terminal’s, or one of another surface', () => {
    const table: CommandSpec[] = [
      {
        name: 'feedback',
        kind: 'chat',
        route: 'feedback',
        availability: 'servers',
        audience: 'moderator',
        surfaces: ['discord', 'terminal'],
        subcommands: [
          {
            name: 'review',
            description: 'r',
            terminal: { usage: '/feedback review [page]', argument: 'optional' },
          },
          { name: 'teach', description: 't' },
        ],
      },
    ];
    expect(parseTerminalLine('/Feedback Review  2 ', table)).toEqual({
      kind: 'command',
      route: 'feedback',
      name: 'feedback',
      subcommand: 'review',
      argument: '2',
    });
    expect(parseTerminalLine('/feedback teach x', table)).toEqual({
      kind: 'elsewhere',
      name: 'feedback teach',
    });
    // No subcommand named: the route says how to use it.
    expect(parseTerminalLine('/feedback what', table)).toEqual({
      kind: 'command',
      route: 'feedback',
      name: 'feedback',
      argument: 'what',
    });
    expect(parseTerminalLine('/ask x', table)).toEqual({ kind: 'unknown', name: 'ask' });
    expect(terminalHelpLine(table)).toBe('Commands: /feedback review [page]. Anything else is a question.');
  });

  it('reads --results within the terminal’s bound', () => {
    expect(parseResultsOption(String(MAX_RESULTS))).toEqual({ ok: true, results: MAX_RESULTS });
    expect(parseResultsOption('1')).toEqual({ ok: true, results: 1 });
    for (const bad of ['0', String(MAX_RESULTS + 1), '2.5', 'three', '']) {
      expect(parseResultsOption(bad)).toEqual({
        ok: false,
        message: `--results must be a whole number from 1 to ${MAX_RESULTS}; got ${JSON.stringify(bad)}`,
      });
    }
  });
});

describe('no bound is written twice', () => {
  /** Bound literals: a registration bound, or a results range such as 1-5, 1–10, 1..5, "from 1 to 10". */
  const LITERALS = [
    /\b(?:max_value|min_value|max_length)\s*:\s*\d/u,
    /\b1\s*(?:-|–|\.\.)\s*(?:5|10)\b/u,
    /\bfrom 1 to (?:5|10)\b/u,
    /\bresults\s*>=?\s*\d/u,
  ];
  // merge: these still hold their own literals until the handler rewrite replaces them; remove then.
  const PENDING_MERGE = new Set<string>();
  /** Where the core's bounds are defined (a doc comment there says 1..10 beside MAX_RESULTS). */
  const CORE_BOUNDS = 'src/core/answer.ts';

  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  }

  it('outside the table (src/app/)', () => {
    const found: string[] = [];
    for (const file of files(path.join(root, 'src'))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (rel.startsWith('src/app/') || rel === CORE_BOUNDS || PENDING_MERGE.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, n) => {
          if (LITERALS.some((re) => re.test(line))) found.push(`${rel}:${n + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('and the patterns catch each style of literal', () => {
    for (const sample of [
      'max_value: 5,',
      'max_length: 1000,',
      "description: 'How many passages to show (1-5, default 3)',",
      '`results` (1–5)',
      'results < 1 || results > 5',
      '--results N       passages to show (1-10, default 3)',
      'must be a whole number from 1 to 10',
      'a literal 1..5',
    ]) {
      expect(
        LITERALS.some((re) => re.test(sample)),
        sample,
      ).toBe(true);
    }
  });
});
