// Every CorpusStore method against a real SQLite database in memory (the cases are shared with
// PostgreSQL: cases/corpus.ts).
import { corpusCases } from './cases/corpus.js';
import { sqliteFixture } from './cases/fixture.js';

corpusCases(sqliteFixture('memory'));
