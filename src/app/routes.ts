/**
 * The name → route map both surfaces dispatch through, derived from the table. Discord names are
 * matched exactly; terminal names (and their aliases) case-insensitively.
 */
import { COMMAND_SPECS, type CommandSpec, type Route, type Surface } from './spec.js';

/** Command name (and terminal alias) → route, for one surface of a table (the command table by default). */
export function routesOf(
  surface: Surface,
  specs: readonly CommandSpec[] = COMMAND_SPECS,
): ReadonlyMap<string, Route> {
  const map = new Map<string, Route>();
  for (const c of specs) {
    if (!c.surfaces.includes(surface)) continue;
    if (surface === 'discord') {
      map.set(c.name, c.route);
      continue;
    }
    for (const name of [c.name, ...(c.terminal?.aliases ?? [])]) map.set(name.toLowerCase(), c.route);
  }
  return map;
}

/** Per surface: command name → route. */
export const COMMAND_ROUTES: Readonly<Record<Surface, ReadonlyMap<string, Route>>> = {
  discord: routesOf('discord'),
  terminal: routesOf('terminal'),
};

/** The route of command `name` on `surface`, or undefined when that surface has no such command. */
export function routeFor(surface: Surface, name: string): Route | undefined {
  return COMMAND_ROUTES[surface].get(surface === 'terminal' ? name.toLowerCase() : name);
}
