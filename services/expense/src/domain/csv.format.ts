// CSV as RFC 4180 writes it (quotes doubled, CRLF rows), read back leniently (LF, a UTF-8 BOM).
// Text cells that a spreadsheet would run as a formula (=, +, -, @ first) are written with a leading
// apostrophe, which reading strips again, so an export re-imports unchanged.

export const EXPORT_COLUMNS = [
  'date',
  'amount',
  'currency',
  'base_amount',
  'base_currency',
  'description',
  'merchant',
  'category',
  'tags',
  'note',
  'member_id',
  'source',
  'flagged',
  'id',
] as const;

/** Separates tags inside the one `tags` cell. */
export const TAG_SEPARATOR = ';';
/** Separates a parent category's name from its child's in the `category` cell. */
export const CATEGORY_PATH_SEPARATOR = ' > ';

const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unescapeFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

function quote(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvRow(cells: readonly string[]): string {
  return cells.map(quote).join(',') + '\r\n';
}

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses CSV text into records; blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedCell = false;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    quotedCell = false;
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== '' || quotedCell) throw new CsvSyntaxError(line, 'a quote inside an unquoted cell');
      inQuotes = true;
      quotedCell = true;
    } else if (ch === ',') endCell();
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (quotedCell) throw new CsvSyntaxError(line, 'text after a closing quote');
      cell += ch;
    }
  }
  if (inQuotes) throw new CsvSyntaxError(recordLine, 'a quoted cell is never closed');
  if (cell !== '' || cells.length > 0 || quotedCell) endRecord();
  return records;
}
