// The state several instances share (FleetStore) on SQLite: the shared cases of cases/fleet.ts (each
// store in memory; the concurrent cases open two connections on one file).
import { fleetCases } from './cases/fleet.js';
import { sqliteFixture } from './cases/fixture.js';

fleetCases(sqliteFixture('memory'));
