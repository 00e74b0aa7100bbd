// Where a JSON text stops being JSON, for error messages that point at a line and column without quoting the file:
// JSON.parse's own messages embed a snippet of the text, which for a file opened by mistake is its private contents.

/** The first syntax problem of a JSON text: what is wrong and where (1-based line and column). */
export interface JsonSyntaxProblem {
  problem: string;
  line: number;
  column: number;
}

/** Finds the first JSON syntax error of `text` (null when it is valid JSON). Never echoes the text. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const fail = (problem: string): never => {
    throw Object.assign(new Error(problem), { at: i });
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const end = () => i >= text.length;
  const string = () => {
    i++;
    for (;;) {
      if (end()) fail('a text in quotes is not closed');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('a text in quotes contains a line break or control character');
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('a \\u escape needs four hex digits');
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail('unknown escape after a backslash');
      } else i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-') fail('unexpected character; expected a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nested too deeply');
    ws();
    if (end()) fail('the file ends where a value was expected');
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (end()) fail('the file ends inside an object; a closing } is missing');
        if (text[i] !== '"') fail('expected a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail(end() ? 'the file ends inside an object; a closing } is missing' : "expected ':' after a property name");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(end() ? 'the file ends inside an object; a closing } is missing' : "expected ',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(end() ? 'the file ends inside a list; a closing ] is missing' : "expected ',' or ']' after a list item");
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    number();
  };
  try {
    value(0);
    ws();
    if (!end()) fail('unexpected text after the end of the JSON');
    return null;
  } catch (e) {
    const at = Math.min((e as { at?: number }).at ?? i, text.length);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    return { problem: (e as Error).message, line, column };
  }
}
