/**
 * What the command prints looks like: colour only on a terminal (and never with NO_COLOR), tables that fit the width
 * (80 columns when the output is not a terminal), and no control character from the manifests reaching the terminal
 * (`printable`, in the input layer, which the policy and the plugin use too).
 */
import { maxOf } from '../input/arrays';

/** Where the command writes, and how. */
export interface Output {
  write(text: string): void;
  /** Colour and bold are used. */
  readonly color: boolean;
  /** The width every line fits in. */
  readonly width: number;
}

/** The width when the output is not a terminal, and the narrowest layout tried. */
export const DEFAULT_WIDTH = 80;
const MIN_WIDTH = 40;

/** An Output for a stream: colour on a TTY unless NO_COLOR is set to anything non-empty (no-color.org). */
export function streamOutput(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Output {
  const tty = stream.isTTY === true;
  const columns = tty && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : DEFAULT_WIDTH;
  return {
    write: (text) => stream.write(text),
    color: tty && !env.NO_COLOR,
    width: Math.max(MIN_WIDTH, columns),
  };
}

/** The styles the command uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

const CODES: Record<Style, [number, number]> = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39],
};

/** `text` in `style` when colour is on. */
export function paint(out: Output, style: Style | undefined, text: string): string {
  if (!out.color || style === undefined || text === '') return text;
  const [on, off] = CODES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/** One cell of a table. */
export interface Cell {
  readonly text: string;
  readonly style?: Style;
  /** Spaces before the text, on every line it wraps onto. */
  readonly indent?: number;
}

/** A row of cells, or one cell across the whole table (a group heading). */
export type Row = readonly Cell[] | { readonly span: Cell };

/** A column of a table. */
export interface Column {
  readonly header: string;
  /** May be narrowed below its content; the content then wraps onto more lines. */
  readonly wrap?: boolean;
  /** The narrowest it gets. */
  readonly min?: number;
}

const GAP = 2;

/**
 * The lines of a table whose columns fit `out.width` after `indent` spaces: the wrapping columns are narrowed, widest
 * first, and their cells wrap after a `/` where they can, else after `:`, `@`, `.`, `-`, `_` or a space. Nothing is
 * cut off.
 */
export function table(out: Output, columns: readonly Column[], rows: readonly Row[], indent = 2): string[] {
  const cellsOf = (r: Row): readonly Cell[] => ('span' in r ? [] : r);
  const widths = columns.map((c, i) => maxOf(rows.map((r) => {
    const cell = cellsOf(r)[i];
    return cell ? cell.text.length + (cell.indent ?? 0) : 0;
  }), c.header.length));
  const available = out.width - indent - GAP * (columns.length - 1);
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  while (excess > 0) {
    let widest = -1;
    columns.forEach((c, i) => {
      if (c.wrap && widths[i] > Math.max(c.min ?? 8, c.header.length) && (widest < 0 || widths[i] > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest]--;
    excess--;
  }
  const pad = ' '.repeat(indent);
  const render = (r: Row): string[] => {
    if ('span' in r) return paragraph(out, r.span.text, indent + (r.span.indent ?? 0)).map((l) => paint(out, r.span.style, l));
    const wrapped = columns.map((_, i) => {
      const cell = r[i];
      const inner = cell?.indent ?? 0;
      return wrap(cell?.text ?? '', Math.max(1, widths[i] - inner)).map((l) => (l === '' ? '' : ' '.repeat(inner) + l));
    });
    const height = maxOf(wrapped.map((w) => w.length));
    const lines: string[] = [];
    for (let l = 0; l < height; l++) {
      const parts = columns.map((_, i) => {
        const text = wrapped[i][l] ?? '';
        const filler = i === columns.length - 1 ? '' : ' '.repeat(Math.max(0, widths[i] - text.length));
        const lead = text.length - text.trimStart().length;
        return text.slice(0, lead) + paint(out, r[i]?.style, text.slice(lead)) + filler;
      });
      lines.push((pad + parts.join(' '.repeat(GAP))).trimEnd());
    }
    return lines;
  };
  return [...render(columns.map((c) => ({ text: c.header, style: 'bold' as const }))), ...rows.flatMap(render)];
}

// where a long value breaks best: after a path separator, else after other punctuation
const BREAKS = ['/', ':@', '.-_ '];

/** `text` in lines of at most `width` characters, broken after a separator in the second half of the line where there is one. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0 || text.length <= width) return [text];
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = width;
    search: for (const chars of BREAKS) {
      for (let i = width; i > Math.floor(width / 2); i--) {
        if (chars.includes(rest[i - 1])) {
          cut = i;
          break search;
        }
      }
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^ +/, '');
  }
  if (rest.length > 0) lines.push(rest);
  return lines;
}

/** A paragraph wrapped to the width, every line after the first indented by `hang` more spaces. */
export function paragraph(out: Output, text: string, indent: number, hang = 2): string[] {
  const first = out.width - indent;
  const rest = first - hang;
  const lines: string[] = [];
  let line = '';
  const limit = (): number => (lines.length === 0 ? first : rest);
  for (const word of text.split(' ')) {
    let remaining = word;
    while (remaining !== '') {
      const room = line === '' ? limit() : limit() - line.length - 1;
      if (remaining.length <= room) {
        line = line === '' ? remaining : `${line} ${remaining}`;
        remaining = '';
      } else if (line !== '' && remaining.length <= limit()) {
        lines.push(line);
        line = '';
      } else {
        // a word longer than a whole line: break it at a separator, or hard
        const [piece] = wrap(remaining, line === '' ? limit() : Math.max(room, 1));
        if (line !== '' && piece.length < 8) {
          lines.push(line);
          line = '';
          continue;
        }
        line = line === '' ? piece : `${line} ${piece}`;
        remaining = remaining.slice(piece.length);
        lines.push(line);
        line = '';
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((l, i) => ' '.repeat(indent + (i === 0 ? 0 : hang)) + l);
}

/** One line of styled parts when it fits the width; otherwise the plain text, wrapped (colour never spans a line break). */
export function line(out: Output, parts: readonly Cell[], indent = 0): string[] {
  const plain = parts.map((p) => p.text).join('');
  if (indent + plain.length <= out.width) return [' '.repeat(indent) + parts.map((p) => paint(out, p.style, p.text)).join('')];
  return paragraph(out, plain, indent);
}
