// The state several instances share (FleetStore) on SQLite: the shared cases of cases/fleet.ts.
import { describe } from 'vitest';
import { sqliteFixture } from './cases/fixture.js';
import { fleetCases } from './cases/fleet.js';

describe('SQLite in memory', () => fleetCases(sqliteFixture('memory')));
describe('SQLite in a file (two connections)', () => fleetCases(sqliteFixture('file')));
