/**
 * Command-line options for the entry points: node:util's parseArgs, with its errors turned into
 * one short line each (its own messages suggest `-- "--bogus"` with a quote missing).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export type ParsedArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>;

/** Parses `args`; a problem comes back as one line such as "unknown option '--bogus'". */
export function parseCommandLine<O extends Options>(
  args: string[],
  options: O,
): { ok: true; values: ParsedArgs<O>['values']; positionals: string[] } | { ok: false; message: string } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { ok: true, values, positionals };
  } catch (err) {
    return { ok: false, message: argumentProblem(err as Error & { code?: string }) };
  }
}

function argumentProblem(err: Error & { code?: string }): string {
  const name = /'(-[^' ]*)/u.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${name ?? err.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/u.test(err.message)
        ? `option '${name}' takes no value`
        : `option '${name}' needs a value`;
    default:
      return err.message;
  }
}
