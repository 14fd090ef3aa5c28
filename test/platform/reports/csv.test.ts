/**
 * CSV cells a spreadsheet opens as one inert cell: every cell holding a line break is quoted (a bare LF or CR starts
 * a new row in a spreadsheet), and every line of a cell that starts as a formula is neutralised, not only the first.
 * The in-memory writer and the stream write the same text.
 */
import { expect } from 'chai';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvCell, csvChunks, csvHeader, csvRow, csvStream, toCsv, type CsvColumn } from '../../../platform/reports/csv.js';
import { spreadsheetRows } from './spreadsheet-rows.js';

const columns: CsvColumn[] = [{ key: 'a', header: 'A' }, { key: 'b', header: '=Header' }];

/** Hostile values and the cell a spreadsheet must show for each. */
const cells: [unknown, string | number][] = [
  ['see below\n=cmd|\' /C calc\'!A0', 'see below\n\'=cmd|\' /C calc\'!A0'],
  ['\r=1+1', '\'\r\'=1+1'],
  ['line one\r\n+SUM(A1)\r\n-2\n@x\n\tTab', 'line one\r\n\'+SUM(A1)\r\n\'-2\n\'@x\n\'\tTab'],
  ['=1\n=2\n=3', '\'=1\n\'=2\n\'=3'],
  ['\uFF1D1+1', '\'\uFF1D1+1'],
  ['plain, "quoted"\nline two', 'plain, "quoted"\nline two'],
  ['a\rb', 'a\rb'],
  ['-', '\'-'],
  ['', ''],
  [null, ''],
  [undefined, ''],
  [-5, -5],
  [0, 0],
  [12.25, 12.25],
  [true, 'true'],
  [false, 'false'],
  [{ note: '=1+1\n=2' }, '{"note":"=1+1\\n=2"}'],
  [['=x', 'y'], '["=x","y"]'],
  ['2026-11-22T12:00:00.000Z', '2026-11-22T12:00:00.000Z'],
];

describe('reports: CSV', () => {
  it('neutralises a formula start on every line of a cell, and leaves numbers, booleans and JSON readable', () => {
    for (const [value, expected] of cells) expect(csvCell(value), JSON.stringify(value)).to.deep.equal(expected);
  });

  it('quotes every cell holding CR or LF, so each record stays one spreadsheet row', () => {
    const rows = cells.map(([value]) => ({ a: value, b: 'x' }));
    const csv = toCsv(rows, columns);
    // Outside quoted cells, the only line breaks are the CRLF record ends.
    const unquoted = csv.replace(/"(?:[^"]|"")*"/g, '""');
    expect(unquoted.replace(/\r\n/g, '')).to.not.match(/[\r\n]/);
    const parsed = spreadsheetRows(csv);
    expect(parsed).to.have.length(cells.length + 1);
    expect(parsed[0]).to.deep.equal(['A', '\'=Header']);
    parsed.slice(1).forEach((row, i) => expect(row, JSON.stringify(cells[i]![0])).to.deep.equal([String(cells[i]![1]), 'x']));
  });

  it('streams the same text as the in-memory writer, the header line first and then in chunks', async () => {
    const rows = cells.map(([value]) => ({ a: value, b: value }));
    const chunks: string[] = [];
    const source = Readable.from([csvHeader(columns), ...rows.map((r) => csvRow(r, columns))]);
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { chunks.push(chunk.toString('utf8')); done(); } });
    await pipeline(source, csvStream(), csvChunks(100), sink);
    expect(chunks.join('')).to.equal(toCsv(rows, columns));
    expect(chunks[0]).to.equal('A,\'=Header\r\n');
    expect(chunks.length).to.be.above(2);
    expect(chunks.slice(1, -1).every((c) => Buffer.byteLength(c) >= 100)).to.equal(true);
  });
});
