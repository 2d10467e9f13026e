// Proposals against real SQLite, in memory and two connections to one file (the cases are shared
// with PostgreSQL: cases/proposals.ts).
import { sqliteFixture } from './cases/fixture.js';
import { proposalCases } from './cases/proposals.js';

proposalCases(sqliteFixture('memory'));
