// The `WWW-Authenticate` header of a registry's 401, read as RFC 7235 section 4.1 writes it: a comma-separated list
// of challenges, each a scheme followed by either one token68 or comma-separated `name=value` parameters whose values
// are tokens or quoted strings with backslash escapes. The registry login check needs the Bearer `realm`, `service`
// and `error`, and whether Basic is offered.

/** One challenge of a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** The auth scheme in lower case (`basic`, `bearer`): schemes are case-insensitive. */
  readonly scheme: string;
  /** The parameters by lower-cased name (names are case-insensitive, values are not); the first of a repeated name wins. */
  readonly params: Readonly<Record<string, string>>;
  /** The token68 form (`Negotiate abc==`), when the challenge carries one instead of parameters. */
  readonly token68?: string;
}

// RFC 7230 tchar, and RFC 7235 token68
const TOKEN_RE = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;
const TOKEN68_RE = /[A-Za-z0-9\-._~+/]+=*/y;
const WHITESPACE_RE = /[ \t]*/y;

/**
 * Every challenge of a `WWW-Authenticate` value, in order. Several headers joined with ', ' (as fetch's `Headers.get`
 * joins them) read the same as one list. A part that does not parse is skipped up to the next comma, so one odd
 * challenge does not hide the others.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const reader = new Reader(header);
  const challenges: AuthChallenge[] = [];
  while (reader.skipListSeparators()) {
    const scheme = reader.match(TOKEN_RE);
    if (scheme === undefined) {
      reader.skipPastComma();
      continue;
    }
    const params: Record<string, string> = {};
    let token68: string | undefined;
    // a parameter list or a token68 needs at least one space after the scheme
    if (reader.skipSpaces()) {
      const first = reader.param();
      if (first) {
        setParam(params, first);
        // after a comma, `name=` continues this challenge's parameters; anything else starts the next challenge
        while (reader.atCommaThenParam()) {
          reader.skipListSeparators();
          setParam(params, reader.param()!);
        }
      } else {
        token68 = reader.token68();
      }
    }
    challenges.push(token68 === undefined ? { scheme: scheme.toLowerCase(), params } : { scheme: scheme.toLowerCase(), params, token68 });
    reader.skipSpaces();
    if (!reader.atEnd() && !reader.atComma()) {
      reader.skipPastComma();
    }
  }
  return challenges;
}

function setParam(params: Record<string, string>, [name, value]: [string, string]): void {
  const key = name.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(params, key)) {
    params[key] = value;
  }
}

/** A cursor over the header value; every method either consumes what it matched or leaves the position alone. */
class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  atComma(): boolean {
    return this.text[this.pos] === ',';
  }

  /** Skips whitespace and empty list elements (`#rule` allows `, ,`); false at the end of the header. */
  skipListSeparators(): boolean {
    while (!this.atEnd() && /[ \t,]/.test(this.text[this.pos])) this.pos++;
    return !this.atEnd();
  }

  /** Skips spaces and tabs; true when there was at least one. */
  skipSpaces(): boolean {
    const start = this.pos;
    this.match(WHITESPACE_RE);
    return this.pos > start;
  }

  skipPastComma(): void {
    const comma = this.text.indexOf(',', this.pos);
    this.pos = comma < 0 ? this.text.length : comma + 1;
  }

  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  /** `name BWS = BWS (token / quoted-string)`, ending at a comma or the end; undefined (position kept) otherwise. */
  param(): [string, string] | undefined {
    const start = this.pos;
    const name = this.match(TOKEN_RE);
    if (name !== undefined) {
      this.skipSpaces();
      if (this.text[this.pos] === '=') {
        this.pos++;
        this.skipSpaces();
        const value = this.text[this.pos] === '"' ? this.quotedString() : this.match(TOKEN_RE);
        this.skipSpaces();
        if (value !== undefined && (this.atEnd() || this.atComma())) {
          return [name, value];
        }
      }
    }
    this.pos = start;
    return undefined;
  }

  /** A token68 ending at a comma or the end; undefined (position kept) otherwise. */
  token68(): string | undefined {
    const start = this.pos;
    const value = this.match(TOKEN68_RE);
    this.skipSpaces();
    if (value !== undefined && (this.atEnd() || this.atComma())) return value;
    this.pos = start;
    return undefined;
  }

  /** At `, name=`: the next list element is another parameter of the current challenge. */
  atCommaThenParam(): boolean {
    if (!this.atComma()) return false;
    const start = this.pos;
    this.skipListSeparators();
    const isParam = !this.atEnd() && this.param() !== undefined;
    this.pos = start;
    return isParam;
  }

  /** `"..."` with `\x` standing for `x`; undefined (position kept) when the closing quote is missing. */
  private quotedString(): string | undefined {
    const start = this.pos;
    let value = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '"') {
        this.pos = i + 1;
        return value;
      }
      if (c === '\\' && i + 1 < this.text.length) {
        i++;
        value += this.text[i];
      } else {
        value += c;
      }
    }
    this.pos = start;
    return undefined;
  }
}
