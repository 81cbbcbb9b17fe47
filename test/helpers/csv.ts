/** Test helper: reads CSV as RFC 4180 describes it, failing the test on a malformed file. */
import assert from 'node:assert/strict';

/** Rows of fields (quoted fields may hold commas, quotes and line breaks); asserts the text ends on a row boundary. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(q, false, 'no unterminated quote');
  assert.equal(field + row.join(''), '', 'ends on a row boundary');
  return rows;
}
