import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AskResult } from '../src/commands/commands.js';
import { answerQuestion } from '../src/core/answer.js';
import { checkAnswerType, passageHolds, questionShape } from '../src/core/answer-type.js';
import { CorpusIndex } from '../src/core/corpus-index.js';
import { loadCorpus } from '../src/corpus/loader.js';
import { CustomIdSigner } from '../src/discord/custom-id.js';
import { LIMITS } from '../src/discord/limits.js';
import { renderAnswerPage } from '../src/discord/render.js';
import { AnswerStore } from '../src/discord/store.js';
import { answerJson } from '../src/render/json.js';
import { plainStyle, renderAsk } from '../src/render/terminal.js';

const root = path.resolve(import.meta.dirname, '..');
let index: CorpusIndex;

beforeAll(async () => {
  index = CorpusIndex.build((await loadCorpus(path.join(root, 'corpus'))).sources);
});

describe('the answer type of a question', () => {
  it.each([
    ['How much does nanoGPT cost?', 'amount'],
    ['What is the price of a GPU?', 'amount'],
    ['how expensive is it to host a model', 'amount'],
    ['When did Meta release LLaMA?', 'date'],
    ['What year was the transistor invented?', 'date'],
    ['How many languages does it support?', 'count'],
    ['How tall is the tower?', 'count'],
    ['Who founded the company?', 'person'],
    ['hey, does anyone know who wrote this library?', 'person'],
    ['Where is the headquarters?', 'place'],
    ['which licence does the library use?', 'licence'],
    ['What is the license of the kernel?', 'licence'],
    ['what is it licensed under', 'licence'],
    ['What licensing frameworks apply to these projects?', 'other'],
    ['How do I install the package?', 'steps'],
    ['how to set up a cluster', 'steps'],
    ['Is open AI just a passing fad?', 'yesno'],
    ['What is federated learning?', 'definition'],
    ['Why did the maker of ChatGPT stop releasing its models?', 'other'],
    ['How does federated learning protect privacy?', 'other'],
  ])('%s → %s', (q, type) => {
    expect(questionShape(q).type).toBe(type);
  });

  it('tells a past event from a condition, and a founder from a participant', () => {
    expect(questionShape('When did it ship?').past).toBe(true);
    expect(questionShape('When do errors get fixed?').past).toBeFalsy();
    expect(questionShape('Who founded it?').origin).toBe(true);
    expect(questionShape('Who is helping speakers of rare languages?').origin).toBeFalsy();
  });

  it('tells a calendar date from any time, and where something is based from where it is', () => {
    expect(questionShape('What year did the lab publish it?').calendar).toBe(true);
    expect(questionShape('on what date was it announced').calendar).toBe(true);
    expect(questionShape('When did it ship?').calendar).toBeFalsy();
    expect(questionShape('Where is the company based?').located).toBe(true);
    expect(questionShape('where does the author work now').located).toBe(true);
    expect(questionShape('Which country is the lab in?').located).toBe(true);
    expect(questionShape('Where do developers share code?').located).toBeFalsy();
    expect(questionShape('where does the training data come from').located).toBeFalsy();
  });

  it('reads what "how many" counts', () => {
    expect(questionShape('How many African languages does it cover?').counted).toEqual([
      'african',
      'languages',
    ]);
    expect(questionShape('how many stars on github').counted).toEqual(['stars']);
    expect(questionShape('how many contributors').counted).toEqual(['contributors']);
    expect(questionShape('How many people use it?').counted).toBeUndefined();
    expect(questionShape('how many of them are free').counted).toBeUndefined();
    expect(questionShape('ok but how many?')).toEqual({ type: 'count' });
    expect(questionShape('how many 4090s would i need')).toEqual({ type: 'count' });
  });
});

describe('whether a passage holds an answer of the type', () => {
  const holds = (q: string, text: string, section = '') =>
    passageHolds(questionShape(q), { text, section }, q);

  it('needs a currency amount or a cost figure for a price', () => {
    expect(holds('How much does the course cost?', 'The course is popular with students.')).toBe(false);
    expect(holds('How much does the course cost?', 'The course costs $49 a month.')).toBe(true);
    expect(holds('How much does the course cost?', 'It is offered free of charge.')).toBe(true);
    expect(holds('How much does the course cost?', 'It once required millions of dollars.')).toBe(true);
  });

  it('needs a date for a past event, and a number for a count that is not in the question', () => {
    expect(holds('When did the lab release the model?', 'The lab released the model to the public.')).toBe(
      false,
    );
    expect(holds('When did the lab release the model?', 'The lab released the model in March 2023.')).toBe(
      true,
    );
    expect(holds('When did the lab release the model?', 'It came out three years ago.')).toBe(true);
    expect(holds('How many users does GPT-2 have?', 'GPT-2 was open-source.')).toBe(false);
    expect(holds('How many users does it have?', 'It has 40,000 users.')).toBe(true);
    expect(holds('How many users does it have?', 'Thousands of users rely on it.')).toBe(true);
  });

  it('needs a number of what "how many" counts, not of something else', () => {
    const q = 'How many contributors does the library have?';
    expect(holds(q, 'It once cost millions of dollars to build.')).toBe(false);
    expect(holds(q, 'Thousands of contributors improve it.')).toBe(true);
    expect(holds(q, 'It has 1,200 active open-source contributors.')).toBe(true);
    expect(holds('How many people use the library?', 'Thousands of developers use it.')).toBe(true);
  });

  it('takes seasons, parts of the day and recurrences as times, and any phrase of location as a place', () => {
    expect(holds('When is honey harvested?', 'Honey is harvested in late summer.')).toBe(true);
    expect(holds('When do owls hunt?', 'Owls hunt at night.')).toBe(true);
    expect(holds('When is the market open?', 'The market opens every Saturday.')).toBe(true);
    expect(holds('When is honey harvested?', 'Honey is sweet and keeps for years.')).toBe(false);
    expect(holds('Where should I put a beehive?', 'Put the hive in a sunny spot.')).toBe(true);
    expect(holds('Where should I put a beehive?', 'It should stand sheltered from the wind.')).toBe(true);
    expect(holds('Where should I put a beehive?', 'Beehives are made of wood.')).toBe(false);
  });

  it('needs a calendar date for "what year", and a named place for where something is based', () => {
    const year = 'What year did the lab release the model?';
    expect(holds(year, 'In recent years, labs have released many models.')).toBe(false);
    expect(holds(year, 'The lab released the model in 2019.')).toBe(true);
    expect(holds(year, 'It came out three years ago.')).toBe(true);
    expect(holds('When did labs release models?', 'In recent years, labs have released models.')).toBe(true);
    const based = 'Where is the Acme Lab based?';
    expect(holds(based, 'The Acme Lab, run by Ada Lovelace, shares models on a public hub.')).toBe(false);
    expect(holds(based, 'The Acme Lab, run by volunteers from Kenya, shares its models.')).toBe(true);
    expect(holds(based, 'The lab is based in a former factory.')).toBe(true);
    expect(holds('Where is the lab based?', 'Acme Lab shares models across Europe.')).toBe(true);
  });

  it('needs someone said to have done it for a founder, and a name or a group otherwise', () => {
    expect(holds('Who created the library?', 'The library is widely used for translation.')).toBe(false);
    expect(holds('Who created the library?', 'The library was created by Ada Lovelace.')).toBe(true);
    expect(holds('Who created the library?', 'It is popular.', 'The Library (by Acme Labs)')).toBe(true);
    expect(holds('Who keeps the project alive?', 'Volunteers keep the project alive.')).toBe(true);
  });

  it('needs a named licence for "which licence"', () => {
    const q = 'Which licence does the library use?';
    expect(holds(q, 'The library is released under the MIT License.')).toBe(true);
    expect(holds(q, 'It is licensed under Apache 2.0.')).toBe(true);
    expect(holds(q, 'It is GPL-licensed.')).toBe(true);
    expect(holds(q, 'Open-source licenses can be complex.')).toBe(false);
    expect(holds(q, 'Misunderstanding these licenses can lead to legal trouble.')).toBe(false);
    expect(holds('Which licence does the Acme library use?', 'The Acme License is short.')).toBe(false);
  });

  it('needs instructions for steps', () => {
    expect(holds('How do I install the tool?', 'The tool is a popular framework for vision.')).toBe(false);
    expect(holds('How do I install the tool?', 'Run `npm install tool` in a terminal.')).toBe(true);
    expect(
      holds('How do I install the tool?', 'Download the archive. Open the folder. Run the installer.'),
    ).toBe(true);
    expect(holds('How do I install the tool?', 'First unpack it, then start it.')).toBe(true);
  });

  it('never declines yes/no, definition or other questions', () => {
    expect(checkAnswerType('What is nanoGPT?', [{ text: 'Nothing relevant.' }]).reason).toBeUndefined();
    expect(checkAnswerType('Is it fast?', [{ text: 'Nothing relevant.' }]).reason).toBeUndefined();
  });
});

describe('questions about what the articles mention but never give', () => {
  it('declines "How much does nanoGPT cost?" and shows the passage that mentions nanoGPT', () => {
    const a = answerQuestion(index, 'How much does nanoGPT cost?');
    expect(a.answered).toBe(false);
    expect(a.declineReason).toBe("The articles don't say what it costs.");
    expect(a.passages).toEqual([]);
    expect(a.subject).toBe('nanoGPT');
    expect(a.related.some((p) => p.passage.text.includes('nanoGPT by Andrej Karpathy'))).toBe(true);
  });

  it.each([
    ['Who founded Hugging Face?', "The articles don't say who.", 'Hugging Face'],
    ['When did Meta release the LLaMA models?', "The articles don't say when it happened.", 'LLaMA'],
    ['How many African languages does Masakhane cover?', "The articles don't say how many.", 'Masakhane'],
    [
      'How do I set up federated learning on my phone?',
      "The articles don't say how to set it up.",
      'Federated learning',
    ],
  ])('%s → %s', (q, reason, mentioned) => {
    const a = answerQuestion(index, q);
    expect(a.answered).toBe(false);
    expect(a.declineReason).toBe(reason);
    expect(a.related.length).toBeGreaterThan(0);
    expect(a.related[0]?.passage.text).toContain(mentioned);
  });

  it.each([
    ['Who wrote nanoGPT?', 'nanoGPT by Andrej Karpathy'],
    ['Who backs PyTorch?', 'backed by Meta'],
    ['How many innovators do projects like nanoGPT enable?', 'thousands of innovators'],
    ['How much money did AI development use to require?', 'millions of dollars'],
    ['How much do the AI courses from MIT and Coursera cost?', 'free or affordable'],
    [
      'When did open-source AI models surge from research labs into the hands of developers?',
      'In recent years',
    ],
  ])('answers %s when the passage holds it', (q, snippet) => {
    const a = answerQuestion(index, q);
    expect(a.answered).toBe(true);
    expect(a.related).toEqual([]);
    expect(a.passages.some((p) => p.passage.text.includes(snippet))).toBe(true);
  });

  it('ranks without deciding when asked to (evaluation), so the check stays out of rankings', () => {
    const a = answerQuestion(index, 'Who founded Hugging Face?', { decide: false });
    expect(a.answered).toBe(true);
    expect(a.passages.length).toBeGreaterThan(0);
  });
});

describe('rendering a decline with related passages', () => {
  const result = (): AskResult => ({
    kind: 'answer',
    answer: answerQuestion(index, 'How much does nanoGPT cost?'),
    articles: index.articles,
  });

  it('JSON: answered false, a reason, and the passages under related, not passages', () => {
    const j = answerJson('How much does nanoGPT cost?', result());
    expect(j.answered).toBe(false);
    expect(j.reason).toBe("The articles don't say what it costs.");
    expect(j.passages).toEqual([]);
    expect(j.subject).toBe('nanoGPT');
    expect(j.related?.some((p) => p.text.includes('nanoGPT by Andrej Karpathy'))).toBe(true);
    expect(j.related?.[0]).toHaveProperty('lines');
  });

  it('terminal: the reason, then the related quotes', () => {
    const out = renderAsk(result(), plainStyle);
    expect(out.split('\n')[0]).toBe("The articles don't say what it costs. They mention nanoGPT here:");
    expect(out).toContain('*nanoGPT*');
    expect(out).toContain('the-rise-of-open-source-ai.txt, lines');
    expect(out).not.toContain("The articles don't answer that.");
  });

  it('Discord: a decline with the related quotes, within the limits, pinging no one', () => {
    const stored = new AnswerStore({ now: () => 0 }).add({
      userId: '42',
      answer: result().answer,
      articles: index.articles,
      perPage: 3,
      private: false,
    });
    const reply = renderAnswerPage(stored, 0, { signer: new CustomIdSigner(), canPost: false });
    expect(reply.embeds[0]?.description).toBe(
      "The articles don't say what it costs. They mention nanoGPT here:",
    );
    expect(reply.embeds.slice(1).some((e) => e.description?.includes('nanoGPT'))).toBe(true);
    expect(reply.embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
    expect(reply.allowed_mentions).toEqual({ parse: [] });
  });
});
