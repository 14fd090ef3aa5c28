/**
 * CSV text → rows of cells, read the way a spreadsheet reads it: inside quotes anything goes (`""` is a quote);
 * outside them a comma ends a cell and CRLF, a bare LF or a bare CR ends a row. A cell holding an unquoted line
 * break therefore shows up as an extra row, which is exactly the defect the tests guard against.
 */
export function spreadsheetRows(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => { row.push(cell); rows.push(row); row = []; cell = ''; };
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i]!;
    if (quoted) {
      if (c === '"' && csv[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' || c === '\n') {
      if (c === '\r' && csv[i + 1] === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (cell !== '' || row.length) endRow();
  return rows;
}
