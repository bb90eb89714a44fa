import { boolean, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { columnComment, renderTables, seedColumnNames, tableComment } from './data-doc.ts';

const SEED = ['```sql', 'CREATE TABLE goals (', '    id UUID PRIMARY KEY,', '    title VARCHAR(200) NOT NULL', ');', '```'].join('\n');

// The schema source the renderer reads comments from, and the table it describes.
const SOURCE = [
  '// Goals the runner sets.',
  '/** One goal; `deleted` syncs like any field. */',
  "export const goals = pgTable('goals', {",
  "  id: uuid('id').primaryKey(),",
  "  title: text('title').notNull(),",
  '  /** Soft delete | synced. */',
  "  deleted: boolean('deleted').notNull(),",
  '});',
  '',
  "export const notes = pgTable('notes', {",
  "  id: uuid('id').primaryKey(),",
  '});',
].join('\n');
const goals = pgTable('goals', { id: uuid('id').primaryKey(), title: text('title').notNull(), deleted: boolean('deleted').notNull() });
const notes = pgTable('notes', { id: uuid('id').primaryKey() });

describe('the docs/DATA.md table section', () => {
  it("reads the seed's columns from its CREATE TABLE blocks", () => {
    expect([...seedColumnNames(SEED)]).toEqual(['goals.id', 'goals.title']);
  });

  it('takes the comment right above a column, never one further up', () => {
    expect(columnComment(SOURCE, 'deleted')).toBe('Soft delete \\| synced.');
    expect(columnComment(SOURCE, 'title')).toBe('');
  });

  it('takes the comment lines right above a table', () => {
    expect(tableComment(SOURCE.slice(0, SOURCE.indexOf('export const goals')))).toBe('Goals the runner sets. One goal; `deleted` syncs like any field.');
  });

  it('lists every table and column, marking the seed and the synced tables', () => {
    const text = renderTables([notes, goals], SOURCE, seedColumnNames(SEED));
    expect(text.indexOf('### goals (seed, synced)')).toBeLessThan(text.indexOf('### notes'));
    expect(text).toContain('| `title` | text | not null, seed |  |');
    expect(text).toContain('| `deleted` | boolean | not null | Soft delete \\| synced. |');
    expect(text).toContain('### notes\n');
  });
});
